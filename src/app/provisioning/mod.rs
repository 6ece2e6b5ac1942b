//! Provisioning: one form to a running VM. A request is checked whole, recorded, and then run as a
//! durable background operation (`runner.rs`) that writes every step and the Proxmox task it waits
//! on before awaiting it, rolls back what it built on failure, and resumes after a restart. Any
//! number of waiters follow a run through the hub.

mod approvals;
mod drift;
mod errors;
mod fleet;
mod hub;
mod keys;
mod lifecycle;
mod metrics;
mod netscan;
pub mod pace;
mod placement;
mod queries;
mod reconcile;
mod request;
mod runner;
mod steps;
mod submit;
mod teardown;
pub mod templates;
#[cfg(test)]
mod tests;
mod verify;

use std::collections::{BTreeMap, HashMap};
use std::net::IpAddr;
use std::sync::{Arc, Mutex, RwLock};
use std::time::Duration;

use tokio::sync::Semaphore;
use tokio::task::JoinHandle;

pub use errors::ProvisionError;
pub use fleet::{ClusterFigures, ClusterGuest, FleetStats, NodeReport, PoolCounts, PoolEntry};
pub use hub::Snapshot;
pub use lifecycle::SHUTDOWN_WAIT_SECS;
pub use metrics::{ProvisionMetrics, Timing};
pub use queries::{Catalog, OsOption, Owner, TierOption, UNCONFIRMED, VmResult, VmState, failure_code};
pub use reconcile::ReconcileReport;
pub use request::{KeyChoice, ProvisionForm, idempotency_key};
pub use submit::Accepted;

use self::hub::Hub;
use self::pace::Pace;
use self::templates::Templates;
use super::keys::KeyVault;
use crate::app::audit::Auditor;
use crate::domain::clone_mode::CloneMode;
use crate::domain::cluster::NodeName;
use crate::domain::ids::InstanceId;
use crate::domain::ip_pool::NetworkPlan;
use crate::domain::os_image::OsCatalog;
use crate::domain::scoring::{InFlight, ScoringPolicy};
use crate::domain::tier::TierCatalog;
use crate::domain::vmid::VmId;
use crate::ports::{AccountStore, AddressPool, Clock, KeyCodec, LanProbe, ProvisionStore, Proxmox, QuotaStore};

/// How provisions are built, from configuration.
#[derive(Debug, Clone)]
pub struct ProvisionSettings {
    /// `None` when no IP pool is configured (provisioning is then refused).
    pub network: Option<NetworkPlan>,
    pub nameservers: Vec<IpAddr>,
    pub search_domain: String,
    pub cpu_type: String,
    pub clone_mode: CloneMode,
    /// `NIMBUS_VM_DISK_STORAGE`; `None` clones onto the template's storage.
    pub disk_storage: Option<String>,
    pub clone_per_node: u32,
    pub ready_timeout: Duration,
    pub scoring: ScoringPolicy,
    pub template_base: VmId,
    /// How long a snapshot of the addresses guests use is trusted when verifying a reservation.
    pub verify_ttl: Duration,
    /// First interval between task polls (it grows to 1 s).
    pub poll: Duration,
    /// Readiness fallback port.
    pub ssh_port: u16,
    /// Complete reconcile passes a holder may be missing before its address is vacated; `None`
    /// never vacates.
    pub vacate_after: Option<u32>,
    /// How long a live provision may go without renewing its reservation.
    pub reservation_ttl: Duration,
    /// The LAN sweep: off, TCP, or TCP and the ARP table.
    pub netscan_mode: crate::domain::netscan::NetscanMode,
    /// Addresses probed at once by a sweep.
    pub netscan_concurrency: usize,
}

