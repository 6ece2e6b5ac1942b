//! The template bootstrap's makespan. Over the in-memory simulator on the `bench` profile (fixed
//! task durations, no jitter) with a manual clock the bench drives: the simulated time to bake
//! the four OS templates on one node alone (each of the five nodes in turn: the slowest is the
//! reference), then on 5 and on 20 nodes at once with the default of 5 nodes in parallel, and on
//! 20 with all 20 in parallel. The ratio of each makespan to the slowest single node shows how
//! much of the fan-out's parallelism is real (1.0 is perfect; 20 nodes five at a time is bound by
//! 4.0). Wall-clock time is printed beside it for the cost of the run itself.
//!
//! Run with `make bench` (or `cargo bench --bench bootstrap`).

use std::sync::Arc;
use std::time::{Duration, Instant};

use async_trait::async_trait;
use chrono::{TimeZone, Utc};
use nimbus::adapters::clock::ManualClock;
use nimbus::adapters::fetch::HttpFetch;
use nimbus::adapters::image_server::ImageServer;
use nimbus::adapters::lan::SimLan;
use nimbus::adapters::proxmox::sim::{Profile, Scenario, SimCluster};
use nimbus::adapters::secrets::AesGcmSecrets;
use nimbus::adapters::ssh_keys::OpenSshCodec;
use nimbus::adapters::store::sqlite::SqliteStore;
use nimbus::app::audit::Auditor;
use nimbus::app::keys::KeyVault;
use nimbus::app::provisioning::bootstrap::{BootstrapRequest, BootstrapSettings, ImageSource};
use nimbus::app::provisioning::pace::Pace;
use nimbus::app::provisioning::{ProvisionPorts, ProvisionSettings, Provisioning};
use nimbus::domain::clone_mode::CloneMode;
use nimbus::domain::ip_pool::{NetworkPlan, PoolRange, PrefixLen};
use nimbus::domain::os_image::OsCatalog;
use nimbus::domain::scoring::ScoringPolicy;
use nimbus::domain::vmid::VmId;
use nimbus::ports::Clock;

/// Waits follow the clock the bench moves.
struct Follow(Arc<ManualClock>);

#[async_trait]
impl Pace for Follow {
    async fn pause(&self, d: Duration) {
        self.0
            .until(self.0.now() + chrono::Duration::from_std(d).unwrap())
            .await;
    }
}

fn provision_settings() -> ProvisionSettings {
    let ip = |n| std::net::Ipv4Addr::new(127, 91, 0, n);
    ProvisionSettings {
        network: Some(
            NetworkPlan::new(
                PoolRange::new(ip(10), ip(250)).unwrap(),
                PrefixLen::default(),
                ip(1),
                Vec::new(),
            )
            .unwrap(),
        ),
        nameservers: Vec::new(),
        search_domain: String::new(),
        cpu_type: "host".into(),
        clone_mode: CloneMode::Full,
        disk_storage: Some("local-lvm".into()),
        clone_per_node: 2,
        ready_timeout: Duration::from_secs(120),
        scoring: ScoringPolicy::default(),
        template_base: VmId::new(9000).unwrap(),
        verify_ttl: Duration::from_secs(5),
        poll: Duration::from_millis(250),
        ssh_port: 22,
        vacate_after: None,
        reservation_ttl: Duration::from_secs(3600),
        netscan_mode: nimbus::domain::netscan::NetscanMode::Tcp,
        netscan_concurrency: 8,
        cluster_max_age: Duration::from_secs(5),
        discovery_every: Duration::from_secs(30),
    }
}

