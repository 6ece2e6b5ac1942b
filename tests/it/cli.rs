//! The `nimbus` binary as a user runs it: exit codes, one-line errors, the demo banner and a
//! graceful stop on SIGTERM.

use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

pub(super) fn nimbus(dir: &std::path::Path) -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_nimbus"));
    // A clean environment: nothing from the developer's shell may configure the binary.
    cmd.env_clear().current_dir(dir).env("RUST_LOG", "info");
    cmd
}

pub(super) fn failing(envs: &[(&str, &str)]) -> (i32, String) {
    let dir = tempfile::tempdir().unwrap();
    let out = nimbus(dir.path())
        .arg("serve")
        .envs(envs.iter().copied())
        .output()
        .unwrap();
    assert!(out.stdout.is_empty(), "nothing on stdout");
    (out.status.code().unwrap_or(-1), String::from_utf8(out.stderr).unwrap())
}

#[test]
fn version_prints_the_crate_version() {
    let dir = tempfile::tempdir().unwrap();
    let out = nimbus(dir.path()).arg("version").output().unwrap();
    assert!(out.status.success());
    assert_eq!(
        String::from_utf8(out.stdout).unwrap(),
        format!("nimbus {}\n", env!("CARGO_PKG_VERSION"))
    );
}

#[test]
fn openapi_prints_only_the_spec_on_stdout() {
    let dir = tempfile::tempdir().unwrap();
    let out = nimbus(dir.path()).arg("openapi").output().unwrap();
    assert!(out.status.success());
    assert_eq!(
        String::from_utf8(out.stdout).unwrap(),
        nimbus::adapters::http::spec_json()
    );
}

#[test]
fn help_explains_every_command() {
    let dir = tempfile::tempdir().unwrap();
    let out = nimbus(dir.path()).arg("--help").output().unwrap();
    let text = String::from_utf8(out.stdout).unwrap();
    for cmd in ["serve", "demo", "openapi", "version"] {
        assert!(text.contains(cmd), "--help lists {cmd}: {text}");
    }
}

#[test]
fn an_unparsable_port_stops_serve_with_one_line() {
    let (code, err) = failing(&[("PORT", "abc")]);
    assert_eq!(code, 2);
    assert_eq!(err.lines().count(), 1, "{err}");
    assert!(err.contains("PORT='abc'"), "{err}");
}

#[test]
fn a_reversed_pool_stops_serve_with_one_line() {
    let (code, err) = failing(&[("IP_POOL_START", "127.0.77.9"), ("IP_POOL_END", "127.0.77.1")]);
    assert_eq!(code, 2);
    assert_eq!(err.lines().count(), 1, "{err}");
    assert!(
        err.contains("IP_POOL_END='127.0.77.1'") && err.contains("IP_POOL_START=127.0.77.9"),
        "{err}"
    );
}

#[test]
fn serve_without_cluster_settings_on_a_fresh_data_dir_opens_setup_mode() {
    let dir = tempfile::tempdir().unwrap();
    let mut child = nimbus(dir.path())
        .arg("serve")
        .env("PORT", "0")
        .env("BIND_ADDR", "127.0.0.1")
        .env("NIMBUS_DATA_DIR", dir.path().join("data"))
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let rx = super::processes::lines_of(child.stderr.take().unwrap());
    let seen = super::processes::read_until(&rx, "setup mode", "serve announces setup mode");
    let announced = seen.last().unwrap();
    assert!(
        announced.contains("/setup") && announced.contains("setup_token="),
        "{announced}"
    );
    let _ = child.kill();
    let _ = child.wait();
}

/// Starts `nimbus demo` in `dir` with `envs` and returns the child and the URL from its banner.
fn spawn_demo(dir: &std::path::Path, envs: &[(&str, &str)]) -> (std::process::Child, String) {
    let mut child = nimbus(dir)
        .arg("demo")
        .env("PORT", "0")
        .env("NIMBUS_DATA_DIR", dir.join("data"))
        .envs(envs.iter().copied())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut stdout = BufReader::new(child.stdout.take().unwrap());
    let mut first = String::new();
    stdout.read_line(&mut first).unwrap();
    let url = first
        .trim()
        .strip_prefix("Nimbus demo is running at ")
        .unwrap_or_else(|| panic!("banner: {first:?}"))
        .to_string();
    (child, url)
}

/// Sends SIGTERM, waits (bounded) for a successful exit, and returns everything logged on stderr.
pub(super) fn terminate(mut child: std::process::Child) -> String {
    let status = Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(status.success());
    let deadline = Instant::now() + Duration::from_secs(20);
    let exit = loop {
        if let Some(exit) = child.try_wait().unwrap() {
            break exit;
        }
        assert!(Instant::now() < deadline, "demo did not stop within 20 s of SIGTERM");
        std::thread::sleep(Duration::from_millis(50));
    };
    assert!(exit.success(), "{exit:?}");
    let mut logs = String::new();
    std::io::Read::read_to_string(&mut child.stderr.take().unwrap(), &mut logs).unwrap();
    logs
}

