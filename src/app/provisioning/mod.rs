//! Provisioning: one form to a running VM. A request is checked whole, recorded, and then run as a
//! durable background operation that writes every step and the Proxmox task it waits on before
//! awaiting it, rolls back what it built on failure, and resumes after a restart. Any number of
//! waiters follow a run through the hub.
//!
//! The parts share one `Shared` (ports, settings, discovered templates, in-flight placements):
//! - the orchestrator: `Submissions` (requests, retries), `Approvals`, `Lifecycle` (power,
//!   delete) and the `Runner` (one run per provision; its steps are in `steps.rs`,
//!   `placement.rs`, `teardown.rs` and `lifecycle.rs`);
//! - the read side: `Views` (machines, results, the catalogue) and `Fleet` (admins' views);
//! - the background jobs: `IpReconcile`, `LanSweep`, `DriftWatch`, `ReadinessRecheck` and
//!   `TemplateDiscovery`, each a `tick(now)`.
//!
//! `Provisioning` builds them all over one `Shared`.

mod approvals;
pub mod bootstrap;
mod cluster_snapshot;
mod drift_watch;
pub mod exposure;
mod fleet;
mod guest_addresses;
mod hub;
mod ip_reconcile;
mod keys;
mod lan_sweep;
mod lifecycle;
mod network_change;
pub mod pace;
mod placement;
mod provision_error;
mod provision_form;
mod provision_metrics;
mod readiness_recheck;
mod reconcile_report;
mod run;
mod runner;
mod shared;
mod steps;
mod submissions;
mod teardown;
mod template_discovery;
pub mod templates;
#[cfg(test)]
mod tests;
mod tunnel_error;
mod tunnel_policy;
mod tunnel_watch;
mod tunnels;
mod views;

use std::net::IpAddr;
use std::sync::Arc;
use std::time::Duration;

pub use approvals::Approvals;
pub use cluster_snapshot::{ClusterRead, ClusterSnapshot};
pub use drift_watch::DriftWatch;
pub use fleet::{ClusterFigures, ClusterGuest, Fleet, FleetStats, NodeReport, PoolCounts, PoolEntry};
pub use hub::Snapshot;
pub use ip_reconcile::IpReconcile;
pub use lan_sweep::LanSweep;
pub use lifecycle::{Lifecycle, SHUTDOWN_WAIT_SECS};
pub use network_change::{HeldAddress, NetworkApplied, NetworkChange, NetworkChangeError, Tuning};
pub use provision_error::ProvisionError;
pub use provision_form::{KeyChoice, ProvisionForm, idempotency_key};
pub use provision_metrics::{ProvisionMetrics, Timing};
pub use readiness_recheck::ReadinessRecheck;
pub use reconcile_report::ReconcileReport;
pub use runner::Runner;
pub use shared::Shared;
pub use submissions::{Accepted, Submissions};
pub use template_discovery::TemplateDiscovery;
pub use tunnel_error::TunnelError;
pub use tunnel_watch::{GatewayMachine, GatewayOverview, GatewayVm, TunnelPass, TunnelWatch};
pub use tunnels::{NewTunnel, SubdomainCheck, Tunnels, TunnelsInfo};
pub use views::{Catalog, OsOption, Owner, TierOption, UNCONFIRMED, Views, VmResult, VmState, failure_code};

use self::pace::Pace;
use super::keys::KeyVault;
use crate::app::audit::Auditor;
use crate::domain::clone_mode::CloneMode;
use crate::domain::ids::InstanceId;
use crate::domain::ip_pool::NetworkPlan;
use crate::domain::scoring::ScoringPolicy;
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
    /// How long a read of the cluster's resources is reused (`NIMBUS_CLUSTER_CACHE_SECONDS`).
    pub cluster_max_age: Duration,
    /// The least time between two template discoveries a request for an OS without a template
    /// may start.
    pub discovery_every: Duration,
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
    /// The Gopher gateway in use, or none: tunnels are available exactly when one is.
    pub tunnels: Arc<crate::app::gateway_switch::GatewaySwitch>,
    /// Sealed values kept apart from the plain record (a machine's one-time bootstrap link).
    pub secrets: Arc<crate::app::secrets::SecretBox>,
    /// Plain settings (the policy for published ports).
    pub settings: Arc<dyn crate::ports::Store>,
}

/// Every part of provisioning, built over one `Shared`.
pub struct Provisioning {
    pub runner: Arc<Runner>,
    pub submissions: Arc<Submissions>,
    pub approvals: Arc<Approvals>,
    pub lifecycle: Arc<Lifecycle>,
    pub views: Arc<Views>,
    pub fleet: Arc<Fleet>,
    pub reconcile: Arc<IpReconcile>,
    pub sweep: Arc<LanSweep>,
    pub drift: Arc<DriftWatch>,
    pub recheck: Arc<ReadinessRecheck>,
    pub discovery: Arc<TemplateDiscovery>,
    /// Changes of the VM network plan while Nimbus runs.
    pub network: Arc<NetworkChange>,
    /// Published ports through Gopher.
    pub tunnels: Arc<Tunnels>,
    /// Gopher as admins see it, and the reconcile of public access.
    pub tunnel_watch: Arc<TunnelWatch>,
    shared: Arc<Shared>,
}

impl Provisioning {
    /// The template bootstrap over the same ports, settings and discovered templates.
    pub fn bootstrap(
        &self,
        settings: bootstrap::BootstrapSettings,
        bakes: Arc<dyn crate::ports::BakeStore>,
        fetch: Arc<dyn crate::ports::TextFetch>,
    ) -> Arc<bootstrap::Bootstrap> {
        Arc::new(bootstrap::Bootstrap::new(self.shared.clone(), settings, bakes, fetch))
    }

    /// The parts over these ports and settings; `checkpoint` is the test hook (see
    /// [`Checkpoint`]).
    pub fn new(ports: ProvisionPorts, settings: ProvisionSettings, checkpoint: Option<Checkpoint>) -> Self {
        let shared = Arc::new(Shared::new(ports, settings));
        let runner = Arc::new(Runner::new(shared.clone(), checkpoint));
        let views = Arc::new(Views::new(shared.clone()));
        let reconcile = Arc::new(IpReconcile::new(shared.clone()));
        let tunnels = Arc::new(Tunnels::new(shared.clone()));
        Self {
            tunnel_watch: Arc::new(TunnelWatch::new(shared.clone(), runner.clone(), tunnels.clone())),
            tunnels,
            submissions: Arc::new(Submissions::new(shared.clone(), runner.clone())),
            approvals: Arc::new(Approvals::new(shared.clone(), runner.clone(), views.clone())),
            lifecycle: Arc::new(Lifecycle::new(shared.clone(), runner.clone(), views.clone())),
            fleet: Arc::new(Fleet::new(shared.clone())),
            sweep: Arc::new(LanSweep::new(shared.clone(), reconcile.clone())),
            drift: Arc::new(DriftWatch::new(shared.clone(), runner.clone())),
            recheck: Arc::new(ReadinessRecheck::new(shared.clone(), runner.clone())),
            discovery: Arc::new(TemplateDiscovery::new(shared.clone())),
            network: Arc::new(NetworkChange::new(shared.clone())),
            shared,
            reconcile,
            views,
            runner,
        }
    }
}
