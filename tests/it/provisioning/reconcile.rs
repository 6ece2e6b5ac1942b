//! The IP reconcile over the simulator: a guest configured with a pool address outside Nimbus is
//! adopted (and never handed out), a reservation nobody owns any more expires, and a holder that
//! vanished is vacated only after the miss threshold.

use nimbus::adapters::proxmox::sim::Scenario;
use nimbus::domain::cluster::NodeName;
use nimbus::domain::ids::InstanceId;
use nimbus::domain::ip_pool::{AddressState, Holder};
use nimbus::domain::provisioning::Drift;
use nimbus::domain::vmid::VmId;
use nimbus::ports::proxmox::{CloneRequest, ConfigChange, PowerOp, TaskState};
use nimbus::ports::{AddressPool, Clock, Proxmox};

use super::sim::{Mode, Sim, form};

async fn wait_task(sim: &Sim, upid: &nimbus::domain::upid::Upid) {
    let proxmox = sim.cluster.proxmox();
    for _ in 0..1000 {
        if !matches!(proxmox.task_status(upid).await.unwrap().state, TaskState::Running) {
            return;
        }
        sim.clock.advance(chrono::Duration::milliseconds(500));
    }
    panic!("task {upid} never ended");
}

/// Another tool's VM on pve1, configured with `ip`.
async fn foreign_vm(sim: &Sim, vmid: u32, ip: &str) {
    let proxmox = sim.cluster.proxmox();
    let node = NodeName::parse("pve1").unwrap();
    let upid = proxmox
        .clone_vm(&CloneRequest {
            node: node.clone(),
            vmid: VmId::new(9002).unwrap(),
            newid: VmId::new(vmid).unwrap(),
            name: Some("printer-box".into()),
            description: Some("not Nimbus's".into()),
            full: Some(true),
            target: None,
            storage: None,
        })
        .await
        .unwrap();
    wait_task(sim, &upid).await;
    let change = ConfigChange {
        set: vec![("ipconfig0".into(), format!("ip={ip}/24,gw=127.88.0.1"))],
        delete: Vec::new(),
        digest: None,
    };
    proxmox
        .update_config_sync(&node, VmId::new(vmid).unwrap(), &change)
        .await
        .unwrap();
}

#[tokio::test]
async fn a_foreign_guest_on_a_pool_address_is_adopted_and_never_handed_out() {
    let sim = Sim::new(Scenario::default_cluster(1), Mode::Chaos).await;
    let vms = sim.provisioner(None);
    vms.runner.start().await.unwrap();
    foreign_vm(&sim, 500, "127.88.0.10").await;
    let report = vms.reconcile.run(sim.clock.now()).await.unwrap();
    assert!(report.applied >= 1, "{report:?}");
    let row = sim
        .store
        .pool_rows()
        .await
        .unwrap()
        .into_iter()
        .find(|r| r.addr.to_string() == "127.88.0.10")
        .unwrap();
    assert!(
        matches!(&row.state, AddressState::Allocated { holder: Holder::Adopted { vmid, .. }, .. } if vmid.get() == 500),
        "{row:?}"
    );
    let id = vms
        .submissions
        .submit(&sim.caller, form("after"), None)
        .await
        .unwrap()
        .id;
    sim.settle(&vms, &[id]).await;
    assert_eq!(
        sim.record(id).await.provision.held().ip.unwrap().to_string(),
        "127.88.0.11"
    );
    sim.check().await;
}

#[tokio::test]
async fn a_reservation_nobody_owns_expires() {
    // Nothing is provisioned here, so there is no run for scheduled faults to meet.
    let sim = Sim::new(Scenario::default_cluster(1), Mode::Realistic).await;
    let vms = sim.provisioner(None);
    vms.runner.start().await.unwrap();
    let ghost = InstanceId::from_uuid(uuid::Uuid::new_v4());
    let addr = sim
        .store
        .reserve(ghost, nimbus::ports::Clock::now(sim.clock.as_ref()))
        .await
        .unwrap()
        .unwrap();
    vms.reconcile.run(sim.clock.now()).await.unwrap();
    let row = sim
        .store
        .pool_rows()
        .await
        .unwrap()
        .into_iter()
        .find(|r| r.addr == addr)
        .unwrap();
    assert!(row.is_free(), "{row:?}");
}

