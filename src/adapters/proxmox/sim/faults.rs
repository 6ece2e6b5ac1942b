//! Fault injection: what can go wrong on a simulated cluster, and for how long. Tests (and, over
//! the REST face, the `/_sim/` control endpoint) inject faults; the model consults them on every
//! call and task.

use chrono::{DateTime, Duration, Utc};

use crate::domain::cluster::NodeName;
use crate::domain::vmid::VmId;

/// Which calls a fault applies to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Op {
    Any,
    /// Every read-only call (`GET`).
    Read,
    NextId,
    Clone,
    Config,
    Create,
    Resize,
    Start,
    Stop,
    Shutdown,
    Reboot,
    Delete,
    Template,
    Download,
    Agent,
}

/// How an offline node fails calls proxied to it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OfflineMode {
    /// 595 `Connection refused`.
    Refused,
    /// 595 `No route to host`.
    NoRoute,
    /// 596 `Connection timed out`.
    Timeout,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Fault {
    /// The call fails with a 500 before any task starts, with this die text.
    ApiError { op: Op, message: String },
    /// The next task of this kind ends with this error as its exit status.
    TaskError { op: Op, message: String },
    /// The node is down: calls proxied to it fail; `/nodes` shows it offline.
    NodeOffline { node: NodeName, mode: OfflineMode },
    /// The VM's lock file is held by someone else: operations needing it time out.
    LockTimeout { vmid: VmId },
    /// The VM carries a config lock such as `backup`.
    ConfigLock { vmid: VmId, lock: String },
    /// The guest agent answers `delay` after start instead of the profile's time (all VMs when `None`).
    AgentLate { vmid: Option<VmId>, delay: Duration },
    /// The guest agent never answers (all VMs when `None`).
    AgentNever { vmid: Option<VmId> },
    /// The agent socket is up but the agent hangs.
    AgentHang { vmid: VmId },
    /// Neither the agent nor the network of the VM ever answers.
    SilentVm { vmid: VmId },
    /// The storage has no free space left (on one node, or every node when `None`).
    StorageFull { node: Option<NodeName>, storage: String },
    /// The next `nextid` answer is taken by another client right after it is given out.
    NextIdCollision,
    /// Every answer is delayed by this much real time.
    Slow { delay: std::time::Duration },
    /// The API token is refused.
    WrongToken,
    /// The cluster lost quorum: writes fail, reads work.
    QuorumLost,
    /// The guest ignores ACPI shutdown requests.
    GuestIgnoresAcpi { vmid: VmId },
    /// Proxmox cannot fork a worker for a task.
    WorkerSpawnFail,
}

/// How long a fault lasts. `Once` and `Times` count the calls or tasks the fault actually fails
/// (a refused token, a lost-quorum write, a lock timeout, an agent call, an injected error);
/// faults that describe a condition rather than fail a call (a node offline, a silent VM, a full
/// storage, a late agent, slowness, a guest ignoring ACPI, a config lock) last until cleared or,
/// with `For`, for that long.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FaultScope {
    /// Fires once, then is gone.
    Once,
    /// Fires this many times.
    Times(u32),
    /// Active for this long from injection (simulated time).
    For(Duration),
    /// Active until cleared.
    UntilCleared,
}

/// Names an injected fault so it can be cleared.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct FaultId(pub u64);

#[derive(Debug, Clone)]
pub(super) struct ActiveFault {
    pub id: FaultId,
    pub fault: Fault,
    pub remaining: Option<u32>,
    pub until: Option<DateTime<Utc>>,
}

impl ActiveFault {
    pub fn new(id: FaultId, fault: Fault, scope: FaultScope, now: DateTime<Utc>) -> Self {
        let (remaining, until) = match scope {
            FaultScope::Once => (Some(1), None),
            FaultScope::Times(n) => (Some(n), None),
            FaultScope::For(d) => (None, Some(now + d)),
            FaultScope::UntilCleared => (None, None),
        };
        Self {
            id,
            fault,
            remaining,
            until,
        }
    }

    pub fn live(&self, now: DateTime<Utc>) -> bool {
        self.remaining != Some(0) && self.until.is_none_or(|u| now < u)
    }
}

/// Whether a fault aimed at `target` applies to a call of kind `op`.
pub(super) fn op_matches(target: Op, op: Op) -> bool {
    target == Op::Any || target == op
}