#[test]
fn demo_serves_on_its_printed_url_ignores_cluster_settings_and_stops_cleanly_on_sigterm() {
    let dir = tempfile::tempdir().unwrap();
    // A .env in the working directory and cluster variables must both be ignored by the demo.
    std::fs::write(dir.path().join(".env"), "PORT=notaport\n").unwrap();
    let (child, url) = spawn_demo(
        dir.path(),
        &[("PROXMOX_HOST", "https://127.0.0.9:1"), ("IP_POOL_START", "garbage")],
    );
    assert!(url.starts_with("http://127.0.0.1:"), "{url}");
    let health = health_within(&url, Duration::from_secs(20), None);
    assert_eq!(health["data"]["status"], "ok");
    assert!(dir.path().join("data/nimbus.db").exists());
    let logs = terminate(child);
    assert!(logs.contains("stopped"), "{logs}");
}

#[test]
fn json_logs_are_one_object_per_line_and_carry_the_request_id() {
    let dir = tempfile::tempdir().unwrap();
    let (child, url) = spawn_demo(dir.path(), &[("LOG_FORMAT", "json")]);
    health_within(&url, Duration::from_secs(20), Some("trace-json-1"));
    let logs = terminate(child);
    let mut tagged = 0;
    for line in logs.lines() {
        let entry: serde_json::Value = serde_json::from_str(line).unwrap_or_else(|e| panic!("not JSON ({e}): {line}"));
        if entry["span"]["request_id"] == "trace-json-1" {
            tagged += 1;
        }
    }
    assert!(tagged >= 1, "a log line names the request id: {logs}");
}

