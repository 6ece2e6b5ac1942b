//! Tidy checks that keep the architecture honest: the domain and the ports import no framework or
//! adapter code, every source file starts with a `//!` line saying what it is for, and files stay
//! small enough to read.

use std::path::{Path, PathBuf};

const ROOT: &str = env!("CARGO_MANIFEST_DIR");

/// Files allowed to exceed the line budget, each with the reason.
const LONG_FILES: &[(&str, &str)] = &[];

const LINE_BUDGET: usize = 400;

fn rust_files(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let Ok(entries) = std::fs::read_dir(dir) else {
        return out;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            if !path.ends_with("node_modules") && !path.ends_with("target") {
                out.extend(rust_files(&path));
            }
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
    out
}

fn relative(path: &Path) -> String {
    path.strip_prefix(ROOT).unwrap_or(path).display().to_string()
}

/// Whether `code` names the path `name` (as `name::` or `use name;`), not merely a longer
/// identifier ending in it.
fn mentions(code: &str, name: &str) -> bool {
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

#[test]
fn domain_and_ports_import_no_framework_or_adapter_code() {
    let forbidden_everywhere = [
        "tokio",
        "poem",
        "poem_openapi",
        "sea_orm",
        "sea_orm_migration",
        "reqwest",
        "serde_json",
        "figment",
        "tracing",
        "crate::adapters",
        "crate::app",
        "rust_embed",
        "clap",
    ];
    let mut offences = Vec::new();
    for layer in ["src/domain", "src/ports"] {
        for file in rust_files(&Path::new(ROOT).join(layer)) {
            let text = std::fs::read_to_string(&file).unwrap();
            for (n, line) in text.lines().enumerate() {
                let code = line.trim_start();
                if code.starts_with("//") {
                    continue;
                }
                for name in forbidden_everywhere {
                    if mentions(code, name) {
                        offences.push(format!("{}:{} uses {name}", relative(&file), n + 1));
                    }
                }
                if layer == "src/domain"
                    && (code.contains("Utc::now") || code.contains("SystemTime::now") || code.contains("Instant::now"))
                {
                    offences.push(format!("{}:{} reads the clock", relative(&file), n + 1));
                }
            }
        }
    }
    assert!(offences.is_empty(), "layering violations:\n{}", offences.join("\n"));
}

/// Crates the domain may name: the standard library and a few value crates.
const DOMAIN_CRATES: &[&str] = &["std", "core", "alloc", "thiserror", "chrono", "uuid", "ipnet"];

/// Crates the domain's tests may name besides those.
const DOMAIN_TEST_CRATES: &[&str] = &["proptest"];

/// Dependency names from Cargo.toml (`[dependencies]` and `[dev-dependencies]`), as Rust paths.
fn dependency_names() -> Vec<String> {
    let manifest = std::fs::read_to_string(Path::new(ROOT).join("Cargo.toml")).unwrap();
    let mut names = Vec::new();
    let mut in_deps = false;
    for line in manifest.lines() {
        let line = line.trim();
        if line.starts_with('[') {
            in_deps = line == "[dependencies]" || line == "[dev-dependencies]";
        } else if in_deps && let Some((name, _)) = line.split_once('=') {
            names.push(name.trim().replace('-', "_"));
        }
    }
    names
}

#[test]
fn the_domain_names_only_std_and_its_value_crates() {
    let deps = dependency_names();
    assert!(
        deps.iter().any(|d| d == "sea_orm"),
        "the manifest scan found no dependencies"
    );
    let mut offences = Vec::new();
    for file in rust_files(&Path::new(ROOT).join("src/domain")) {
        let text = std::fs::read_to_string(&file).unwrap();
        let name = relative(&file);
        let test_file = name.ends_with("tests.rs")
            || name.ends_with("props.rs")
            || name.ends_with("test_support.rs")
            || name.ends_with("proptest_config.rs");
        let mut in_tests = test_file;
        for (n, line) in text.lines().enumerate() {
            let code = line.trim_start();
            if code.starts_with("#[cfg(test)]") {
                in_tests = true;
            }
            if code.starts_with("//") {
                continue;
            }
            for dep in &deps {
                let allowed =
                    DOMAIN_CRATES.contains(&dep.as_str()) || (in_tests && DOMAIN_TEST_CRATES.contains(&dep.as_str()));
                if !allowed && mentions(code, dep) {
                    offences.push(format!("{name}:{} names {dep}", n + 1));
                }
            }
            let mut rest = code;
            while let Some(pos) = rest.find("crate::") {
                let after = &rest[pos + "crate::".len()..];
                let preceded = rest[..pos]
                    .chars()
                    .next_back()
                    .is_some_and(|c| c.is_alphanumeric() || c == '_');
                if !preceded && !after.starts_with("domain") {
                    offences.push(format!("{name}:{} reaches outside the domain", n + 1));
                }
                rest = after;
            }
        }
    }
    assert!(
        offences.is_empty(),
        "the domain must stay pure:\n{}",
        offences.join("\n")
    );
}

#[test]
fn every_source_file_starts_with_a_doc_line() {
    let mut missing = Vec::new();
    for dir in ["src", "tests", "gx10/src"] {
        for file in rust_files(&Path::new(ROOT).join(dir)) {
            let text = std::fs::read_to_string(&file).unwrap();
            if !text.starts_with("//!") {
                missing.push(relative(&file));
            }
        }
    }
    assert!(
        missing.is_empty(),
        "files without a leading //! line:\n{}",
        missing.join("\n")
    );
}

#[test]
fn source_files_stay_within_the_line_budget() {
    let mut long = Vec::new();
    for dir in ["src", "tests", "gx10/src"] {
        for file in rust_files(&Path::new(ROOT).join(dir)) {
            let name = relative(&file);
            let lines = std::fs::read_to_string(&file).unwrap().lines().count();
            if lines > LINE_BUDGET && !LONG_FILES.iter().any(|(f, _)| *f == name) {
                long.push(format!("{name}: {lines} lines"));
            }
        }
    }
    assert!(
        long.is_empty(),
        "files over {LINE_BUDGET} lines (split them or list them with a reason):\n{}",
        long.join("\n")
    );
}

#[test]
fn the_import_check_catches_framework_paths_but_not_lookalikes() {
    assert!(mentions("use tokio::sync::Mutex;", "tokio"));
    assert!(mentions("let v = sea_orm::Value::Int(None);", "sea_orm"));
    assert!(mentions("use crate::adapters::http;", "crate::adapters"));
    assert!(!mentions("use sea_orm_migration::prelude::*;", "sea_orm"));
    assert!(!mentions("let my_tokio = 1;", "tokio"));
}
