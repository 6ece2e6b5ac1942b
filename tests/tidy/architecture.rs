//! ARCHITECTURE.md names only paths that exist: every backticked path in it (a token with a `/`,
//! or a file name with an extension) must be found in the repository, so the map cannot drift
//! from the territory unnoticed.

use std::path::Path;

use super::ROOT;

/// Extensions that make a backticked token a file name.
const EXTENSIONS: &[&str] = &[
    ".rs", ".ts", ".tsx", ".md", ".json", ".sh", ".mjs", ".py", ".toml", ".css",
];

/// The backticked tokens of `text` that name paths.
pub fn named_paths(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    for (i, part) in text.split('`').enumerate() {
        let token = part.trim();
        let pathlike = !token.is_empty()
            && !token.contains(' ')
            && !token.contains("::")
            && !token.starts_with('/')
            && !token.contains('*')
            && !token.contains('{')
            && (token.contains('/') || EXTENSIONS.iter().any(|e| token.ends_with(e)));
        // Odd parts are inside backticks.
        if i % 2 == 1 && pathlike && !token.starts_with("http") {
            out.push(token.to_owned());
        }
    }
    out
}

/// Whether some file or folder under `dir` is called `name`.
fn found_anywhere(dir: &Path, name: &str) -> bool {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return false;
    };
    entries.flatten().any(|e| {
        let path = e.path();
        if path.file_name().is_some_and(|n| n == name) {
            return true;
        }
        path.is_dir()
            && !["node_modules", "target", ".git", "dist"]
                .iter()
                .any(|s| path.ends_with(s))
            && found_anywhere(&path, name)
    })
}

/// The named paths that do not exist under `root`. A path with a `/` may be relative to the
/// folder a section is about (a `### \`src/app/\`` heading); a bare file name may be anywhere.
pub fn missing(text: &str, root: &Path) -> Vec<String> {
    let mut gone = Vec::new();
    let mut section = String::new();
    for line in text.lines() {
        if let Some(heading) = line.strip_prefix("### ") {
            section = named_paths(heading).into_iter().next().unwrap_or_default();
        }
        for p in named_paths(line) {
            let exists = if p.contains('/') {
                let p = p.trim_end_matches('/');
                root.join(p).exists() || root.join(&section).join(p).exists()
            } else {
                found_anywhere(root, &p)
            };
            if !exists {
                gone.push(p);
            }
        }
    }
    gone
}

#[test]
fn architecture_md_names_only_paths_that_exist() {
    let text = std::fs::read_to_string(Path::new(ROOT).join("ARCHITECTURE.md")).unwrap();
    assert!(named_paths(&text).len() > 30, "the map names too few paths to be a map");
    let gone = missing(&text, Path::new(ROOT));
    assert!(
        gone.is_empty(),
        "ARCHITECTURE.md names paths that do not exist:\n{}",
        gone.join("\n")
    );
}

#[test]
fn the_path_check_catches_a_stale_path() {
    let text =
        "See `src/domain/hostname.rs`, `src/app/` and `wiring.rs`; `Provision::apply` is no path, nor `GET /api/vms`.";
    assert_eq!(named_paths(text), ["src/domain/hostname.rs", "src/app/", "wiring.rs"]);
    assert_eq!(missing(text, Path::new(ROOT)), ["wiring.rs"]);
}
