//! Fault injection: what can go wrong on a simulated cluster, and for how long. Tests (and, over
//! the REST face, the `/_sim/` control endpoint) inject faults; the model consults them on every
//! call and task.

use chrono::{DateTime, Duration, Utc};
use serde::{Deserialize, Serialize};

use crate::domain::cluster::NodeName;
use crate::domain::vmid::VmId;

/// Which calls a fault applies to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
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
    /// `upload` of a file to a storage.
    Upload,
    /// Deleting a volume from a storage.
    VolumeDelete,
    Agent,
    /// Access-control writes: users, roles, ACLs, tokens.
    Access,
}

/// How an offline node fails calls proxied to it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum OfflineMode {
    /// 595 `Connection refused`.
    Refused,
    /// 595 `No route to host`.
    NoRoute,
    /// 596 `Connection timed out`.
    Timeout,
}

/// A fault. Over the REST face's `/_sim/faults` it is JSON tagged by `kind`, for example
/// `{"kind":"node_offline","node":"pve2","mode":"no_route"}` or `{"kind":"agent_late","vmid":100,"delay_ms":30000}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case", deny_unknown_fields)]
pub enum Fault {
    /// The call fails with a 500 before any task starts, with this die text.
    ApiError { op: Op, message: String },
    /// The next task of this kind ends with this error as its exit status.
    TaskError { op: Op, message: String },
    /// The node is down: calls proxied to it fail; `/nodes` shows it offline.
    NodeOffline {
        #[serde(with = "wire::node")]
        node: NodeName,
        mode: OfflineMode,
    },
    /// The VM's lock file is held by someone else: operations needing it time out.
    LockTimeout {
        #[serde(with = "wire::vmid")]
        vmid: VmId,
    },
    /// The VM carries a config lock such as `backup`.
    ConfigLock {
        #[serde(with = "wire::vmid")]
        vmid: VmId,
        lock: String,
    },
    /// The guest agent answers `delay` after start instead of the profile's time (all VMs when `None`).
    AgentLate {
        #[serde(with = "wire::opt_vmid", default)]
        vmid: Option<VmId>,
        #[serde(rename = "delay_ms", with = "wire::millis")]
        delay: Duration,
    },
    /// The guest agent never answers (all VMs when `None`).
    AgentNever {
        #[serde(with = "wire::opt_vmid", default)]
        vmid: Option<VmId>,
    },
    /// The agent socket is up but the agent hangs.
    AgentHang {
        #[serde(with = "wire::vmid")]
        vmid: VmId,
    },
    /// Neither the agent nor the network of the VM ever answers.
    SilentVm {
        #[serde(with = "wire::vmid")]
        vmid: VmId,
    },
    /// The storage has no free space left (on one node, or every node when `None`).
    StorageFull {
        #[serde(with = "wire::opt_node", default)]
        node: Option<NodeName>,
        storage: String,
    },
    /// Downloads (on one node, or every node when `None`) fail inside their task with
    /// `download failed: <reason>` (`Connection reset by peer` when no reason is given).
    DownloadFailure {
        #[serde(with = "wire::opt_node", default)]
        node: Option<NodeName>,
        #[serde(default)]
        reason: Option<String>,
    },
    /// Downloads (on one node, or every node when `None`) arrive corrupted: a checksum check
    /// fails with `checksum mismatch`, and without one the damaged file is stored.
    CorruptDownload {
        #[serde(with = "wire::opt_node", default)]
        node: Option<NodeName>,
    },
    /// The next `nextid` answer is taken by another client right after it is given out.
    NextIdCollision,
    /// Every answer is delayed by this much real time.
    Slow {
        #[serde(rename = "delay_ms", with = "wire::std_millis")]
        delay: std::time::Duration,
    },
    /// The API token is refused.
    WrongToken,
    /// The cluster lost quorum: writes fail, reads work.
    QuorumLost,
    /// The guest ignores ACPI shutdown requests.
    GuestIgnoresAcpi {
        #[serde(with = "wire::vmid")]
        vmid: VmId,
    },
    /// Proxmox cannot fork a worker for a task.
    WorkerSpawnFail,
}

