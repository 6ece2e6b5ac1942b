//! The plain data the cluster settings use cases take and return.

use super::{ClusterCheck, NetworkForm, PlacementForm};
use crate::domain::ip_pool::NetworkPlan;
use crate::ports::proxmox::connector::{ApiToken, Endpoint};

/// A connection that was tried and answered.
#[derive(Debug, Clone)]
pub struct Connected {
    pub endpoint: Endpoint,
    pub token: ApiToken,
    pub check: ClusterCheck,
}

/// The connection in use.
#[derive(Debug, Clone)]
pub struct Live {
    pub endpoint: Endpoint,
    pub token: ApiToken,
}

/// What the pages show.
#[derive(Debug, Clone)]
pub struct ClusterView {
    /// `None` before a cluster is configured.
    pub proxmox: Option<(Endpoint, String)>,
    pub network: NetworkForm,
    pub placement: PlacementForm,
    /// `(field, variable)` of each value the process environment sets.
    pub locked: Vec<(String, String)>,
    pub env_file: Option<std::path::PathBuf>,
    pub machines: usize,
}

/// A change to save: a new connection (tried already), the network and the placement knobs.
#[derive(Debug, Clone)]
pub struct ClusterChange {
    pub proxmox: Option<Connected>,
    pub network: NetworkForm,
    pub placement: Option<PlacementForm>,
}

/// What saving did.
#[derive(Debug, Clone)]
pub struct ClusterApplied {
    pub notes: Vec<String>,
    /// For the audit log: what changed, in words.
    pub summary: String,
}

/// A network plan's review: capacity and warnings.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NetworkReview {
    pub plan: NetworkPlan,
    pub addresses: u64,
    pub warnings: Vec<String>,
}
