//! What Admin → Templates shows: per node and OS, whether a template is present, missing, being
//! baked (with phase and percent) or failed (with the reason), its VMID, bake version and age,
//! the last run, and why it should be rebuilt.

use chrono::{DateTime, Utc};

use super::cell_state::CellState;
use crate::domain::cluster::NodeName;
use crate::domain::vmid::VmId;

/// One node × OS.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TemplateCell {
    pub node: NodeName,
    pub os: String,
    pub state: CellState,
    /// The template in use (on this node, or a shared one).
    pub vmid: Option<VmId>,
    /// The template lives on shared storage and serves every node.
    pub shared: bool,
    pub bake_version: Option<u32>,
    /// When it was built, if known.
    pub built_at: Option<DateTime<Utc>>,
    /// The running or last bake's phase key, words and overall percent.
    pub phase: Option<&'static str>,
    pub words: Option<String>,
    pub percent: Option<u8>,
    /// Why the last bake failed.
    pub reason: Option<String>,
    /// When the last bake of this cell started and ended.
    pub last_run_at: Option<DateTime<Utc>>,
    pub last_finished_at: Option<DateTime<Utc>>,
    /// Why it should be rebuilt (unbaked, old recipe, old), if it should.
    pub rebuild: Option<String>,
}

/// One OS of the catalogue.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OsColumn {
    pub key: String,
    pub label: String,
}

/// One node.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NodeRow {
    pub name: NodeName,
    pub online: bool,
}

/// The whole page.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BootstrapStatus {
    /// A bootstrap is running now.
    pub running: bool,
    /// The bake recipe's version new templates get.
    pub bake_version: u32,
    pub nodes: Vec<NodeRow>,
    pub oses: Vec<OsColumn>,
    pub cells: Vec<TemplateCell>,
    /// Old templates kept (`-retired`) because a VM still depends on them.
    pub retired: Vec<VmId>,
    /// The cluster could not be read: templates are shown as last known.
    pub partial: bool,
    /// When this was read (on the service's clock), for ages.
    pub at: chrono::DateTime<chrono::Utc>,
}
