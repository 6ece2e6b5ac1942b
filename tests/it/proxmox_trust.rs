//! How `nimbus serve` trusts Proxmox, as an operator meets it: `nimbus proxmox-fingerprint` reads
//! the fingerprint to pin, `serve` refuses to start without a pin, a CA or the explicit opt-out,
//! and the opt-out is logged at every start.

use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use super::cli::{failing, nimbus};
use super::processes::{SimProcess, lines_of, read_until};

/// The cluster settings of a `serve` whose Proxmox is never reached (nothing listens on port 9).
pub(super) const UNREACHED_CLUSTER: &[(&str, &str)] = &[
    ("PROXMOX_HOST", "https://127.0.0.1:9"),
    ("PROXMOX_TOKEN_ID", "root@pam!nimbus"),
    ("PROXMOX_TOKEN_SECRET", "unused-secret"),
    ("IP_POOL_START", "127.0.77.10"),
    ("IP_POOL_END", "127.0.77.200"),
    ("GATEWAY_IP", "127.0.77.1"),
];

pub(super) fn stop(mut child: Child) {
    let _ = Command::new("kill").args(["-TERM", &child.id().to_string()]).status();
    let deadline = Instant::now() + Duration::from_secs(20);
    while child.try_wait().unwrap().is_none() {
        assert!(Instant::now() < deadline, "did not stop within 20 s of SIGTERM");
        std::thread::sleep(Duration::from_millis(50));
    }
}

/// Starts `nimbus serve` with `envs` on a fresh data dir and returns it with every log line up to
/// the one announcing its URL.
pub(super) fn serve_until_listening(dir: &std::path::Path, envs: &[(&str, &str)]) -> (Child, Vec<String>) {
    let mut child = nimbus(dir)
        .arg("serve")
        .envs([("PORT", "0"), ("BIND_ADDR", "127.0.0.1")])
        .envs(envs.iter().copied())
        .env("NIMBUS_DATA_DIR", dir.join("data"))
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let rx = lines_of(child.stderr.take().unwrap());
    let lines = read_until(&rx, "nimbus is listening", "serve logs that it is listening");
    std::thread::spawn(move || for _ in rx {});
    (child, lines)
}

#[test]
fn proxmox_fingerprint_prints_the_fingerprint_sim_proxmox_announces() {
    let dir = tempfile::tempdir().unwrap();
    let sim = SimProcess::spawn(dir.path(), &["--profile", "instant", "--nodes", "1"]);
    let (url, announced) = (sim.url.clone(), sim.fingerprint.clone());
    let address = url.strip_prefix("https://").unwrap().to_owned();
    for target in [address.as_str(), url.as_str()] {
        let out = nimbus(dir.path())
            .args(["proxmox-fingerprint", target])
            .output()
            .unwrap();
        assert!(out.status.success(), "{target}: {out:?}");
        assert_eq!(
            String::from_utf8(out.stdout).unwrap(),
            format!("{announced}\n"),
            "{target}"
        );
    }
    sim.stop();
}

#[test]
fn proxmox_fingerprint_of_an_address_where_nothing_listens_fails_with_the_reason() {
    let dir = tempfile::tempdir().unwrap();
    let free = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let target = free.local_addr().unwrap().to_string();
    drop(free);
    let out = nimbus(dir.path())
        .args(["proxmox-fingerprint", &target])
        .output()
        .unwrap();
    assert!(!out.status.success());
    assert!(out.stdout.is_empty());
    let err = String::from_utf8(out.stderr).unwrap();
    assert!(err.contains(&format!("cannot connect to {target}")), "{err}");
}

#[test]
fn serve_without_a_pin_a_ca_or_the_opt_out_refuses_to_start() {
    let (code, err) = failing(UNREACHED_CLUSTER);
    assert_eq!(code, 2);
    assert_eq!(err.lines().count(), 1, "{err}");
    assert!(
        err.contains("PROXMOX_TLS_FINGERPRINT") && err.contains("nimbus proxmox-fingerprint 127.0.0.1:9"),
        "{err}"
    );
    let http: Vec<(&str, &str)> = UNREACHED_CLUSTER
        .iter()
        .map(|&(k, v)| {
            if k == "PROXMOX_HOST" {
                (k, "http://127.0.0.1:9")
            } else {
                (k, v)
            }
        })
        .collect();
    let (code, err) = failing(&http);
    assert_eq!(code, 2);
    assert!(err.contains("plain http"), "{err}");
}

#[test]
fn serve_with_the_insecure_opt_out_starts_and_warns() {
    let dir = tempfile::tempdir().unwrap();
    let mut envs = UNREACHED_CLUSTER.to_vec();
    envs.push(("PROXMOX_TLS_INSECURE", "true"));
    let (child, lines) = serve_until_listening(dir.path(), &envs);
    stop(child);
    assert!(
        lines
            .iter()
            .any(|l| l.contains("WARN") && l.contains("PROXMOX_TLS_INSECURE=true")),
        "no warning about the opt-out:\n{}",
        lines.join("\n")
    );
}

#[tokio::test]
async fn admins_see_on_the_health_answer_when_proxmox_certificates_are_not_checked() {
    use crate::accounts::{Cred, PASSWORD, call};
    use crate::helpers::TestApp;
    use reqwest::Method;

    let mut envs = UNREACHED_CLUSTER.to_vec();
    envs.push(("PROXMOX_TLS_INSECURE", "true"));
    let app = TestApp::spawn_with(nimbus::app::config::Mode::Serve, &envs).await;
    let token = app.running.as_ref().unwrap().app().setup_token.clone().unwrap();
    let admin = call(
        &app,
        Method::POST,
        "/api/auth/register",
        &Cred::None,
        Some(
            serde_json::json!({"email": "ada@lab.example", "name": "Ada", "password": PASSWORD, "setup_token": token}),
        ),
    )
    .await
    .session()
    .expect("the first admin signs up");
    let health = call(&app, Method::GET, "/api/health", &Cred::Cookie(admin), None).await;
    assert_eq!(
        health.body["data"]["proxmox"]["insecure_tls"], true,
        "{:?}",
        health.body
    );
    let anonymous = call(&app, Method::GET, "/api/health", &Cred::None, None).await;
    assert!(anonymous.body["data"]["proxmox"].is_null(), "{:?}", anonymous.body);
    app.stop().await;
}