/// A test hook called around each step of a run with the provision's phase word: before the
/// step (`false`) and after its Proxmox call but before its event is stored (`true`). A hook that
/// never returns freezes the run there, so a test can abort it like a crash would.
pub type Checkpoint = Arc<
    dyn Fn(InstanceId, &'static str, bool) -> std::pin::Pin<Box<dyn std::future::Future<Output = ()> + Send>>
        + Send
        + Sync,
>;

/// The ports the provisioner uses.
pub struct ProvisionPorts {
    pub proxmox: Option<Arc<dyn Proxmox>>,
    pub store: Arc<dyn ProvisionStore>,
    pub quotas: Arc<dyn QuotaStore>,
    /// Owners are looked up for provisions on their behalf and for approvals.
    pub accounts: Arc<dyn AccountStore>,
    pub audit: Arc<Auditor>,
    pub pool: Arc<dyn AddressPool>,
    pub lan: Arc<dyn LanProbe>,
    pub vault: Arc<KeyVault>,
    pub codec: Arc<dyn KeyCodec>,
    pub clock: Arc<dyn Clock>,
    pub pace: Arc<dyn Pace>,
}

pub struct Provisioner {
    ports: ProvisionPorts,
    settings: ProvisionSettings,
    tiers: TierCatalog,
    images: OsCatalog,
    templates: RwLock<Templates>,
    /// Placements not yet visible in Proxmox, by provision; locked while a node is picked.
    placing: tokio::sync::Mutex<BTreeMap<InstanceId, InFlight>>,
    slots: Mutex<HashMap<NodeName, Arc<Semaphore>>>,
    verify: verify::GuestAddresses,
    hub: Hub,
    runs: Mutex<HashMap<InstanceId, JoinHandle<()>>>,
    checkpoint: Option<Checkpoint>,
    /// When this process started (leases do not run while it is down).
    started_at: chrono::DateTime<chrono::Utc>,
    last_reconcile: Mutex<ReconcileReport>,
    power_cache: Mutex<queries::Powers>,
}

impl Provisioner {
    pub fn new(ports: ProvisionPorts, settings: ProvisionSettings) -> Self {
        let started_at = ports.clock.now();
        Self {
            started_at,
            last_reconcile: Mutex::new(ReconcileReport::default()),
            power_cache: Mutex::new(queries::Powers::default()),
            ports,
            settings,
            tiers: TierCatalog::builtin(),
            images: OsCatalog::builtin(),
            templates: RwLock::new(Templates::default()),
            placing: tokio::sync::Mutex::new(BTreeMap::new()),
            slots: Mutex::new(HashMap::new()),
            verify: verify::GuestAddresses::default(),
            hub: Hub::default(),
            runs: Mutex::new(HashMap::new()),
            checkpoint: None,
        }
    }

    /// Installs the test hook (see [`Checkpoint`]).
    pub fn with_checkpoint(mut self, checkpoint: Checkpoint) -> Self {
        self.checkpoint = Some(checkpoint);
        self
    }

    /// Seeds the pool and discovers templates; then resumes every unfinished provision.
    pub async fn start(self: &Arc<Self>) -> Result<usize, ProvisionError> {
        if let Some(plan) = &self.settings.network {
            let (added, removed) = self.ports.pool.seed_pool(plan).await?;
            if added + removed > 0 {
                tracing::info!(added, removed, "IP pool brought in line with the configured range");
            }
        }
        self.refresh_templates().await;
        self.resume_all().await
    }

    /// Starts a run for every provision that has not settled (after a restart).
    pub async fn resume_all(self: &Arc<Self>) -> Result<usize, ProvisionError> {
        let open = self.ports.store.unsettled_provisions().await?;
        let n = open.len();
        let mut placing = self.placing.lock().await;
        for record in &open {
            let p = &record.provision;
            if let (Some(node), Some(_)) = (&p.held.node, p.phase.step()) {
                placing.insert(
                    record.id(),
                    InFlight {
                        node: node.clone(),
                        vmid: p.held.vmid,
                        vcpus: p.spec.vcpus,
                        mem_bytes: p.spec.memory_mib * crate::domain::cluster::MIB,
                        disk_bytes: p.spec.disk_gib * crate::domain::cluster::GIB,
                    },
                );
            }
        }
        drop(placing);
        for record in open {
            tracing::info!(vm = %record.id(), phase = record.provision.phase.word(), "resuming a provision");
            self.hub.publish(&record);
            self.spawn(record.id());
        }
        Ok(n)
    }

    /// Asks the cluster for its templates again; keeps the last list when it cannot.
    pub async fn refresh_templates(&self) {
        let Some(proxmox) = &self.ports.proxmox else { return };
        match templates::discover(proxmox.as_ref(), self.settings.template_base).await {
            Ok(found) => {
                let count = found.sources().len();
                let mut current = self.templates.write().unwrap_or_else(|p| p.into_inner());
                if *current != found {
                    tracing::info!(templates = count, "template discovery");
                }
                *current = found;
            }
            Err(e) => tracing::warn!(error = %e, "template discovery failed; keeping the last list"),
        }
    }

    fn templates(&self) -> Templates {
        self.templates.read().unwrap_or_else(|p| p.into_inner()).clone()
    }

    /// Stops every run (the process is going down; they resume at the next start).
    pub fn shut_down(&self) {
        for (_, run) in self.runs.lock().unwrap_or_else(|p| p.into_inner()).drain() {
            run.abort();
        }
    }

    /// Whether a run for `id` is active in this process.
    pub fn is_running(&self, id: InstanceId) -> bool {
        self.runs
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .get(&id)
            .is_some_and(|h| !h.is_finished())
    }

    /// The per-node clone limit.
    fn slot(&self, node: &NodeName) -> Arc<Semaphore> {
        let mut slots = self.slots.lock().unwrap_or_else(|p| p.into_inner());
        slots
            .entry(node.clone())
            .or_insert_with(|| Arc::new(Semaphore::new(self.settings.clone_per_node.max(1) as usize)))
            .clone()
    }
}