fn health_within(url: &str, limit: Duration, request_id: Option<&str>) -> serde_json::Value {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    runtime.block_on(async {
        let client = reqwest::Client::new();
        let deadline = Instant::now() + limit;
        loop {
            let mut req = client.get(format!("{url}/api/health"));
            if let Some(id) = request_id {
                req = req.header("x-request-id", id);
            }
            if let Ok(resp) = req.send().await
                && resp.status() == 200
            {
                return resp.json().await.unwrap();
            }
            assert!(Instant::now() < deadline, "no healthy answer from {url}");
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    })
}

#[test]
fn sim_proxmox_prints_its_url_and_token_and_serves_five_nodes_to_that_token() {
    let dir = tempfile::tempdir().unwrap();
    let mut child = nimbus(dir.path())
        .args([
            "sim-proxmox",
            "--listen",
            "127.0.0.1:0",
            "--profile",
            "instant",
            "--seed",
            "9",
        ])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut stdout = BufReader::new(child.stdout.take().unwrap());
    let (mut url, mut token) = (String::new(), String::new());
    for _ in 0..8 {
        let mut line = String::new();
        if stdout.read_line(&mut line).unwrap() == 0 {
            break;
        }
        if let Some(u) = line.trim().strip_prefix("listening: ") {
            url = u.to_owned();
        }
        if let Some(t) = line.trim().strip_prefix("token: ") {
            token = t.to_owned();
        }
        if !url.is_empty() && !token.is_empty() {
            break;
        }
    }
    assert!(url.starts_with("https://127.0.0.1:"), "{url}");
    assert!(token.starts_with("root@pam!nimbus="), "{token}");
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let (nodes, refused) = runtime.block_on(async {
        let client = reqwest::Client::builder()
            .danger_accept_invalid_certs(true)
            .build()
            .unwrap();
        let nodes: serde_json::Value = client
            .get(format!("{url}/api2/json/nodes"))
            .header("Authorization", format!("PVEAPIToken={token}"))
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        let refused = client
            .get(format!("{url}/api2/json/nodes"))
            .send()
            .await
            .unwrap()
            .status();
        (nodes, refused)
    });
    let names: Vec<&str> = nodes["data"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|n| n["node"].as_str())
        .collect();
    assert_eq!(names, ["pve1", "pve2", "pve3", "pve4", "pve5"]);
    assert_eq!(refused.as_u16(), 401);
    terminate(child);
}

#[test]
fn sim_proxmox_signs_root_in_with_the_root_password_it_was_given() {
    use nimbus::adapters::proxmox::http::{HttpProxmox, HttpProxmoxOptions, TlsTrust};
    use nimbus::ports::proxmox::{AccessError, ProxmoxAccess, ProxmoxError, SignInPassword};

    let dir = tempfile::tempdir().unwrap();
    let sim =
        super::processes::SimProcess::spawn(dir.path(), &["--profile", "instant", "--root-password", "s3cret-root"]);
    let (id, secret) = sim.token.split_once('=').unwrap();
    let mut options = HttpProxmoxOptions::new(sim.url.parse().unwrap(), id, secret).anonymous();
    options.tls = TlsTrust::Fingerprint(TlsTrust::parse_fingerprint(&sim.fingerprint).unwrap());
    let client = HttpProxmox::new(options).unwrap();
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let (right, wrong) = runtime.block_on(async {
        let right = client.ticket("root@pam", &SignInPassword::new("s3cret-root")).await;
        let wrong = client.ticket("root@pam", &SignInPassword::new("guess")).await;
        (right, wrong)
    });
    assert_eq!(right.expect("the given password signs in").username, "root@pam");
    assert_eq!(wrong, Err(AccessError::Proxmox(ProxmoxError::Unauthorized)));
    sim.stop();
}

#[test]
fn sim_proxmox_refuses_a_bad_token_and_a_non_loopback_address() {
    let dir = tempfile::tempdir().unwrap();
    let out = nimbus(dir.path())
        .args(["sim-proxmox", "--listen", "127.0.0.1:0", "--token", "root@pam"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("--token"), "{out:?}");
    // Refused before anything is bound or sent.
    let out = nimbus(dir.path())
        .args(["sim-proxmox", "--listen", "0.0.0.0:0"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("loopback"), "{out:?}");
}

#[test]
fn serve_logs_a_one_time_setup_token_that_creates_the_first_admin() {
    let dir = tempfile::tempdir().unwrap();
    let mut child = nimbus(dir.path())
        .arg("serve")
        .envs([
            ("PROXMOX_HOST", "https://127.0.0.1:9"),
            ("PROXMOX_TOKEN_ID", "root@pam!nimbus"),
            ("PROXMOX_TOKEN_SECRET", "unused-secret"),
            // Never reached, so any pin will do.
            (
                "PROXMOX_TLS_FINGERPRINT",
                "00:11:22:33:44:55:66:77:88:99:AA:BB:CC:DD:EE:FF:00:11:22:33:44:55:66:77:88:99:AA:BB:CC:DD:EE:FF",
            ),
            ("IP_POOL_START", "127.0.77.10"),
            ("IP_POOL_END", "127.0.77.200"),
            ("GATEWAY_IP", "127.0.77.1"),
            ("PORT", "0"),
            ("BIND_ADDR", "127.0.0.1"),
        ])
        .env("NIMBUS_DATA_DIR", dir.path().join("data"))
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let stderr = BufReader::new(child.stderr.take().unwrap());
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        for line in stderr.lines().map_while(Result::ok) {
            let _ = tx.send(line);
        }
    });
    let field = |line: &str, name: &str| {
        let start = line.find(&format!("{name}="))? + name.len() + 1;
        Some(line[start..].split_whitespace().next()?.trim_matches('"').to_string())
    };
    let (mut url, mut token) = (None, None);
    let deadline = Instant::now() + Duration::from_secs(20);
    while url.is_none() || token.is_none() {
        let left = deadline.saturating_duration_since(Instant::now());
        let line = rx
            .recv_timeout(left)
            .expect("serve logs its URL and a setup token within 20 s");
        url = url.or_else(|| field(&line, "url"));
        token = token.or_else(|| field(&line, "setup_token"));
    }
    let (url, token) = (url.unwrap(), token.unwrap());
    assert_eq!(token.split('-').count(), 4, "{token}");

    let runtime = tokio::runtime::Runtime::new().unwrap();
    let statuses = runtime.block_on(async {
        let http = reqwest::Client::new();
        let mut statuses = Vec::new();
        for (email, setup_token) in [("eve@lab.example", None), ("ada@lab.example", Some(token.as_str()))] {
            let body = serde_json::json!({
                "email": email, "name": "Someone", "password": "correct horse battery staple", "setup_token": setup_token,
            });
            let resp = http.post(format!("{url}/api/auth/register")).json(&body).send().await.unwrap();
            let status = resp.status().as_u16();
            let body: serde_json::Value = resp.json().await.unwrap();
            statuses.push((status, body["data"]["role"].as_str().map(str::to_string)));
        }
        statuses
    });
    assert_eq!(statuses, [(403, None), (201, Some("admin".to_string()))]);
    let _ = Command::new("kill").args(["-TERM", &child.id().to_string()]).status();
    let deadline = Instant::now() + Duration::from_secs(20);
    while child.try_wait().unwrap().is_none() {
        assert!(Instant::now() < deadline, "serve did not stop within 20 s of SIGTERM");
        std::thread::sleep(Duration::from_millis(50));
    }
}
