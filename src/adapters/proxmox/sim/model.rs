//! The state of a simulated cluster and the machinery every operation shares: time, tasks,
//! locks, faults and the event log. Operations live in `vm_ops.rs`, `agent.rs` and `reads.rs`.

use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;

use super::vm::Vm;
use std::net::IpAddr;

use chrono::{DateTime, Duration, Utc};

use super::faults::{ActiveFault, Fault, Op, op_matches};
use super::profile::{Profile, Rng, Work};
use super::scenario::NodeSpec;
use crate::domain::cluster::NodeName;
use crate::domain::upid::Upid;
use crate::domain::vmid::VmId;
use crate::ports::proxmox::{ConfigChange, ExitStatus, ProxmoxError, ProxmoxResult};

pub(super) const USER: &str = "root@pam!nimbus";

#[derive(Debug, Clone)]
pub(super) struct Node {
    pub spec: NodeSpec,
}

/// A storage definition; a shared one is a single pool seen from every node.
#[derive(Debug, Clone)]
pub(super) struct Storage {
    pub name: String,
    pub plugin: &'static str,
    pub content: Vec<&'static str>,
    pub shared: bool,
    /// Capacity per node (`None` key for a shared storage).
    pub total: BTreeMap<Option<NodeName>, u64>,
}

/// A file on a directory storage (ISO, import image).
#[derive(Debug, Clone)]
pub(super) struct FileVolume {
    pub storage: String,
    pub node: Option<NodeName>,
    pub volid: String,
    pub content: String,
    pub format: String,
    /// The simulated size (a cloud image counts as hundreds of MiB).
    pub size: u64,
    /// The bytes really fetched or uploaded (tiny in tests), e.g. a `cidata` ISO a guest reads.
    pub bytes: Arc<Vec<u8>>,
}

impl FileVolume {
    /// Whether the file is visible from `node` (a shared storage is seen from every node).
    pub fn on(&self, node: &NodeName) -> bool {
        self.node.as_ref().is_none_or(|n| n == node)
    }
}

/// What a task does to the model when it ends successfully.
#[derive(Debug, Clone)]
pub(super) enum Effect {
    CloneDone {
        source: VmId,
        newid: VmId,
        target: NodeName,
        name: Option<String>,
        description: Option<String>,
        full: bool,
        storage: Option<String>,
    },
    Config {
        vmid: VmId,
        change: ConfigChange,
    },
    Resize {
        vmid: VmId,
        disk: String,
        bytes: u64,
    },
    Start {
        vmid: VmId,
    },
    Stop {
        vmid: VmId,
    },
    Reboot {
        vmid: VmId,
    },
    Delete {
        vmid: VmId,
    },
    Template {
        vmid: VmId,
    },
    Create {
        vmid: VmId,
    },
    /// A finished download: `verdict` is the checksum check made once the file is down.
    Download {
        file: FileVolume,
        verdict: Result<(), String>,
    },
    /// An uploaded file, replacing one of the same name.
    Upload {
        file: FileVolume,
    },
    DeleteVolume {
        volid: String,
        node: NodeName,
    },
}

#[derive(Debug, Clone)]
pub(super) struct Task {
    pub upid: Upid,
    pub start_at: DateTime<Utc>,
    pub end_at: DateTime<Utc>,
    /// `Err(text)`: the task will end with this error.
    pub outcome: Result<(), String>,
    pub effect: Effect,
    pub log: Vec<String>,
    pub exit: Option<ExitStatus>,
    /// A download or upload: its log grows as simulated time passes.
    pub transfer: Option<Transfer>,
}

/// What the log of a transfer task shows besides the lines it started with.
#[derive(Debug, Clone, Default)]
pub(super) struct Transfer {
    /// Bytes moved, shown as progress lines (`downloaded 25% (150.0 MiB of 600.0 MiB)`).
    pub bytes: Option<u64>,
    /// Lines written once the transfer is over (checksum check, "finished").
    pub done: Vec<String>,
}

pub(super) struct Model {
    pub profile: Profile,
    /// The simulated PVE release, e.g. `8.4.1`.
    pub pve_version: String,
    pub rng: Rng,
    pub epoch: DateTime<Utc>,
    pub now: DateTime<Utc>,
    pub nodes: Vec<Node>,
    pub storages: Vec<Storage>,
    pub files: Vec<FileVolume>,
    pub vms: BTreeMap<VmId, Vm>,
    pub tasks: BTreeMap<String, Task>,
    /// Unfinished tasks by (end time, UPID), so time moves without scanning every task.
    pub pending: BTreeSet<(DateTime<Utc>, String)>,
    pub faults: Vec<ActiveFault>,
    pub next_fault: u64,
    pub next_pid: u32,
    pub lan_hosts: BTreeMap<IpAddr, BTreeSet<u16>>,
    /// Guest statistics as last pushed to `/cluster/resources`, and when.
    /// Per guest: name, running, template, and when these were last refreshed (a guest on an
    /// offline node keeps its last values, which go stale after five minutes).
    pub stats: BTreeMap<VmId, (String, bool, bool, DateTime<Utc>)>,
    pub stats_at: Option<DateTime<Utc>>,
    pub log: Vec<String>,
    /// How many times each cluster-wide read was asked (`version`, `cluster/resources`), so
    /// tests can see how often Nimbus asks.
    pub asked: BTreeMap<&'static str, u64>,
    /// Users, roles, ACLs, tokens and tickets.
    pub access: super::access::Access,
    /// Who makes the current call: `None` for the built-in root token (no checks), else the
    /// user or token id whose privileges are checked and who owns the tasks it starts.
    pub acting: Option<String>,
    /// What guests reach over the network (their Gopher bootstrap); none: no route anywhere.
    pub guest_network: Option<Arc<dyn super::guest_network::GuestNetwork>>,
}

