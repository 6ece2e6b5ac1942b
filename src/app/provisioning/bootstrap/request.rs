//! What an admin asks of a bootstrap, why it can be refused, and what was accepted.

use crate::domain::cluster::NodeName;
use crate::ports::StoreError;

/// A bootstrap request: which OSes on which nodes (empty = all), and whether to rebuild healthy
/// templates too.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct BootstrapRequest {
    pub os: Vec<String>,
    pub nodes: Vec<String>,
    pub force: bool,
}

/// One node × OS queued by a request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QueuedSlot {
    pub node: NodeName,
    pub os: String,
}

/// What a started bootstrap will do.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BootstrapAccepted {
    pub queued: Vec<QueuedSlot>,
    /// Requested (or known) nodes left out because they are offline.
    pub offline: Vec<NodeName>,
    /// One template per OS serves every node (the VM disk storage is shared).
    pub shared: bool,
}

/// Why a bootstrap did not start. Nothing was changed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum BootstrapError {
    #[error("os: {value:?} is not an OS Nimbus knows; use one of {known}")]
    UnknownOs { value: String, known: String },
    #[error("nodes: {value:?} is not a node of this cluster; use one of {known}")]
    UnknownNode { value: String, known: String },
    #[error("No node to bootstrap is online ({offline}); bring one back or pick another node.")]
    NoOnlineNode { offline: String },
    #[error("A bootstrap is already running; wait for it to finish (Admin → Templates shows its progress).")]
    AlreadyRunning,
    #[error("No Proxmox cluster is configured; finish the setup first.")]
    NoCluster,
    #[error("No IP pool is configured: a bake boots with an address from the pool. Configure the pool first.")]
    NoPool,
    #[error("Proxmox could not be reached: {0}")]
    ProxmoxUnavailable(String),
    #[error(transparent)]
    Store(#[from] StoreError),
}
