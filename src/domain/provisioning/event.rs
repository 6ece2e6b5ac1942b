//! The events that move a provision from one state to the next.

use std::net::Ipv4Addr;

use chrono::{DateTime, Utc};

use super::{PowerAction, PowerState};
use crate::domain::cluster::NodeName;
use crate::domain::upid::Upid;
use crate::domain::vmid::VmId;

/// Something that happened to a provision.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Event {
    Approve,
    Deny {
        reason: String,
    },
    IpReserved {
        ip: Ipv4Addr,
    },
    NodePicked {
        node: NodeName,
    },
    VmidChosen {
        vmid: VmId,
    },
    /// A Proxmox call answered with a task id; stored before the task is awaited.
    TaskStarted {
        upid: Upid,
    },
    /// The awaited task ended successfully.
    TaskFinished {
        upid: Upid,
    },
    /// The current step finished without a task (config applied at once, no resize needed,
    /// tunnel or GPU setup done).
    StepDone,
    /// The Gopher machine was registered; it is now held and removed on rollback or delete.
    TunnelRegistered {
        machine: String,
    },
    /// The Gopher machine held was deleted on Gopher (it had failed, or its one-time bootstrap
    /// link was used up): the exposure starts again with a new one.
    TunnelDropped {
        machine: String,
    },
    /// The owner asked to try public access again on a finished VM that wanted it.
    ExposureRetried,
    ReadinessConfirmed,
    /// Readiness was not confirmed in time. Not a failure: the VM is kept, flagged unconfirmed.
    ReadinessTimedOut,
    /// An optional step (tunnel, GPU env) failed: noted for the user, the provision goes on.
    SoftStepFailed {
        reason: String,
    },
    StepFailed {
        reason: String,
    },
    RollbackStarted,
    /// The first remaining teardown item is done.
    UndoDone,
    /// A teardown task ended in error (the VM was busy, storage refused): forget the task and
    /// try the same item again at `retry_at`.
    UndoFailed {
        retry_at: DateTime<Utc>,
    },
    /// Proxmox could not be reached during a teardown; try again at `retry_at`.
    ProxmoxUnreachable {
        retry_at: DateTime<Utc>,
    },
    RetryNow,
    PowerRequested {
        action: PowerAction,
        power: PowerState,
    },
    ActionFailed {
        reason: String,
    },
    DeleteRequested,
    /// A look at Proxmox found a finished VM changed outside Nimbus: it was migrated to
    /// `moved_to` (followed), and its owner is told `notes`.
    DriftObserved {
        moved_to: Option<NodeName>,
        notes: Vec<String>,
    },
}

impl Event {
    pub fn name(&self) -> &'static str {
        match self {
            Self::Approve => "approve",
            Self::Deny { .. } => "deny",
            Self::IpReserved { .. } => "ip_reserved",
            Self::NodePicked { .. } => "node_picked",
            Self::VmidChosen { .. } => "vmid_chosen",
            Self::TaskStarted { .. } => "task_started",
            Self::TaskFinished { .. } => "task_finished",
            Self::StepDone => "step_done",
            Self::TunnelRegistered { .. } => "tunnel_registered",
            Self::TunnelDropped { .. } => "tunnel_dropped",
            Self::ExposureRetried => "exposure_retried",
            Self::ReadinessConfirmed => "readiness_confirmed",
            Self::ReadinessTimedOut => "readiness_timed_out",
            Self::SoftStepFailed { .. } => "soft_step_failed",
            Self::StepFailed { .. } => "step_failed",
            Self::RollbackStarted => "rollback_started",
            Self::UndoDone => "undo_done",
            Self::UndoFailed { .. } => "undo_failed",
            Self::ProxmoxUnreachable { .. } => "proxmox_unreachable",
            Self::RetryNow => "retry_now",
            Self::PowerRequested { .. } => "power_requested",
            Self::ActionFailed { .. } => "action_failed",
            Self::DeleteRequested => "delete_requested",
            Self::DriftObserved { .. } => "drift_observed",
        }
    }
}
