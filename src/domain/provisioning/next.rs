//! Reading a stored provision: what a (re)started process must do next, and the status word the
//! API and UI show for it.

use chrono::{DateTime, Utc};

use super::{Phase, PowerAction, Provision, Undo};
use crate::domain::upid::Upid;

/// A VM's power state as Proxmox reports it right now; `Unknown` when the data is stale or
/// Proxmox cannot be reached.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PowerState {
    Running,
    Stopped,
    Unknown,
}

/// The work a runner must do to move the provision on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Next {
    /// An admin must approve or deny.
    AwaitApproval,
    ReserveIp,
    PickNode,
    ChooseVmid,
    /// Issue the clone. After a restart a clone may already exist under the chosen VMID (the
    /// process died between the call and storing its UPID): look for it, by VMID and marker,
    /// before cloning again.
    IssueClone,
    ApplyConfig,
    Resize,
    StartVm,
    /// Poll the same Proxmox task again; never repeat the action behind it.
    PollTask(Upid),
    /// Keep checking readiness until the deadline counted from `since`.
    WaitReady {
        since: DateTime<Utc>,
    },
    ExposeTunnel,
    InjectGpuEnv,
    BeginRollback,
    /// Carry out the first teardown item.
    Undo(Undo),
    /// Proxmox was unreachable; try the teardown again at this time.
    RetryAt(DateTime<Utc>),
    Power(PowerAction),
    /// Nothing to do until a user or admin acts.
    Idle,
}

/// The VM status vocabulary of the API and UI.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StatusWord {
    PendingApproval,
    Provisioning,
    Running,
    Stopped,
    Starting,
    Stopping,
    Rebooting,
    Unknown,
    Failed,
    Denied,
    Deleting,
    Deleted,
}

impl StatusWord {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::PendingApproval => "pending_approval",
            Self::Provisioning => "provisioning",
            Self::Running => "running",
            Self::Stopped => "stopped",
            Self::Starting => "starting",
            Self::Stopping => "stopping",
            Self::Rebooting => "rebooting",
            Self::Unknown => "unknown",
            Self::Failed => "failed",
            Self::Denied => "denied",
            Self::Deleting => "deleting",
            Self::Deleted => "deleted",
        }
    }
}

impl Provision {
    /// What to do next from the stored state alone.
    pub fn next(&self) -> Next {
        let task = |t: &Option<Upid>, issue: Next| t.clone().map_or(issue, Next::PollTask);
        match &self.phase {
            Phase::PendingApproval => Next::AwaitApproval,
            Phase::Requested => Next::ReserveIp,
            Phase::IpReserved => Next::PickNode,
            Phase::Placed => Next::ChooseVmid,
            Phase::Cloning { task: t } => task(t, Next::IssueClone),
            Phase::Configuring { task: t } => task(t, Next::ApplyConfig),
            Phase::Resizing { task: t } => task(t, Next::Resize),
            Phase::Starting { task: t } => task(t, Next::StartVm),
            Phase::WaitingReady { since } => Next::WaitReady { since: *since },
            Phase::ExposingTunnel => Next::ExposeTunnel,
            Phase::InjectingGpuEnv => Next::InjectGpuEnv,
            Phase::Failed { .. } => Next::BeginRollback,
            Phase::RollingBack { teardown, .. }
            | Phase::Deleting {
                teardown,
                retry_at: None,
            } => match (&teardown.task, teardown.remaining.first()) {
                (Some(t), _) => Next::PollTask(t.clone()),
                (None, Some(u)) => Next::Undo(u.clone()),
                (None, None) => Next::Idle,
            },
            Phase::RollbackPending { retry_at, .. }
            | Phase::Deleting {
                retry_at: Some(retry_at),
                ..
            } => Next::RetryAt(*retry_at),
            Phase::Power { action, task: t } => task(t, Next::Power(*action)),
            Phase::Denied { .. } | Phase::Ready | Phase::RolledBack { .. } | Phase::Deleted => Next::Idle,
        }
    }

    /// The status shown for this VM, given its live power state (`None` if not fetched).
    pub fn status(&self, live: Option<PowerState>) -> StatusWord {
        match &self.phase {
            Phase::PendingApproval => StatusWord::PendingApproval,
            Phase::Denied { .. } => StatusWord::Denied,
            Phase::Failed { .. }
            | Phase::RollingBack { .. }
            | Phase::RollbackPending { .. }
            | Phase::RolledBack { .. } => StatusWord::Failed,
            Phase::Ready => match live {
                Some(PowerState::Running) => StatusWord::Running,
                Some(PowerState::Stopped) => StatusWord::Stopped,
                Some(PowerState::Unknown) | None => StatusWord::Unknown,
            },
            Phase::Power { action, .. } => match action {
                PowerAction::Start => StatusWord::Starting,
                PowerAction::Shutdown | PowerAction::Stop => StatusWord::Stopping,
                PowerAction::Reboot => StatusWord::Rebooting,
            },
            Phase::Deleting { .. } => StatusWord::Deleting,
            Phase::Deleted => StatusWord::Deleted,
            _ => StatusWord::Provisioning,
        }
    }
}
