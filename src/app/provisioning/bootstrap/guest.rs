//! The bake's one boot: an address reserved from the pool (never the last two free), Nimbus's
//! `cidata` ISO uploaded and attached, the VM started; then, through the guest agent that
//! cloud-init installs, wait for cloud-init, clean its state and power off.

use std::time::Duration;

use chrono::DateTime;

use super::bakery::Bakery;
use crate::domain::bootstrap::{BakePhase, BakeSlot, BakeStep};
use crate::domain::cidata::{BakeNetwork, bake_iso, bake_iso_name};
use crate::domain::os_image::OsImage;
use crate::domain::vmid::VmId;
use crate::ports::pool::LeaseChange;
use crate::ports::proxmox::{ConfigChange, PowerOp, PowerStatus};

/// A bake never takes the pool's last free addresses: provisions need them more.
const KEEP_FREE: usize = 2;

/// How often a bake renews its address while it waits on the guest.
const RENEW_EVERY_SECS: i64 = 30;

pub(super) async fn bake_guest(b: &Bakery, slot: &mut BakeSlot, image: &OsImage) -> Result<(), String> {
    let vmid = slot.vmid.ok_or("the bake VM has no VMID")?;
    b.enter(
        slot,
        BakePhase::Baking {
            step: BakeStep::Preparing,
        },
    )
    .await;
    let network = reserve_address(b, slot).await?;
    upload_cidata(b, slot, image, vmid, &network).await?;
    let px = b.shared.proxmox();
    let upid = px
        .power(&slot.node, vmid, PowerOp::Start)
        .await
        .map_err(|e| format!("the bake VM could not be started: {e}"))?;
    b.wait_task(&upid, Duration::from_secs(300))
        .await
        .map_err(|e| format!("the bake VM could not be started: {e}"))?;
    let deadline = b.now() + chrono::Duration::from_std(b.settings.bake_timeout).unwrap_or(chrono::Duration::MAX);
    b.enter(
        slot,
        BakePhase::Baking {
            step: BakeStep::InstallingAgent,
        },
    )
    .await;
    let waited = run_in_guest(b, slot, vmid, &["cloud-init", "status", "--wait"], deadline).await;
    waited.map_err(|e| {
        format!(
            "the guest agent never came up in the bake VM ({e}); cloud-init could not install qemu-guest-agent. \
             Check that the bake address {} reaches the package mirrors, then rebuild",
            slot.address.map(|a| a.to_string()).unwrap_or_default()
        )
    })?;
    b.enter(
        slot,
        BakePhase::Baking {
            step: BakeStep::Cleaning,
        },
    )
    .await;
    run_in_guest(b, slot, vmid, &["cloud-init", "clean", "--logs", "--seed"], deadline)
        .await
        .map_err(|e| format!("cloud-init clean failed in the bake VM: {e}"))?;
    run_in_guest(b, slot, vmid, &["truncate", "-s", "0", "/etc/machine-id"], deadline)
        .await
        .map_err(|e| format!("the machine id could not be reset in the bake VM: {e}"))?;
    b.enter(
        slot,
        BakePhase::Baking {
            step: BakeStep::PoweringOff,
        },
    )
    .await;
    // The agent may go away before it answers: the VM stopping is what counts.
    let _ = px.agent_exec(&slot.node, vmid, &["poweroff".to_owned()], None).await;
    loop {
        match px.vm_status(&slot.node, vmid).await {
            Ok(st) if st.status == PowerStatus::Stopped => return Ok(()),
            Ok(_) => {}
            Err(e) if e.is_transient() => {}
            Err(e) => return Err(format!("the bake VM could not be read while powering off: {e}")),
        }
        if b.now() > deadline {
            return Err("the bake VM did not power off in time".into());
        }
        renew(b, slot).await;
        b.pause().await;
    }
}

async fn reserve_address(b: &Bakery, slot: &mut BakeSlot) -> Result<BakeNetwork, String> {
    let plan = b.shared.settings().network.clone().ok_or("no IP pool is configured")?;
    let pool = &b.shared.ports.pool;
    let addr = match slot.address {
        Some(addr) => addr,
        None => {
            enough_free(b).await?;
            let addr = pool
                .reserve(slot.run, b.now())
                .await
                .map_err(|e| format!("the IP pool could not be read: {e}"))?
                .ok_or("the IP pool has no free address for the bake")?;
            slot.address = Some(addr);
            b.save(slot).await;
            addr
        }
    };
    let address = ipnet::Ipv4Net::new(addr, plan.prefix().get()).map_err(|e| e.to_string())?;
    Ok(BakeNetwork {
        address,
        gateway: plan.gateway(),
        dns: b.shared.settings().nameservers.clone(),
    })
}

