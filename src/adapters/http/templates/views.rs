//! The shapes of the template bootstrap's routes: what a request may ask, what a started
//! bootstrap queued, and the nodes × OSes grid Admin → Templates shows.

use chrono::{DateTime, Utc};
use poem_openapi::{Enum, Object};

use crate::app::provisioning::bootstrap::{
    BootstrapAccepted, BootstrapRequest, BootstrapStatus, CellState, NodeRow, OsColumn, TemplateCell,
};

/// Which templates to bake. Every field is optional; an empty body bakes every missing template.
#[derive(Debug, Clone, Default, Object)]
pub struct BootstrapBody {
    /// OS keys (e.g. `debian-12`); absent or empty means every OS of the catalogue.
    pub os: Option<Vec<String>>,
    /// Node names; absent or empty means every online node.
    pub nodes: Option<Vec<String>>,
    /// Rebuild healthy templates too (the old one is retired once no VM depends on it).
    pub force: Option<bool>,
}

impl From<BootstrapBody> for BootstrapRequest {
    fn from(b: BootstrapBody) -> Self {
        Self {
            os: b.os.unwrap_or_default(),
            nodes: b.nodes.unwrap_or_default(),
            force: b.force.unwrap_or(false),
        }
    }
}

/// One node × OS a started bootstrap queued.
#[derive(Debug, Clone, Object)]
pub struct QueuedView {
    pub node: String,
    pub os: String,
}

/// A bootstrap that started; follow it with `GET /admin/bootstrap-status`.
#[derive(Debug, Clone, Object)]
pub struct BootstrapStartedView {
    pub queued: Vec<QueuedView>,
    /// Nodes left out because they are offline.
    pub offline: Vec<String>,
    /// The VM disk storage is shared: one template per OS serves every node.
    pub shared: bool,
    /// What was started, in words.
    pub message: String,
}

impl From<BootstrapAccepted> for BootstrapStartedView {
    fn from(a: BootstrapAccepted) -> Self {
        let n = a.queued.len();
        let mut message = format!(
            "Template bootstrap started: {n} {} queued{}.",
            if n == 1 { "bake" } else { "bakes" },
            if a.shared {
                " (shared storage: one template per OS serves every node)"
            } else {
                ""
            }
        );
        if !a.offline.is_empty() {
            let offline = a.offline.iter().map(|n| n.as_str()).collect::<Vec<_>>().join(", ");
            message.push_str(&format!(" Left out because offline: {offline}."));
        }
        Self {
            queued: a
                .queued
                .into_iter()
                .map(|q| QueuedView {
                    node: q.node.to_string(),
                    os: q.os,
                })
                .collect(),
            offline: a.offline.iter().map(|n| n.to_string()).collect(),
            shared: a.shared,
            message,
        }
    }
}

/// A node × OS cell's state.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Enum)]
#[oai(rename = "TemplateCellState", rename_all = "lowercase")]
pub enum CellStateView {
    /// A template is there (see `rebuild` for whether it should be rebuilt).
    Present,
    /// No template and no bake under way.
    Missing,
    /// Waiting its turn in a running bootstrap.
    Queued,
    /// Being baked now (`phase`, `words`, `percent`).
    Baking,
    /// The last bake failed (`reason`).
    Failed,
}

impl From<CellState> for CellStateView {
    fn from(s: CellState) -> Self {
        match s {
            CellState::Present => Self::Present,
            CellState::Missing => Self::Missing,
            CellState::Queued => Self::Queued,
            CellState::Baking => Self::Baking,
            CellState::Failed => Self::Failed,
        }
    }
}

