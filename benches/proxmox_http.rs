//! What one Proxmox call costs through the production HTTP adapter against the simulator's REST
//! face over loopback HTTPS (a kept-alive connection, the certificate pinned), next to the same
//! call through the in-memory face in the same run. Prints the median and p99 per call kind and
//! the wire-to-memory ratio.
//!
//! Run with `make bench` (or `cargo bench --bench proxmox_http`).

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::{Duration, Instant};

use chrono::{TimeZone, Utc};
use nimbus::adapters::clock::ManualClock;
use nimbus::adapters::proxmox::http::{HttpProxmox, HttpProxmoxOptions, TlsTrust};
use nimbus::adapters::proxmox::rest::{ApiToken, RestFace, RestFaceOptions};
use nimbus::adapters::proxmox::sim::{Profile, Scenario, SimCluster};
use nimbus::domain::cluster::NodeName;
use nimbus::domain::vmid::VmId;
use nimbus::ports::proxmox::Proxmox;

const WARMUP: usize = 50;
const CALLS: usize = 2_000;

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    let i = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[i.min(sorted.len() - 1)]
}

async fn measure<F, Fut>(mut call: F) -> (Duration, Duration)
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = ()>,
{
    for _ in 0..WARMUP {
        call().await;
    }
    let mut times = Vec::with_capacity(CALLS);
    for _ in 0..CALLS {
        let t = Instant::now();
        call().await;
        times.push(t.elapsed());
    }
    times.sort();
    (percentile(&times, 0.5), percentile(&times, 0.99))
}

fn us(d: Duration) -> f64 {
    d.as_secs_f64() * 1e6
}

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() {
    let clock = Arc::new(ManualClock::new(Utc.with_ymd_and_hms(2026, 11, 28, 12, 0, 0).unwrap()));
    let cluster = SimCluster::new(Scenario::default_cluster(5).with_guests(50), Profile::Bench, 7, clock);
    let face = RestFace::start(
        cluster.clone(),
        RestFaceOptions::new(SocketAddr::from(([127, 0, 0, 1], 0)), ApiToken::random()),
    )
    .await
    .expect("REST face");
    let mut options = HttpProxmoxOptions::new(
        face.base_url(),
        face.token().token_id.clone(),
        face.token().secret.clone(),
    );
    options.tls = TlsTrust::Fingerprint(TlsTrust::parse_fingerprint(face.fingerprint()).expect("fingerprint"));
    let http = HttpProxmox::new(options).expect("adapter");
    let memory = cluster.proxmox();
    let faces: [(&str, &dyn Proxmox); 2] = [("http", &http), ("memory", &memory)];
    let node = NodeName::parse("pve1").unwrap();
    let vmid = VmId::new(9000).unwrap();

    println!("one Proxmox call, {CALLS} calls each after {WARMUP} warm-up calls (median / p99):");
    let mut medians = std::collections::BTreeMap::new();
    let node = &node;
    for (name, px) in faces {
        let cases: [(&str, (Duration, Duration)); 4] = [
            (
                "GET /version",
                measure(move || async move {
                    px.version().await.expect("version");
                })
                .await,
            ),
            (
                "GET vm status/current",
                measure(move || async move {
                    px.vm_status(node, vmid).await.expect("status");
                })
                .await,
            ),
            (
                "GET vm config",
                measure(move || async move {
                    px.vm_config(node, vmid).await.expect("config");
                })
                .await,
            ),
            (
                "GET /cluster/resources (65 rows)",
                measure(move || async move {
                    px.cluster_resources(None).await.expect("resources");
                })
                .await,
            ),
        ];
        for (what, (p50, p99)) in cases {
            println!("  {name:>6}  {what:<34} {:>9.1} µs / {:>9.1} µs", us(p50), us(p99));
            medians.insert((what, name), p50);
        }
    }
    for what in [
        "GET /version",
        "GET vm status/current",
        "GET vm config",
        "GET /cluster/resources (65 rows)",
    ] {
        let ratio = us(medians[&(what, "http")]) / us(medians[&(what, "memory")]).max(0.001);
        println!("  wire/memory median ratio  {what:<34} {ratio:>8.1}x");
    }
    face.stop().await;
}
