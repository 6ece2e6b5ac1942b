//! Starting a bootstrap (checks, the queued slots, the audit entry), fanning it out over the
//! nodes with bounded parallelism, and recovering bakes a restart interrupted.

use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;

use tokio::sync::Semaphore;

use super::bake;
use super::bakery::Bakery;
use super::request::{BootstrapAccepted, BootstrapError, BootstrapRequest, QueuedSlot};
use crate::app::accounts::Caller;
use crate::domain::audit::AuditAction;
use crate::domain::bootstrap::{BakePhase, BakeSlot};
use crate::domain::cidata::BAKE_VERSION;
use crate::domain::cluster::NodeName;
use crate::domain::ids::InstanceId;
use crate::ports::proxmox::NodeState;

/// Checks the request, queues its node × OS slots and starts baking them in the background.
/// `caller` is `None` for the command line. Nothing changes when it is refused.
pub(super) async fn start(
    b: &Arc<Bakery>,
    caller: Option<&Caller>,
    request: BootstrapRequest,
) -> Result<BootstrapAccepted, BootstrapError> {
    let s = &b.shared;
    let proxmox = s.configured_proxmox().cloned().ok_or(BootstrapError::NoCluster)?;
    if s.settings().network.is_none() {
        return Err(BootstrapError::NoPool);
    }
    let oses = resolve_oses(b, &request.os)?;
    let nodes = proxmox
        .nodes()
        .await
        .map_err(|e| BootstrapError::ProxmoxUnavailable(e.to_string()))?;
    let known: Vec<String> = nodes.iter().map(|n| n.name.to_string()).collect();
    let mut wanted = BTreeSet::new();
    for name in request.nodes.iter().map(|n| n.trim()).filter(|n| !n.is_empty()) {
        if !known.iter().any(|k| k == name) {
            return Err(BootstrapError::UnknownNode {
                value: name.to_owned(),
                known: known.join(", "),
            });
        }
        wanted.insert(name.to_owned());
    }
    let chosen: Vec<_> = nodes
        .iter()
        .filter(|n| wanted.is_empty() || wanted.contains(n.name.as_str()))
        .collect();
    let online: Vec<NodeName> = chosen
        .iter()
        .filter(|n| n.state == NodeState::Online)
        .map(|n| n.name.clone())
        .collect();
    let offline: Vec<NodeName> = chosen
        .iter()
        .filter(|n| n.state != NodeState::Online)
        .map(|n| n.name.clone())
        .collect();
    let Some(first) = online.first().cloned() else {
        let offline = offline.iter().map(|n| n.to_string()).collect::<Vec<_>>().join(", ");
        return Err(BootstrapError::NoOnlineNode { offline });
    };
    let shared = proxmox
        .storage_status(&first, &b.settings.disk_storage)
        .await
        .map(|st| st.shared)
        .unwrap_or(false);
    let targets = if shared { vec![first] } else { online };
    {
        let mut running = b.running.lock().unwrap_or_else(|p| p.into_inner());
        if *running {
            return Err(BootstrapError::AlreadyRunning);
        }
        *running = true;
    }
    let now = s.ports.clock.now();
    let mut slots = Vec::new();
    for node in &targets {
        for os in &oses {
            let run = InstanceId::from_uuid(uuid::Uuid::new_v4());
            slots.push(BakeSlot::queued(
                node.clone(),
                os,
                run,
                request.force,
                BAKE_VERSION,
                now,
            ));
        }
    }
    for slot in &slots {
        if let Err(e) = b.bakes.save_bake(slot).await {
            b.end_run();
            return Err(e.into());
        }
    }
    let action = if request.force {
        AuditAction::TemplatesRebuilt
    } else {
        AuditAction::TemplatesBootstrapped
    };
    let mut entry = s.ports.audit.entry(action).detail(format!(
        "{} on {}{}",
        oses.join(", "),
        targets.iter().map(|n| n.as_str()).collect::<Vec<_>>().join(", "),
        if shared {
            " (shared storage: one template per OS)"
        } else {
            ""
        }
    ));
    if let Some(caller) = caller {
        entry = entry.by(&caller.user).from(caller.ip.as_deref());
    }
    s.ports.audit.record(entry).await;
    let accepted = BootstrapAccepted {
        queued: slots
            .iter()
            .map(|s| QueuedSlot {
                node: s.node.clone(),
                os: s.os.clone(),
            })
            .collect(),
        offline,
        shared,
    };
    b.register(&slots);
    spawn(b, slots);
    Ok(accepted)
}

