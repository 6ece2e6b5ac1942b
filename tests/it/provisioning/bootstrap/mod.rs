//! The template bootstrap over the simulated cluster in this process: the same harness as the
//! provision simulations (a real SQLite file, the in-memory face, a manual clock the bakes move
//! when they wait), cloud images served by a loopback image server, checksum lists read over
//! real HTTP.

mod flows;
mod recovery;
mod replace;

use std::sync::Arc;
use std::time::Duration;

use nimbus::adapters::fetch::HttpFetch;
use nimbus::adapters::image_server::ImageServer;
use nimbus::adapters::proxmox::sim::Scenario;
use nimbus::app::provisioning::Provisioning;
use nimbus::app::provisioning::bootstrap::{Bootstrap, BootstrapRequest, BootstrapSettings, ImageSource};
use nimbus::domain::bootstrap::{BakePhase, BakeSlot, Outcome, TemplateHealth};
use nimbus::domain::cidata::BAKE_VERSION;
use nimbus::domain::os_image::OsCatalog;
use nimbus::ports::{BakeStore, Proxmox};

use super::sim::{Mode, Sim};

pub struct Boot {
    pub sim: Sim,
    pub images: ImageServer,
    pub vms: Arc<Provisioning>,
    pub bootstrap: Arc<Bootstrap>,
}

pub fn settings(mirror: &str, disk_storage: &str) -> BootstrapSettings {
    BootstrapSettings {
        image_storage: "local".into(),
        disk_storage: disk_storage.into(),
        bridge: "vmbr0".into(),
        nodes_at_once: 5,
        bakes_per_node: 1,
        sources: OsCatalog::builtin()
            .images()
            .iter()
            .map(|i| (i.key().to_owned(), ImageSource::mirrored(i, mirror)))
            .collect(),
        bake_timeout: Duration::from_secs(1200),
        download_timeout: Duration::from_secs(3600),
        poll: Duration::from_millis(500),
    }
}

impl Boot {
    pub async fn new(scenario: Scenario) -> Self {
        Self::with(scenario, "local-lvm").await
    }

    pub async fn with(scenario: Scenario, disk_storage: &str) -> Self {
        let mut sim = Sim::new(scenario, Mode::Realistic).await;
        sim.settings.disk_storage = Some(disk_storage.to_owned());
        let images = ImageServer::start("127.0.0.1:0".parse().unwrap()).await.unwrap();
        let vms = sim.provisioner_following();
        // Seeds the address pool, as every start of the process does.
        vms.runner.start().await.unwrap();
        let bootstrap = Self::service(&sim, &vms, &images, disk_storage);
        Self {
            sim,
            images,
            vms,
            bootstrap,
        }
    }

    /// A bootstrap service over the same database and cluster, as a (restarted) process builds it.
    pub fn service(sim: &Sim, vms: &Provisioning, images: &ImageServer, disk_storage: &str) -> Arc<Bootstrap> {
        vms.bootstrap(
            settings(images.base_url().as_str(), disk_storage),
            Arc::new(sim.store.clone()),
            Arc::new(HttpFetch::new(Duration::from_secs(10)).unwrap()),
        )
    }

    /// Starts a bootstrap as the admin and waits (bounded, in simulated time) for it to end.
    pub async fn run(&self, request: BootstrapRequest) -> (Vec<BakeSlot>, String) {
        self.bootstrap.start(Some(&self.sim.caller), request).await.unwrap();
        self.wait_idle(&self.bootstrap).await;
        self.bootstrap.last_run()
    }

    pub async fn wait_idle(&self, bootstrap: &Bootstrap) {
        for _ in 0..200_000 {
            if !bootstrap.is_running() {
                return;
            }
            self.step().await;
        }
        let slots = self.sim.store.bakes().await.unwrap();
        panic!("the bootstrap did not end: {slots:?}");
    }

    /// Moves simulated time on by 200 ms, giving the bakes a moment of real time for what they
    /// do for real (SQLite, the image server) so simulated time never races ahead of it.
    pub async fn step(&self) {
        self.sim.clock.advance(chrono::Duration::milliseconds(200));
        tokio::time::sleep(Duration::from_millis(1)).await;
    }

    /// Runs `work` while moving simulated time, for calls that wait on Proxmox tasks.
    pub async fn driving<T>(&self, work: impl std::future::Future<Output = T>) -> T {
        tokio::pin!(work);
        for _ in 0..200_000 {
            tokio::select! {
                out = &mut work => return out,
                () = self.step() => {}
            }
        }
        panic!("the work did not end in simulated time");
    }

    /// Every template on the cluster: (node, vmid, name, health).
    pub fn templates(&self) -> Vec<(String, u32, String, TemplateHealth)> {
        self.sim
            .cluster
            .vm_configs()
            .into_iter()
            .filter(|(_, _, c)| c.get("template").map(String::as_str) == Some("1"))
            .map(|(vmid, node, c)| {
                (
                    node.to_string(),
                    vmid.get(),
                    c.get("name").cloned().unwrap_or_default(),
                    TemplateHealth::read(&c),
                )
            })
            .collect()
    }

    /// VMs that are not templates.
    pub fn vms_not_templates(&self) -> Vec<u32> {
        self.sim
            .cluster
            .vm_configs()
            .into_iter()
            .filter(|(_, _, c)| c.get("template").map(String::as_str) != Some("1"))
            .map(|(vmid, _, _)| vmid.get())
            .collect()
    }

    /// The bake ISOs left on any node's `local` storage.
    pub async fn isos_left(&self) -> Vec<String> {
        let px = self.sim.cluster.proxmox();
        let mut left = Vec::new();
        for node in px.nodes().await.unwrap() {
            if let Ok(items) = px.storage_content(&node.name, "local", Some("iso".into())).await {
                left.extend(items.into_iter().map(|i| i.volid).filter(|v| v.contains("nimbus-bake")));
            }
        }
        left
    }

    /// Every template is a healthy bake of the current recipe.
    pub fn assert_all_baked(&self) {
        for (node, vmid, name, health) in self.templates() {
            assert!(
                health.is_healthy_baked(BAKE_VERSION),
                "template {vmid} ({name}) on {node} is not a healthy bake: {health:?}"
            );
        }
    }
}

pub fn outcomes(slots: &[BakeSlot]) -> Vec<String> {
    let mut words: Vec<String> = slots
        .iter()
        .map(|s| match &s.phase {
            BakePhase::Done {
                outcome: Outcome::Created,
            } => "created".to_owned(),
            BakePhase::Done {
                outcome: Outcome::Skipped,
            } => "skipped".to_owned(),
            BakePhase::Done {
                outcome: Outcome::Replaced,
            } => "replaced".to_owned(),
            BakePhase::Failed { reason } => format!("failed: {reason}"),
            other => format!("unfinished: {other:?}"),
        })
        .collect();
    words.sort();
    words
}
