//! The real-process crash test: a real `nimbus serve` talks over HTTPS to a separate
//! `nimbus sim-proxmox` (with `NIMBUS_SIMULATED_LAN`), is SIGKILLed while several provisions and a
//! delete are in flight, and is started again on the same database. Afterwards the simulator's
//! VMs and Nimbus's records must agree: no orphan, nothing Nimbus calls running that the cluster
//! lacks, no address held twice, every operation finished.

use std::collections::{BTreeMap, BTreeSet};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use serde_json::{Value, json};

use super::processes::{SimProcess, lines_of};

/// Starts `nimbus serve` on `data` against the simulator; returns it, its URL and (on the first
/// start) the setup token.
fn spawn_serve(dir: &std::path::Path, sim: &SimProcess, first: bool) -> (Child, String, Option<String>) {
    let (token_id, secret) = sim.token.split_once('=').unwrap();
    let mut child = Command::new(env!("CARGO_BIN_EXE_nimbus"))
        .current_dir(dir)
        .arg("serve")
        .envs([
            ("PROXMOX_HOST", sim.url.as_str()),
            ("PROXMOX_TOKEN_ID", token_id),
            ("PROXMOX_TOKEN_SECRET", secret),
            ("PROXMOX_TLS_FINGERPRINT", sim.fingerprint.as_str()),
            ("NIMBUS_SIMULATED_LAN", sim.lan.as_str()),
            ("IP_POOL_START", "127.91.0.10"),
            ("IP_POOL_END", "127.91.0.60"),
            ("GATEWAY_IP", "127.91.0.1"),
            ("PORT", "0"),
            ("BIND_ADDR", "127.0.0.1"),
            ("NIMBUS_NETSCAN_MODE", "off"),
            ("RATE_LIMIT_SIGNIN_PER_IP", "off"),
        ])
        .env("NIMBUS_DATA_DIR", dir.join("data"))
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let rx = lines_of(child.stderr.take().unwrap());
    let field = |line: &str, name: &str| {
        let start = line.find(&format!("{name}="))? + name.len() + 1;
        Some(line[start..].split_whitespace().next()?.trim_matches('"').to_string())
    };
    let (mut url, mut setup) = (None, None);
    let deadline = Instant::now() + Duration::from_secs(30);
    while url.is_none() || (first && setup.is_none()) {
        let line = rx
            .recv_timeout(deadline.saturating_duration_since(Instant::now()))
            .expect("serve logs its URL");
        url = url.or_else(|| field(&line, "url"));
        setup = setup.or_else(|| field(&line, "setup_token"));
    }
    // Keep draining the log so the process never blocks on a full pipe.
    std::thread::spawn(move || for _ in rx {});
    (child, url.unwrap(), setup)
}

async fn vms(http: &reqwest::Client, url: &str, bearer: &str) -> Vec<Value> {
    let list: Value = http
        .get(format!("{url}/api/vms?all=true"))
        .header("authorization", bearer)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    list["data"].as_array().unwrap().clone()
}