/// How long a fault lasts. `Once` and `Times` count the calls or tasks the fault actually fails
/// (a refused token, a lost-quorum write, a lock timeout, an agent call, an injected error, a
/// failed or corrupted download);
/// faults that describe a condition rather than fail a call (a node offline, a silent VM, a full
/// storage, a late agent, slowness, a guest ignoring ACPI, a config lock) last until cleared or,
/// with `For`, for that long.
///
/// As JSON: `{"kind":"once"}`, `{"kind":"times","n":3}`, `{"kind":"for","ms":60000}`, `{"kind":"until_cleared"}`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case", deny_unknown_fields)]
pub enum FaultScope {
    /// Fires once, then is gone.
    Once,
    /// Fires this many times.
    Times { n: u32 },
    /// Active for this long from injection (simulated time).
    For {
        #[serde(rename = "ms", with = "wire::millis")]
        duration: Duration,
    },
    /// Active until cleared.
    UntilCleared,
}

impl FaultScope {
    pub fn times(n: u32) -> Self {
        Self::Times { n }
    }

    pub fn lasting(duration: Duration) -> Self {
        Self::For { duration }
    }
}

/// Names an injected fault so it can be cleared.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(transparent)]
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
            FaultScope::Times { n } => (Some(n), None),
            FaultScope::For { duration } => (None, Some(now + duration)),
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

/// Serde helpers for the fault JSON of the REST face's control endpoint.
mod wire {
    use serde::{Deserialize, Deserializer, Serializer, de::Error};

    use crate::domain::cluster::NodeName;
    use crate::domain::vmid::VmId;

    pub mod node {
        use super::*;

        pub fn serialize<S: Serializer>(n: &NodeName, s: S) -> Result<S::Ok, S::Error> {
            s.serialize_str(n.as_str())
        }

        pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<NodeName, D::Error> {
            let raw = String::deserialize(d)?;
            NodeName::parse(&raw).map_err(|_| D::Error::custom(format!("'{raw}' is not a node name")))
        }
    }

    pub mod opt_node {
        use super::*;

        pub fn serialize<S: Serializer>(n: &Option<NodeName>, s: S) -> Result<S::Ok, S::Error> {
            match n {
                Some(n) => s.serialize_some(n.as_str()),
                None => s.serialize_none(),
            }
        }

        pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Option<NodeName>, D::Error> {
            match Option::<String>::deserialize(d)? {
                None => Ok(None),
                Some(raw) => NodeName::parse(&raw)
                    .map(Some)
                    .map_err(|_| D::Error::custom(format!("'{raw}' is not a node name"))),
            }
        }
    }

    pub mod vmid {
        use super::*;

        pub fn serialize<S: Serializer>(v: &VmId, s: S) -> Result<S::Ok, S::Error> {
            s.serialize_u32(v.get())
        }

        pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<VmId, D::Error> {
            let raw = u32::deserialize(d)?;
            VmId::new(raw).map_err(|_| D::Error::custom(format!("{raw} is not a VMID (100..=999999999)")))
        }
    }

    pub mod opt_vmid {
        use super::*;

        pub fn serialize<S: Serializer>(v: &Option<VmId>, s: S) -> Result<S::Ok, S::Error> {
            match v {
                Some(v) => s.serialize_some(&v.get()),
                None => s.serialize_none(),
            }
        }

        pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Option<VmId>, D::Error> {
            match Option::<u32>::deserialize(d)? {
                None => Ok(None),
                Some(raw) => VmId::new(raw)
                    .map(Some)
                    .map_err(|_| D::Error::custom(format!("{raw} is not a VMID (100..=999999999)"))),
            }
        }
    }

    pub mod millis {
        use super::*;

        pub fn serialize<S: Serializer>(d: &chrono::Duration, s: S) -> Result<S::Ok, S::Error> {
            s.serialize_i64(d.num_milliseconds())
        }

        pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<chrono::Duration, D::Error> {
            let ms = u32::deserialize(d)?;
            Ok(chrono::Duration::milliseconds(i64::from(ms)))
        }
    }

    pub mod std_millis {
        use super::*;

        pub fn serialize<S: Serializer>(d: &std::time::Duration, s: S) -> Result<S::Ok, S::Error> {
            s.serialize_u64(d.as_millis() as u64)
        }

        pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<std::time::Duration, D::Error> {
            Ok(std::time::Duration::from_millis(u64::from(u32::deserialize(d)?)))
        }
    }
}
