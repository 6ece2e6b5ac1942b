//! One node × OS: skip a healthy baked template, else image → VM → bake → template (→ swap),
//! writing the slot before every step it awaits. A failure cleans up what the bake made (its VM,
//! found by the bake marker; its address; its ISO) and records the reason in words.

use std::time::Duration;

use super::bakery::Bakery;
use crate::domain::bootstrap::{BakePhase, BakeSlot, Outcome, TemplateHealth};
use crate::domain::marker::{self, MarkerKind};

use crate::domain::vmid::VmId;
use crate::ports::ProxmoxError;
use crate::ports::proxmox::{PowerOp, PowerStatus};

/// A template already on the cluster for a slot's OS.
#[derive(Debug, Clone)]
pub(super) struct Existing {
    pub node: crate::domain::cluster::NodeName,
    pub vmid: VmId,
    pub health: TemplateHealth,
}

/// Runs one slot to its end (resuming it when a restart interrupted it) and returns it as saved.
pub(super) async fn run_slot(b: &Bakery, mut slot: BakeSlot) -> BakeSlot {
    if slot.phase != BakePhase::Queued {
        cleanup(b, &mut slot).await;
        let resumable_download = matches!(slot.phase, BakePhase::Downloading { .. }) && slot.task.is_some();
        if !resumable_download {
            slot.task = None;
        }
        slot.name = format!("nimbus-{}", slot.os);
    }
    let phase = match bake(b, &mut slot).await {
        Ok(outcome) => BakePhase::Done { outcome },
        Err(reason) => {
            cleanup(b, &mut slot).await;
            tracing::warn!(node = %slot.node, os = %slot.os, reason = %reason, "template bake failed");
            BakePhase::Failed { reason }
        }
    };
    slot.enter(phase, b.shared.ports.clock.now());
    b.save(&slot).await;
    slot
}

async fn bake(b: &Bakery, slot: &mut BakeSlot) -> Result<Outcome, String> {
    let image = b
        .shared
        .images
        .find(&slot.os)
        .map_err(|e| format!("unknown OS {}: {e}", slot.os))?
        .clone();
    let existing = existing(b, slot).await?;
    if !slot.force
        && let Some(t) = &existing
        && t.health.is_healthy_baked(slot.bake_version)
    {
        return Ok(Outcome::Skipped);
    }
    if existing.is_some() {
        slot.name = format!("nimbus-{}-next", slot.os);
    }
    // Checked before anything is made; checked again when the address is taken.
    super::guest::enough_free(b).await?;
    let volid = super::image::ensure_image(b, slot, &image).await?;
    super::image::create_vm(b, slot, &image, &volid).await?;
    super::guest::bake_guest(b, slot, &image).await?;
    super::finish::convert(b, slot).await?;
    match existing {
        Some(old) => {
            super::finish::swap(b, slot, &old).await?;
            Ok(Outcome::Replaced)
        }
        None => Ok(Outcome::Created),
    }
}

/// The template this slot would replace: the one clones on its node use now.
async fn existing(b: &Bakery, slot: &BakeSlot) -> Result<Option<Existing>, String> {
    if let Err(e) = b.shared.refresh_templates().await {
        return Err(format!("the cluster's templates could not be read: {e}"));
    }
    let templates = b.shared.templates();
    let Some(source) = templates.for_node(&slot.os, &slot.node) else {
        return Ok(None);
    };
    let config = b
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

/// Undoes what a failed or interrupted bake made: its VM (only with this run's bake marker),
/// its pool address and its uploaded ISO. Best effort; what cannot be undone now is logged.
pub(super) async fn cleanup(b: &Bakery, slot: &mut BakeSlot) {
    let px = b.shared.proxmox();
    if let Some(vmid) = slot.vmid {
        match px.vm_config(&slot.node, vmid).await {
            Ok(config) if marker::is_marked(config.get("description"), MarkerKind::Bake, slot.run) => {
                if let Err(e) = destroy(b, slot, vmid).await {
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
        match b.shared.ports.pool.release(slot.run, addr).await {
            Ok(_) => slot.address = None,
            Err(e) => tracing::warn!(%addr, error = %e, "a bake's address could not be released"),
        }
    }
    remove_iso(b, slot).await;
    b.save(slot).await;
}

/// Stops (when running) and destroys a VM this bake made.
async fn destroy(b: &Bakery, slot: &BakeSlot, vmid: VmId) -> Result<(), String> {
    let px = b.shared.proxmox();
    let status = px.vm_status(&slot.node, vmid).await.map_err(|e| e.to_string())?;
    if status.status == PowerStatus::Running {
        let upid = px
            .power(&slot.node, vmid, PowerOp::Stop)
            .await
            .map_err(|e| e.to_string())?;
        b.wait_task(&upid, Duration::from_secs(120)).await?;
    }
    let upid = px.delete_vm(&slot.node, vmid).await.map_err(|e| e.to_string())?;
    b.wait_task(&upid, Duration::from_secs(300)).await
}

/// Removes the slot's uploaded `cidata` ISO, if any.
pub(super) async fn remove_iso(b: &Bakery, slot: &mut BakeSlot) {
    let Some(volid) = slot.iso.clone() else { return };
    let px = b.shared.proxmox();
    match px.delete_volume(&slot.node, &b.settings.image_storage, &volid).await {
        Ok(upid) => {
            if let Err(e) = b.wait_task(&upid, Duration::from_secs(60)).await {
                tracing::warn!(volid, error = %e, "the bake ISO could not be removed");
                return;
            }
            slot.iso = None;
        }
        Err(ProxmoxError::NotFound(_)) => slot.iso = None,
        Err(e) => tracing::warn!(volid, error = %e, "the bake ISO could not be removed"),
    }
}
