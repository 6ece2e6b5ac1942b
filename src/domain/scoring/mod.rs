//! Node scoring: which node of the cluster takes a new VM, and why the others were passed over.
//!
//! Hard gates reject nodes that cannot take the VM (all failing reasons are kept, in a fixed
//! order); accepted nodes get a soft score from the headroom left *after* placing the VM. The pick
//! is a total order that depends only on the figures, never on the order nodes were listed in.

mod evaluate;
mod factor;
mod pick;
#[cfg(test)]
mod placement_tests;
#[cfg(test)]
mod props;
#[cfg(test)]
mod tests;

use std::collections::BTreeSet;

pub use evaluate::{DiskView, NodeAssessment, ScoreParts, Verdict, evaluate};
pub use factor::{CpuLoadFactor, CpuLoadFactorError};
pub use pick::{PlacementDecision, TIE_WINDOW};

use super::cluster::{GuestFigures, NodeFigures, NodeName, StorageFigures};
use super::vmid::VmId;

/// How an admin tuned placement.
#[derive(Debug, Clone, PartialEq)]
pub struct ScoringPolicy {
    /// Nodes never used for new VMs.
    pub excluded: BTreeSet<NodeName>,
    /// Memory kept free on every node beyond the VM's own, for the host and ballooning.
    pub mem_buffer_mib: u64,
    pub cpu_load_factor: CpuLoadFactor,
    /// Storage whose free space gates placement (the VM disk storage); `None` turns the gate off.
    pub disk_storage: Option<String>,
    /// A node already building this many new VMs is picked only when every node with room is as
    /// busy: a burst of provisions spreads over the cluster instead of queueing clones on the
    /// roomiest node. Set to the per-node clone limit; `None` turns the rule off.
    pub building_limit: Option<u32>,
}

impl Default for ScoringPolicy {
    fn default() -> Self {
        Self {
            excluded: BTreeSet::new(),
            mem_buffer_mib: 256,
            cpu_load_factor: CpuLoadFactor::default(),
            disk_storage: Some("local-lvm".to_owned()),
            building_limit: None,
        }
    }
}

/// A placement Nimbus made that Proxmox may not report yet: its VM is not (or not yet) among the
/// guests in the snapshot. Counting these keeps concurrent provisions from all landing on the
/// node that looked emptiest a moment ago.
#[derive(Debug, Clone, PartialEq)]
pub struct InFlight {
    pub node: NodeName,
    /// Once the clone has a VMID; a placement whose VMID already shows among the guests is not
    /// counted twice.
    pub vmid: Option<VmId>,
    pub vcpus: u32,
    pub mem_bytes: u64,
    pub disk_bytes: u64,
}

/// One consistent view of the cluster, taken just before scoring.
#[derive(Debug, Clone, Copy)]
pub struct ClusterView<'a> {
    pub nodes: &'a [NodeFigures],
    pub guests: &'a [GuestFigures],
    pub storage: &'a [StorageFigures],
    /// Nodes that can clone the requested OS's template.
    pub templates: &'a BTreeSet<NodeName>,
    pub in_flight: &'a [InFlight],
}

/// Why a node cannot take the VM, in the order the gates run.
#[derive(Debug, Clone, PartialEq)]
pub enum Rejection {
    Offline,
    Excluded,
    NoTemplate,
    /// The node reports no memory at all.
    NoCapacity,
    InsufficientCores {
        has: u32,
        needs: u32,
    },
    /// `free` is what is left after committed and in-flight memory; `need` includes the buffer.
    InsufficientMemory {
        free: i64,
        need: u64,
    },
    InsufficientDisk {
        free: i64,
        need: u64,
    },
}

impl Rejection {
    /// Stable machine code, as logged and shown in the admin's node table.
    pub fn code(&self) -> &'static str {
        match self {
            Self::Offline => "offline",
            Self::Excluded => "excluded",
            Self::NoTemplate => "no_template",
            Self::NoCapacity => "no_capacity",
            Self::InsufficientCores { .. } => "insufficient_cores",
            Self::InsufficientMemory { .. } => "insufficient_mem",
            Self::InsufficientDisk { .. } => "insufficient_disk",
        }
    }
}
