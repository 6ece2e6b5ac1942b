//! The domain stays pure: it names only the standard library and a few value crates (proptest in
//! its tests), and nothing of the crate outside `crate::domain`.

use std::path::Path;

use super::{ROOT, Source, mentions, rust};

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

pub fn impurities(files: &[Source], deps: &[String]) -> Vec<String> {
    let mut offences = Vec::new();
    for file in files {
        let name = &file.path;
        let test_file = name.ends_with("tests.rs")
            || name.ends_with("props.rs")
            || name.ends_with("test_support.rs")
            || name.ends_with("proptest_config.rs");
        let mut in_tests = test_file;
        for (n, line) in file.text.lines().enumerate() {
            let code = line.trim_start();
            if code.starts_with("#[cfg(test)]") {
                in_tests = true;
            }
            if code.starts_with("//") {
                continue;
            }
            for dep in deps {
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
    offences
}

#[test]
fn the_domain_names_only_std_and_its_value_crates() {
    let deps = dependency_names();
    assert!(
        deps.iter().any(|d| d == "sea_orm"),
        "the manifest scan found no dependencies"
    );
    let offences = impurities(&rust("src/domain"), &deps);
    assert!(
        offences.is_empty(),
        "the domain must stay pure:\n{}",
        offences.join("\n")
    );
}

#[test]
fn the_purity_check_catches_an_injected_violation() {
    let deps = vec!["serde".to_owned(), "proptest".to_owned(), "chrono".to_owned()];
    let files = [
        Source::fake(
            "src/domain/x.rs",
            "//! x\nuse serde::Serialize;\nuse crate::app::jobs;\nuse chrono::Utc;\n",
        ),
        Source::fake(
            "src/domain/y.rs",
            "//! y\n#[cfg(test)]\nmod tests {\n    use proptest::prelude::*;\n}\n",
        ),
    ];
    assert_eq!(
        impurities(&files, &deps),
        [
            "src/domain/x.rs:2 names serde",
            "src/domain/x.rs:3 reaches outside the domain"
        ]
    );
}
