//! The `Proxmox` port: everything Nimbus asks of a Proxmox VE cluster. Implemented by the HTTP
//! client (production) and by the cluster simulator (tests, `nimbus demo`).
//!
//! Asynchronous operations return the task's UPID as soon as Proxmox has accepted them; callers
//! store it and poll [`Proxmox::task_status`]. Errors Proxmox raises before a task exists come
//! back from the call itself; errors inside a task come back as the task's exit status.

pub mod access;
pub mod connector;
mod types;

use std::collections::BTreeMap;

use async_trait::async_trait;

pub use access::{
    AccessError, AccessObject, AccessResult, ClusterIdentity, ClusterMember, EffectivePermissions, Grantee, NewToken,
    ProxmoxAccess, PveSession, RoleOutcome, SignInPassword,
};
pub use types::*;

use crate::domain::cluster::NodeName;
use crate::domain::upid::Upid;
use crate::domain::vmid::VmId;

/// Why a call failed, by kind. Messages are Proxmox's own words, for logs and admins; user-facing
/// text is written by the use cases.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ProxmoxError {
    /// The VM, node, storage, volume or task does not exist (Proxmox answers 500 "… does not
    /// exist" or 400 "no such task").
    #[error("not found: {0}")]
    NotFound(String),
    /// The VM carries a config lock (`VM is locked (clone)`).
    #[error("VM is locked ({lock})")]
    Locked { lock: String },
    /// The VM's lock file could not be taken in time.
    #[error("can't lock file '/var/lock/qemu-server/lock-{vmid}.conf' - got timeout")]
    LockTimeout { vmid: VmId },
    /// The VMID is already taken somewhere in the cluster.
    #[error("VM {vmid} already exists")]
    AlreadyExists { vmid: VmId },
    /// The node does not answer (HTTP 595/596).
    #[error("node {node} is unreachable ({status} {reason})")]
    NodeOffline {
        node: NodeName,
        status: u16,
        reason: String,
    },
    /// The guest agent cannot be used: not configured, VM not running, not (yet) answering.
    #[error("{0}")]
    AgentUnavailable(String),
    /// A task the caller waited on ended with an error exit status.
    #[error("task {upid} failed: {exit_status}")]
    TaskFailed { upid: String, exit_status: String },
    /// The API token was refused (401).
    #[error("authentication failed")]
    Unauthorized,
    /// The token lacks a permission (403).
    #[error("permission denied: {0}")]
    Forbidden(String),
    /// Proxmox cannot serve the request right now: no quorum, no worker, overloaded, timed out.
    #[error("Proxmox is unavailable: {0}")]
    Unavailable(String),
    /// Parameters were refused (400), with Proxmox's message per parameter.
    #[error("invalid parameters: {}", .errors.iter().map(|(k, v)| format!("{k}: {v}")).collect::<Vec<_>>().join("; "))]
    InvalidParameters { errors: BTreeMap<String, String> },
    /// Proxmox refused the operation for a reason of its own (a sync 500 with its die text), e.g.
    /// `can't clone VM to node 'pve2' (VM uses local storage)`.
    #[error("{0}")]
    Refused(String),
}

impl ProxmoxError {
    /// One parameter error.
    pub fn invalid(param: &str, message: impl Into<String>) -> Self {
        Self::InvalidParameters {
            errors: BTreeMap::from([(param.to_owned(), message.into())]),
        }
    }

    /// Whether retrying the same call later may succeed.
    pub fn is_transient(&self) -> bool {
        matches!(
            self,
            Self::NodeOffline { .. } | Self::Unavailable(_) | Self::LockTimeout { .. } | Self::AgentUnavailable(_)
        )
    }
}

pub type ProxmoxResult<T> = Result<T, ProxmoxError>;

/// A Proxmox VE cluster. Every method may also fail with [`ProxmoxError::Unauthorized`],
/// [`ProxmoxError::Unavailable`] (transport, quorum, overload) and, for per-node calls,
/// [`ProxmoxError::NodeOffline`]; the lists below name the other errors.
#[cfg_attr(test, mockall::automock)]
#[async_trait]
pub trait Proxmox: Send + Sync {
    /// Whether this handle reaches a cluster at all. Only a connection that can be set while
    /// Nimbus runs (before the setup wizard has saved one) answers `false`; its every call then
    /// fails with `Unavailable`.
    fn is_configured(&self) -> bool {
        true
    }

