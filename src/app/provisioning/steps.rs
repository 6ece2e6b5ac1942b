//! The forward steps of a provision, each one Proxmox call (or one pool write) whose result is an
//! event for the state machine: reserve and verify the address, place the VM, choose its VMID,
//! clone, configure, resize, start, and wait for readiness.

use std::net::Ipv4Addr;

use chrono::{DateTime, Utc};

use super::run::{Outcome, Run};
use super::shared::Shared;
use crate::domain::clone_mode::CloneMode;
use crate::domain::cloud_init::GuestSettings;
use crate::domain::cluster::NodeName;
use crate::domain::marker;
use crate::domain::provisioning::{Event, FailureCode, Step};
use crate::domain::vmid::VmId;
use crate::ports::ProxmoxError;
use crate::ports::pool::Contest;
use crate::ports::provisions::ProvisionRecord;
use crate::ports::proxmox::{CloneRequest, ConfigChange, DiskSize, PowerOp};

/// Addresses tried per provision before giving up on verification.
const MAX_CONTESTED: usize = 8;

pub(super) async fn reserve_ip(s: &Shared, record: &ProvisionRecord) -> Outcome {
    let id = record.id();
    if record.key.public_key.is_empty() {
        return Outcome::Fail {
            code: FailureCode::KeyNotSaved,
            reason: FailureCode::KeyNotSaved
                .message_for("The SSH key for this machine was not saved before Nimbus restarted."),
        };
    }
    let ttl = chrono::Duration::from_std(s.settings().verify_ttl).unwrap_or_default();
    for _ in 0..MAX_CONTESTED {
        let now = s.ports.clock.now();
        let ip = match s.ports.pool.reserve(id, now).await {
            Ok(Some(ip)) => ip,
            Ok(None) => {
                return Outcome::Fail {
                    code: FailureCode::PoolExhausted,
                    reason: FailureCode::PoolExhausted.message(),
                };
            }
            Err(e) => return store_trouble(e),
        };
        let claim = match s.verify.claim(&s.cluster, s.proxmox(), ip, now, ttl).await {
            Ok(claim) => claim,
            Err(e) => return Run::default().trouble(s, Some(Step::ReserveIp), e).await,
        };
        let contest = match claim {
            Some(c) if c.marker != Some(id) => Some(Contest::Guest {
                vmid: c.vmid,
                name: c.name,
            }),
            Some(_) => None,
            None if s.ports.lan.answers(ip, s.settings().ssh_port).await => Some(Contest::LanHost),
            None => None,
        };
        match contest {
            None => return Outcome::Event(Event::IpReserved { ip }),
            Some(contest) => {
                tracing::warn!(vm = %id, %ip, ?contest, "a reserved address is in use; recording its holder and trying the next");
                if let Err(e) = s.ports.pool.contested(id, ip, contest, now).await {
                    return store_trouble(e);
                }
            }
        }
    }
    Outcome::Fail {
        code: FailureCode::PoolExhausted,
        reason: "Every free address Nimbus tried is already used by something on the network. An admin should run an IP reconcile and check the pool.".into(),
    }
}

fn store_trouble(e: crate::ports::StoreError) -> Outcome {
    tracing::error!(error = %e, "the database failed during a provision");
    Outcome::Stop
}

pub(super) async fn issue_clone(s: &Shared, record: &ProvisionRecord, run: &mut Run) -> Outcome {
    let p = &record.provision;
    let (Some(node), Some(vmid)) = (p.held().node.clone(), p.held().vmid) else {
        return Outcome::Fail {
            code: FailureCode::ProvisionFailed,
            reason: "The machine lost its node or VMID before cloning.".into(),
        };
    };
    // After a restart the clone may exist already: it carries this provision's marker once
    // it is complete (while a clone runs, Proxmox shows only a locked placeholder).
    match s.proxmox().vm_config(&node, vmid).await {
        Ok(config) if config.get("lock").is_some() => {
            run.poll_pause(s).await;
            return Outcome::Again;
        }
        Ok(config) if marker::is_mine(config.get("description"), p.id()) => {
            return Outcome::Event(Event::StepDone);
        }
        Ok(_) => return super::placement::choose_vmid(s, record, run).await,
        Err(ProxmoxError::NotFound(_)) => {}
        Err(e) => return run.trouble(s, Some(Step::Clone), e).await,
    }
    let mut template = s.templates().for_node(&p.spec().os, &node).cloned();
    if template.is_none() {
        // The list may come from a discovery that could not read this node (it was down when
        // the process started, and has answered since): look again before giving up.
        let _ = s.refresh_templates().await;
        template = s.templates().for_node(&p.spec().os, &node).cloned();
    }
    let Some(template) = template else {
        return Outcome::Fail {
            code: FailureCode::NoTemplate,
            reason: format!("The node {node} has no {} template any more. Try again.", p.spec().os),
        };
    };
    let full = s.settings().clone_mode == CloneMode::Full;
    let target = (template.node != node).then(|| node.clone());
    let storage = match &s.settings().disk_storage {
        // Proxmox clones to another node only onto shared storage: a disk storage that is not
        // shared gives way to the template's, which is (it serves this node).
        Some(st) if full && target.is_some() && *st != template.storage => {
            match s.proxmox().storage_status(&node, st).await {
                Ok(status) if status.shared => st.clone(),
                Err(e) if e.is_transient() => return run.trouble(s, Some(Step::Clone), e).await,
                _ => template.storage.clone(),
            }
        }
        Some(st) => st.clone(),
        None => template.storage.clone(),
    };
    if run.clone_permit.is_none() {
        run.clone_permit = s.slot(&node).acquire_owned().await.ok();
    }
    let request = CloneRequest {
        node: template.node.clone(),
        vmid: template.vmid,
        newid: vmid,
        name: Some(p.spec().hostname.as_str().to_owned()),
        description: Some(marker::describe(p.id(), &p.spec().hostname)),
        full: Some(full),
        target,
        storage: full.then_some(storage),
    };
    match s.proxmox().clone_vm(&request).await {
        Ok(upid) => Outcome::Event(Event::TaskStarted { upid }),
        Err(ProxmoxError::AlreadyExists { .. }) => super::placement::choose_vmid(s, record, run).await,
        Err(e) => run.trouble(s, Some(Step::Clone), e).await,
    }
}

