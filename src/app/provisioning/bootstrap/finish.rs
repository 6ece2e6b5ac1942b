//! The end of a bake: the ISO detached, the cloud-init drive and the tags added, the VM
//! converted; then, when it replaces an older template, the names swapped (the old one becomes
//! `nimbus-<os>-retired`, the new one takes `nimbus-<os>`) so there is never a moment without a
//! template. A retired template is destroyed once no VM depends on it (linked clones do) and no
//! clone from it is under way; until then it stays, and every bootstrap and the retirement job
//! try again.

use std::time::Duration;

use super::bake::Existing;
use super::bakery::Bakery;
use crate::domain::bootstrap::{BakePhase, BakeSlot, baked_tags};
use crate::domain::cluster::NodeName;
use crate::domain::vmid::VmId;
use crate::ports::Proxmox;
use crate::ports::proxmox::{ConfigChange, NodeState, VmStatus};

/// The name an old template takes while it waits to be destroyed.
pub(super) fn retired_name(os: &str) -> String {
    format!("nimbus-{os}-retired")
}

fn set(key: &str, value: String) -> ConfigChange {
    ConfigChange {
        set: vec![(key.to_owned(), value)],
        ..ConfigChange::default()
    }
}

pub(super) async fn convert(b: &Bakery, slot: &mut BakeSlot) -> Result<(), String> {
    let vmid = slot.vmid.ok_or("the bake VM has no VMID")?;
    let px = b.shared.proxmox();
    b.enter(slot, BakePhase::Converting).await;
    let detach = ConfigChange {
        delete: vec!["ide2".to_owned()],
        ..ConfigChange::default()
    };
    px.update_config_sync(&slot.node, vmid, &detach)
        .await
        .map_err(|e| format!("the bake ISO could not be detached: {e}"))?;
    let finish = ConfigChange {
        set: vec![
            ("ide2".to_owned(), format!("{}:cloudinit", b.settings.disk_storage)),
            ("tags".to_owned(), baked_tags(slot.bake_version)),
            ("serial0".to_owned(), "socket".to_owned()),
            ("agent".to_owned(), "enabled=1".to_owned()),
        ],
        ..ConfigChange::default()
    };
    px.update_config_sync(&slot.node, vmid, &finish)
        .await
        .map_err(|e| format!("the cloud-init drive could not be added: {e}"))?;
    let upid = px
        .convert_to_template(&slot.node, vmid)
        .await
        .map_err(|e| format!("the VM could not be converted to a template: {e}"))?;
    slot.task = Some(upid.to_string());
    b.save(slot).await;
    b.wait_task(&upid, Duration::from_secs(600))
        .await
        .map_err(|e| format!("the VM could not be converted to a template: {e}"))?;
    slot.task = None;
    if let Some(addr) = slot.address
        && b.shared.ports.pool.release(slot.run, addr).await.is_ok()
    {
        slot.address = None;
    }
    super::bake::remove_iso(b, slot).await;
    b.save(slot).await;
    Ok(())
}

/// Puts the new template in the old one's place.
pub(super) async fn swap(b: &Bakery, slot: &mut BakeSlot, old: &Existing) -> Result<(), String> {
    let vmid = slot.vmid.ok_or("the new template has no VMID")?;
    let px = b.shared.proxmox();
    px.update_config_sync(&old.node, old.vmid, &set("name", retired_name(&slot.os)))
        .await
        .map_err(|e| format!("the old template {} could not be renamed: {e}", old.vmid))?;
    let canonical = format!("nimbus-{}", slot.os);
    px.update_config_sync(&slot.node, vmid, &set("name", canonical.clone()))
        .await
        .map_err(|e| format!("the new template {vmid} could not be renamed: {e}"))?;
    slot.name = canonical;
    b.save(slot).await;
    if let Err(e) = b.shared.refresh_templates().await {
        tracing::warn!(error = %e, "template discovery after a swap failed");
    }
    retire_pending(b).await;
    Ok(())
}

/// Destroys every retired template nothing depends on any more; returns (destroyed, kept).
pub(super) async fn retire_pending(b: &Bakery) -> (usize, Vec<VmId>) {
    let Some(px) = b.shared.configured_proxmox().map(|p| p.as_ref()) else {
        return (0, Vec::new());
    };
    let Some(guests) = live_guests(px).await else {
        return (0, Vec::new());
    };
    let retired: Vec<_> = guests
        .iter()
        .filter(|(_, g)| g.template && is_retired(&g.name))
        .collect();
    let (mut destroyed, mut kept) = (0, Vec::new());
    for (node, t) in retired {
        let base = format!("base-{}-", t.vmid.get());
        let mut depended = false;
        for (g_node, g) in guests.iter().filter(|(_, g)| !g.template) {
            match px.vm_config(g_node, g.vmid).await {
                Ok(c) if c.entries.values().any(|v| v.contains(&base)) => depended = true,
                Ok(_) => {}
                Err(_) => depended = true,
            }
            if depended {
                break;
            }
        }
        let busy = px
            .vm_status(node, t.vmid)
            .await
            .map(|st| st.lock.is_some())
            .unwrap_or(true);
        if depended || busy {
            kept.push(t.vmid);
            continue;
        }
        match px.delete_vm(node, t.vmid).await {
            Ok(upid) => match b.wait_task(&upid, Duration::from_secs(300)).await {
                Ok(()) => {
                    tracing::info!(vmid = t.vmid.get(), node = %node, "retired template destroyed");
                    destroyed += 1;
                }
                Err(e) => {
                    tracing::warn!(vmid = t.vmid.get(), error = %e, "a retired template could not be destroyed");
                    kept.push(t.vmid);
                }
            },
            Err(e) => {
                tracing::warn!(vmid = t.vmid.get(), error = %e, "a retired template could not be destroyed");
                kept.push(t.vmid);
            }
        }
    }
    (destroyed, kept)
}

/// Whether a template's name marks it replaced.
pub(super) fn is_retired(name: &str) -> bool {
    name.starts_with("nimbus-") && name.ends_with("-retired")
}

/// Every VM of every online node, from each node's live list (`/cluster/resources` lags a
/// statistics cycle behind a rename); `None` when the nodes cannot be listed.
pub(super) async fn live_guests(px: &dyn Proxmox) -> Option<Vec<(NodeName, VmStatus)>> {
    let nodes = px.nodes().await.ok()?;
    let mut out = Vec::new();
    for node in nodes.into_iter().filter(|n| n.state == NodeState::Online) {
        // A node that cannot be listed is left out; its templates wait for the next pass.
        if let Ok(vms) = px.vms(&node.name).await {
            out.extend(vms.into_iter().map(|v| (node.name.clone(), v)));
        }
    }
    Some(out)
}
