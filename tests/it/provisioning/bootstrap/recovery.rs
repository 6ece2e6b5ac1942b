//! A bootstrap stopped dead mid-bake (as `kill -9` would) is cleaned up and run again by the next
//! process: its half-made VM, found by its bake marker, is destroyed, its address released, and
//! every node × OS ends baked with nothing left behind.

use nimbus::adapters::proxmox::sim::Scenario;
use nimbus::app::provisioning::bootstrap::BootstrapRequest;
use nimbus::domain::bootstrap::{BakePhase, BakeStep};
use nimbus::domain::marker::{self, MarkerKind};
use nimbus::ports::{BakeStore, Clock};

use super::{Boot, outcomes};

#[tokio::test]
async fn a_bootstrap_killed_mid_bake_is_cleaned_up_and_finished_after_a_restart() {
    let boot = Boot::new(Scenario::empty(2)).await;
    boot.bootstrap
        .start(
            Some(&boot.sim.caller),
            BootstrapRequest {
                os: vec!["ubuntu-24.04".into(), "debian-12".into()],
                ..BootstrapRequest::default()
            },
        )
        .await
        .unwrap();
    let mut baking = false;
    for _ in 0..100_000 {
        let slots = boot.sim.store.bakes().await.unwrap();
        if slots.iter().any(|s| {
            s.phase
                == BakePhase::Baking {
                    step: BakeStep::InstallingAgent,
                }
        }) {
            baking = true;
            break;
        }
        boot.step().await;
    }
    assert!(baking, "a bake reached the guest agent step");
    // Its address is shown as the bake's, and the IP reconcile leaves it held.
    let held = |entries: &[nimbus::app::provisioning::PoolEntry]| -> Vec<String> {
        entries
            .iter()
            .filter_map(|e| e.machine.as_ref().map(|m| m.1.clone()))
            .collect()
    };
    let before = held(&boot.vms.fleet.pool_entries().await.unwrap());
    assert!(
        before
            .iter()
            .any(|l| l.starts_with("template bake: nimbus-") && l.ends_with(" on pve1")),
        "{before:?}"
    );
    boot.vms.reconcile.run(boot.sim.clock.now()).await.unwrap();
    assert_eq!(held(&boot.vms.fleet.pool_entries().await.unwrap()), before);
    boot.bootstrap.halt();
    // What the dead process left: a running bake VM with its marker and a reserved address.
    let bake_vms: Vec<_> = boot
        .sim
        .cluster
        .vm_configs()
        .into_iter()
        .filter(|(_, _, c)| c.get("template").map(String::as_str) != Some("1"))
        .collect();
    assert!(!bake_vms.is_empty());
    for (vmid, _, c) in &bake_vms {
        let found = c.get("description").and_then(|d| marker::find_marker(d));
        assert_eq!(
            found.map(|m| m.kind),
            Some(MarkerKind::Bake),
            "VM {vmid} carries the bake marker"
        );
    }
    assert!(!boot.sim.store_rows_free().await);

    let vms = boot.sim.provisioner_following();
    let restarted = Boot::service(&boot.sim, &vms, &boot.images, "local-lvm");
    assert!(restarted.recover().await.unwrap() > 0);
    boot.wait_idle(&restarted).await;
    let slots = boot.sim.store.bakes().await.unwrap();
    assert_eq!(outcomes(&slots), vec!["created"; 4], "{slots:?}");
    assert_eq!(boot.templates().len(), 4);
    boot.assert_all_baked();
    assert!(
        boot.vms_not_templates().is_empty(),
        "the interrupted bake's VM was destroyed"
    );
    assert!(boot.sim.store_rows_free().await, "its address was released");
    assert!(boot.isos_left().await.is_empty());
}
