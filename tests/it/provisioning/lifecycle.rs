//! The lifecycle of a finished VM over the simulator: power actions follow the live state and
//! wait for their task; a shutdown the guest ignores ends with a note suggesting Stop; delete
//! removes the VM, its address and its generated key, and waits out an outage.

use std::sync::Arc;

use nimbus::adapters::proxmox::sim::{Fault, FaultScope, Scenario};
use nimbus::app::provisioning::{ProvisionError, Provisioning};
use nimbus::domain::ids::InstanceId;
use nimbus::domain::provisioning::{Phase, PowerAction};
use nimbus::ports::proxmox::PowerStatus;
use nimbus::ports::{AddressPool, ProvisionStore, Proxmox};

use super::sim::{Mode, Sim, form};

async fn running(sim: &Sim, hostname: &str) -> (Arc<Provisioning>, InstanceId) {
    let vms = sim.provisioner(None);
    vms.runner.start().await.unwrap();
    let id = vms
        .submissions
        .submit(&sim.caller, form(hostname), None)
        .await
        .unwrap()
        .id;
    sim.settle(&vms, &[id]).await;
    assert_eq!(*sim.record(id).await.provision.phase(), Phase::Ready);
    (vms, id)
}

async fn power_of(sim: &Sim, id: InstanceId) -> PowerStatus {
    let r = sim.record(id).await;
    let held = r.provision.held();
    let proxmox = sim.cluster.proxmox();
    proxmox
        .vm_status(held.node.as_ref().unwrap(), held.vmid.unwrap())
        .await
        .unwrap()
        .status
}

#[tokio::test]
async fn power_actions_follow_the_live_state_and_wait_for_their_task() {
    let sim = Sim::new(Scenario::default_cluster(1), Mode::Chaos).await;
    let (vms, id) = running(&sim, "web").await;
    let refused = vms
        .lifecycle
        .power(&sim.caller, id, PowerAction::Start)
        .await
        .unwrap_err();
    assert_eq!(
        refused,
        ProvisionError::Conflict("The machine is already running.".into())
    );
    let state = vms.lifecycle.power(&sim.caller, id, PowerAction::Stop).await.unwrap();
    assert_eq!(state.status.as_str(), "stopping");
    sim.settle(&vms, &[id]).await;
    assert_eq!(power_of(&sim, id).await, PowerStatus::Stopped);
    assert!(
        vms.lifecycle.power(&sim.caller, id, PowerAction::Reboot).await.is_err(),
        "a stopped VM cannot reboot"
    );
    vms.lifecycle.power(&sim.caller, id, PowerAction::Start).await.unwrap();
    sim.settle(&vms, &[id]).await;
    assert_eq!(power_of(&sim, id).await, PowerStatus::Running);
    vms.lifecycle.power(&sim.caller, id, PowerAction::Reboot).await.unwrap();
    sim.settle(&vms, &[id]).await;
    vms.lifecycle
        .power(&sim.caller, id, PowerAction::Shutdown)
        .await
        .unwrap();
    sim.settle(&vms, &[id]).await;
    assert_eq!(power_of(&sim, id).await, PowerStatus::Stopped);
    let r = sim.record(id).await;
    assert_eq!(*r.provision.phase(), Phase::Ready);
    assert!(r.provision.notes().is_empty(), "{:?}", r.provision.notes());
    sim.check().await;
}

#[tokio::test]
async fn a_shutdown_the_guest_ignores_leaves_a_note_suggesting_stop() {
    let sim = Sim::new(Scenario::default_cluster(1), Mode::Chaos).await;
    let (vms, id) = running(&sim, "stubborn").await;
    let vmid = sim.record(id).await.provision.held().vmid.unwrap();
    sim.cluster
        .inject(Fault::GuestIgnoresAcpi { vmid }, FaultScope::UntilCleared);
    vms.lifecycle
        .power(&sim.caller, id, PowerAction::Shutdown)
        .await
        .unwrap();
    sim.settle(&vms, &[id]).await;
    let r = sim.record(id).await;
    assert_eq!(*r.provision.phase(), Phase::Ready);
    assert!(
        r.provision.notes().last().unwrap().contains("Use Stop"),
        "{:?}",
        r.provision.notes()
    );
    assert_eq!(power_of(&sim, id).await, PowerStatus::Running);
    vms.lifecycle.power(&sim.caller, id, PowerAction::Stop).await.unwrap();
    sim.settle(&vms, &[id]).await;
    assert_eq!(power_of(&sim, id).await, PowerStatus::Stopped);
}

