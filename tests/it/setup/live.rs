//! Admin → Settings → Cluster after setup: a pool edit applies without a restart and is saved; a
//! shrink past a machine's address is refused naming it; another cluster is refused while
//! machines exist; a value the environment sets is shown locked.

use std::time::{Duration, Instant};

use reqwest::Method;
use serde_json::{Value, json};

use super::super::processes::SimProcess;
use super::{Serve, complete, workdir};

fn pool(start: &str, end: &str) -> Value {
    json!({"network": {"pool_start": start, "pool_end": end, "gateway": "127.73.0.1", "prefix": 24,
                       "nameservers": "1.1.1.1, 9.9.9.9"}})
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn pool_edits_apply_live_a_held_address_blocks_a_shrink_and_another_cluster_is_refused() {
    let dir = workdir();
    let sim = SimProcess::spawn(dir.path(), &["--profile", "instant"]);
    let serve = Serve::spawn(dir.path(), &sim);
    let admin = complete(&serve, &sim, 73).await;
    let cookie = Some(admin.as_str());

    // A machine on the new pool.
    let (status, made) = serve
        .api(
            Method::POST,
            "/vms",
            Some(json!({"hostname": "keeper", "tier": "small", "os_template": "debian-12", "generate_key": true})),
            cookie,
        )
        .await;
    assert_eq!(status, 201, "{made}");
    let id = made["data"]["id"].as_str().unwrap().to_owned();
    let deadline = Instant::now() + Duration::from_secs(60);
    let ip = loop {
        let (_, vm) = serve.api(Method::GET, &format!("/vms/{id}"), None, cookie).await;
        if vm["data"]["phase"] == "ready" {
            break vm["data"]["ip"].as_str().unwrap().to_owned();
        }
        assert!(Instant::now() < deadline, "the machine never got ready: {vm}");
        tokio::time::sleep(Duration::from_millis(50)).await;
    };
    assert!(ip.starts_with("127.73.0."), "{ip}");

    // A shrink that leaves it out is refused, naming it; nothing changes.
    let (status, refused) = serve
        .api(
            Method::PUT,
            "/settings/cluster",
            Some(pool("127.73.0.100", "127.73.0.120")),
            cookie,
        )
        .await;
    assert_eq!(
        (status, refused["code"].as_str()),
        (409, Some("pool_shrink_blocked")),
        "{refused}"
    );
    assert!(refused["error"].as_str().unwrap().contains(&ip), "{refused}");
    let env = std::fs::read_to_string(dir.path().join(".env")).unwrap();
    assert!(env.contains("IP_POOL_END=127.73.0.40"), "nothing was written: {env}");

    // A growth applies at once and is saved.
    let (status, saved) = serve
        .api(
            Method::PUT,
            "/settings/cluster",
            Some(pool("127.73.0.10", "127.73.0.90")),
            cookie,
        )
        .await;
    assert_eq!(status, 200, "{saved}");
    assert_eq!(
        saved["data"]["settings"]["network"]["pool_end"], "127.73.0.90",
        "{saved}"
    );
    let env = std::fs::read_to_string(dir.path().join(".env")).unwrap();
    assert!(env.contains("IP_POOL_END=127.73.0.90"), "{env}");
    let (_, ips) = serve.api(Method::GET, "/ips", None, cookie).await;
    assert!(
        ips.to_string().contains("127.73.0.90"),
        "the pool has the new addresses: {ips}"
    );

    // Another cluster, while a machine exists: refused.
    let other = SimProcess::spawn(dir.path(), &["--profile", "instant", "--nodes", "3", "--seed", "5"]);
    let (token_id, secret) = other.token.split_once('=').unwrap();
    let mut change = pool("127.73.0.10", "127.73.0.90");
    change["proxmox"] =
        json!({"url": other.url, "fingerprint": other.fingerprint, "token_id": token_id, "token_secret": secret});
    let (status, refused) = serve.api(Method::PUT, "/settings/cluster", Some(change), cookie).await;
    assert_eq!(
        (status, refused["code"].as_str()),
        (409, Some("other_cluster")),
        "{refused}"
    );
    let (_, cluster) = serve.api(Method::GET, "/settings/cluster", None, cookie).await;
    assert!(
        cluster["data"]["proxmox"]["url"]
            .as_str()
            .unwrap()
            .starts_with(sim.url.trim_end_matches('/')),
        "still the first cluster: {cluster}"
    );
    let (_, audit) = serve.api(Method::GET, "/audit", None, cookie).await;
    assert!(
        audit.to_string().contains("127.73.0.90"),
        "the change is audited: {audit}"
    );
    other.stop();
    serve.stop();
    sim.stop();
}
