//! A new VM network plan applied while Nimbus runs, over the real store and the simulated
//! cluster: a shrink past a running machine's address is refused naming it, a plan that keeps it
//! applies at once, and the next provisions take their addresses from the new pool.

use std::net::Ipv4Addr;

use nimbus::adapters::proxmox::sim::Scenario;
use nimbus::app::provisioning::{NetworkChangeError, ProvisionError};
use nimbus::domain::ip_pool::{NetworkPlan, PoolRange, PrefixLen};

use super::sim::{Mode, Sim, form};

fn plan(first: u8, last: u8) -> NetworkPlan {
    let ip = |n| Ipv4Addr::new(127, 88, 0, n);
    NetworkPlan::new(
        PoolRange::new(ip(first), ip(last)).unwrap(),
        PrefixLen::default(),
        ip(1),
        Vec::new(),
    )
    .unwrap()
}

#[tokio::test]
async fn a_pool_change_applies_live_and_a_shrink_past_a_machine_is_refused() {
    let sim = Sim::new(Scenario::default_cluster(2), Mode::Realistic).await;
    let vms = sim.provisioner(None);
    vms.runner.start().await.unwrap();
    let first = vms
        .submissions
        .submit(&sim.caller, form("web-1"), None)
        .await
        .unwrap()
        .id;
    sim.settle(&vms, &[first]).await;
    let held = sim
        .record(first)
        .await
        .provision
        .held()
        .ip
        .expect("the machine has an address");
    assert_eq!(held, Ipv4Addr::new(127, 88, 0, 10));

    let refused = vms.network.apply(&sim.caller, plan(20, 40)).await.unwrap_err();
    assert!(matches!(&refused, NetworkChangeError::HeldOutside { held } if held.len() == 1));
    let words = refused.to_string();
    assert!(words.contains("127.88.0.10 (VM "), "{words}");
    assert_eq!(
        vms.network.current(),
        Some(super::sim::network()),
        "a refused plan changes nothing"
    );

    let applied = vms.network.apply(&sim.caller, plan(10, 11)).await.unwrap();
    assert_eq!((applied.added, applied.removed), (0, 29));
    let second = vms
        .submissions
        .submit(&sim.caller, form("web-2"), None)
        .await
        .unwrap()
        .id;
    sim.settle(&vms, &[second]).await;
    assert_eq!(
        sim.record(second).await.provision.held().ip,
        Some(Ipv4Addr::new(127, 88, 0, 11))
    );
    let third = vms.submissions.submit(&sim.caller, form("web-3"), None).await;
    assert!(matches!(third, Err(ProvisionError::PoolExhausted(_))), "{third:?}");

    let widened = vms.network.apply(&sim.caller, plan(10, 13)).await.unwrap();
    assert_eq!((widened.added, widened.removed), (2, 0));
    let fourth = vms
        .submissions
        .submit(&sim.caller, form("web-4"), None)
        .await
        .unwrap()
        .id;
    sim.settle(&vms, &[fourth]).await;
    assert_eq!(
        sim.record(fourth).await.provision.held().ip,
        Some(Ipv4Addr::new(127, 88, 0, 12))
    );
    sim.check().await;
}