fn settled(vm: &Value) -> bool {
    matches!(vm["phase"].as_str(), Some("ready" | "rolled_back"))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_killed_server_resumes_and_the_cluster_matches_its_records() {
    let dir = tempfile::tempdir().unwrap();
    let sim = SimProcess::spawn(dir.path(), &["--profile", "demo", "--seed", "11"]);
    let (mut serve, url, setup) = spawn_serve(dir.path(), &sim, true);
    let http = reqwest::Client::new();
    let register = http
        .post(format!("{url}/api/auth/register"))
        .json(&json!({"email": "ada@lab.example", "name": "Ada", "password": "correct horse battery staple", "setup_token": setup}))
        .send()
        .await
        .unwrap();
    assert_eq!(register.status(), 201);
    let cookie = register.headers()["set-cookie"]
        .to_str()
        .unwrap()
        .split(';')
        .next()
        .unwrap()
        .to_owned();
    let made: Value = http
        .post(format!("{url}/api/tokens"))
        .header("cookie", &cookie)
        .json(&json!({"name": "crash"}))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let bearer = format!("Bearer {}", made["data"]["secret"].as_str().unwrap());
    let provision = |hostname: String| {
        let (http, url, bearer) = (http.clone(), url.clone(), bearer.clone());
        async move {
            http.post(format!("{url}/api/vms"))
                .header("authorization", bearer)
                .json(&json!({"hostname": hostname, "tier": "small", "os_template": "debian-12", "generate_key": true}))
                .send()
                .await
        }
    };
    // One machine built before the crash, deleted while it happens.
    let first = provision("doomed".into()).await.unwrap();
    assert_eq!(first.status(), 201);
    let doomed: Value = first.json().await.unwrap();
    let doomed = doomed["data"]["id"].as_str().unwrap().to_owned();
    for n in 0..4 {
        tokio::spawn(provision(format!("inflight-{n}")));
    }
    let deleted = http
        .delete(format!("{url}/api/vms/{doomed}"))
        .header("authorization", &bearer)
        .send()
        .await
        .unwrap();
    assert_eq!(deleted.status(), 202);
    // Kill once the in-flight provisions are all recorded and at least one is mid-clone.
    let deadline = Instant::now() + Duration::from_secs(60);
    loop {
        let list = vms(&http, &url, &bearer).await;
        let inflight: Vec<&Value> = list
            .iter()
            .filter(|v| v["hostname"].as_str().unwrap().starts_with("inflight"))
            .collect();
        let cloning = inflight
            .iter()
            .any(|v| v["current_step"] == "clone" || v["current_step"] == "configure");
        if inflight.len() == 4 && cloning {
            break;
        }
        assert!(Instant::now() < deadline, "the provisions never got going: {list:?}");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    serve.kill().unwrap();
    serve.wait().unwrap();

    let (mut serve, url, _) = spawn_serve(dir.path(), &sim, false);
    let deadline = Instant::now() + Duration::from_secs(120);
    let list = loop {
        let list = vms(&http, &url, &bearer).await;
        if list.iter().all(settled) && !list.iter().any(|v| v["id"] == doomed.as_str()) {
            break list;
        }
        assert!(
            Instant::now() < deadline,
            "operations did not finish after the restart: {list:?}"
        );
        tokio::time::sleep(Duration::from_millis(200)).await;
    };

    // The simulator's side: every non-template VM, its marker and its address.
    let sim_http = reqwest::Client::builder()
        .danger_accept_invalid_certs(true)
        .build()
        .unwrap();
    let auth = format!("PVEAPIToken={}", sim.token);
    let api = |path: String| {
        let (sim_http, auth, base) = (sim_http.clone(), auth.clone(), sim.url.clone());
        async move {
            let v: Value = sim_http
                .get(format!("{base}/api2/json{path}"))
                .header("authorization", auth)
                .send()
                .await
                .unwrap()
                .json()
                .await
                .unwrap();
            v["data"].clone()
        }
    };
    let mut on_cluster: BTreeMap<String, (u64, String)> = BTreeMap::new();
    for guest in api("/cluster/resources?type=vm".into()).await.as_array().unwrap() {
        if guest["template"].as_u64() == Some(1) {
            continue;
        }
        let (node, vmid) = (guest["node"].as_str().unwrap(), guest["vmid"].as_u64().unwrap());
        let config = api(format!("/nodes/{node}/qemu/{vmid}/config")).await;
        let description = config["description"].as_str().unwrap_or_default().to_owned();
        let marker = description
            .lines()
            .find_map(|l| l.trim().strip_prefix("nimbus-id:"))
            .unwrap_or_else(|| panic!("VM {vmid} has no Nimbus marker: {description:?}"))
            .trim()
            .to_owned();
        let ip = config["ipconfig0"].as_str().unwrap_or_default().to_owned();
        assert!(
            on_cluster.insert(marker.clone(), (vmid, ip)).is_none(),
            "two VMs carry {marker}"
        );
    }
    let running: Vec<&Value> = list.iter().filter(|v| v["phase"] == "ready").collect();
    let ids: BTreeSet<String> = running.iter().map(|v| v["id"].as_str().unwrap().to_owned()).collect();
    assert_eq!(
        on_cluster.keys().cloned().collect::<BTreeSet<_>>(),
        ids,
        "no orphan on the cluster, nothing Nimbus calls running that the cluster lacks"
    );
    let mut addresses = BTreeSet::new();
    for vm in &running {
        let (vmid, ipconfig) = &on_cluster[vm["id"].as_str().unwrap()];
        assert_eq!(vm["vmid"].as_u64(), Some(*vmid));
        let ip = vm["ip"].as_str().unwrap();
        assert!(ipconfig.starts_with(&format!("ip={ip}/")), "{ipconfig} vs {ip}");
        assert!(addresses.insert(ip.to_owned()), "{ip} is held twice");
    }
    assert!(
        running.len() >= 3,
        "most in-flight provisions finished running: {list:?}"
    );
    serve.kill().unwrap();
    let _ = serve.wait();
    sim.stop();
}