/// Bakes the four templates on `bake_on` of a `nodes`-node empty cluster; the simulated
/// makespan and the wall time.
async fn makespan(images: &ImageServer, nodes: usize, bake_on: &[String], at_once: usize) -> (f64, Duration) {
    let dir = tempfile::tempdir().unwrap();
    let store = SqliteStore::open(&dir.path().join("nimbus.db")).await.unwrap();
    let clock = Arc::new(ManualClock::new(Utc.with_ymd_and_hms(2026, 12, 7, 9, 0, 0).unwrap()));
    let cluster = SimCluster::new(Scenario::empty(nodes), Profile::Bench, 7, clock.clone());
    let audit = Arc::new(Auditor::new(Arc::new(store.clone()), clock.clone()));
    let ports = ProvisionPorts {
        proxmox: Some(Arc::new(cluster.proxmox())),
        store: Arc::new(store.clone()),
        quotas: Arc::new(store.clone()),
        accounts: Arc::new(store.clone()),
        audit: audit.clone(),
        pool: Arc::new(store.clone()),
        lan: Arc::new(SimLan(cluster.clone())),
        vault: Arc::new(KeyVault::new(
            Arc::new(store.clone()),
            Arc::new(OpenSshCodec),
            Arc::new(AesGcmSecrets::new(&[9; 32])),
            audit,
            clock.clone(),
        )),
        codec: Arc::new(OpenSshCodec),
        clock: clock.clone(),
        pace: Arc::new(Follow(clock.clone())),
        tunnels: Arc::default(),
        secrets: Arc::new(nimbus::app::secrets::SecretBox::new(
            Arc::new(store.clone()),
            Arc::new(AesGcmSecrets::new(&[9; 32])),
            clock.clone(),
        )),
        settings: Arc::new(store.clone()),
    };
    let vms = Provisioning::new(ports, provision_settings(), None);
    vms.runner.start().await.unwrap();
    let mirror = images.base_url().to_string();
    let settings = BootstrapSettings {
        image_storage: "local".into(),
        disk_storage: "local-lvm".into(),
        bridge: "vmbr0".into(),
        nodes_at_once: at_once,
        bakes_per_node: 1,
        sources: OsCatalog::builtin()
            .images()
            .iter()
            .map(|i| (i.key().to_owned(), ImageSource::mirrored(i, &mirror)))
            .collect(),
        bake_timeout: Duration::from_secs(1200),
        download_timeout: Duration::from_secs(3600),
        poll: Duration::from_millis(500),
    };
    let bootstrap = vms.bootstrap(
        settings,
        Arc::new(store.clone()),
        Arc::new(HttpFetch::new(Duration::from_secs(10)).unwrap()),
    );
    let started = (clock.now(), Instant::now());
    bootstrap
        .start(
            None,
            BootstrapRequest {
                nodes: bake_on.to_vec(),
                ..BootstrapRequest::default()
            },
        )
        .await
        .unwrap();
    while bootstrap.is_running() {
        clock.advance(chrono::Duration::milliseconds(200));
        tokio::time::sleep(Duration::from_millis(1)).await;
    }
    let (slots, summary) = bootstrap.last_run();
    assert_eq!(slots.len(), bake_on.len() * 4, "{summary}");
    assert!(summary.ends_with(" created"), "{summary}");
    let simulated = (clock.now() - started.0).num_milliseconds() as f64 / 1000.0;
    (simulated, started.1.elapsed())
}

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() {
    let images = ImageServer::start("127.0.0.1:0".parse().unwrap()).await.unwrap();
    let names = |n: usize| (1..=n).map(|i| format!("pve{i}")).collect::<Vec<_>>();
    let mut slowest = 0.0f64;
    for node in names(5) {
        let (sim, wall) = makespan(&images, 5, std::slice::from_ref(&node), 5).await;
        println!(
            "bootstrap one node alone ({node}): {sim:.1} s simulated ({:.2} s wall)",
            wall.as_secs_f64()
        );
        slowest = slowest.max(sim);
    }
    for (nodes, at_once) in [(5, 5), (20, 5), (20, 20)] {
        let (sim, wall) = makespan(&images, nodes, &names(nodes), at_once).await;
        println!(
            "bootstrap {nodes} nodes, {at_once} at a time: {sim:.1} s simulated ({:.2} s wall); makespan / slowest single node = {:.2}",
            wall.as_secs_f64(),
            sim / slowest
        );
    }
}
