//! The command line that runs Gopher's bootstrap inside a VM: fetch the one-time script to a
//! temporary file, run it with the machine's name and SSH user (so it never prompts), remove it.

/// `s` as one single-quoted shell word (a `'` inside is written `'\''`).
pub fn shell_quote(s: &str) -> String {
    format!("'{}'", s.replace('\'', r"'\''"))
}

/// `sh -c SCRIPT` running the bootstrap at `url` as machine `hostname`, SSH user `user`.
pub fn gopher_bootstrap(url: &str, hostname: &str, user: &str) -> Vec<String> {
    let script = format!(
        "set -eu\nf=$(mktemp)\ncurl -fsS --retry 3 --max-time 60 -o \"$f\" {url}\n\
         GOPHER_MACHINE_NAME={name} GOPHER_SSH_USER={user} bash \"$f\" </dev/null\nrm -f \"$f\"",
        url = shell_quote(url),
        name = shell_quote(hostname),
        user = shell_quote(user),
    );
    vec!["sh".into(), "-c".into(), script]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quotes_survive_a_quote_inside() {
        assert_eq!(shell_quote("plain"), "'plain'");
        assert_eq!(shell_quote("it's"), r"'it'\''s'");
    }

    #[test]
    fn the_script_fetches_then_runs_with_name_and_user() {
        let cmd = gopher_bootstrap("https://gw.example.org/bootstrap/abc", "web-1", "debian");
        assert_eq!(&cmd[..2], ["sh", "-c"]);
        let lines: Vec<&str> = cmd[2].lines().collect();
        assert_eq!(
            lines,
            [
                "set -eu",
                "f=$(mktemp)",
                "curl -fsS --retry 3 --max-time 60 -o \"$f\" 'https://gw.example.org/bootstrap/abc'",
                "GOPHER_MACHINE_NAME='web-1' GOPHER_SSH_USER='debian' bash \"$f\" </dev/null",
                "rm -f \"$f\"",
            ]
        );
    }
}
