//! Who may import whom. The domain and the ports name no framework and no outer layer; the
//! use-case modules of `src/app` never name an adapter (only the wiring, the CLI and the server
//! assemble adapters); the HTTP adapter calls use cases but never the configuration or the
//! wiring.

use super::{Source, mentions, production_lines, rust};

/// Paths the domain and the ports may never name.
const FORBIDDEN_IN_CORE: &[&str] = &[
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

/// The modules of `src/app` that assemble adapters, each with the reason.
const ASSEMBLERS: &[(&str, &str)] = &[
    (
        "src/app/wiring/",
        "builds the running app: the one place that picks concrete adapters",
    ),
    ("src/app/cli.rs", "the command line: each command builds what it runs"),
    ("src/app/server.rs", "binds the HTTP adapter to a socket"),
    (
        "src/app/sim_proxmox.rs",
        "`nimbus sim-proxmox`: serves the simulator's REST face",
    ),
    (
        "src/app/sim_gopher.rs",
        "`nimbus sim-gopher`: serves the Gopher simulator's HTTP face",
    ),
];

/// What the HTTP adapter must not reach into.
const HIDDEN_FROM_HTTP: &[&str] = &[
    "crate::app::config",
    "crate::app::wiring",
    "crate::app::cli",
    "crate::app::server",
];

/// A file that only tests compile (`tests.rs`, or anything in a `tests/` folder of `src`).
fn test_only(path: &str) -> bool {
    path.ends_with("/tests.rs") || path.contains("/tests/")
}

pub fn core_imports(files: &[Source]) -> Vec<String> {
    let mut offences = Vec::new();
    for file in files {
        let domain = file.path.starts_with("src/domain");
        for (n, line) in file.text.lines().enumerate() {
            let code = line.trim_start();
            if code.starts_with("//") {
                continue;
            }
            for name in FORBIDDEN_IN_CORE {
                if mentions(code, name) {
                    offences.push(format!("{}:{} uses {name}", file.path, n + 1));
                }
            }
            if domain
                && (code.contains("Utc::now") || code.contains("SystemTime::now") || code.contains("Instant::now"))
            {
                offences.push(format!("{}:{} reads the clock", file.path, n + 1));
            }
        }
    }
    offences
}

pub fn app_adapters(files: &[Source]) -> Vec<String> {
    let mut offences = Vec::new();
    for file in files {
        if test_only(&file.path) || ASSEMBLERS.iter().any(|(p, _)| file.path.starts_with(p)) {
            continue;
        }
        for (n, line) in production_lines(&file.text) {
            if mentions(line.trim_start(), "crate::adapters") {
                offences.push(format!("{}:{n} names an adapter outside test code", file.path));
            }
        }
    }
    offences
}

pub fn http_reach(files: &[Source]) -> Vec<String> {
    let mut offences = Vec::new();
    for file in files {
        for (n, line) in production_lines(&file.text) {
            for hidden in HIDDEN_FROM_HTTP {
                if mentions(line.trim_start(), hidden) {
                    offences.push(format!("{}:{n} reaches {hidden}", file.path));
                }
            }
        }
    }
    offences
}

#[test]
fn domain_and_ports_import_no_framework_or_adapter_code() {
    let mut files = rust("src/domain");
    files.extend(rust("src/ports"));
    let offences = core_imports(&files);
    assert!(offences.is_empty(), "layering violations:\n{}", offences.join("\n"));
}

#[test]
fn use_case_modules_never_name_an_adapter() {
    let offences = app_adapters(&rust("src/app"));
    assert!(
        offences.is_empty(),
        "use cases talk to ports; adapters are picked in src/app/wiring:\n{}",
        offences.join("\n")
    );
}

#[test]
fn the_http_adapter_calls_use_cases_not_configuration_or_wiring() {
    let offences = http_reach(&rust("src/adapters/http"));
    assert!(
        offences.is_empty(),
        "the HTTP adapter gets what it needs from the wiring:\n{}",
        offences.join("\n")
    );
}

#[test]
fn each_layering_rule_catches_an_injected_violation() {
    let domain = [Source::fake(
        "src/domain/x.rs",
        "//! x\nuse tokio::sync::Mutex;\nlet t = Utc::now();\n",
    )];
    assert_eq!(core_imports(&domain).len(), 2, "{:?}", core_imports(&domain));
    let app = [
        Source::fake(
            "src/app/quotas.rs",
            "//! q\nuse crate::adapters::store::sqlite::SqliteStore;\n",
        ),
        Source::fake(
            "src/app/keys.rs",
            "//! k\n#[cfg(test)]\nmod tests {\n    use crate::adapters::clock::ManualClock;\n}\n",
        ),
        Source::fake("src/app/wiring/mod.rs", "//! w\nuse crate::adapters::http;\n"),
        Source::fake(
            "src/app/provisioning/tests.rs",
            "//! t\nuse crate::adapters::clock::ManualClock;\n",
        ),
    ];
    assert_eq!(
        app_adapters(&app),
        ["src/app/quotas.rs:2 names an adapter outside test code"]
    );
    let http = [Source::fake(
        "src/adapters/http/limits.rs",
        "//! l\nuse crate::app::config::Rate;\nuse crate::app::quotas::Quotas;\n",
    )];
    assert_eq!(
        http_reach(&http),
        ["src/adapters/http/limits.rs:2 reaches crate::app::config"]
    );
}
