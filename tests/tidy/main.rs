//! Tidy checks that keep the architecture honest: the layers import only what they may, every
//! public type of the use-case layer has one home, every source file starts with a `//!` line
//! saying what it is for, files stay small enough to read, and ARCHITECTURE.md names only paths
//! that exist. Each rule is a function over (path, text) pairs, so a self-test can show it
//! catching an injected violation.

use std::path::{Path, PathBuf};

mod architecture;
mod files;
mod homes;
mod layering;
mod purity;

const ROOT: &str = env!("CARGO_MANIFEST_DIR");

/// A source file: its path relative to the repository root, and its text.
pub struct Source {
    pub path: String,
    pub text: String,
}

impl Source {
    /// A file made up for a self-test.
    pub fn fake(path: &str, text: &str) -> Self {
        Self {
            path: path.to_owned(),
            text: text.to_owned(),
        }
    }
}

/// Files under `dir` (relative to the root) whose name ends with one of `extensions`, skipping
/// dependency and build folders.
pub fn sources(dir: &str, extensions: &[&str]) -> Vec<Source> {
    fn walk(dir: &Path, extensions: &[&str], out: &mut Vec<PathBuf>) {
        let Ok(entries) = std::fs::read_dir(dir) else { return };
        for entry in entries.flatten() {
            let path = entry.path();
            if path.is_dir() {
                if !["node_modules", "target", "dist"]
                    .iter()
                    .any(|skip| path.ends_with(skip))
                {
                    walk(&path, extensions, out);
                }
            } else if extensions
                .iter()
                .any(|e| path.file_name().is_some_and(|n| n.to_string_lossy().ends_with(e)))
            {
                out.push(path);
            }
        }
    }
    let mut paths = Vec::new();
    walk(&Path::new(ROOT).join(dir), extensions, &mut paths);
    paths.sort();
    paths
        .into_iter()
        .map(|p| Source {
            path: p.strip_prefix(ROOT).unwrap_or(&p).display().to_string(),
            text: std::fs::read_to_string(&p).unwrap(),
        })
        .collect()
}

/// Rust files under `dir`.
pub fn rust(dir: &str) -> Vec<Source> {
    sources(dir, &[".rs"])
}

/// Whether `code` names the path `name` (as `name::` or `use name;`), not merely a longer
/// identifier ending in it.
pub fn mentions(code: &str, name: &str) -> bool {
    let mut from = 0;
    while let Some(pos) = code[from..].find(name) {
        let start = from + pos;
        let end = start + name.len();
        let before_ok = code[..start]
            .chars()
            .next_back()
            .is_none_or(|c| !(c.is_alphanumeric() || c == '_'));
        let after = &code[end..];
        if before_ok && (after.starts_with("::") || after.starts_with(';') || after.starts_with(" as ")) {
            return true;
        }
        from = end;
    }
    false
}

/// The lines of a Rust file that are code outside `#[cfg(test)]` items, with their numbers.
/// A `#[cfg(test)]` attribute hides the item after it: up to the matching closing brace, or the
/// end of the line for a one-line item.
pub fn production_lines(text: &str) -> Vec<(usize, &str)> {
    let mut out = Vec::new();
    let mut skipping = false;
    let mut depth: i64 = 0;
    let mut opened = false;
    for (n, line) in text.lines().enumerate() {
        let code = line.trim_start();
        if !skipping && code.starts_with("#[cfg(test)]") {
            skipping = true;
            depth = 0;
            opened = false;
            continue;
        }
        if skipping {
            if code.starts_with("#[") {
                continue;
            }
            for c in code.chars() {
                match c {
                    '{' => {
                        depth += 1;
                        opened = true;
                    }
                    '}' => depth -= 1,
                    _ => {}
                }
            }
            if (opened && depth <= 0) || (!opened && code.ends_with(';')) {
                skipping = false;
            }
            continue;
        }
        if code.starts_with("//") {
            continue;
        }
        out.push((n + 1, line));
    }
    out
}

#[test]
fn the_import_check_catches_framework_paths_but_not_lookalikes() {
    assert!(mentions("use tokio::sync::Mutex;", "tokio"));
    assert!(mentions("let v = sea_orm::Value::Int(None);", "sea_orm"));
    assert!(mentions("use crate::adapters::http;", "crate::adapters"));
    assert!(!mentions("use sea_orm_migration::prelude::*;", "sea_orm"));
    assert!(!mentions("let my_tokio = 1;", "tokio"));
}

#[test]
fn test_items_are_left_out_of_the_production_lines() {
    let text = "use a::b;\n#[cfg(test)]\nuse c::d;\n#[cfg(test)]\nmod tests {\n    use e::f;\n}\nfn g() {}\n";
    let kept: Vec<&str> = production_lines(text).into_iter().map(|(_, l)| l).collect();
    assert_eq!(kept, ["use a::b;", "fn g() {}"]);
}
