//! One node × OS: skip a healthy baked template, else image → VM → bake → template (→ swap),
//! writing the slot before every step it awaits. A failure cleans up what the bake made (its VM,
//! found by the bake marker; its address; its ISO) and records the reason in words.

use std::time::Duration;

use chrono::{DateTime, Utc};

use super::Bootstrap;
use crate::domain::bootstrap::{BakePhase, BakeSlot, Outcome, TemplateHealth};
use crate::domain::marker::{self, MarkerKind};
use crate::domain::upid::Upid;
use crate::domain::vmid::VmId;
use crate::ports::ProxmoxError;
use crate::ports::proxmox::{ExitStatus, PowerOp, PowerStatus, TaskState};

/// A template already on the cluster for a slot's OS.
#[derive(Debug, Clone)]
pub(super) struct Existing {
    pub node: crate::domain::cluster::NodeName,
    pub vmid: VmId,
    pub health: TemplateHealth,
}

/// Runs one slot to its end (resuming it when a restart interrupted it) and returns it as saved.
pub(super) async fn run_slot(b: &Bootstrap, mut slot: BakeSlot) -> BakeSlot {
    if slot.phase != BakePhase::Queued {
        b.cleanup(&mut slot).await;
        let resumable_download = matches!(slot.phase, BakePhase::Downloading { .. }) && slot.task.is_some();
        if !resumable_download {
            slot.task = None;
        }
        slot.name = format!("nimbus-{}", slot.os);
    }
    let phase = match b.bake(&mut slot).await {
        Ok(outcome) => BakePhase::Done { outcome },
        Err(reason) => {
            b.cleanup(&mut slot).await;
            tracing::warn!(node = %slot.node, os = %slot.os, reason = %reason, "template bake failed");
            BakePhase::Failed { reason }
        }
    };
    slot.enter(phase, b.shared.ports.clock.now());
    b.save(&slot).await;
    slot
}

impl Bootstrap {
    pub(super) async fn save(&self, slot: &BakeSlot) {
        if let Err(e) = self.bakes.save_bake(slot).await {
            tracing::error!(node = %slot.node, os = %slot.os, error = %e, "cannot record a template bake's progress");
        }
    }

    /// Moves the slot to `phase` and writes it.
    pub(super) async fn enter(&self, slot: &mut BakeSlot, phase: BakePhase) {
        slot.enter(phase, self.shared.ports.clock.now());
        self.save(slot).await;
    }

    pub(super) async fn pause(&self) {
        self.shared.ports.pace.pause(self.settings.poll).await;
    }

    pub(super) fn now(&self) -> DateTime<Utc> {
        self.shared.ports.clock.now()
    }

    async fn bake(&self, slot: &mut BakeSlot) -> Result<Outcome, String> {
        let image = self
            .shared
            .images
            .find(&slot.os)
            .map_err(|e| format!("unknown OS {}: {e}", slot.os))?
            .clone();
        let existing = self.existing(slot).await?;
        if !slot.force
            && let Some(t) = &existing
            && t.health.is_healthy_baked(slot.bake_version)
        {
            return Ok(Outcome::Skipped);
        }
        if existing.is_some() {
            slot.name = format!("nimbus-{}-next", slot.os);
        }
        let volid = self.ensure_image(slot, &image).await?;
        self.create_vm(slot, &image, &volid).await?;
        self.bake_guest(slot, &image).await?;
        self.convert(slot).await?;
        match existing {
            Some(old) => {
                self.swap(slot, &old).await?;
                Ok(Outcome::Replaced)
            }
            None => Ok(Outcome::Created),
        }
    }

    /// The template this slot would replace: the one clones on its node use now.
    async fn existing(&self, slot: &BakeSlot) -> Result<Option<Existing>, String> {
        if let Err(e) = self.shared.refresh_templates().await {
            return Err(format!("the cluster's templates could not be read: {e}"));
        }
        let templates = self.shared.templates();
        let Some(source) = templates.for_node(&slot.os, &slot.node) else {
            return Ok(None);
        };
        let config = self
            .shared
            .proxmox()
            .vm_config(&source.node, source.vmid)
            .await
            .map_err(|e| format!("template {} could not be read: {e}", source.vmid))?;
        Ok(Some(Existing {
            node: source.node.clone(),
            vmid: source.vmid,
            health: TemplateHealth::read(&config.entries),
        }))
    }

