//! Every Rust file starts with a `//!` line saying what it is for, and source files (Rust and the
//! portal's TypeScript) stay within a line budget, so each can be read in one sitting.

use super::{Source, rust, sources};

/// Files allowed to exceed the line budget, each with the reason.
const LONG_FILES: &[(&str, &str)] = &[(
    "frontend/src/api/schema.d.ts",
    "generated from openapi/nimbus.json by openapi-typescript; never edited by hand",
)];

const LINE_BUDGET: usize = 400;

pub fn undocumented(files: &[Source]) -> Vec<String> {
    files
        .iter()
        .filter(|f| !f.text.starts_with("//!"))
        .map(|f| f.path.clone())
        .collect()
}

pub fn too_long(files: &[Source], allowed: &[(&str, &str)]) -> Vec<String> {
    files
        .iter()
        .filter(|f| !allowed.iter().any(|(p, _)| *p == f.path))
        .filter_map(|f| {
            let lines = f.text.lines().count();
            (lines > LINE_BUDGET).then(|| format!("{}: {lines} lines", f.path))
        })
        .collect()
}

fn all_sources() -> Vec<Source> {
    let mut files = Vec::new();
    for dir in ["src", "tests", "gx10/src", "benches"] {
        files.extend(rust(dir));
    }
    files.extend(sources("frontend/src", &[".ts", ".tsx", ".css"]));
    files
}

#[test]
fn every_rust_file_starts_with_a_doc_line() {
    let mut files = Vec::new();
    for dir in ["src", "tests", "gx10/src", "benches"] {
        files.extend(rust(dir));
    }
    let missing = undocumented(&files);
    assert!(
        missing.is_empty(),
        "files without a leading //! line:\n{}",
        missing.join("\n")
    );
}

#[test]
fn source_files_stay_within_the_line_budget() {
    let files = all_sources();
    assert!(
        files.iter().any(|f| f.path.ends_with(".tsx")),
        "the scan found no portal files"
    );
    let long = too_long(&files, LONG_FILES);
    assert!(
        long.is_empty(),
        "files over {LINE_BUDGET} lines (split them or list them with a reason):\n{}",
        long.join("\n")
    );
}

#[test]
fn the_file_checks_catch_a_missing_doc_line_and_a_long_file() {
    let long_text = "x\n".repeat(LINE_BUDGET + 1);
    let files = [
        Source::fake("src/a.rs", "//! a\n"),
        Source::fake("src/b.rs", "fn b() {}\n"),
        Source::fake("frontend/src/Big.tsx", &long_text),
        Source::fake("frontend/src/api/schema.d.ts", &long_text),
    ];
    assert_eq!(undocumented(&files[..2]), ["src/b.rs"]);
    assert_eq!(
        too_long(&files, LONG_FILES),
        [format!("frontend/src/Big.tsx: {} lines", LINE_BUDGET + 1)]
    );
}