#[tokio::test]
async fn a_vanished_holder_is_vacated_only_after_the_miss_threshold() {
    // Nothing is provisioned here, so there is no run for scheduled faults to meet.
    let sim = Sim::new(Scenario::default_cluster(1), Mode::Realistic).await;
    let vms = sim.provisioner(None);
    vms.runner.start().await.unwrap();
    foreign_vm(&sim, 501, "127.88.0.12").await;
    vms.reconcile.run(sim.clock.now()).await.unwrap();
    let proxmox = sim.cluster.proxmox();
    let node = NodeName::parse("pve1").unwrap();
    let vmid = VmId::new(501).unwrap();
    if let Ok(upid) = proxmox.power(&node, vmid, PowerOp::Stop).await {
        wait_task(&sim, &upid).await;
    }
    let upid = proxmox.delete_vm(&node, vmid).await.unwrap();
    wait_task(&sim, &upid).await;
    let state = |sim: &Sim| {
        let store = sim.store.clone();
        async move {
            let rows = store.pool_rows().await.unwrap();
            rows.into_iter().find(|r| r.addr.to_string() == "127.88.0.12").unwrap()
        }
    };
    for pass in 1..=2 {
        sim.clock.advance(chrono::Duration::seconds(10));
        vms.reconcile.run(sim.clock.now()).await.unwrap();
        let row = state(&sim).await;
        assert!(!row.is_free(), "pass {pass}: still held ({row:?})");
        assert_eq!(row.missed, pass);
    }
    sim.clock.advance(chrono::Duration::seconds(10));
    vms.reconcile.run(sim.clock.now()).await.unwrap();
    let row = state(&sim).await;
    assert!(row.is_free(), "vacated after three misses: {row:?}");
    assert_eq!(row.missed, 0, "the counter starts over");
}

#[tokio::test]
async fn a_vm_removed_behind_nimbus_back_shows_as_vanished() {
    let sim = Sim::new(Scenario::default_cluster(1), Mode::Chaos).await;
    let vms = sim.provisioner(None);
    vms.runner.start().await.unwrap();
    let id = vms
        .submissions
        .submit(&sim.caller, form("drifter"), None)
        .await
        .unwrap()
        .id;
    sim.settle(&vms, &[id]).await;
    assert_eq!(vms.drift.pass(sim.clock.now()).await.unwrap(), 0, "nothing drifted yet");
    let r = sim.record(id).await;
    let (node, vmid) = (
        r.provision.held().node.clone().unwrap(),
        r.provision.held().vmid.unwrap(),
    );
    let proxmox = sim.cluster.proxmox();
    let upid = proxmox.power(&node, vmid, PowerOp::Stop).await.unwrap();
    wait_task(&sim, &upid).await;
    let upid = proxmox.delete_vm(&node, vmid).await.unwrap();
    wait_task(&sim, &upid).await;
    assert_eq!(vms.drift.pass(sim.clock.now()).await.unwrap(), 1);
    let r = sim.record(id).await;
    assert_eq!(r.drift, Some(Drift::Vanished));
    assert!(r.provision.notes().last().unwrap().contains("removed outside Nimbus"));
    let state = vms.views.get(&sim.caller, id).await.unwrap();
    assert_eq!(state.status.as_str(), "unknown", "no live state for a VM that is gone");
    assert_eq!(vms.drift.pass(sim.clock.now()).await.unwrap(), 0, "reported once");
    // Deleting it here finishes at once: the VM is already gone; the address is released.
    vms.lifecycle.delete(&sim.caller, id).await.unwrap();
    sim.settle(&vms, &[id]).await;
    assert!(sim.store.pool_rows().await.unwrap().iter().all(|a| a.is_free()));
}

#[tokio::test]
async fn a_lan_host_on_a_free_address_is_found_by_the_sweep_and_skipped() {
    let sim = Sim::new(Scenario::default_cluster(1), Mode::Chaos).await;
    let vms = sim.provisioner(None);
    vms.runner.start().await.unwrap();
    sim.cluster.add_lan_host("127.88.0.10".parse().unwrap(), &[443]);
    let (_, answered, report) = vms
        .sweep
        .sweep(sim.clock.now())
        .await
        .unwrap()
        .expect("the sweep runs in tcp mode");
    assert_eq!(answered, 1, "the LAN host answers");
    assert!(report.applied >= 1, "{report:?}");
    let row = sim
        .store
        .pool_rows()
        .await
        .unwrap()
        .into_iter()
        .find(|r| r.addr.to_string() == "127.88.0.10")
        .unwrap();
    assert!(
        matches!(
            row.state,
            AddressState::Allocated {
                holder: Holder::External,
                ..
            }
        ),
        "{row:?}"
    );
    let id = vms
        .submissions
        .submit(&sim.caller, form("beside"), None)
        .await
        .unwrap()
        .id;
    sim.settle(&vms, &[id]).await;
    assert_eq!(
        sim.record(id).await.provision.held().ip.unwrap().to_string(),
        "127.88.0.11"
    );
    sim.check().await;
}
