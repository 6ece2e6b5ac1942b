//! Changing the VM network plan while Nimbus runs (the setup wizard's save, Admin → Settings →
//! Cluster): the pool, the gateway, the prefix and the reserved addresses. A plan that would
//! leave an address in use outside the pool is refused, naming each holder; otherwise the pool's
//! rows are brought in line with it (free addresses it no longer covers go, new ones come) and
//! every step that starts from then on uses it. Machines that exist keep their addresses and
//! network settings: gateway and prefix changes apply to new machines.

use std::net::Ipv4Addr;
use std::sync::Arc;

use super::shared::Shared;
use crate::app::accounts::Caller;
use crate::domain::audit::AuditAction;
use crate::domain::ip_pool::{AddressState, Holder, NetworkPlan};
use crate::ports::StoreError;

/// An address in use that a new plan would leave outside the pool.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HeldAddress {
    pub addr: Ipv4Addr,
    /// Who holds it, in words (`VM 104`, `a LAN host`, `a provision under way`).
    pub holder: String,
}

/// Why a new plan was not applied (nothing changed).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum NetworkChangeError {
    #[error(
        "the new pool leaves out {} in use: {}; keep them inside the pool (or reserved), or delete those machines first",
        if .held.len() == 1 { "an address" } else { "addresses" },
        .held.iter().map(|h| format!("{} ({})", h.addr, h.holder)).collect::<Vec<_>>().join(", ")
    )]
    HeldOutside { held: Vec<HeldAddress> },
    #[error("internal failure: {0}")]
    Internal(#[from] StoreError),
}

/// What applying a plan changed in the pool.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct NetworkApplied {
    /// Addresses that joined the pool.
    pub added: usize,
    /// Free addresses that left it.
    pub removed: usize,
}

/// What new machines and placement use besides the network plan.
#[derive(Debug, Clone)]
pub struct Tuning {
    pub nameservers: Vec<std::net::IpAddr>,
    pub search_domain: String,
    pub scoring: crate::domain::scoring::ScoringPolicy,
    pub clone_per_node: u32,
}

/// The network plan's changes.
pub struct NetworkChange {
    shared: Arc<Shared>,
}

impl NetworkChange {
    pub fn new(shared: Arc<Shared>) -> Self {
        Self { shared }
    }

    /// The settings new machines get now.
    pub fn settings(&self) -> Arc<super::ProvisionSettings> {
        self.shared.settings()
    }

    /// The plan new machines get now (`None` before a pool is configured).
    pub fn current(&self) -> Option<NetworkPlan> {
        self.shared.settings().network.clone()
    }

    /// Applies `plan`. Errors: [`NetworkChangeError::HeldOutside`] naming every address in use
    /// that `plan` does not assign; [`NetworkChangeError::Internal`] when the store fails.
    pub async fn apply(&self, admin: &Caller, plan: NetworkPlan) -> Result<NetworkApplied, NetworkChangeError> {
        let (applied, detail) = self.apply_unrecorded(plan).await?;
        let s = &self.shared;
        let entry = s.ports.audit.entry(AuditAction::SettingsChanged).by(&admin.user);
        let entry = entry.on("setting", "network", "VM network").from(admin.ip.as_deref());
        s.ports.audit.record(entry.detail(detail)).await;
        Ok(applied)
    }

    /// The addresses in use that `plan` would leave outside the pool.
    pub async fn held_outside(&self, plan: &NetworkPlan) -> Result<Vec<HeldAddress>, StoreError> {
        Ok(self
            .shared
            .ports
            .pool
            .pool_rows()
            .await?
            .into_iter()
            .filter(|row| !plan.is_assignable(row.addr))
            .filter_map(|row| holder_words(&row.state).map(|holder| HeldAddress { addr: row.addr, holder }))
            .collect())
    }

    /// As [`NetworkChange::apply`], for a caller that records the change itself (the setup
    /// wizard, before its admin exists); returns what to record.
    pub async fn apply_unrecorded(&self, plan: NetworkPlan) -> Result<(NetworkApplied, String), NetworkChangeError> {
        let s = &self.shared;
        let held = self.held_outside(&plan).await?;
        if !held.is_empty() {
            return Err(NetworkChangeError::HeldOutside { held });
        }
        let (added, removed) = s.ports.pool.seed_pool(&plan).await?;
        let before = s.settings();
        let detail = match &before.network {
            Some(old) => format!("VM network: {} → {}", describe(old), describe(&plan)),
            None => format!("VM network: {}", describe(&plan)),
        };
        let mut settings = (*before).clone();
        settings.network = Some(plan);
        s.set_settings(settings);
        Ok((NetworkApplied { added, removed }, detail))
    }

    /// New machines get these nameservers and search domain, and placement these knobs.
    pub fn retune(&self, tuning: Tuning) {
        let s = &self.shared;
        let mut settings = (*s.settings()).clone();
        settings.nameservers = tuning.nameservers;
        settings.search_domain = tuning.search_domain;
        settings.disk_storage = tuning.scoring.disk_storage.clone();
        settings.clone_per_node = tuning.clone_per_node;
        settings.scoring = tuning.scoring;
        s.set_settings(settings);
    }

    /// The connection to Proxmox was replaced: nothing read from the old one is reused.
    pub fn cluster_switched(&self) {
        self.shared.cluster.invalidate();
    }

    /// How many machines exist or are being built (the records that hold or may hold a VM).
    pub async fn machines(&self) -> Result<usize, StoreError> {
        use crate::domain::provisioning::Phase;
        let all = self.shared.ports.store.all_provisions().await?;
        Ok(all
            .iter()
            .filter(|r| {
                !matches!(
                    r.provision.phase(),
                    Phase::PendingApproval | Phase::Denied { .. } | Phase::RolledBack { .. } | Phase::Deleted
                )
            })
            .count())
    }

    /// Probes the first `limit` assignable addresses of `plan` on the LAN as the sweep does;
    /// returns how many were probed and those that answered.
    pub async fn probe(&self, plan: &NetworkPlan, limit: usize) -> (usize, Vec<Ipv4Addr>) {
        let targets: Vec<Ipv4Addr> = plan.assignable().take(limit).collect();
        let answering = super::lan_sweep::answering(&self.shared, &targets).await;
        (targets.len(), answering)
    }
}

/// Who holds an address, or `None` when it is free.
fn holder_words(state: &AddressState) -> Option<String> {
    match state {
        AddressState::Free => None,
        AddressState::Reserved(r) => Some(match r.vmid {
            Some(vmid) => format!("VM {vmid}, being built"),
            None => "a provision under way".into(),
        }),
        AddressState::Allocated { holder, .. } => Some(match holder {
            Holder::Local { vmid, .. } => format!("VM {vmid}"),
            Holder::Adopted { vmid, name } => format!("VM {vmid} \"{name}\", not made by Nimbus"),
            Holder::External => "a LAN host".into(),
        }),
    }
}

/// `pool 10.0.0.10–10.0.0.50/24, gateway 10.0.0.1`.
fn describe(plan: &NetworkPlan) -> String {
    format!(
        "pool {}–{}/{}, gateway {}",
        plan.pool().start(),
        plan.pool().end(),
        plan.prefix().get(),
        plan.gateway()
    )
}
