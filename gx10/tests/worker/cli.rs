//! The command line: `--help` and `version` answer, and a bad environment stops the worker with
//! exit code 2 and a message naming the variable.

use std::process::Command;

use super::harness::BIN;

#[test]
fn help_lists_every_variable_and_version_prints_the_version() {
    let help = Command::new(BIN).arg("--help").output().unwrap();
    assert!(help.status.success());
    let text = String::from_utf8(help.stdout).unwrap();
    for var in [
        "NIMBUS_URL",
        "NIMBUS_WORKER_TOKEN",
        "GX10_WORKER_ID",
        "GX10_POLL_INTERVAL",
        "GX10_HTTP_TIMEOUT",
        "GX10_LOG_FLUSH_DELAY",
        "GX10_LOG_FLUSH_BYTES",
        "GX10_STOP_GRACE",
        "GX10_OUTPUT_DIR",
        "GX10_RUNTIME",
    ] {
        assert!(text.contains(var), "--help does not mention {var}:\n{text}");
    }
    let version = Command::new(BIN).arg("version").output().unwrap();
    assert!(version.status.success());
    assert_eq!(
        String::from_utf8(version.stdout).unwrap().trim(),
        format!("gx10-worker {}", env!("CARGO_PKG_VERSION"))
    );
}

fn start_with(vars: &[(&str, &str)]) -> (Option<i32>, String) {
    let out = Command::new(BIN)
        .env_clear()
        .envs(vars.iter().copied())
        .output()
        .unwrap();
    (out.status.code(), String::from_utf8_lossy(&out.stderr).into_owned())
}

#[test]
fn a_bad_environment_exits_2_naming_the_variable() {
    let base = [("NIMBUS_URL", "http://127.0.0.1:9"), ("NIMBUS_WORKER_TOKEN", "t")];
    let (code, err) = start_with(&[base[1]]);
    assert_eq!(code, Some(2));
    assert!(err.contains("NIMBUS_URL"), "{err}");
    let (code, err) = start_with(&[base[0]]);
    assert_eq!(code, Some(2));
    assert!(err.contains("NIMBUS_WORKER_TOKEN"), "{err}");
    let (code, err) = start_with(&[
        base[0],
        base[1],
        ("GX10_WORKER_ID", "w1"),
        ("GX10_POLL_INTERVAL", "soon"),
    ]);
    assert_eq!(code, Some(2));
    assert!(err.contains("GX10_POLL_INTERVAL") && err.contains("soon"), "{err}");
    let (code, err) = start_with(&[base[0], base[1], ("GX10_WORKER_ID", "no spaces allowed")]);
    assert_eq!(code, Some(2));
    assert!(err.contains("GX10_WORKER_ID"), "{err}");
}

#[test]
fn an_unknown_argument_exits_2() {
    let out = Command::new(BIN).arg("frobnicate").output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("--help"));
}