    /// Waits for a task until `limit` passes; the task's error text when it fails.
    pub(super) async fn wait_task(&self, upid: &Upid, limit: Duration) -> Result<(), String> {
        let deadline = self.now() + chrono::Duration::from_std(limit).unwrap_or(chrono::Duration::MAX);
        loop {
            match self.shared.proxmox().task_status(upid).await {
                Ok(st) => match st.state {
                    TaskState::Stopped(ExitStatus::Ok | ExitStatus::Warnings(_)) => return Ok(()),
                    TaskState::Stopped(ExitStatus::Error(text)) => return Err(text),
                    TaskState::Running => {}
                },
                Err(e) if e.is_transient() => {}
                Err(e) => return Err(e.to_string()),
            }
            if self.now() > deadline {
                return Err(format!(
                    "Proxmox task {upid} did not finish within {} s",
                    limit.as_secs()
                ));
            }
            self.pause().await;
        }
    }

    /// Undoes what a failed or interrupted bake made: its VM (only with this run's bake marker),
    /// its pool address and its uploaded ISO. Best effort; what cannot be undone now is logged.
    pub(super) async fn cleanup(&self, slot: &mut BakeSlot) {
        let px = self.shared.proxmox();
        if let Some(vmid) = slot.vmid {
            match px.vm_config(&slot.node, vmid).await {
                Ok(config) if marker::is_marked(config.get("description"), MarkerKind::Bake, slot.run) => {
                    if let Err(e) = self.destroy(slot, vmid).await {
                        tracing::warn!(vmid = vmid.get(), node = %slot.node, error = %e, "a failed bake's VM could not be removed; the next bootstrap retries");
                    } else {
                        slot.vmid = None;
                    }
                }
                Ok(_) | Err(ProxmoxError::NotFound(_)) => slot.vmid = None,
                Err(e) => {
                    tracing::warn!(vmid = vmid.get(), error = %e, "a failed bake's VM could not be read")
                }
            }
        }
        if let Some(addr) = slot.address {
            match self.shared.ports.pool.release(slot.run, addr).await {
                Ok(_) => slot.address = None,
                Err(e) => tracing::warn!(%addr, error = %e, "a bake's address could not be released"),
            }
        }
        self.remove_iso(slot).await;
        self.save(slot).await;
    }

    /// Stops (when running) and destroys a VM this bake made.
    async fn destroy(&self, slot: &BakeSlot, vmid: VmId) -> Result<(), String> {
        let px = self.shared.proxmox();
        let status = px.vm_status(&slot.node, vmid).await.map_err(|e| e.to_string())?;
        if status.status == PowerStatus::Running {
            let upid = px
                .power(&slot.node, vmid, PowerOp::Stop)
                .await
                .map_err(|e| e.to_string())?;
            self.wait_task(&upid, Duration::from_secs(120)).await?;
        }
        let upid = px.delete_vm(&slot.node, vmid).await.map_err(|e| e.to_string())?;
        self.wait_task(&upid, Duration::from_secs(300)).await
    }

    /// Removes the slot's uploaded `cidata` ISO, if any.
    pub(super) async fn remove_iso(&self, slot: &mut BakeSlot) {
        let Some(volid) = slot.iso.clone() else { return };
        let px = self.shared.proxmox();
        match px.delete_volume(&slot.node, &self.settings.image_storage, &volid).await {
            Ok(upid) => {
                if let Err(e) = self.wait_task(&upid, Duration::from_secs(60)).await {
                    tracing::warn!(volid, error = %e, "the bake ISO could not be removed");
                    return;
                }
                slot.iso = None;
            }
            Err(ProxmoxError::NotFound(_)) => slot.iso = None,
            Err(e) => tracing::warn!(volid, error = %e, "the bake ISO could not be removed"),
        }
    }
}
