//! Recognising Gopher's bootstrap command in a `sh -c` script by its shape, as a simulated guest
//! must: a `curl … -o "$f" 'URL'` line whose last argument is the single-quoted bootstrap URL, and
//! a later `GOPHER_MACHINE_NAME='…' GOPHER_SSH_USER='…' bash "$f"` line running what it
//! fetched. Other lines (`set -eu`, `f=$(mktemp)`, `rm -f "$f"`) do nothing in the simulation.
//! Quoting is read as POSIX `sh` does (`'…'`, `"…"`, `\`), so `'\''` is a quote inside a value.

/// What a bootstrap-shaped script asks the guest to run.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BootstrapRun {
    /// The script's URL, as curl fetches it.
    pub url: String,
    /// `GOPHER_MACHINE_NAME`: the name the machine registers under.
    pub name: String,
    /// `GOPHER_SSH_USER`: the user its SSH back-tunnel logs in as.
    pub user: String,
}

/// One shell word: as written, and after quote removal.
#[derive(Debug)]
pub(super) struct Word {
    pub raw: String,
    pub value: String,
}

/// The words of one line, or `None` when a quote is left open.
pub(super) fn words(line: &str) -> Option<Vec<Word>> {
    let mut out = Vec::new();
    let mut chars = line.chars().peekable();
    loop {
        while chars.next_if(|c| c.is_whitespace()).is_some() {}
        if chars.peek().is_none() {
            return Some(out);
        }
        let (mut raw, mut value) = (String::new(), String::new());
        while let Some(c) = chars.next_if(|c| !c.is_whitespace()) {
            raw.push(c);
            match c {
                '\'' => loop {
                    let c = chars.next()?;
                    raw.push(c);
                    if c == '\'' {
                        break;
                    }
                    value.push(c);
                },
                '"' => loop {
                    let c = chars.next()?;
                    raw.push(c);
                    match c {
                        '"' => break,
                        '\\' if chars.peek().is_some_and(|n| matches!(n, '"' | '\\' | '$' | '`')) => {
                            let n = chars.next()?;
                            raw.push(n);
                            value.push(n);
                        }
                        _ => value.push(c),
                    }
                },
                '\\' => {
                    let n = chars.next()?;
                    raw.push(n);
                    value.push(n);
                }
                _ => value.push(c),
            }
        }
        out.push(Word { raw, value });
    }
}

/// Whether `raw` is one single-quoted value, possibly with `'\''` quotes inside it.
fn single_quoted(raw: &str) -> bool {
    raw.len() >= 2 && raw.starts_with('\'') && raw.ends_with('\'') && {
        let inner = raw[1..raw.len() - 1].replace(r"'\''", "");
        !inner.contains('\'')
    }
}

/// The single-quoted value of `NAME='…'` among `words`, if one is written so.
fn assigned(words: &[Word], name: &str) -> Option<String> {
    words.iter().find_map(|w| {
        let rest = w.raw.strip_prefix(name)?.strip_prefix('=')?;
        single_quoted(rest).then(|| w.value[name.len() + 1..].to_owned())
    })
}

/// The bootstrap `script` runs, if it has the bootstrap command's shape.
pub fn recognise(script: &str) -> Option<BootstrapRun> {
    let lines: Vec<Vec<Word>> = script.lines().filter_map(words).collect();
    let (at, url, target) = lines.iter().enumerate().find_map(|(i, w)| {
        let last = w.last()?;
        if w.first()?.value != "curl" || w.len() < 2 || !single_quoted(&last.raw) {
            return None;
        }
        let target = w.iter().position(|x| x.value == "-o").and_then(|o| w.get(o + 1))?;
        Some((i, last.value.clone(), target.value.clone()))
    })?;
    lines[at + 1..].iter().find_map(|w| {
        let bash = w.iter().position(|x| x.value == "bash")?;
        if w.get(bash + 1)?.value != target {
            return None;
        }
        let env = &w[..bash];
        Some(BootstrapRun {
            url: url.clone(),
            name: assigned(env, "GOPHER_MACHINE_NAME")?,
            user: assigned(env, "GOPHER_SSH_USER")?,
        })
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    const SCRIPT: &str = "set -eu\n\
        f=$(mktemp)\n\
        curl -fsS --retry 3 --max-time 60 -o \"$f\" 'http://127.0.0.1:9/bootstrap/t0k?a=1&b=2'\n\
        GOPHER_MACHINE_NAME='web-1' GOPHER_SSH_USER='o'\\''brien' bash \"$f\" </dev/null\n\
        rm -f \"$f\"";

    #[test]
    fn the_bootstrap_shape_yields_its_url_name_and_user_with_quotes_undone() {
        assert_eq!(
            recognise(SCRIPT),
            Some(BootstrapRun {
                url: "http://127.0.0.1:9/bootstrap/t0k?a=1&b=2".into(),
                name: "web-1".into(),
                user: "o'brien".into(),
            })
        );
    }

    #[test]
    fn scripts_of_another_shape_are_not_a_bootstrap() {
        let unquoted_url = SCRIPT.replace("'http://127.0.0.1:9/bootstrap/t0k?a=1&b=2'", "http://x/b");
        let no_user = SCRIPT.replace("GOPHER_SSH_USER='o'\\''brien' ", "");
        let other_file = SCRIPT.replace("bash \"$f\"", "bash /tmp/other");
        let run_before_fetch = "GOPHER_MACHINE_NAME='a' GOPHER_SSH_USER='b' bash \"$f\"\n\
                                curl -o \"$f\" 'http://x/b'";
        for script in [
            unquoted_url.as_str(),
            no_user.as_str(),
            other_file.as_str(),
            run_before_fetch,
            "echo hello",
            "curl 'http://x/b",
        ] {
            assert_eq!(recognise(script), None, "{script}");
        }
    }

    #[test]
    fn words_undo_sh_quoting() {
        let w = words(r#"a 'b c' "d \"e\" $f" g\ h 'i'\''j'"#).unwrap();
        let values: Vec<&str> = w.iter().map(|w| w.value.as_str()).collect();
        assert_eq!(values, ["a", "b c", "d \"e\" $f", "g h", "i'j"]);
        assert!(single_quoted(&w[4].raw) && !single_quoted(&w[3].raw));
        assert!(words("echo 'open").is_none());
    }
}
