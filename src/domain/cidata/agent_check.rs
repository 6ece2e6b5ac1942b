//! Whether a cloud-config user-data brings the QEMU guest agent up on its first boot: it must
//! install the `qemu-guest-agent` package and start it through `systemctl` in `runcmd`. A
//! simulated guest uses this to decide whether its agent answers after a bake boot.
//!
//! This reads the subset of YAML cloud-configs are written in (top-level keys, block and flow
//! sequences, quoted or plain scalars, comments); anything it does not understand counts as
//! "does not install the agent", which is the safe answer.

use super::recipe::GUEST_AGENT_PACKAGE;

/// True when `user_data` is a `#cloud-config` whose `packages` include `qemu-guest-agent` and
/// whose `runcmd` starts it (`systemctl start|restart qemu-guest-agent` or `systemctl enable
/// --now qemu-guest-agent`). Enabling alone is not enough: the agent would only run after a
/// reboot the bake never does.
pub fn installs_guest_agent(user_data: &str) -> bool {
    if user_data.lines().next().map(str::trim_end) != Some("#cloud-config") {
        return false;
    }
    let installs = items(user_data, "packages").iter().any(|item| {
        tokens(item)
            .first()
            .is_some_and(|p| p == GUEST_AGENT_PACKAGE || p.starts_with(&format!("{GUEST_AGENT_PACKAGE}=")))
    });
    installs
        && items(user_data, "runcmd")
            .iter()
            .any(|item| starts_agent(&tokens(item)))
}

/// Drops a trailing `# comment` (a `#` at the start or after a space, outside quotes).
fn strip_comment(line: &str) -> &str {
    let mut quote = None;
    let mut prev = ' ';
    for (i, c) in line.char_indices() {
        match (quote, c) {
            (None, '"' | '\'') => quote = Some(c),
            (Some(q), c) if c == q => quote = None,
            (None, '#') if prev.is_whitespace() => return &line[..i],
            _ => {}
        }
        prev = c;
    }
    line
}

/// The elements of the top-level sequence under `key`, each as written (block items without
/// their `- `, continuation lines joined with a space).
fn items(text: &str, key: &str) -> Vec<String> {
    let prefix = format!("{key}:");
    let mut lines = text.lines().map(strip_comment);
    let Some(first) = lines.by_ref().find(|l| l.starts_with(&prefix)) else {
        return Vec::new();
    };
    let inline = first[prefix.len()..].trim();
    if inline.starts_with('[') {
        let mut flow = inline.to_owned();
        for line in lines {
            if depth(&flow) == 0 {
                break;
            }
            flow.push(' ');
            flow.push_str(line.trim());
        }
        return flow_elements(&flow);
    }
    let mut out: Vec<String> = Vec::new();
    for line in lines {
        let trimmed = line.trim();
        if trimmed.is_empty() {
            continue;
        }
        let top_level = !line.starts_with(' ') && !line.starts_with('\t');
        if top_level && !trimmed.starts_with('-') {
            break;
        }
        match trimmed.strip_prefix('-') {
            Some(rest) if rest.is_empty() || rest.starts_with(' ') => out.push(rest.trim().to_owned()),
            _ => match out.last_mut() {
                Some(last) => {
                    last.push(' ');
                    last.push_str(trimmed);
                }
                None => break,
            },
        }
    }
    out
}

/// How many `[` are still open in `s` (outside quotes).
fn depth(s: &str) -> i32 {
    let mut depth = 0;
    let mut quote = None;
    for c in s.chars() {
        match (quote, c) {
            (None, '"' | '\'') => quote = Some(c),
            (Some(q), c) if c == q => quote = None,
            (None, '[') => depth += 1,
            (None, ']') => depth -= 1,
            _ => {}
        }
    }
    depth
}

/// The top-level elements of a flow sequence `[a, [b, c], "d"]`, each as written.
fn flow_elements(flow: &str) -> Vec<String> {
    let inner = flow.trim();
    let Some(inner) = inner.strip_prefix('[').and_then(|s| s.strip_suffix(']')) else {
        return Vec::new();
    };
    let mut out = Vec::new();
    let mut current = String::new();
    let (mut level, mut quote) = (0, None);
    for c in inner.chars() {
        match (quote, c) {
            (None, '"' | '\'') => quote = Some(c),
            (Some(q), c) if c == q => quote = None,
            (None, '[') => level += 1,
            (None, ']') => level -= 1,
            (None, ',') if level == 0 => {
                out.push(std::mem::take(&mut current).trim().to_owned());
                continue;
            }
            _ => {}
        }
        current.push(c);
    }
    if !current.trim().is_empty() {
        out.push(current.trim().to_owned());
    }
    out
}

fn unquote(s: &str) -> &str {
    let s = s.trim();
    for q in ['"', '\''] {
        if let Some(inner) = s.strip_prefix(q).and_then(|r| r.strip_suffix(q)) {
            return inner;
        }
    }
    s
}

/// An item's words: a flow sequence's elements, or a scalar split on whitespace.
fn tokens(item: &str) -> Vec<String> {
    if item.trim_start().starts_with('[') {
        flow_elements(item).iter().map(|e| unquote(e).to_owned()).collect()
    } else {
        unquote(item).split_whitespace().map(str::to_owned).collect()
    }
}

fn starts_agent(tokens: &[String]) -> bool {
    let unit = |t: &str| t == GUEST_AGENT_PACKAGE || t == format!("{GUEST_AGENT_PACKAGE}.service");
    let separator = |t: &str| matches!(t, "&&" | "||" | ";" | "|");
    let mut rest = tokens;
    while let Some(at) = rest.iter().position(|t| t == "systemctl" || t.ends_with("/systemctl")) {
        let command: Vec<&str> = rest[at + 1..]
            .iter()
            .map(|t| t.trim_end_matches(';'))
            .take_while(|t| !separator(t))
            .collect();
        let words: Vec<&str> = command.iter().copied().filter(|t| !t.starts_with('-')).collect();
        let now = command.contains(&"--now");
        let starts = match words.first() {
            Some(&"start" | &"restart") => true,
            Some(&"enable") => now,
            _ => false,
        };
        if starts && words.iter().skip(1).any(|w| unit(w)) {
            return true;
        }
        rest = &rest[at + 1..];
    }
    false
}