fn resolve_oses(b: &Bakery, asked: &[String]) -> Result<Vec<String>, BootstrapError> {
    let images = &b.shared.images;
    let mut out = Vec::new();
    for key in asked.iter().map(|k| k.trim()).filter(|k| !k.is_empty()) {
        let image = images.find(key).map_err(|_| BootstrapError::UnknownOs {
            value: key.to_owned(),
            known: images.images().iter().map(|i| i.key()).collect::<Vec<_>>().join(", "),
        })?;
        if !out.iter().any(|o| o == image.key()) {
            out.push(image.key().to_owned());
        }
    }
    if out.is_empty() {
        out = images.images().iter().map(|i| i.key().to_owned()).collect();
    }
    Ok(out)
}

/// Cleans up the bakes a restart interrupted and runs them again. Returns how many.
pub(super) async fn recover(b: &Arc<Bakery>) -> Result<usize, BootstrapError> {
    let unfinished: Vec<BakeSlot> = b
        .bakes
        .bakes()
        .await?
        .into_iter()
        .filter(|s| !s.phase.is_finished())
        .collect();
    if unfinished.is_empty() || b.shared.configured_proxmox().is_none() {
        return Ok(0);
    }
    {
        let mut running = b.running.lock().unwrap_or_else(|p| p.into_inner());
        if *running {
            return Ok(0);
        }
        *running = true;
    }
    let count = unfinished.len();
    tracing::info!(bakes = count, "resuming template bakes interrupted by a restart");
    b.register(&unfinished);
    spawn(b, unfinished);
    Ok(count)
}

/// Bakes `slots`: nodes in parallel up to the setting, each node's bakes up to its own.
async fn run(b: Arc<Bakery>, slots: Vec<BakeSlot>) {
    let mut by_node: BTreeMap<NodeName, Vec<BakeSlot>> = BTreeMap::new();
    for slot in slots {
        by_node.entry(slot.node.clone()).or_default().push(slot);
    }
    let nodes = Arc::new(Semaphore::new(b.settings.nodes_at_once.max(1)));
    let mut tasks = tokio::task::JoinSet::new();
    for (_, slots) in by_node {
        let me = b.clone();
        let nodes = nodes.clone();
        tasks.spawn(async move {
            let _node = nodes.acquire_owned().await;
            let per_node = Arc::new(Semaphore::new(me.settings.bakes_per_node.max(1)));
            let mut bakes = tokio::task::JoinSet::new();
            for slot in slots {
                let me = me.clone();
                let per_node = per_node.clone();
                bakes.spawn(async move {
                    let _bake = per_node.acquire_owned().await;
                    bake::run_slot(&me, slot).await
                });
            }
            let mut done = Vec::new();
            while let Some(joined) = bakes.join_next().await {
                done.extend(joined.ok());
            }
            done
        });
    }
    let mut finished = Vec::new();
    while let Some(joined) = tasks.join_next().await {
        finished.extend(joined.unwrap_or_default());
    }
    b.shared.baking.lock().unwrap_or_else(|p| p.into_inner()).clear();
    if let Err(e) = b.shared.refresh_templates().await {
        tracing::warn!(error = %e, "template discovery after the bootstrap failed");
    }
    super::finish::retire_pending(&b).await;
    let summary = summary(&finished);
    *b.last.lock().unwrap_or_else(|p| p.into_inner()) = finished;
    tracing::info!(summary = %summary, "template bootstrap finished");
    let entry = b
        .shared
        .ports
        .audit
        .entry(crate::domain::audit::AuditAction::TemplatesBootstrapFinished)
        .detail(summary);
    b.shared.ports.audit.record(entry).await;
    b.end_run();
}

pub(super) fn spawn(b: &Arc<Bakery>, slots: Vec<BakeSlot>) {
    let me = b.clone();
    let handle = tokio::spawn(async move { run(me, slots).await });
    *b.task.lock().unwrap_or_else(|p| p.into_inner()) = Some(handle.abort_handle());
}

/// "3 created, 1 skipped, 1 failed (pve2 debian-12: checksum mismatch …)".
pub(super) fn summary(slots: &[BakeSlot]) -> String {
    {
        let mut counts: BTreeMap<&str, usize> = BTreeMap::new();
        let mut failures = Vec::new();
        for slot in slots {
            let word = match &slot.phase {
                BakePhase::Done { outcome } => match outcome {
                    crate::domain::bootstrap::Outcome::Created => "created",
                    crate::domain::bootstrap::Outcome::Skipped => "skipped",
                    crate::domain::bootstrap::Outcome::Replaced => "replaced",
                },
                BakePhase::Failed { reason } => {
                    failures.push(format!("{} {}: {reason}", slot.node, slot.os));
                    "failed"
                }
                _ => "unfinished",
            };
            *counts.entry(word).or_default() += 1;
        }
        let mut text = counts
            .iter()
            .map(|(w, n)| format!("{n} {w}"))
            .collect::<Vec<_>>()
            .join(", ");
        if !failures.is_empty() {
            text.push_str(&format!(" ({})", failures.join("; ")));
        }
        text
    }
}
