//! Every public type of the use-case layer has one home. A type with methods is defined in the
//! file named after it (`IpReconcile` in `ip_reconcile.rs`, or the `mod.rs` of a folder of that
//! name), and all its inherent `impl` blocks are in that file, so a reader who knows a type's
//! name finds all of its behaviour in one place. Plain data (a public type without methods) may
//! live beside the type that takes or returns it. Exceptions are listed, each with the reason.

use std::collections::BTreeMap;

use super::{Source, production_lines, rust};

/// Files whose public types with methods are not named after them, each with the reason.
const SHARED_HOMES: &[(&str, &str)] = &[
    (
        "src/app/jobs.rs",
        "the job framework read as one: the trait, its report, the board and the loop",
    ),
    (
        "src/app/audit.rs",
        "the audit log: `Auditor` and the `Entry` builder it records",
    ),
    (
        "src/app/access_code.rs",
        "the access-code gate, named after the setting admins know",
    ),
    ("src/app/health.rs", "the health check, named after its route"),
    (
        "src/app/stream_budget.rs",
        "the budget and the guard each stream holds, read together",
    ),
    (
        "src/app/keys.rs",
        "the key vault, named after the Keys page and API group",
    ),
    ("src/app/signups.rs", "the sign-up switch, named after its setting"),
    (
        "src/app/secrets.rs",
        "the master key and the `SecretBox` sealed with it",
    ),
    (
        "src/app/maintenance.rs",
        "maintenance commands and the data-dir lock they respect",
    ),
    ("src/app/server.rs", "`Running` is the handle `server::start` returns"),
    ("src/app/wiring/mod.rs", "the wiring builds `App`"),
    (
        "src/app/config/mod.rs",
        "typed configuration: the loader and its sections",
    ),
    (
        "src/app/config/parse.rs",
        "typed configuration: the raw values and their parsers",
    ),
    ("src/app/config/sections.rs", "typed configuration: the sections"),
    ("src/app/oauth/mod.rs", "provider sign-in, named after its API group"),
    ("src/app/oauth/settings.rs", "provider sign-in: its settings"),
    (
        "src/app/accounts/errors.rs",
        "the accounts use cases' errors, read together",
    ),
    (
        "src/app/accounts/service.rs",
        "`AccountService` with `Caller`, the identity every use case is given",
    ),
];

/// Types whose methods are spread over more than one file, each with the reason.
const SPREAD_TYPES: &[(&str, &str)] = &[];

/// `IpReconcile` → `ip_reconcile`.
fn snake(name: &str) -> String {
    let mut out = String::new();
    for (i, c) in name.chars().enumerate() {
        if c.is_uppercase() {
            if i > 0 {
                out.push('_');
            }
            out.extend(c.to_lowercase());
        } else {
            out.push(c);
        }
    }
    out
}

/// The module name a file stands for: its stem, or its folder's name for `mod.rs`.
fn module_of(path: &str) -> &str {
    let mut parts = path.rsplit('/');
    let file = parts.next().unwrap_or(path);
    let stem = file.strip_suffix(".rs").unwrap_or(file);
    if stem == "mod" {
        parts.next().unwrap_or(stem)
    } else {
        stem
    }
}

/// The name declared by a `pub struct|enum|trait|type` line (plain `pub` only).
fn declared(line: &str) -> Option<&str> {
    let rest = line.strip_prefix("pub ")?;
    let rest = ["struct ", "enum ", "trait ", "type "]
        .iter()
        .find_map(|kw| rest.strip_prefix(kw))?;
    let end = rest
        .find(|c: char| !(c.is_alphanumeric() || c == '_'))
        .unwrap_or(rest.len());
    Some(&rest[..end]).filter(|n| !n.is_empty())
}

