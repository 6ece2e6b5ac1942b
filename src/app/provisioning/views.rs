//! Reading provisions: the caller's VMs with their status words, one VM, following a run, the
//! seed's result of a finished provision, the vaulted private key, and the form's options.

use std::collections::BTreeMap;
use std::sync::Arc;

use tokio::sync::watch;

use super::hub::Snapshot;
use super::provision_error::ProvisionError;
use super::shared::Shared;
use crate::app::accounts::Caller;
use crate::domain::ids::InstanceId;
use crate::domain::provisioning::{FailureCode, Phase, PowerState, StatusWord, Step};
use crate::domain::role::Role;
use crate::domain::vmid::VmId;
use crate::ports::provisions::{KeyOrigin, ProvisionRecord};
use crate::ports::proxmox::{ClusterResource, PowerStatus};

/// A VM as the API shows it.
#[derive(Debug, Clone)]
pub struct VmState {
    pub record: Snapshot,
    pub status: StatusWord,
    /// When the power state behind `status` was last read from Proxmox (finished VMs only); with
    /// `unknown`, how old the last known state is.
    pub status_at: Option<chrono::DateTime<chrono::Utc>>,
    pub current_step: Option<Step>,
    pub warning: Option<String>,
    pub can_retry: bool,
    pub private_key_available: bool,
    /// The owner's name and email, filled in for admins' views of everyone's machines.
    pub owner: Option<Owner>,
    /// The command to run inside the VM for public SSH, when the guest agent never answered
    /// (one VM's own view only: it carries the one-time bootstrap link).
    pub manual_command: Option<String>,
}

/// Who owns a VM, as shown to admins.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Owner {
    pub name: String,
    pub email: String,
}

/// The seed's provision result, plus Nimbus's id.
#[derive(Clone, PartialEq, Eq)]
pub struct VmResult {
    pub id: InstanceId,
    pub vmid: Option<VmId>,
    pub hostname: String,
    pub ip: Option<std::net::Ipv4Addr>,
    pub username: String,
    pub os: String,
    pub tier: String,
    pub node: Option<String>,
    pub ssh_private_key: Option<String>,
    pub key_name: Option<String>,
    pub key_kept: bool,
    pub unconfirmed: bool,
    pub warning: Option<String>,
    /// The public SSH command through Gopher, when it works and its port is known.
    pub public_ssh: Option<String>,
    /// Why public SSH through Gopher does not work, when it was asked for.
    pub tunnel_error: Option<String>,
}

crate::domain::redact::debug_redacted!(VmResult { id, vmid, hostname, ip, username, os, tier, node, key_name, key_kept, unconfirmed, warning, public_ssh, tunnel_error } secret { ssh_private_key });

#[derive(Debug, Clone)]
pub struct TierOption {
    pub name: String,
    pub vcpus: u32,
    pub memory_mib: u64,
    pub disk_gib: u64,
    pub needs_approval: bool,
}

#[derive(Debug, Clone)]
pub struct OsOption {
    pub key: String,
    pub label: String,
    pub username: String,
    pub available: bool,
}

/// What the Provision form offers this caller.
#[derive(Debug, Clone)]
pub struct Catalog {
    pub tiers: Vec<TierOption>,
    pub os: Vec<OsOption>,
    pub tunnels_enabled: bool,
    pub default_key_id: Option<uuid::Uuid>,
}

/// How old the last power read may be before states show as unknown.
pub const STALE_AFTER_SECS: i64 = 60;

/// Power states as last read from Proxmox.
#[derive(Debug, Clone, Default)]
struct Powers {
    pub at: Option<chrono::DateTime<chrono::Utc>>,
    pub states: BTreeMap<VmId, PowerState>,
    /// Read just now, or recently enough to show.
    pub fresh: bool,
}

/// The "unconfirmed" warning: what to check when readiness was not confirmed in time.
pub const UNCONFIRMED: &str = "The machine was started but did not report its address in time. It may still be booting; if you cannot connect, check that the template has the QEMU guest agent installed and that Nimbus can reach the VM network.";

/// The read side of provisioning: machines as their owners and admins see them, following a
/// run, results, the kept private key and the Provision form's catalogue.
pub struct Views {
    shared: Arc<Shared>,
}

impl Views {
    pub fn new(shared: Arc<Shared>) -> Self {
        Self { shared }
    }

    /// Fills in each VM's owner (one account lookup for the lot).
    pub(super) async fn with_owners(&self, mut states: Vec<VmState>) -> Vec<VmState> {
        let owners = self.shared.owner_names().await;
        for s in &mut states {
            s.owner = owners.get(&s.record.owner()).cloned();
        }
        states
    }

