//! `nimbus bootstrap` as an operator runs it: a real process against a separate `nimbus
//! sim-proxmox --empty`, images from a loopback mirror. Plain progress lines when stdout is not a
//! terminal, the summary last, exit 0; a second run changes nothing and says so; a bad OS is
//! refused naming the option.

use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

use nimbus::adapters::image_server::ImageServer;

use super::processes::SimProcess;

/// Runs `nimbus bootstrap ARGS` on `dir`'s data dir against `sim`, bounded in time.
fn bootstrap(dir: &std::path::Path, sim: &SimProcess, mirror: &str, args: &[&str]) -> Output {
    let (token_id, secret) = sim.token.split_once('=').unwrap();
    let mut child = Command::new(env!("CARGO_BIN_EXE_nimbus"))
        .current_dir(dir)
        .arg("bootstrap")
        .args(args)
        .envs([
            ("PROXMOX_HOST", sim.url.as_str()),
            ("PROXMOX_TOKEN_ID", token_id),
            ("PROXMOX_TOKEN_SECRET", secret),
            ("PROXMOX_TLS_FINGERPRINT", sim.fingerprint.as_str()),
            ("NIMBUS_SIMULATED_LAN", sim.lan.as_str()),
            ("NIMBUS_IMAGE_MIRROR", mirror),
            ("IP_POOL_START", "127.92.0.10"),
            ("IP_POOL_END", "127.92.0.40"),
            ("GATEWAY_IP", "127.92.0.1"),
            ("NIMBUS_NETSCAN_MODE", "off"),
            ("LOG_FORMAT", "json"),
        ])
        .env("NIMBUS_DATA_DIR", dir.join("data"))
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let deadline = Instant::now() + Duration::from_secs(180);
    while child.try_wait().unwrap().is_none() {
        if Instant::now() > deadline {
            let _ = child.kill();
            panic!(
                "nimbus bootstrap did not finish: {:?}",
                child.wait_with_output().unwrap()
            );
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    child.wait_with_output().unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn nimbus_bootstrap_bakes_reports_and_a_second_run_changes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let sim = SimProcess::spawn(dir.path(), &["--empty", "--nodes", "2", "--profile", "instant"]);
    let images = ImageServer::start("127.0.0.1:0".parse().unwrap()).await.unwrap();
    let mirror = images.base_url().to_string();
    let path = dir.path().to_owned();
    let sim_ref = &sim;
    let first = tokio::task::block_in_place(|| bootstrap(&path, sim_ref, &mirror, &["--os", "debian-12"]));
    let out = String::from_utf8_lossy(&first.stdout);
    assert!(
        first.status.success(),
        "{out}\n{}",
        String::from_utf8_lossy(&first.stderr)
    );
    assert!(out.contains("pve1 debian-12: Baked"), "{out}");
    assert!(out.contains("pve2 debian-12: Baked"), "{out}");
    assert!(out.contains("pve1 debian-12: Queued"), "each change is a line: {out}");
    assert_eq!(out.lines().last(), Some("2 created"), "{out}");
    assert!(
        !out.contains('\x1b'),
        "no terminal codes when stdout is not a terminal: {out:?}"
    );

    let again = tokio::task::block_in_place(|| bootstrap(&path, sim_ref, &mirror, &["--os", "debian-12"]));
    let out = String::from_utf8_lossy(&again.stdout);
    assert!(again.status.success(), "{out}");
    assert_eq!(out.lines().last(), Some("2 skipped"), "{out}");

    let bad = tokio::task::block_in_place(|| bootstrap(&path, sim_ref, &mirror, &["--os", "freebsd"]));
    assert!(!bad.status.success());
    let err = String::from_utf8_lossy(&bad.stderr);
    assert!(err.contains("os: \"freebsd\" is not an OS Nimbus knows"), "{err}");
    sim.stop();
}
