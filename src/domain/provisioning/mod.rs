//! The life of a Nimbus VM as one state machine: approval, the provisioning steps, failure and
//! rollback, and the lifecycle actions of a finished VM, up to deletion.
//!
//! States are plain data. Every state that waits on a Proxmox task carries the task's UPID, which
//! is stored before it is awaited, so a restarted process loads the state and resumes (polls the
//! same task) instead of repeating the action. [`Provision::apply`] is the only way to change a
//! state; an event the state does not accept is an error and changes nothing.

mod access;
mod drift;
#[cfg(test)]
mod drift_tests;
mod event;
mod failure_code;
#[cfg(test)]
mod failure_tests;
#[cfg(test)]
mod lifecycle_tests;
mod next;
#[cfg(test)]
mod props;
#[cfg(test)]
mod tests;
mod transition;

use std::fmt;
use std::net::Ipv4Addr;

use chrono::{DateTime, Utc};

use super::cluster::NodeName;
use super::hostname::Hostname;
use super::ids::{InstanceId, UserId};
use super::tier::TierName;
use super::upid::Upid;
use super::vmid::VmId;

pub use access::StoredProvision;
pub use drift::{Drift, DriftFinding, Sighting, find_drift};
pub use event::Event;
pub use failure_code::FailureCode;
pub use next::{Next, PowerState, StatusWord};
pub use transition::TransitionError;

/// What the user asked for, fixed at request time (a later tier edit does not resize it).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProvisionSpec {
    pub owner: UserId,
    pub hostname: Hostname,
    pub tier: TierName,
    pub vcpus: u32,
    pub memory_mib: u64,
    pub disk_gib: u64,
    pub os: String,
    pub expose_ssh: bool,
    pub gpu_env: bool,
}

/// A provisioning step, as shown on the user's timeline and named in failures.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Step {
    ReserveIp,
    PlaceVm,
    Clone,
    Configure,
    Resize,
    Start,
    WaitReady,
    ExposeTunnel,
    InjectGpuEnv,
}

impl Step {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::ReserveIp => "reserve_ip",
            Self::PlaceVm => "place_vm",
            Self::Clone => "clone",
            Self::Configure => "configure",
            Self::Resize => "resize",
            Self::Start => "start",
            Self::WaitReady => "wait_ready",
            Self::ExposeTunnel => "expose_tunnel",
            Self::InjectGpuEnv => "inject_gpu_env",
        }
    }
}

impl Step {
    /// The step named by `word` (as written by [`Step::as_str`]).
    pub fn parse(word: &str) -> Option<Self> {
        [
            Self::ReserveIp,
            Self::PlaceVm,
            Self::Clone,
            Self::Configure,
            Self::Resize,
            Self::Start,
            Self::WaitReady,
            Self::ExposeTunnel,
            Self::InjectGpuEnv,
        ]
        .into_iter()
        .find(|s| s.as_str() == word)
    }
}

impl fmt::Display for Step {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Why a provision failed: the step and a message for the user (never raw Proxmox text).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Failure {
    pub step: Step,
    pub reason: String,
}

/// One thing to take down, on rollback or delete, in the order listed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Undo {
    /// Delete the Gopher machine registered for the VM.
    RemoveTunnel { machine: String },
    /// Stop and destroy the VM if it exists *and* carries this provision's marker; a VM that is
    /// absent counts as done, one without the marker is never touched.
    DestroyVm { node: NodeName, vmid: VmId },
    /// Return the address to the pool. Always last, so the address is never reused while a VM
    /// configured with it may still exist.
    ReleaseIp { ip: Ipv4Addr },
}

/// Tearing down what a provision built: what is left, the task in progress, and retries.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Teardown {
    pub remaining: Vec<Undo>,
    pub task: Option<Upid>,
    pub attempts: u32,
}

/// A power action on a finished VM.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PowerAction {
    Start,
    Shutdown,
    Stop,
    Reboot,
}

impl PowerAction {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Start => "start",
            Self::Shutdown => "shutdown",
            Self::Stop => "stop",
            Self::Reboot => "reboot",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Phase {
    /// A member asked for a tier that needs an admin; nothing is reserved yet.
    PendingApproval,
    Denied {
        reason: String,
    },
    /// Accepted (or approved) and waiting to reserve an address.
    Requested,
    IpReserved,
    Placed,
    /// The VMID is chosen; `task` is the clone once issued.
    Cloning {
        task: Option<Upid>,
    },
    Configuring {
        task: Option<Upid>,
    },
    Resizing {
        task: Option<Upid>,
    },
    Starting {
        task: Option<Upid>,
    },
    WaitingReady {
        since: DateTime<Utc>,
    },
    ExposingTunnel,
    InjectingGpuEnv,
    /// Built. Power state comes live from Proxmox.
    Ready,
    /// A step failed; `undo` is what had been built by then, to be taken down in order.
    Failed {
        failure: Failure,
        undo: Vec<Undo>,
    },
    RollingBack {
        failure: Failure,
        teardown: Teardown,
    },
    /// Proxmox could not be reached while rolling back; retried at `retry_at` and shown to admins.
    RollbackPending {
        failure: Failure,
        teardown: Teardown,
        retry_at: DateTime<Utc>,
    },
    RolledBack {
        failure: Failure,
    },
    Power {
        action: PowerAction,
        task: Option<Upid>,
    },
    Deleting {
        teardown: Teardown,
        retry_at: Option<DateTime<Utc>>,
    },
    Deleted,
}

impl Phase {
    /// Stable name, as stored and as sent in step events.
    pub fn word(&self) -> &'static str {
        match self {
            Self::PendingApproval => "pending_approval",
            Self::Denied { .. } => "denied",
            Self::Requested => "requested",
            Self::IpReserved => "ip_reserved",
            Self::Placed => "placed",
            Self::Cloning { .. } => "cloning",
            Self::Configuring { .. } => "configuring",
            Self::Resizing { .. } => "resizing",
            Self::Starting { .. } => "starting",
            Self::WaitingReady { .. } => "waiting_ready",
            Self::ExposingTunnel => "exposing_tunnel",
            Self::InjectingGpuEnv => "injecting_gpu_env",
            Self::Ready => "ready",
            Self::Failed { .. } => "failed",
            Self::RollingBack { .. } => "rolling_back",
            Self::RollbackPending { .. } => "rollback_pending",
            Self::RolledBack { .. } => "rolled_back",
            Self::Power { .. } => "power_action",
            Self::Deleting { .. } => "deleting",
            Self::Deleted => "deleted",
        }
    }