    /// Power states from the cluster snapshot, and when it was read. When Proxmox does not
    /// answer, the last read is used while it is younger than [`STALE_AFTER_SECS`]; older, every
    /// state is unknown and the time says how old the last known one is.
    async fn power_states(&self) -> Powers {
        if self.shared.configured_proxmox().is_none() {
            return Powers::default();
        }
        let (read, fresh) = match self.shared.cluster.read().await {
            Ok(read) => (read, true),
            Err(e) => {
                tracing::warn!(error = %e, "cannot read power states; using the last ones while they are recent");
                let Some(last) = self.shared.cluster.last() else {
                    return Powers::default();
                };
                let now = self.shared.ports.clock.now();
                let recent = now - last.at <= chrono::Duration::seconds(STALE_AFTER_SECS);
                (last, recent)
            }
        };
        let states = read
            .value
            .iter()
            .filter_map(|r| match r {
                ClusterResource::Guest(g) => Some((
                    g.vmid,
                    match g.status {
                        PowerStatus::Running => PowerState::Running,
                        PowerStatus::Stopped => PowerState::Stopped,
                        _ => PowerState::Unknown,
                    },
                )),
                _ => None,
            })
            .collect();
        Powers {
            at: Some(read.at),
            states,
            fresh,
        }
    }

    fn state(&self, record: Snapshot, power: &Powers) -> VmState {
        let p = &record.provision;
        let live = match p.phase() {
            Phase::Ready => Some(
                p.held()
                    .vmid
                    .and_then(|v| power.states.get(&v).copied())
                    .filter(|_| power.fresh)
                    .unwrap_or(PowerState::Unknown),
            ),
            _ => None,
        };
        VmState {
            status_at: live.and(power.at),
            status: p.status(live),
            current_step: p.phase().step(),
            warning: p.unconfirmed().then(|| UNCONFIRMED.to_owned()),
            // A retry of a machine whose generated key was shown once would make a key nobody
            // sees: such a machine is provisioned again from the form instead.
            can_retry: matches!(p.phase(), Phase::RolledBack { .. })
                && (record.key.origin != KeyOrigin::Generated || record.key.kept),
            private_key_available: record.key.origin == KeyOrigin::Generated
                && record.key.kept
                && record.key.key_id.is_some(),
            owner: None,
            manual_command: None,
            record,
        }
    }

    /// The caller's VMs, newest first; with `everyone`, every owner's (admins only).
    pub async fn list(&self, caller: &Caller, everyone: bool) -> Result<Vec<VmState>, ProvisionError> {
        let records = if everyone {
            if caller.user.role != Role::Admin {
                return Err(ProvisionError::AdminOnly);
            }
            let records = self.shared.ports.store.all_provisions().await?;
            let power = self.power_states().await;
            let states = records.into_iter().map(|r| self.state(Arc::new(r), &power)).collect();
            return Ok(self.with_owners(states).await);
        } else {
            self.shared.ports.store.provisions_of(caller.user.id).await?
        };
        let power = if records.iter().any(|r| *r.provision.phase() == Phase::Ready) {
            self.power_states().await
        } else {
            Powers::default()
        };
        Ok(records.into_iter().map(|r| self.state(Arc::new(r), &power)).collect())
    }

    /// One VM.
    pub async fn get(&self, caller: &Caller, id: InstanceId) -> Result<VmState, ProvisionError> {
        let record = self.shared.owned(caller, id).await?;
        let mut state = self.view(Arc::new(record)).await;
        state.manual_command = super::exposure::manual_for(&self.shared, &state.record).await;
        if caller.user.role == Role::Admin {
            return Ok(self.with_owners(vec![state]).await.remove(0));
        }
        Ok(state)
    }

    /// The API view of a snapshot.
    pub async fn view(&self, record: Snapshot) -> VmState {
        let power = if *record.provision.phase() == Phase::Ready {
            self.power_states().await
        } else {
            Powers::default()
        };
        self.state(record, &power)
    }

    /// The VM's current state, and a channel with its next states while it is being built here.
    pub async fn follow(
        &self,
        caller: &Caller,
        id: InstanceId,
    ) -> Result<(Snapshot, Option<watch::Receiver<Snapshot>>), ProvisionError> {
        let record = self.shared.owned(caller, id).await?;
        let rx = self.shared.hub.subscribe(id);
        let current = rx
            .as_ref()
            .map(|r| r.borrow().clone())
            .unwrap_or_else(|| Arc::new(record));
        Ok((current, rx))
    }

