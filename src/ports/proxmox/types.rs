//! The data the `Proxmox` port carries, shaped after the PVE REST API but typed: byte counts are
//! `u64`, booleans are `bool`, VMIDs, node names and task ids are domain types.

use std::collections::BTreeMap;
use std::net::IpAddr;

use crate::domain::cluster::{NodeFigures, NodeName};
use crate::domain::upid::Upid;
use crate::domain::vmid::VmId;

/// `GET /version`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PveVersion {
    pub version: String,
    pub release: String,
    pub repoid: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NodeState {
    Online,
    Offline,
    Unknown,
}

/// One row of `GET /nodes`. An offline node reports no load or capacity.
#[derive(Debug, Clone, PartialEq)]
pub struct NodeInfo {
    pub name: NodeName,
    pub state: NodeState,
    pub cpu: Option<f64>,
    pub maxcpu: Option<u32>,
    pub mem: Option<u64>,
    pub maxmem: Option<u64>,
    pub disk: Option<u64>,
    pub maxdisk: Option<u64>,
    pub uptime: Option<u64>,
}

impl NodeInfo {
    /// The figures node scoring reads; missing values count as zero.
    pub fn figures(&self) -> NodeFigures {
        NodeFigures {
            name: self.name.clone(),
            online: self.state == NodeState::Online,
            cpu_load: self.cpu.unwrap_or(0.0),
            cpus: self.maxcpu.unwrap_or(0),
            mem_used: self.mem.unwrap_or(0),
            mem_total: self.maxmem.unwrap_or(0),
        }
    }
}

/// `GET /nodes/{node}/status`, the parts Nimbus shows.
#[derive(Debug, Clone, PartialEq)]
pub struct NodeStatus {
    pub uptime: u64,
    pub cpu: f64,
    pub cpus: u32,
    pub cpu_model: String,
    pub loadavg: [f64; 3],
    pub memory_total: u64,
    pub memory_used: u64,
    pub pve_version: String,
    pub kernel: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum GuestKind {
    Qemu,
    Lxc,
}

/// A guest's power state. `Unknown` in `/cluster/resources` until fresh statistics arrive.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PowerStatus {
    Running,
    Stopped,
    Paused,
    Unknown,
}

/// A guest row of `/cluster/resources?type=vm`. Name and figures lag behind reality.
#[derive(Debug, Clone, PartialEq)]
pub struct GuestResource {
    pub vmid: VmId,
    pub node: NodeName,
    pub kind: GuestKind,
    pub status: PowerStatus,
    pub name: Option<String>,
    pub template: bool,
    pub maxcpu: u32,
    pub maxmem: u64,
    pub maxdisk: u64,
    pub mem: u64,
    pub cpu: f64,
    pub uptime: u64,
    pub tags: Vec<String>,
    pub lock: Option<String>,
}

/// A storage row of `/cluster/resources?type=storage`; a shared storage has one row per node.
#[derive(Debug, Clone, PartialEq)]
pub struct StorageResource {
    pub storage: String,
    pub node: NodeName,
    pub plugin: String,
    pub shared: bool,
    pub content: Vec<String>,
    pub total: u64,
    pub used: u64,
    pub available: bool,
}

#[derive(Debug, Clone, PartialEq)]
pub enum ClusterResource {
    Guest(GuestResource),
    Node(NodeInfo),
    Storage(StorageResource),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ResourceKind {
    Vm,
    Node,
    Storage,
}

/// A row of `GET /nodes/{node}/qemu`, and with `agent`/`qmpstatus` the answer of `status/current`
/// (the authoritative, live power state).
#[derive(Debug, Clone, PartialEq)]
pub struct VmStatus {
    pub vmid: VmId,
    pub name: String,
    pub status: PowerStatus,
    pub cpus: u32,
    pub maxmem: u64,
    pub maxdisk: u64,
    pub mem: u64,
    pub cpu: f64,
    pub uptime: u64,
    pub template: bool,
    pub lock: Option<String>,
    pub tags: Vec<String>,
    /// Whether the guest agent is enabled in the config (`status/current` only).
    pub agent: bool,
}

/// A VM's configuration: every key with its value as Proxmox writes it (property strings stay
/// strings), plus the digest that guards concurrent edits.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VmConfig {
    pub entries: BTreeMap<String, String>,
    pub digest: String,
}

impl VmConfig {
    pub fn get(&self, key: &str) -> Option<&str> {
        self.entries.get(key).map(String::as_str)
    }
}

/// A config change: keys to set, keys to delete, and optionally the digest it was based on.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ConfigChange {
    pub set: Vec<(String, String)>,
    pub delete: Vec<String>,
    pub digest: Option<String>,
}

