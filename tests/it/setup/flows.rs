//! The wizard from a fresh `serve` to a configured Nimbus: only the wizard and health answer
//! before, every wizard call needs the token, the routes are gone after, the settings land in
//! the env file and a restart runs normally; an interrupted wizard resumes; a token that lacks
//! privileges is named precisely; an install with an admin never reopens setup.

use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use reqwest::Method;
use serde_json::{Value, json};

use super::super::processes::SimProcess;
use super::{Serve, complete, network, paste_token, workdir};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn setup_mode_opens_only_the_wizard_behind_the_token_and_closes_for_good_after_finishing() {
    let dir = workdir();
    let sim = SimProcess::spawn(dir.path(), &["--profile", "instant", "--empty"]);
    let serve = Serve::spawn(dir.path(), &sim);
    assert!(
        serve.setup_mode,
        "a fresh serve without cluster settings starts in setup mode"
    );
    let token = serve.token.clone().expect("setup mode prints the setup token");

    // Only the wizard and health answer.
    let (status, body) = serve.api(Method::GET, "/me", None, None).await;
    assert_eq!((status, body["code"].as_str()), (503, Some("setup_required")), "{body}");
    let (status, _) = serve.api(Method::POST, "/auth/register", Some(json!({})), None).await;
    assert_eq!(status, 503, "no account can be made around the wizard");
    let (status, _) = serve.api(Method::GET, "/health", None, None).await;
    assert_eq!(status, 200);

    // The token is required, and must be the right one.
    let bare = reqwest::Client::new();
    let answer = |resp: reqwest::Response| async move { (resp.status().as_u16(), resp.json::<Value>().await.unwrap()) };
    let (status, body) = answer(bare.get(format!("{}/api/setup", serve.url)).send().await.unwrap()).await;
    assert_eq!(
        (status, body["code"].as_str()),
        (401, Some("setup_token_required")),
        "{body}"
    );
    let (status, body) = answer(
        bare.get(format!("{}/api/setup", serve.url))
            .header("x-setup-token", format!("{token}0"))
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(
        (status, body["code"].as_str()),
        (401, Some("setup_token_invalid")),
        "{body}"
    );

    // Finishing before the steps names what is missing and changes nothing.
    let (status, body) = serve
        .setup(
            Method::POST,
            "/finish",
            Some(json!({"email": "a@lab.example", "password": super::ADMIN_PASSWORD})),
        )
        .await;
    assert_eq!(
        (status, body["code"].as_str()),
        (409, Some("setup_incomplete")),
        "{body}"
    );

    let cookie = complete(&serve, &sim, 71).await;

    // Gone once configured, token or not.
    let (status, body) = serve.setup(Method::GET, "", None).await;
    assert_eq!((status, body["code"].as_str()), (404, Some("setup_finished")), "{body}");
    let (status, me) = serve.api(Method::GET, "/me", None, Some(&cookie)).await;
    assert_eq!(status, 200, "{me}");
    assert_eq!(me["data"]["role"], "admin", "{me}");
    let (status, cluster) = serve.api(Method::GET, "/settings/cluster", None, Some(&cookie)).await;
    assert_eq!(status, 200, "{cluster}");
    assert_eq!(cluster["data"]["network"]["pool_start"], "127.71.0.10", "{cluster}");
    assert!(
        cluster["data"]["proxmox"]["url"]
            .as_str()
            .unwrap()
            .starts_with(sim.url.trim_end_matches('/')),
        "{cluster}"
    );
    let (_, health) = serve.api(Method::GET, "/health", None, Some(&cookie)).await;
    assert_eq!(
        health["data"]["proxmox"]["state"], "reachable",
        "the new connection is live: {health}"
    );

    // The settings are in the env file, beside what was there.
    let env = std::fs::read_to_string(dir.path().join(".env")).unwrap();
    for line in [
        "# Nimbus settings",
        "IP_POOL_START=127.71.0.10",
        "GATEWAY_IP=127.71.0.1",
        "PROXMOX_TOKEN_ID=",
    ] {
        assert!(env.contains(line), "{line:?} in\n{env}");
    }
    assert!(
        env.contains(&format!("PROXMOX_TLS_FINGERPRINT={}", sim.fingerprint)),
        "{env}"
    );
    serve.stop();

    // A restart reads them: a normal start, no setup token, the admin signs in.
    let again = Serve::spawn(dir.path(), &sim);
    assert!(
        !again.setup_mode && again.token.is_none(),
        "configured: no setup mode, no token"
    );
    let (status, _) = again
        .api(
            Method::POST,
            "/auth/login",
            Some(json!({"email": "admin@lab.example", "password": super::ADMIN_PASSWORD})),
            None,
        )
        .await;
    assert_eq!(status, 200);
    again.stop();

    // A lost env file on an install with an admin is an error, never a new setup.
    std::fs::write(dir.path().join(".env"), "").unwrap();
    let (code, stderr) = run_to_exit(dir.path(), &sim);
    assert_ne!(code, Some(0));
    assert!(
        stderr.contains("PROXMOX_HOST"),
        "the error names what is missing: {stderr}"
    );
    sim.stop();
}

/// Runs `nimbus serve` in `dir` until it exits (within 30 s): its exit code and stderr.
fn run_to_exit(dir: &std::path::Path, sim: &SimProcess) -> (Option<i32>, String) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_nimbus"))
        .current_dir(dir)
        .arg("serve")
        .env_clear()
        .env("PATH", std::env::var("PATH").unwrap_or_default())
        .env("PORT", "0")
        .env("BIND_ADDR", "127.0.0.1")
        .env("NIMBUS_SIMULATED_LAN", &sim.lan)
        .env("NIMBUS_DATA_DIR", dir.join("data"))
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        if let Some(status) = child.try_wait().unwrap() {
            let mut text = String::new();
            use std::io::Read;
            child.stderr.take().unwrap().read_to_string(&mut text).unwrap();
            return (status.code(), text);
        }
        if Instant::now() > deadline {
            let _ = child.kill();
            panic!("serve without settings on an install with an admin kept running");
        }
        std::thread::sleep(Duration::from_millis(50));
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_restart_resumes_the_wizard_where_it_stood_with_a_new_token() {
    let dir = workdir();
    let sim = SimProcess::spawn(dir.path(), &["--profile", "instant", "--empty"]);
    let serve = Serve::spawn(dir.path(), &sim);
    let (status, body) = serve.setup(Method::POST, "/proxmox", Some(paste_token(&sim))).await;
    assert_eq!(status, 200, "{body}");
    let (status, body) = serve.setup(Method::POST, "/network", Some(network(72))).await;
    assert_eq!(status, 200, "{body}");
    let old_token = serve.token.clone().unwrap();
    serve.stop();

    let again = Serve::spawn(dir.path(), &sim);
    assert!(again.setup_mode);
    assert_ne!(
        again.token.as_deref(),
        Some(old_token.as_str()),
        "a new start prints a new token"
    );
    let (status, state) = again.setup(Method::GET, "", None).await;
    assert_eq!(status, 200, "{state}");
    let state = &state["data"];
    assert_eq!(state["step"], "access", "{state}");
    assert_eq!(
        state["proxmox"]["token_id"],
        sim.token.split_once('=').unwrap().0,
        "{state}"
    );
    assert_eq!(state["proxmox"]["check"]["ready"], true, "{state}");
    assert_eq!(state["network"]["pool_end"], "127.72.0.40", "{state}");
    assert!(
        state["proxmox"].get("token_secret").is_none(),
        "the secret never leaves: {state}"
    );
    let stale = reqwest::Client::new()
        .get(format!("{}/api/setup", again.url))
        .header("x-setup-token", old_token)
        .send()
        .await
        .unwrap();
    assert_eq!(stale.status(), 401, "the previous start's token is spent");
    again.stop();
    sim.stop();
}

/// Signs in to the simulator as root and makes `bob@pve` with a privilege-separated token and
/// no ACL at all: the most common set-up mistake. Returns `(token id, secret)`.
async fn token_without_acl(sim: &SimProcess, password: &str) -> (String, String) {
    let http = reqwest::Client::builder()
        .danger_accept_invalid_certs(true)
        .build()
        .unwrap();
    let api = format!("{}/api2/json", sim.url.trim_end_matches('/'));
    let form = "application/x-www-form-urlencoded";
    let ticket: Value = http
        .post(format!("{api}/access/ticket"))
        .header("content-type", form)
        .body(format!("username=root%40pam&password={password}"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let cookie = format!("PVEAuthCookie={}", ticket["data"]["ticket"].as_str().unwrap());
    let csrf = ticket["data"]["CSRFPreventionToken"].as_str().unwrap().to_owned();
    let send = |path: String, body: &'static str| {
        http.post(format!("{api}{path}"))
            .header("cookie", &cookie)
            .header("CSRFPreventionToken", &csrf)
            .header("content-type", form)
            .body(body)
            .send()
    };
    let user = send("/access/users".into(), "userid=bob%40pve").await.unwrap();
    assert!(user.status().is_success(), "{:?}", user.text().await);
    let made: Value = send("/access/users/bob@pve/token/t".into(), "privsep=1")
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    (
        made["data"]["full-tokenid"].as_str().unwrap().to_owned(),
        made["data"]["value"].as_str().unwrap().to_owned(),
    )
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_token_lacking_privileges_is_named_with_how_to_grant_it_and_blocks_finishing() {
    let dir = workdir();
    let sim = SimProcess::spawn(
        dir.path(),
        &["--profile", "instant", "--empty", "--root-password", "r00t"],
    );
    let serve = Serve::spawn(dir.path(), &sim);
    let (id, secret) = token_without_acl(&sim, "r00t").await;
    let form = json!({"url": sim.url, "fingerprint": sim.fingerprint, "token_id": id, "token_secret": secret});
    let (status, body) = serve.setup(Method::POST, "/proxmox", Some(form)).await;
    assert_eq!(status, 200, "{body}");
    let check = &body["data"];
    assert_eq!(check["ready"], false, "{check}");
    let missing = check["missing"].as_array().unwrap();
    let clone = missing
        .iter()
        .find(|m| m["privilege"] == "VM.Clone on /vms")
        .unwrap_or_else(|| panic!("VM.Clone on /vms is named: {check}"));
    assert_eq!(clone["feature"], "provisioning");
    assert!(
        clone["reason"].as_str().unwrap().contains("privilege-separated token"),
        "the reason says why: {clone}"
    );
    assert_eq!(
        clone["pveum"], "pveum acl modify /vms --tokens 'bob@pve!t' --roles NimbusProvisioner",
        "{clone}"
    );
    for feature in ["templates", "serial console"] {
        assert!(
            missing.iter().any(|m| m["feature"] == feature),
            "{feature} is checked: {check}"
        );
    }
    let (_, state) = serve.setup(Method::GET, "", None).await;
    assert_eq!(state["data"]["step"], "proxmox", "the step is not done: {state}");
    // Check again, without retyping the secret: the saved one is used.
    let again = json!({"url": sim.url, "fingerprint": sim.fingerprint, "token_id": id});
    let (status, body) = serve.setup(Method::POST, "/proxmox", Some(again)).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(
        body["data"]["missing"].as_array().unwrap().len(),
        missing.len(),
        "{body}"
    );

    // The root-password path makes a token that has everything.
    let (status, body) = serve
        .setup(
            Method::POST,
            "/proxmox",
            Some(json!({"url": sim.url, "fingerprint": sim.fingerprint, "root_password": "wrong"})),
        )
        .await;
    assert_eq!((status, body["field"].as_str()), (400, Some("root_password")), "{body}");
    let (status, body) = serve
        .setup(
            Method::POST,
            "/proxmox",
            Some(json!({"url": sim.url, "fingerprint": sim.fingerprint, "root_password": "r00t"})),
        )
        .await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["data"]["ready"], true, "{body}");
    assert_eq!(body["data"]["created_token"], true);
    assert!(
        body["data"]["token_id"].as_str().unwrap().starts_with("nimbus@pve!"),
        "{body}"
    );
    serve.stop();
    sim.stop();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_root_account_with_two_factor_is_told_to_paste_a_token() {
    let dir = workdir();
    let sim = SimProcess::spawn(
        dir.path(),
        &[
            "--profile",
            "instant",
            "--empty",
            "--root-password",
            "r00t",
            "--second-factor",
        ],
    );
    let serve = Serve::spawn(dir.path(), &sim);
    let (status, body) = serve
        .setup(
            Method::POST,
            "/proxmox",
            Some(json!({"url": sim.url, "fingerprint": sim.fingerprint, "root_password": "r00t"})),
        )
        .await;
    assert_eq!(
        (status, body["code"].as_str()),
        (400, Some("second_factor_required")),
        "{body}"
    );
    assert!(body["error"].as_str().unwrap().contains("paste"), "{body}");
    // A wrong fingerprint is caught before any secret is sent.
    let (status, body) = serve
        .setup(
            Method::POST,
            "/proxmox",
            Some(json!({"url": sim.url, "fingerprint": "AA:".repeat(31) + "AA", "token_id": "a@pve!b", "token_secret": "c"})),
        )
        .await;
    assert_eq!((status, body["field"].as_str()), (400, Some("fingerprint")), "{body}");
    serve.stop();
    sim.stop();
}