    /// The end of a provision as the API reports it: the result once running, the failure once
    /// failed; `None` while it is still being built.
    pub async fn outcome(&self, caller: &Caller, record: &ProvisionRecord) -> Option<Result<VmResult, ProvisionError>> {
        let p = &record.provision;
        match p.phase() {
            Phase::Ready => Some(Ok(self.result(caller, record).await)),
            Phase::Failed { failure, .. }
            | Phase::RollingBack { failure, .. }
            | Phase::RollbackPending { failure, .. }
            | Phase::RolledBack { failure } => Some(Err(ProvisionError::Failed {
                code: failure_code(record),
                step: failure.step.as_str(),
                message: failure.reason.clone(),
            })),
            Phase::Deleting { .. } | Phase::Deleted | Phase::Power { .. } => {
                Some(Ok(self.result(caller, record).await))
            }
            Phase::Denied { reason } => Some(Err(ProvisionError::Denied(reason.clone()))),
            _ => None,
        }
    }

    async fn result(&self, caller: &Caller, record: &ProvisionRecord) -> VmResult {
        let p = &record.provision;
        let private = match (record.key.origin, record.key.kept, record.key.key_id) {
            (KeyOrigin::Generated, true, Some(key)) if record.owner() == caller.user.id => self
                .shared
                .ports
                .vault
                .private_key(caller, key)
                .await
                .ok()
                .map(|(_, text)| text),
            (KeyOrigin::Generated, false, _) => self.shared.hub.take_once(p.id()),
            _ => None,
        };
        VmResult {
            id: p.id(),
            vmid: p.held().vmid,
            hostname: p.spec().hostname.as_str().to_owned(),
            ip: p.held().ip,
            username: record.username.clone(),
            os: p.spec().os.clone(),
            tier: p.spec().tier.as_str().to_owned(),
            node: p.held().node.as_ref().map(|n| n.as_str().to_owned()),
            ssh_private_key: private,
            key_name: record.key.key_name.clone(),
            key_kept: record.key.kept,
            unconfirmed: p.unconfirmed(),
            warning: p.unconfirmed().then(|| UNCONFIRMED.to_owned()),
            public_ssh: match (&record.public.ssh_host, record.public.ssh_port) {
                (Some(host), Some(port)) if record.public.state == crate::ports::provisions::PublicState::Connected => {
                    Some(format!("ssh -p {port} {}@{host}", record.username))
                }
                _ => None,
            },
            tunnel_error: record.public.error.clone(),
        }
    }

    /// The generated key kept for this VM, for its owner.
    pub async fn private_key(&self, caller: &Caller, id: InstanceId) -> Result<(String, String), ProvisionError> {
        let record = self.shared.owned(caller, id).await?;
        if record.owner() != caller.user.id {
            return Err(ProvisionError::NotFound);
        }
        let key = match (record.key.origin, record.key.kept, record.key.key_id) {
            (KeyOrigin::Generated, true, Some(key)) => key,
            _ => return Err(ProvisionError::NoPrivateKey),
        };
        self.shared
            .ports
            .vault
            .private_key(caller, key)
            .await
            .map_err(|_| ProvisionError::NoPrivateKey)
    }

    /// The tiers, OSes and key default the Provision form offers the caller.
    pub async fn catalog(&self, caller: &Caller) -> Catalog {
        let templates = self.shared.templates();
        let limits = match crate::app::quotas::limits_with_source(self.shared.ports.quotas.as_ref(), &caller.user).await
        {
            Ok((limits, _)) => limits,
            Err(e) => {
                tracing::warn!(error = %e, "cannot read the caller's quota; showing the built-in approval rule");
                None
            }
        };
        let default_key_id = match self.shared.ports.vault.list(caller).await {
            Ok(keys) => keys.into_iter().find(|k| k.is_default).map(|k| k.id),
            Err(_) => None,
        };
        Catalog {
            tiers: self
                .shared
                .tiers
                .tiers()
                .iter()
                .map(|t| TierOption {
                    name: t.name().as_str().to_owned(),
                    vcpus: t.vcpus(),
                    memory_mib: t.memory_mib(),
                    disk_gib: t.disk_gib(),
                    needs_approval: match &limits {
                        Some(l) => l.needs_approval(t, &self.shared.tiers),
                        None => t.needs_approval_for(caller.user.role),
                    },
                })
                .collect(),
            os: self
                .shared
                .images
                .images()
                .iter()
                .map(|i| OsOption {
                    key: i.key().to_owned(),
                    label: i.label().to_owned(),
                    username: i.default_user().to_owned(),
                    available: templates.available(i.key()),
                })
                .collect(),
            tunnels_enabled: self.shared.ports.tunnels.is_configured(),
            default_key_id,
        }
    }
}

/// The machine code of a failure (the generic one for records failed before codes were kept).
pub fn failure_code(record: &ProvisionRecord) -> FailureCode {
    record.failure_code.unwrap_or(FailureCode::ProvisionFailed)
}