/// The type of an inherent `impl` line (`impl X {`, `impl<T> X<T> {`), not a trait impl.
fn inherent_impl(line: &str) -> Option<&str> {
    let rest = line.strip_prefix("impl")?;
    if !(rest.starts_with(' ') || rest.starts_with('<')) || line.contains(" for ") {
        return None;
    }
    let rest = if rest.starts_with('<') {
        let mut depth = 0;
        let close = rest.char_indices().find_map(|(i, c)| {
            match c {
                '<' => depth += 1,
                '>' => depth -= 1,
                _ => {}
            }
            (depth == 0).then_some(i)
        })?;
        &rest[close + 1..]
    } else {
        rest
    };
    let rest = rest.trim_start();
    let end = rest
        .find(|c: char| !(c.is_alphanumeric() || c == '_'))
        .unwrap_or(rest.len());
    Some(&rest[..end]).filter(|n| !n.is_empty())
}

pub fn misplaced(files: &[Source], shared_homes: &[(&str, &str)], spread: &[(&str, &str)]) -> Vec<String> {
    let mut offences = Vec::new();
    let mut homes: BTreeMap<&str, (&str, usize)> = BTreeMap::new();
    let mut with_methods = std::collections::BTreeSet::new();
    for file in files {
        for (n, line) in production_lines(&file.text) {
            if let Some(name) = declared(line) {
                homes.insert(name, (&file.path, n));
            }
            if let Some(name) = inherent_impl(line) {
                with_methods.insert(name);
            }
        }
    }
    for (name, (path, n)) in &homes {
        let listed = shared_homes.iter().any(|(p, _)| p == path);
        if with_methods.contains(name) && snake(name) != module_of(path) && !listed {
            offences.push(format!(
                "{path}:{n} defines {name}, which belongs in {}.rs",
                snake(name)
            ));
        }
    }
    for file in files {
        for (n, line) in production_lines(&file.text) {
            if let Some(name) = inherent_impl(line)
                && let Some((home, _)) = homes.get(name)
                && *home != file.path
                && !spread.iter().any(|(t, _)| *t == name)
            {
                offences.push(format!(
                    "{}:{n} adds methods to {name}, whose home is {home}",
                    file.path
                ));
            }
        }
    }
    offences
}

#[test]
fn each_public_use_case_type_lives_in_the_file_named_after_it() {
    let offences = misplaced(&rust("src/app"), SHARED_HOMES, SPREAD_TYPES);
    assert!(
        offences.is_empty(),
        "move the type (or list the file in SHARED_HOMES with the reason):\n{}",
        offences.join("\n")
    );
}

#[test]
fn every_listed_shared_home_still_exists() {
    for (path, _) in SHARED_HOMES {
        assert!(
            std::path::Path::new(super::ROOT).join(path).exists(),
            "{path} is listed but gone"
        );
    }
}

#[test]
fn the_home_check_catches_a_stray_type_and_a_stray_impl() {
    let files = [
        Source::fake(
            "src/app/ip_reconcile.rs",
            "//! r\npub struct IpReconcile;\npub struct ReconcileReport;\nimpl ReconcileReport {\n    fn words(&self) {}\n}\npub struct Plain;\n",
        ),
        Source::fake(
            "src/app/fleet/mod.rs",
            "//! f\npub struct Fleet;\nimpl<T> Helper<T> for Fleet {}\n",
        ),
        Source::fake(
            "src/app/views.rs",
            "//! v\nimpl IpReconcile {\n    fn more(&self) {}\n}\n",
        ),
    ];
    assert_eq!(
        misplaced(&files, &[], &[]),
        [
            "src/app/ip_reconcile.rs:3 defines ReconcileReport, which belongs in reconcile_report.rs",
            "src/app/views.rs:2 adds methods to IpReconcile, whose home is src/app/ip_reconcile.rs",
        ],
        "a type with methods outside its file, and methods outside a type's file; plain data and trait impls pass"
    );
    let listed = [("src/app/ip_reconcile.rs", "its report")];
    assert_eq!(
        misplaced(&files, &listed, &[("IpReconcile", "split planned")]),
        Vec::<String>::new()
    );
}
