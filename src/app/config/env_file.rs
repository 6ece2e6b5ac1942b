//! Editing an env file the way an operator would: a setting is changed on its own line, a
//! commented-out placeholder (`#PROXMOX_HOST=`, as `nimbus install` writes them) becomes the
//! setting, a new setting goes at the end, and every comment, blank line and line Nimbus does
//! not own stays as it was. Values are quoted so that both readers of the file — Nimbus's own
//! (dotenv rules) and systemd's `EnvironmentFile=` — read back exactly the text written.

/// An env file's lines, editable by key.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EnvFile {
    lines: Vec<String>,
}

impl EnvFile {
    /// Reads `text` (any content: lines that are not settings are kept verbatim).
    pub fn parse(text: &str) -> Self {
        Self {
            lines: text.lines().map(str::to_owned).collect(),
        }
    }

    /// Sets `key` to `value`: on the key's line (later duplicates, which would override it, are
    /// removed), else on its commented-out placeholder, else on a new line at the end.
    pub fn set(&mut self, key: &str, value: &str) {
        let line = format!("{key}={}", quote(value));
        let active: Vec<usize> = (0..self.lines.len())
            .filter(|&i| setting_key(&self.lines[i]) == Some(key))
            .collect();
        if let Some((&first, rest)) = active.split_first() {
            self.lines[first] = line;
            for &i in rest.iter().rev() {
                self.lines.remove(i);
            }
            return;
        }
        if let Some(i) = self.lines.iter().position(|l| placeholder_key(l) == Some(key)) {
            self.lines[i] = line;
            return;
        }
        self.lines.push(line);
    }

    /// Removes every line that sets `key`.
    pub fn remove(&mut self, key: &str) {
        self.lines.retain(|l| setting_key(l) != Some(key));
    }

    /// The file's text, ending with a newline.
    pub fn render(&self) -> String {
        let mut text = self.lines.join("\n");
        text.push('\n');
        text
    }
}

/// The key a `KEY=value` (or `export KEY=value`) line sets.
fn setting_key(line: &str) -> Option<&str> {
    let line = line.trim_start();
    let line = line.strip_prefix("export ").unwrap_or(line);
    let (key, _) = line.split_once('=')?;
    valid_key(key).then_some(key)
}

/// The key of a commented-out setting, `#KEY=…`.
fn placeholder_key(line: &str) -> Option<&str> {
    let rest = line.trim_start().strip_prefix('#')?;
    let (key, _) = rest.split_once('=')?;
    valid_key(key).then_some(key)
}

fn valid_key(key: &str) -> bool {
    !key.is_empty()
        && key
            .chars()
            .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit() || c == '_')
        && !key.starts_with(|c: char| c.is_ascii_digit())
}

/// `value` as both readers take it literally: bare when it holds only plain characters, in
/// single quotes (no escapes, no expansion in either reader) otherwise, and in double quotes
/// with `\` escapes only when it holds a single quote.
fn quote(value: &str) -> String {
    let plain = value
        .chars()
        .all(|c| c.is_ascii_alphanumeric() || "@!%+,-./:=_~".contains(c));
    if plain {
        return value.to_string();
    }
    if !value.contains('\'') {
        return format!("'{value}'");
    }
    let mut out = String::from("\"");
    for c in value.chars() {
        if matches!(c, '"' | '\\' | '$' | '`') {
            out.push('\\');
        }
        out.push(c);
    }
    out.push('"');
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeMap;

    /// Reads `text` with the same dotenv reader `nimbus serve` uses.
    fn read_back(text: &str) -> BTreeMap<String, String> {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("nimbus.env");
        std::fs::write(&path, text).unwrap();
        dotenvy::from_path_iter(&path).unwrap().map(Result::unwrap).collect()
    }

    const STUB: &str = "# Nimbus settings\n#PROXMOX_HOST=https://pve1.example.lan:8006\n#IP_POOL_START=\n\nOTHER_TOOL='keep me' # theirs\nPORT=8080\n";

    #[test]
    fn a_placeholder_becomes_the_setting_and_everything_else_is_kept() {
        let mut file = EnvFile::parse(STUB);
        file.set("PROXMOX_HOST", "https://10.0.0.2:8006");
        file.set("PORT", "9090");
        file.set("GATEWAY_IP", "10.0.0.1");
        assert_eq!(
            file.render(),
            "# Nimbus settings\nPROXMOX_HOST=https://10.0.0.2:8006\n#IP_POOL_START=\n\nOTHER_TOOL='keep me' # theirs\nPORT=9090\nGATEWAY_IP=10.0.0.1\n"
        );
    }

    #[test]
    fn a_duplicate_that_would_override_the_change_is_removed() {
        let mut file = EnvFile::parse("PORT=1\nX=y\nPORT=2\n");
        file.set("PORT", "3");
        assert_eq!(file.render(), "PORT=3\nX=y\n");
        file.remove("X");
        assert_eq!(file.render(), "PORT=3\n");
    }

    #[test]
    fn every_value_reads_back_as_written() {
        let values = [
            "root@pam!nimbus",
            "0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0",
            "10.0.0.5,10.0.0.20-10.0.0.29",
            "1.1.1.1 8.8.8.8",
            "pa$word with $HOME and `cmd`",
            "it's \"quoted\" \\ here $X",
            "#not a comment",
            "",
            "AB:CD:EF",
        ];
        for value in values {
            let mut file = EnvFile::parse(STUB);
            file.set("PROXMOX_TOKEN_SECRET", value);
            let read = read_back(&file.render());
            assert_eq!(
                read.get("PROXMOX_TOKEN_SECRET").map(String::as_str),
                Some(value),
                "{}",
                file.render()
            );
            assert_eq!(read.get("OTHER_TOOL").map(String::as_str), Some("keep me"));
        }
    }
}