    /// `GET /version`.
    async fn version(&self) -> ProxmoxResult<PveVersion>;

    /// `GET /nodes`: every cluster member, offline ones included.
    async fn nodes(&self) -> ProxmoxResult<Vec<NodeInfo>>;

    /// `GET /nodes/{node}/status`. Errors: `NotFound` for an unknown node.
    async fn node_status(&self, node: &NodeName) -> ProxmoxResult<NodeStatus>;

    /// `GET /cluster/resources[?type=]`. Guest figures lag up to one statistics cycle.
    async fn cluster_resources(&self, kind: Option<ResourceKind>) -> ProxmoxResult<Vec<ClusterResource>>;

    /// `GET /cluster/nextid[?vmid=]`: the lowest free VMID, or checks that `wanted` is free.
    /// Nothing is reserved. Errors: `AlreadyExists` when `wanted` is taken.
    async fn next_vmid(&self, wanted: Option<VmId>) -> ProxmoxResult<VmId>;

    /// `GET /nodes/{node}/qemu`: the VMs whose config lives on `node` (live, no lag).
    async fn vms(&self, node: &NodeName) -> ProxmoxResult<Vec<VmStatus>>;

    /// `GET …/qemu/{vmid}/status/current`. Errors: `NotFound`.
    async fn vm_status(&self, node: &NodeName, vmid: VmId) -> ProxmoxResult<VmStatus>;

    /// `GET …/qemu/{vmid}/config` (pending changes applied). Errors: `NotFound`.
    async fn vm_config(&self, node: &NodeName, vmid: VmId) -> ProxmoxResult<VmConfig>;

    /// `POST …/qemu/{vmid}/config`: applied by a `qmconfig` task.
    /// Errors: `NotFound`, `Locked`, `InvalidParameters`, `Refused` (digest mismatch).
    async fn update_config(&self, node: &NodeName, vmid: VmId, change: &ConfigChange) -> ProxmoxResult<Upid>;

    /// `PUT …/qemu/{vmid}/config`: applied before the call returns. Same errors as
    /// [`Proxmox::update_config`], plus `LockTimeout`.
    async fn update_config_sync(&self, node: &NodeName, vmid: VmId, change: &ConfigChange) -> ProxmoxResult<()>;

    /// `POST /nodes/{node}/qemu`: creates a VM (cloud images via `import-from`).
    /// Errors: `AlreadyExists`, `InvalidParameters`.
    async fn create_vm(&self, node: &NodeName, vmid: VmId, config: &[(String, String)]) -> ProxmoxResult<Upid>;

    /// `POST …/qemu/{vmid}/clone`. Errors: `NotFound`, `Locked`, `AlreadyExists`,
    /// `InvalidParameters`, `Refused` (local storage to another node, storage for a linked clone).
    async fn clone_vm(&self, request: &CloneRequest) -> ProxmoxResult<Upid>;

    /// `PUT …/qemu/{vmid}/resize`; checks run inside the task. Errors: `NotFound`.
    async fn resize_disk(&self, node: &NodeName, vmid: VmId, disk: &str, size: DiskSize) -> ProxmoxResult<Upid>;

    /// `POST …/qemu/{vmid}/status/{op}`. Errors: `NotFound`, `Refused` (reboot of a stopped VM).
    /// Starting a template or a locked VM fails inside the task.
    async fn power(&self, node: &NodeName, vmid: VmId, op: PowerOp) -> ProxmoxResult<Upid>;

    /// `DELETE …/qemu/{vmid}?purge=1&destroy-unreferenced-disks=1`.
    /// Errors: `NotFound`, `Refused` (`VM <id> is running - destroy failed`).
    async fn delete_vm(&self, node: &NodeName, vmid: VmId) -> ProxmoxResult<Upid>;