    /// The step a provisioning phase is carrying out; `None` outside the provisioning flow.
    pub fn step(&self) -> Option<Step> {
        Some(match self {
            Self::Requested => Step::ReserveIp,
            Self::IpReserved => Step::PlaceVm,
            Self::Placed | Self::Cloning { .. } => Step::Clone,
            Self::Configuring { .. } => Step::Configure,
            Self::Resizing { .. } => Step::Resize,
            Self::Starting { .. } => Step::Start,
            Self::WaitingReady { .. } => Step::WaitReady,
            Self::ExposingTunnel => Step::ExposeTunnel,
            Self::InjectingGpuEnv => Step::InjectGpuEnv,
            _ => return None,
        })
    }

    /// The Proxmox task this phase is waiting on, if any.
    pub fn task(&self) -> Option<&Upid> {
        match self {
            Self::Cloning { task }
            | Self::Configuring { task }
            | Self::Resizing { task }
            | Self::Starting { task }
            | Self::Power { task, .. } => task.as_ref(),
            Self::RollingBack { teardown, .. }
            | Self::RollbackPending { teardown, .. }
            | Self::Deleting { teardown, .. } => teardown.task.as_ref(),
            _ => None,
        }
    }

    /// Nothing happens to the provision until someone asks (an approval, a power action, a
    /// delete): no run needs to work on it.
    pub fn is_at_rest(&self) -> bool {
        matches!(
            self,
            Self::PendingApproval | Self::Denied { .. } | Self::Ready | Self::RolledBack { .. } | Self::Deleted
        )
    }

    /// The VM still holds its hostname: it exists, or may yet exist.
    pub fn holds_hostname(&self) -> bool {
        !matches!(self, Self::Denied { .. } | Self::RolledBack { .. } | Self::Deleted)
    }

    /// The VM takes up its owner's quota: it exists or is being built (a request waiting for
    /// approval reserves nothing).
    pub fn counts_toward_quota(&self) -> bool {
        self.holds_hostname() && *self != Self::PendingApproval
    }

    /// No event moves the provision on from here (a delete is still possible from some).
    pub fn is_settled(&self) -> bool {
        matches!(
            self,
            Self::Denied { .. } | Self::Ready | Self::RolledBack { .. } | Self::Deleted
        )
    }
}

/// What the provision currently holds on the cluster and in the pool.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Held {
    pub ip: Option<Ipv4Addr>,
    pub node: Option<NodeName>,
    pub vmid: Option<VmId>,
    /// The Gopher machine id, once registered.
    pub tunnel: Option<String>,
}

/// A completed step on the timeline.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StepRecord {
    pub step: Step,
    pub at: DateTime<Utc>,
}

/// One VM's whole record, as stored. Its fields are read through accessors and changed only by
/// [`Provision::apply`]; a store rebuilds one with [`Provision::restore`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Provision {
    id: InstanceId,
    spec: ProvisionSpec,
    phase: Phase,
    held: Held,
    /// Readiness was not confirmed in time; a later check clears it.
    unconfirmed: bool,
    /// Soft problems the user should know about (tunnel or GPU setup failed, last power action
    /// failed, drift), newest last.
    notes: Vec<String>,
    steps: Vec<StepRecord>,
    requested_at: DateTime<Utc>,
}

impl Provision {
    /// A new request. Whether it waits for approval is the tier's rule, decided by the caller.
    pub fn new(id: InstanceId, spec: ProvisionSpec, needs_approval: bool, now: DateTime<Utc>) -> Self {
        Self {
            id,
            spec,
            phase: if needs_approval {
                Phase::PendingApproval
            } else {
                Phase::Requested
            },
            held: Held::default(),
            unconfirmed: false,
            notes: Vec::new(),
            steps: Vec::new(),
            requested_at: now,
        }
    }

    /// What must be taken down if the provision fails in its current phase, in order.
    pub fn undo_on_failure(&self) -> Vec<Undo> {
        let built = matches!(
            self.phase,
            Phase::Cloning { .. }
                | Phase::Configuring { .. }
                | Phase::Resizing { .. }
                | Phase::Starting { .. }
                | Phase::WaitingReady { .. }
                | Phase::ExposingTunnel
                | Phase::InjectingGpuEnv
                | Phase::Ready
                | Phase::Power { .. }
        );
        let mut undo = Vec::new();
        if let Some(machine) = &self.held.tunnel {
            undo.push(Undo::RemoveTunnel {
                machine: machine.clone(),
            });
        }
        if built && let (Some(node), Some(vmid)) = (&self.held.node, self.held.vmid) {
            undo.push(Undo::DestroyVm {
                node: node.clone(),
                vmid,
            });
        }
        if let Some(ip) = self.held.ip {
            undo.push(Undo::ReleaseIp { ip });
        }
        undo
    }
}