impl Model {
    pub fn new(profile: Profile, seed: u64, now: DateTime<Utc>) -> Self {
        Self {
            profile,
            pve_version: super::scenario::DEFAULT_PVE_VERSION.to_owned(),
            rng: Rng::new(seed),
            epoch: now,
            now,
            nodes: Vec::new(),
            storages: Vec::new(),
            files: Vec::new(),
            vms: BTreeMap::new(),
            tasks: BTreeMap::new(),
            pending: BTreeSet::new(),
            faults: Vec::new(),
            next_fault: 1,
            next_pid: 0x1000 + (seed % 0x1000) as u32,
            lan_hosts: BTreeMap::new(),
            stats: BTreeMap::new(),
            stats_at: None,
            log: Vec::new(),
            asked: BTreeMap::new(),
            access: super::access::Access::new(crate::domain::proxmox_privileges::PveRelease::new(8, 4)),
            acting: None,
            guest_network: None,
        }
    }

    /// Appends to the event log, stamped with simulated time since the start.
    pub fn event(&mut self, text: impl AsRef<str>) {
        let ms = (self.now - self.epoch).num_milliseconds();
        self.log
            .push(format!("[+{}.{:03}s] {}", ms / 1000, ms % 1000, text.as_ref()));
    }

    pub fn node(&self, name: &NodeName) -> ProxmoxResult<&Node> {
        self.nodes
            .iter()
            .find(|n| &n.spec.name == name)
            .ok_or_else(|| ProxmoxError::NotFound(format!("hostname lookup '{name}' failed - no such node")))
    }

    // ---- tasks -------------------------------------------------------------------------------

    /// Starts a task on `node`. When `holds` names a VM, the task needs that VM's lock file:
    /// it waits for the current holder up to the lock timeout, or fails with Proxmox's text.
    #[allow(clippy::too_many_arguments)]
    pub fn spawn(
        &mut self,
        node: &NodeName,
        kind: &str,
        id: &str,
        holds: Option<VmId>,
        work: Work,
        op: Op,
        mut outcome: Result<(), String>,
        effect: Effect,
        mut log: Vec<String>,
    ) -> Upid {
        let now = self.now;
        self.next_pid += 1 + (self.rng.next_u64() % 7) as u32;
        let pstart = 0x0100_0000 + (now - self.epoch).num_milliseconds().max(0) as u64 / 10;
        let upid = Upid::new(
            node.clone(),
            self.next_pid,
            pstart,
            now.timestamp() as u32,
            kind,
            id,
            self.acting.as_deref().unwrap_or(USER),
        );
        let mut start_at = now;
        if let Some(vmid) = holds {
            let wait = self.profile.lock_wait();
            let stuck = self
                .fire(|f| matches!(f, Fault::LockTimeout { vmid: v } if *v == vmid).then_some(()))
                .is_some();
            let busy = self.vms.get(&vmid).and_then(|vm| vm.busy_until).filter(|b| *b > now);
            if stuck || busy.is_some_and(|b| b - now > wait) {
                log.push("trying to acquire lock...".into());
                outcome = Err(format!(
                    "can't lock file '/var/lock/qemu-server/lock-{vmid}.conf' - got timeout"
                ));
                start_at = now + wait;
            } else if let Some(b) = busy {
                log.push("trying to acquire lock...".into());
                start_at = b;
            }
        }
        if outcome.is_ok()
            && let Some(message) = self.fire(|f| match f {
                Fault::TaskError { op: target, message } if op_matches(*target, op) => Some(message.clone()),
                _ => None,
            })
        {
            outcome = Err(message);
        }
        let duration = if outcome.is_ok() {
            self.profile.duration(work, &mut self.rng)
        } else {
            Duration::zero()
        };
        let end_at = start_at + duration;
        if let Some(vmid) = holds
            && outcome.is_ok()
            && let Some(vm) = self.vms.get_mut(&vmid)
        {
            vm.busy_until = Some(end_at);
        }
        self.event(format!("task {kind} {id} on {node} started ({upid})"));
        self.pending.insert((end_at, upid.to_string()));
        self.tasks.insert(
            upid.to_string(),
            Task {
                upid: upid.clone(),
                start_at,
                end_at,
                outcome,
                effect,
                log,
                exit: None,
                transfer: None,
            },
        );
        upid
    }

    /// Moves an unfinished task's end (a shutdown that waits out its timeout).
    pub fn reschedule(&mut self, upid: &Upid, end_at: DateTime<Utc>) {
        let key = upid.to_string();
        if let Some(t) = self.tasks.get_mut(&key) {
            self.pending.remove(&(t.end_at, key.clone()));
            t.end_at = end_at;
            self.pending.insert((end_at, key));
        }
    }

    /// The time of the next thing that will happen on its own (a task ending, an agent coming
    /// up or being installed, a guest powering itself off), if any.
    pub fn next_due(&self) -> Option<DateTime<Utc>> {
        let tasks = self.pending.first().map(|(at, _)| *at).into_iter();
        let guests = self
            .vms
            .values()
            .flat_map(|v| [v.agent_at, v.install_at, v.halt_at])
            .flatten()
            .filter(|a| *a > self.now);
        tasks.chain(guests).min()
    }

    /// Whether the simulated release has the `import` content type (PVE 8.3 and later).
    pub fn has_import_content(&self) -> bool {
        let mut parts = self.pve_version.split('.').map(|p| p.parse::<u32>().unwrap_or(0));
        let (major, minor) = (parts.next().unwrap_or(0), parts.next().unwrap_or(0));
        (major, minor) >= (8, 3)
    }
}