    /// `POST …/qemu/{vmid}/template`. Errors: `NotFound`, `Locked`, `Refused` (running, already a template).
    async fn convert_to_template(&self, node: &NodeName, vmid: VmId) -> ProxmoxResult<Upid>;

    /// `GET …/agent/network-get-interfaces`. Errors: `NotFound`, `AgentUnavailable`.
    async fn agent_interfaces(&self, node: &NodeName, vmid: VmId) -> ProxmoxResult<Vec<AgentInterface>>;

    /// `POST …/agent/exec`: starts `command` in the guest, returns its pid.
    /// Errors: `NotFound`, `AgentUnavailable`, `InvalidParameters`.
    async fn agent_exec(
        &self,
        node: &NodeName,
        vmid: VmId,
        command: &[String],
        input: Option<String>,
    ) -> ProxmoxResult<u32>;

    /// `GET …/agent/exec-status?pid=`. Errors: `NotFound` (unknown pid), `AgentUnavailable`.
    async fn agent_exec_status(&self, node: &NodeName, vmid: VmId, pid: u32) -> ProxmoxResult<ExecStatus>;

    /// `POST …/agent/file-write`. Errors: `NotFound`, `AgentUnavailable`.
    async fn agent_file_write(&self, node: &NodeName, vmid: VmId, path: &str, content: &str) -> ProxmoxResult<()>;

    /// `GET /nodes/{node}/storage`.
    async fn storages(&self, node: &NodeName) -> ProxmoxResult<Vec<StorageStatus>>;

    /// `GET /nodes/{node}/storage/{storage}/status`. Errors: `NotFound`.
    async fn storage_status(&self, node: &NodeName, storage: &str) -> ProxmoxResult<StorageStatus>;

    /// `GET …/storage/{storage}/content[?content=]`. Errors: `NotFound`.
    async fn storage_content(
        &self,
        node: &NodeName,
        storage: &str,
        content: Option<String>,
    ) -> ProxmoxResult<Vec<StorageItem>>;

    /// `POST …/storage/{storage}/download-url` (`checksum` + `checksum-algorithm` when the
    /// request has a checksum): a `download` task. Errors: `NotFound`, `InvalidParameters`
    /// (file name, content type, `import` before PVE 8.3), `Refused` (storage not file based or
    /// not configured for it). Inside the task: `refusing to override existing file …`,
    /// `checksum mismatch: got '…' != expect '…'`, `download failed: …` (no space, HTTP status).
    async fn download_url(&self, node: &NodeName, storage: &str, request: &DownloadRequest) -> ProxmoxResult<Upid>;

    /// `POST …/storage/{storage}/upload` (multipart: `content=iso`, the file as the part
    /// `filename`): an `imgcopy` task that stores `<storage>:iso/<filename>`, replacing a file of
    /// that name as Proxmox does. Errors: `NotFound` (storage), `InvalidParameters` (`filename`:
    /// `wrong file extension`, an ISO needs `.iso`/`.img`), `Refused` (storage not file based, or
    /// not configured for `iso`). Inside the task: `import failed: … No space left on device`.
    async fn upload_iso(&self, node: &NodeName, storage: &str, filename: &str, bytes: Vec<u8>) -> ProxmoxResult<Upid>;

    /// `DELETE …/storage/{storage}/content/{volid}`: an `imgdel` task removing the volume.
    /// Errors: `NotFound` (no such storage or volume), `InvalidParameters` (`volume`: a volid of
    /// another storage).
    async fn delete_volume(&self, node: &NodeName, storage: &str, volid: &str) -> ProxmoxResult<Upid>;

    /// `GET /nodes/{node}/tasks/{upid}/status`, polled on the node inside the UPID.
    /// Errors: `NotFound` (`no such task`).
    async fn task_status(&self, upid: &Upid) -> ProxmoxResult<TaskStatus>;

    /// `GET /nodes/{node}/tasks/{upid}/log?start=&limit=` (`limit` 0 = everything).
    /// Errors: `NotFound`.
    async fn task_log(&self, upid: &Upid, start: u32, limit: u32) -> ProxmoxResult<TaskLog>;
}