/// One node × OS.
#[derive(Debug, Clone, Object)]
pub struct TemplateCellView {
    pub node: String,
    pub os: String,
    pub state: CellStateView,
    /// The template in use (on this node, or a shared one).
    #[oai(skip_serializing_if_is_none)]
    pub vmid: Option<u32>,
    /// The template lives on shared storage and serves every node.
    pub shared: bool,
    #[oai(skip_serializing_if_is_none)]
    pub bake_version: Option<u32>,
    #[oai(skip_serializing_if_is_none)]
    pub built_at: Option<DateTime<Utc>>,
    /// Whole days since it was built.
    #[oai(skip_serializing_if_is_none)]
    pub age_days: Option<i64>,
    /// The running or last bake's phase key (`queued`, `downloading`, …, `done`, `failed`).
    #[oai(skip_serializing_if_is_none)]
    pub phase: Option<String>,
    /// That phase in words.
    #[oai(skip_serializing_if_is_none)]
    pub words: Option<String>,
    /// The bake's overall progress, 0 to 100.
    #[oai(skip_serializing_if_is_none)]
    pub percent: Option<u8>,
    /// Why the last bake failed.
    #[oai(skip_serializing_if_is_none)]
    pub reason: Option<String>,
    #[oai(skip_serializing_if_is_none)]
    pub last_run_at: Option<DateTime<Utc>>,
    #[oai(skip_serializing_if_is_none)]
    pub last_finished_at: Option<DateTime<Utc>>,
    /// Why the template should be rebuilt (unbaked, an old recipe, old), when it should.
    #[oai(skip_serializing_if_is_none)]
    pub rebuild: Option<String>,
}

impl TemplateCellView {
    fn new(c: TemplateCell, now: DateTime<Utc>) -> Self {
        Self {
            node: c.node.to_string(),
            os: c.os,
            state: c.state.into(),
            vmid: c.vmid.map(|v| v.get()),
            shared: c.shared,
            bake_version: c.bake_version,
            built_at: c.built_at,
            age_days: c.built_at.map(|b| (now - b).num_days().max(0)),
            phase: c.phase.map(str::to_owned),
            words: c.words,
            percent: c.percent,
            reason: c.reason,
            last_run_at: c.last_run_at,
            last_finished_at: c.last_finished_at,
            rebuild: c.rebuild,
        }
    }
}

/// One node of the cluster.
#[derive(Debug, Clone, Object)]
pub struct TemplateNodeView {
    pub name: String,
    pub online: bool,
}

impl From<NodeRow> for TemplateNodeView {
    fn from(n: NodeRow) -> Self {
        Self {
            name: n.name.to_string(),
            online: n.online,
        }
    }
}

/// One OS of the catalogue.
#[derive(Debug, Clone, Object)]
pub struct TemplateOsView {
    pub key: String,
    pub label: String,
}

impl From<OsColumn> for TemplateOsView {
    fn from(o: OsColumn) -> Self {
        Self {
            key: o.key,
            label: o.label,
        }
    }
}

/// Every node × OS with its template and its last bake.
#[derive(Debug, Clone, Object)]
pub struct BootstrapStatusView {
    /// A bootstrap is running now.
    pub running: bool,
    /// The bake recipe's version new templates get.
    pub bake_version: u32,
    pub nodes: Vec<TemplateNodeView>,
    pub oses: Vec<TemplateOsView>,
    pub cells: Vec<TemplateCellView>,
    /// Old templates kept (`-retired`) because a VM still depends on them.
    pub retired: Vec<u32>,
    /// The cluster could not be read: templates are shown as last known.
    pub partial: bool,
}

impl BootstrapStatusView {
    /// Ages are counted to when the status was read, on the service's clock.
    pub fn new(s: BootstrapStatus) -> Self {
        let now = s.at;
        Self {
            running: s.running,
            bake_version: s.bake_version,
            nodes: s.nodes.into_iter().map(Into::into).collect(),
            oses: s.oses.into_iter().map(Into::into).collect(),
            cells: s.cells.into_iter().map(|c| TemplateCellView::new(c, now)).collect(),
            retired: s.retired.iter().map(|v| v.get()).collect(),
            partial: s.partial,
        }
    }
}