/// `POST /nodes/{node}/qemu/{vmid}/clone`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CloneRequest {
    pub node: NodeName,
    pub vmid: VmId,
    pub newid: VmId,
    pub name: Option<String>,
    pub description: Option<String>,
    /// `None` uses Proxmox's default: linked for a template, full otherwise.
    pub full: Option<bool>,
    /// Another node; needs the source's disks on shared storage.
    pub target: Option<NodeName>,
    /// Storage for a full clone's disks.
    pub storage: Option<String>,
}

/// `size` of `PUT …/resize`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DiskSize {
    /// Grow to exactly this many bytes.
    Absolute(u64),
    /// Grow by this many bytes.
    Grow(u64),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PowerOp {
    Start,
    /// Hard stop.
    Stop,
    /// ACPI or agent shutdown, forced after `timeout_secs` when `force_stop`.
    Shutdown {
        timeout_secs: u32,
        force_stop: bool,
    },
    Reboot,
}

impl PowerOp {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Start => "start",
            Self::Stop => "stop",
            Self::Shutdown { .. } => "shutdown",
            Self::Reboot => "reboot",
        }
    }
}

/// A network interface as the guest agent reports it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AgentInterface {
    pub name: String,
    pub mac: Option<String>,
    pub addresses: Vec<(IpAddr, u8)>,
}

/// `GET agent/exec-status`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExecStatus {
    pub exited: bool,
    pub exit_code: Option<i32>,
    pub out: Option<String>,
    pub err: Option<String>,
}

/// `GET /nodes/{node}/storage[/{storage}/status]`.
#[derive(Debug, Clone, PartialEq)]
pub struct StorageStatus {
    pub storage: String,
    pub plugin: String,
    pub content: Vec<String>,
    pub shared: bool,
    pub active: bool,
    pub total: u64,
    pub used: u64,
    pub avail: u64,
}

/// One volume of `GET …/storage/{storage}/content`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StorageItem {
    pub volid: String,
    pub format: String,
    pub size: u64,
    pub content: String,
    pub vmid: Option<VmId>,
}

/// `POST …/storage/{storage}/download-url`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DownloadRequest {
    pub url: String,
    /// `iso`, `vztmpl` or `import` (`import` needs PVE 8.3 or later).
    pub content: String,
    pub filename: String,
    /// Verified by Proxmox once the file is down; a mismatch fails the task.
    pub checksum: Option<Checksum>,
}

/// The hash functions Proxmox verifies downloads with (`checksum-algorithm`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ChecksumAlgorithm {
    Md5,
    Sha1,
    Sha224,
    Sha256,
    Sha384,
    Sha512,
}

impl ChecksumAlgorithm {
    pub const ALL: [Self; 6] = [
        Self::Md5,
        Self::Sha1,
        Self::Sha224,
        Self::Sha256,
        Self::Sha384,
        Self::Sha512,
    ];

    /// The wire name, as in `checksum-algorithm=sha256`.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Md5 => "md5",
            Self::Sha1 => "sha1",
            Self::Sha224 => "sha224",
            Self::Sha256 => "sha256",
            Self::Sha384 => "sha384",
            Self::Sha512 => "sha512",
        }
    }

    /// Reads a wire name; `None` for anything Proxmox does not know.
    pub fn parse(text: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|a| a.as_str() == text)
    }
}

/// An expected checksum: the algorithm and the digest as hex (`checksum`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Checksum {
    pub algorithm: ChecksumAlgorithm,
    pub value: String,
}

/// How a finished task ended, from its `exitstatus`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ExitStatus {
    Ok,
    /// `WARNINGS: N` — still a success.
    Warnings(u32),
    Error(String),
}

impl ExitStatus {
    /// Reads an `exitstatus` as Proxmox writes it.
    pub fn parse(text: &str) -> Self {
        let text = text.trim();
        if text == "OK" {
            return Self::Ok;
        }
        if let Some(n) = text.strip_prefix("WARNINGS: ").and_then(|n| n.parse().ok()) {
            return Self::Warnings(n);
        }
        Self::Error(text.to_owned())
    }

    pub fn is_success(&self) -> bool {
        !matches!(self, Self::Error(_))
    }

    pub fn as_text(&self) -> String {
        match self {
            Self::Ok => "OK".into(),
            Self::Warnings(n) => format!("WARNINGS: {n}"),
            Self::Error(e) => e.clone(),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TaskState {
    Running,
    Stopped(ExitStatus),
}

/// `GET /nodes/{node}/tasks/{upid}/status`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TaskStatus {
    pub upid: Upid,
    pub state: TaskState,
}

/// `GET /nodes/{node}/tasks/{upid}/log`: numbered lines from `start`, and the total count.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TaskLog {
    pub total: u32,
    pub lines: Vec<(u32, String)>,
}
