//! Starting a bootstrap (checks, the queued slots, the audit entry), fanning it out over the
//! nodes with bounded parallelism, and recovering bakes a restart interrupted.

use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;

use tokio::sync::Semaphore;

use super::request::{BootstrapAccepted, BootstrapError, BootstrapRequest, QueuedSlot};
use super::{Bootstrap, bake};
use crate::app::accounts::Caller;
use crate::domain::audit::AuditAction;
use crate::domain::bootstrap::{BakePhase, BakeSlot};
use crate::domain::cidata::BAKE_VERSION;
use crate::domain::cluster::NodeName;
use crate::domain::ids::InstanceId;
use crate::ports::proxmox::NodeState;

impl Bootstrap {
    /// Checks the request, queues its node × OS slots and starts baking them in the background.
    /// `caller` is `None` for the command line. Nothing changes when it is refused.
    pub async fn start(
        self: &Arc<Self>,
        caller: Option<&Caller>,
        request: BootstrapRequest,
    ) -> Result<BootstrapAccepted, BootstrapError> {
        let s = &self.shared;
        let proxmox = s.ports.proxmox.clone().ok_or(BootstrapError::NoCluster)?;
        if s.settings.network.is_none() {
            return Err(BootstrapError::NoPool);
        }
        let oses = self.resolve_oses(&request.os)?;
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
            .storage_status(&first, &self.settings.disk_storage)
            .await
            .map(|st| st.shared)
            .unwrap_or(false);
        let targets = if shared { vec![first] } else { online };
        {
            let mut running = self.running.lock().unwrap_or_else(|p| p.into_inner());
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
            if let Err(e) = self.bakes.save_bake(slot).await {
                self.end_run();
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
        self.register(&slots);
        self.spawn(slots);
        Ok(accepted)
    }

    fn resolve_oses(&self, asked: &[String]) -> Result<Vec<String>, BootstrapError> {
        let images = &self.shared.images;
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
    pub async fn recover(self: &Arc<Self>) -> Result<usize, BootstrapError> {
        let unfinished: Vec<BakeSlot> = self
            .bakes
            .bakes()
            .await?
            .into_iter()
            .filter(|s| !s.phase.is_finished())
            .collect();
        if unfinished.is_empty() || self.shared.ports.proxmox.is_none() {
            return Ok(0);
        }
        {
            let mut running = self.running.lock().unwrap_or_else(|p| p.into_inner());
            if *running {
                return Ok(0);
            }
            *running = true;
        }
        let count = unfinished.len();
        tracing::info!(bakes = count, "resuming template bakes interrupted by a restart");
        self.register(&unfinished);
        self.spawn(unfinished);
        Ok(count)
    }

    /// Bakes `slots`: nodes in parallel up to the setting, each node's bakes up to its own.
    async fn run(self: Arc<Self>, slots: Vec<BakeSlot>) {
        let mut by_node: BTreeMap<NodeName, Vec<BakeSlot>> = BTreeMap::new();
        for slot in slots {
            by_node.entry(slot.node.clone()).or_default().push(slot);
        }
        let nodes = Arc::new(Semaphore::new(self.settings.nodes_at_once.max(1)));
        let mut tasks = tokio::task::JoinSet::new();
        for (_, slots) in by_node {
            let me = self.clone();
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
        self.shared.baking.lock().unwrap_or_else(|p| p.into_inner()).clear();
        if let Err(e) = self.shared.refresh_templates().await {
            tracing::warn!(error = %e, "template discovery after the bootstrap failed");
        }
        self.retire_pending().await;
        let summary = summary(&finished);
        *self.last.lock().unwrap_or_else(|p| p.into_inner()) = finished;
        tracing::info!(summary = %summary, "template bootstrap finished");
        let entry = self
            .shared
            .ports
            .audit
            .entry(crate::domain::audit::AuditAction::TemplatesBootstrapFinished)
            .detail(summary);
        self.shared.ports.audit.record(entry).await;
        self.end_run();
    }

    fn spawn(self: &Arc<Self>, slots: Vec<BakeSlot>) {
        let me = self.clone();
        let handle = tokio::spawn(async move { me.run(slots).await });
        *self.task.lock().unwrap_or_else(|p| p.into_inner()) = Some(handle.abort_handle());
    }

    /// Marks the slots' pool reservations live for the IP reconcile, before any bake runs.
    fn register(&self, slots: &[BakeSlot]) {
        self.shared
            .baking
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .extend(slots.iter().map(|s| s.run));
    }

    fn end_run(&self) {
        *self.running.lock().unwrap_or_else(|p| p.into_inner()) = false;
        self.finished.send_modify(|g| *g += 1);
    }

    /// The node × OS slots the last finished run ended with, and its one-line summary.
    pub fn last_run(&self) -> (Vec<BakeSlot>, String) {
        let last = self.last.lock().unwrap_or_else(|p| p.into_inner()).clone();
        let line = summary(&last);
        (last, line)
    }
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
