//! Builds what Admin → Templates shows from the bake slots, the templates last discovered and
//! the cluster's nodes.

use std::collections::BTreeMap;

use super::bakery::Bakery;
use super::cell_state::CellState;
use super::request::BootstrapError;
use super::status::{BootstrapStatus, NodeRow, OsColumn, TemplateCell};
use crate::domain::bootstrap::{BakePhase, Outcome};
use crate::domain::cidata::BAKE_VERSION;
use crate::ports::proxmox::NodeState;

/// Every node × OS with its template and its last bake.
pub(super) async fn status(b: &Bakery) -> Result<BootstrapStatus, BootstrapError> {
    let s = &b.shared;
    let px = s
        .configured_proxmox()
        .map(|p| p.as_ref())
        .ok_or(BootstrapError::NoCluster)?;
    let slots = b.bakes.bakes().await?;
    let running = b.is_running();
    let mut partial = false;
    let mut nodes: Vec<NodeRow> = match px.nodes().await {
        Ok(list) => list
            .into_iter()
            .map(|n| NodeRow {
                online: n.state == NodeState::Online,
                name: n.name,
            })
            .collect(),
        Err(_) => {
            partial = true;
            Vec::new()
        }
    };
    for slot in &slots {
        if !nodes.iter().any(|n| n.name == slot.node) {
            nodes.push(NodeRow {
                name: slot.node.clone(),
                online: false,
            });
        }
    }
    nodes.sort_by(|a, b| a.name.cmp(&b.name));
    let by_cell: BTreeMap<_, _> = slots.iter().map(|sl| ((sl.node.clone(), sl.os.clone()), sl)).collect();
    let templates = s.templates();
    let now = s.ports.clock.now();
    let mut cells = Vec::new();
    for node in &nodes {
        for image in s.images.images() {
            let os = image.key().to_owned();
            let slot = by_cell.get(&(node.name.clone(), os.clone())).copied();
            let template = templates.for_node(&os, &node.name);
            let in_progress = slot.is_some_and(|sl| !sl.phase.is_finished() && running);
            let state = match (in_progress, slot.map(|sl| &sl.phase), template) {
                (true, Some(BakePhase::Queued), _) => CellState::Queued,
                (true, _, _) => CellState::Baking,
                (false, _, Some(_)) => CellState::Present,
                (false, Some(BakePhase::Failed { .. }), None) => CellState::Failed,
                _ => CellState::Missing,
            };
            let built_at = slot
                .filter(|sl| {
                    matches!(
                        sl.phase,
                        BakePhase::Done {
                            outcome: Outcome::Created | Outcome::Replaced
                        }
                    ) && template.is_some_and(|t| Some(t.vmid) == sl.vmid)
                })
                .and_then(|sl| sl.finished_at)
                .or_else(|| template.and_then(|t| t.health.created));
            cells.push(TemplateCell {
                node: node.name.clone(),
                os,
                state,
                vmid: template.map(|t| t.vmid),
                shared: template.is_some_and(|t| t.shared),
                bake_version: template.and_then(|t| t.health.bake_version),
                built_at,
                phase: slot.map(|sl| sl.phase.key()),
                words: slot.map(|sl| sl.phase.words()),
                percent: slot.map(|sl| sl.phase.percent()),
                reason: slot.and_then(|sl| match &sl.phase {
                    BakePhase::Failed { reason } => Some(reason.clone()),
                    _ => None,
                }),
                last_run_at: slot.map(|sl| sl.queued_at),
                last_finished_at: slot.and_then(|sl| sl.finished_at),
                rebuild: template
                    .and_then(|t| t.health.rebuild_reason(BAKE_VERSION, built_at, now))
                    .map(|r| r.words()),
            });
        }
    }
    let retired = match super::finish::live_guests(px).await {
        Some(guests) => guests
            .into_iter()
            .filter(|(_, g)| g.template && super::finish::is_retired(&g.name))
            .map(|(_, g)| g.vmid)
            .collect(),
        None => {
            partial = true;
            Vec::new()
        }
    };
    Ok(BootstrapStatus {
        running,
        bake_version: BAKE_VERSION,
        nodes,
        oses: s
            .images
            .images()
            .iter()
            .map(|i| OsColumn {
                key: i.key().to_owned(),
                label: i.label().to_owned(),
            })
            .collect(),
        cells,
        retired,
        partial,
        at: now,
    })
}