#[tokio::test]
async fn delete_removes_the_vm_its_address_and_its_generated_key() {
    let sim = Sim::new(Scenario::default_cluster(1), Mode::Chaos).await;
    let (vms, id) = running(&sim, "gone").await;
    let r = sim.record(id).await;
    let (node, vmid, key) = (
        r.provision.held().node.clone().unwrap(),
        r.provision.held().vmid.unwrap(),
        r.key.key_id.unwrap(),
    );
    let state = vms.lifecycle.delete(&sim.caller, id).await.unwrap();
    assert_eq!(state.status.as_str(), "deleting");
    sim.settle(&vms, &[id]).await;
    assert_eq!(
        *sim.store.get_provision(id).await.unwrap().unwrap().provision.phase(),
        Phase::Deleted
    );
    assert!(
        sim.cluster.proxmox().vm_config(&node, vmid).await.is_err(),
        "the VM is gone"
    );
    assert!(
        sim.store.pool_rows().await.unwrap().iter().all(|a| a.is_free()),
        "the address is free"
    );
    assert!(!sim.store.hostname_in_use("gone").await.unwrap());
    assert!(sim.key_gone(key).await, "the key generated for it is removed");
    assert!(matches!(
        vms.views.get(&sim.caller, id).await,
        Err(ProvisionError::NotFound)
    ));
    let again = vms
        .submissions
        .submit(&sim.caller, form("gone"), None)
        .await
        .unwrap()
        .id;
    sim.settle(&vms, &[again]).await;
    sim.check().await;
}

#[tokio::test]
async fn a_delete_waits_out_an_outage_and_finishes() {
    let sim = Sim::new(Scenario::default_cluster(1), Mode::Chaos).await;
    let (vms, id) = running(&sim, "patient").await;
    sim.cluster.inject(Fault::QuorumLost, FaultScope::UntilCleared);
    vms.lifecycle.delete(&sim.caller, id).await.unwrap();
    let waited = |r: &nimbus::ports::provisions::ProvisionRecord| matches!(r.provision.phase(), Phase::Deleting { teardown, .. } if teardown.attempts > 0);
    for _ in 0..200 {
        if waited(&sim.store.get_provision(id).await.unwrap().unwrap()) {
            break;
        }
        sim.clock.advance(chrono::Duration::milliseconds(100));
        tokio::time::sleep(std::time::Duration::from_millis(1)).await;
    }
    let r = sim.store.get_provision(id).await.unwrap().unwrap();
    assert!(
        waited(&r),
        "the delete met the outage and waits: {:?}",
        r.provision.phase()
    );
    assert_eq!(r.provision.status(None).as_str(), "deleting");
    assert!(
        sim.cluster.node_of(r.provision.held().vmid.unwrap()).is_some(),
        "nothing was lost meanwhile"
    );
    sim.cluster.clear_faults();
    sim.settle(&vms, &[id]).await;
    assert_eq!(
        *sim.store.get_provision(id).await.unwrap().unwrap().provision.phase(),
        Phase::Deleted
    );
    sim.check().await;
}

#[tokio::test]
async fn a_delete_interrupted_by_a_restart_finishes_after_it() {
    let sim = Sim::new(Scenario::default_cluster(1), Mode::Chaos).await;
    let (vms, id) = running(&sim, "restart").await;
    let vmid = sim.record(id).await.provision.held().vmid.unwrap();
    vms.lifecycle.delete(&sim.caller, id).await.unwrap();
    vms.runner.shut_down();
    let again = sim.provisioner(None);
    again.runner.start().await.unwrap();
    sim.settle(&again, &[id]).await;
    assert_eq!(
        *sim.store.get_provision(id).await.unwrap().unwrap().provision.phase(),
        Phase::Deleted
    );
    assert!(sim.cluster.node_of(vmid).is_none());
    sim.check().await;
}

#[tokio::test]
async fn a_status_proxmox_cannot_confirm_turns_unknown_once_it_is_stale_and_says_its_age() {
    let sim = Sim::new(Scenario::default_cluster(1), Mode::Chaos).await;
    let (vms, id) = running(&sim, "quiet").await;
    let fresh = vms.views.get(&sim.caller, id).await.unwrap();
    assert_eq!(fresh.status.as_str(), "running");
    let read_at = fresh.status_at.expect("a live read has a time");
    sim.cluster.inject(Fault::WrongToken, FaultScope::UntilCleared);
    sim.clock.advance(chrono::Duration::seconds(30));
    let recent = vms.views.get(&sim.caller, id).await.unwrap();
    assert_eq!(recent.status.as_str(), "running", "a 30 s old read is still shown");
    assert_eq!(recent.status_at, Some(read_at));
    sim.clock.advance(chrono::Duration::seconds(31));
    let stale = vms.views.get(&sim.caller, id).await.unwrap();
    assert_eq!(stale.status.as_str(), "unknown", "older than a minute: not guessed");
    assert_eq!(stale.status_at, Some(read_at), "the age of the last known state");
    sim.cluster.clear_faults();
    assert_eq!(vms.views.get(&sim.caller, id).await.unwrap().status.as_str(), "running");
}