fn placed(record: &ProvisionRecord) -> Option<(NodeName, VmId, Ipv4Addr)> {
    let h = record.provision.held();
    Some((h.node.clone()?, h.vmid?, h.ip?))
}

pub(super) async fn apply_config(s: &Shared, record: &ProvisionRecord, run: &mut Run) -> Outcome {
    let Some((node, vmid, ip)) = placed(record) else {
        return lost();
    };
    let Some(plan) = &s.settings().network else {
        return lost();
    };
    let spec = record.provision.spec();
    let settings = GuestSettings {
        user: &record.username,
        ssh_public_key: &record.key.public_key,
        ip,
        prefix: plan.prefix(),
        gateway: plan.gateway(),
        nameservers: &s.settings().nameservers,
        search_domain: &s.settings().search_domain,
        vcpus: spec.vcpus,
        memory_mib: spec.memory_mib,
        cpu_type: &s.settings().cpu_type,
    };
    let change = ConfigChange {
        set: settings.entries(),
        delete: Vec::new(),
        digest: None,
    };
    match s.proxmox().update_config(&node, vmid, &change).await {
        Ok(upid) => Outcome::Event(Event::TaskStarted { upid }),
        Err(e) => run.trouble(s, Some(Step::Configure), e).await,
    }
}

pub(super) async fn resize(s: &Shared, record: &ProvisionRecord, run: &mut Run) -> Outcome {
    let Some((node, vmid, _)) = placed(record) else {
        return lost();
    };
    let disk = s
        .templates()
        .for_node(&record.provision.spec().os, &node)
        .map_or_else(|| "scsi0".to_owned(), |t| t.disk.clone());
    let want = record.provision.spec().disk_gib * crate::domain::cluster::GIB;
    match s.proxmox().vm_status(&node, vmid).await {
        Ok(st) if st.maxdisk >= want => return Outcome::Event(Event::StepDone),
        Ok(_) => {}
        Err(e) => return run.trouble(s, Some(Step::Resize), e).await,
    }
    match s
        .proxmox()
        .resize_disk(&node, vmid, &disk, DiskSize::Absolute(want))
        .await
    {
        Ok(upid) => Outcome::Event(Event::TaskStarted { upid }),
        Err(e) => run.trouble(s, Some(Step::Resize), e).await,
    }
}

pub(super) async fn start_vm(s: &Shared, record: &ProvisionRecord, run: &mut Run) -> Outcome {
    let Some((node, vmid, _)) = placed(record) else {
        return lost();
    };
    match s.proxmox().power(&node, vmid, PowerOp::Start).await {
        Ok(upid) => Outcome::Event(Event::TaskStarted { upid }),
        Err(e) => run.trouble(s, Some(Step::Start), e).await,
    }
}

/// Whether the VM answers: the guest agent reports the expected address, or TCP 22 answers.
pub(super) async fn answers(s: &Shared, record: &ProvisionRecord) -> bool {
    let Some((node, vmid, ip)) = placed(record) else {
        return false;
    };
    if let Ok(interfaces) = s.proxmox().agent_interfaces(&node, vmid).await
        && interfaces
            .iter()
            .any(|i| i.addresses.iter().any(|(a, _)| *a == std::net::IpAddr::V4(ip)))
    {
        return true;
    }
    s.ports.lan.answers(ip, s.settings().ssh_port).await
}

/// Readiness, bounded by the ready timeout counted from `since`.
pub(super) async fn wait_ready(s: &Shared, record: &ProvisionRecord, run: &mut Run, since: DateTime<Utc>) -> Outcome {
    let Some((_, _, ip)) = placed(record) else {
        return lost();
    };
    if answers(s, record).await {
        return Outcome::Event(Event::ReadinessConfirmed);
    }
    let deadline = since + chrono::Duration::from_std(s.settings().ready_timeout).unwrap_or_default();
    if s.ports.clock.now() >= deadline {
        tracing::warn!(vm = %record.id(), %ip, "readiness not confirmed in time; keeping the machine as unconfirmed");
        return Outcome::Event(Event::ReadinessTimedOut);
    }
    run.poll_pause(s).await;
    Outcome::Again
}

/// A record missing what its phase implies (a manual edit): fail it rather than guess.
fn lost() -> Outcome {
    Outcome::Fail {
        code: FailureCode::ProvisionFailed,
        reason: FailureCode::ProvisionFailed.message_for("The machine's record is missing its address, node or VMID."),
    }
}