async fn upload_cidata(
    b: &Bakery,
    slot: &mut BakeSlot,
    image: &OsImage,
    vmid: VmId,
    network: &BakeNetwork,
) -> Result<(), String> {
    let px = b.shared.proxmox();
    let storage = &b.settings.image_storage;
    let name = bake_iso_name(slot.node.as_str(), image.key());
    let created = DateTime::from_timestamp(b.now().timestamp(), 0).unwrap_or_default();
    let iso = bake_iso(&slot.run.to_string(), &slot.name, network, created).map_err(|e| e.to_string())?;
    let volid = format!("{storage}:iso/{name}");
    slot.iso = Some(volid.clone());
    b.save(slot).await;
    let upid = px
        .upload_iso(&slot.node, storage, &name, iso)
        .await
        .map_err(|e| format!("the bake ISO could not be uploaded to '{storage}': {e}"))?;
    b.wait_task(&upid, Duration::from_secs(300))
        .await
        .map_err(|e| format!("the bake ISO could not be uploaded to '{storage}': {e}"))?;
    let attach = ConfigChange {
        set: vec![("ide2".to_owned(), format!("{volid},media=cdrom"))],
        ..ConfigChange::default()
    };
    px.update_config_sync(&slot.node, vmid, &attach)
        .await
        .map_err(|e| format!("the bake ISO could not be attached: {e}"))
}

/// Runs `command` in the guest through the agent and waits for it to exit 0, retrying while
/// the agent is not up yet.
async fn run_in_guest(
    b: &Bakery,
    slot: &mut BakeSlot,
    vmid: VmId,
    command: &[&str],
    deadline: DateTime<chrono::Utc>,
) -> Result<(), String> {
    let px = b.shared.proxmox();
    let command: Vec<String> = command.iter().map(|c| c.to_string()).collect();
    let mut last = String::from("the agent did not answer");
    loop {
        if b.now() > deadline {
            return Err(last);
        }
        match px.agent_exec(&slot.node, vmid, &command, None).await {
            Ok(pid) => loop {
                match px.agent_exec_status(&slot.node, vmid, pid).await {
                    // cloud-init exits 2 for "done, with recoverable errors".
                    Ok(st) if st.exited => {
                        let code = st.exit_code.unwrap_or(0);
                        if code == 0 || (command[0] == "cloud-init" && code == 2) {
                            return Ok(());
                        }
                        return Err(format!(
                            "`{}` exited {code}: {}",
                            command.join(" "),
                            st.err.unwrap_or_default().trim()
                        ));
                    }
                    Ok(_) => {}
                    Err(e) => {
                        last = e.to_string();
                        break;
                    }
                }
                if b.now() > deadline {
                    return Err(format!("`{}` did not finish in time", command.join(" ")));
                }
                renew(b, slot).await;
                b.pause().await;
            },
            Err(e) if e.is_transient() => last = e.to_string(),
            Err(e) => return Err(e.to_string()),
        }
        renew(b, slot).await;
        b.pause().await;
    }
}

/// Keeps the bake's address reserved while it waits.
async fn renew(b: &Bakery, slot: &mut BakeSlot) {
    let Some(addr) = slot.address else { return };
    let now = b.now();
    if (now - slot.updated_at).num_seconds() < RENEW_EVERY_SECS {
        return;
    }
    if let Err(e) = b.shared.ports.pool.lease(slot.run, addr, LeaseChange::Renew, now).await {
        tracing::warn!(%addr, error = %e, "a bake's address could not be renewed");
    }
    slot.updated_at = now;
    b.save(slot).await;
}

/// Refuses when the pool has no more than the free addresses a bake must leave alone.
pub(super) async fn enough_free(b: &Bakery) -> Result<(), String> {
    let free = b
        .shared
        .ports
        .pool
        .pool_rows()
        .await
        .map_err(|e| format!("the IP pool could not be read: {e}"))?
        .iter()
        .filter(|r| r.is_free())
        .count();
    if free <= KEEP_FREE {
        return Err(format!(
            "the IP pool has {free} free addresses and a bake never takes the last {KEEP_FREE}; \
             free some addresses or grow the pool, then run the bootstrap again"
        ));
    }
    Ok(())
}
