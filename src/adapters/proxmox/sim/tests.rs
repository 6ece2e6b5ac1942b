//! Unit tests of the simulator model; the port-level behaviour is covered by the contract suite
//! in `tests/it/proxmox_contract`.

use std::net::{IpAddr, Ipv4Addr};
use std::sync::Arc;

use chrono::{Duration, TimeZone, Utc};

use super::*;
use crate::adapters::clock::ManualClock;
use crate::domain::cluster::NodeName;
use crate::ports::proxmox::{CloneRequest, ConfigChange, Proxmox, TaskState};

fn cluster(profile: Profile, seed: u64) -> (SimCluster, Arc<ManualClock>) {
    let clock = Arc::new(ManualClock::new(Utc.with_ymd_and_hms(2026, 11, 28, 12, 0, 0).unwrap()));
    (
        SimCluster::new(Scenario::default_cluster(3), profile, seed, clock.clone()),
        clock,
    )
}

fn pve(n: u32) -> NodeName {
    NodeName::parse(&format!("pve{n}")).unwrap()
}

fn id(n: u32) -> VmId {
    VmId::new(n).unwrap()
}

async fn script(sim: &SimCluster, clock: &ManualClock) {
    let px = sim.proxmox();
    let newid = px.next_vmid(None).await.unwrap();
    let req = CloneRequest {
        node: pve(1),
        vmid: id(9000),
        newid,
        name: Some("web-1".into()),
        description: None,
        full: Some(true),
        target: None,
        storage: None,
    };
    let clone = px.clone_vm(&req).await.unwrap();
    while px.task_status(&clone).await.unwrap().state == TaskState::Running {
        clock.advance(Duration::milliseconds(500));
    }
    let change = ConfigChange {
        set: vec![("ipconfig0".into(), "ip=127.77.0.10/24,gw=127.77.0.1".into())],
        ..ConfigChange::default()
    };
    px.update_config_sync(&pve(1), newid, &change).await.unwrap();
    px.power(&pve(1), newid, crate::ports::proxmox::PowerOp::Start)
        .await
        .unwrap();
    clock.advance(Duration::seconds(60));
}

#[tokio::test]
async fn a_cloned_and_started_vm_answers_on_its_configured_address() {
    let (sim, clock) = cluster(Profile::Bench, 1);
    script(&sim, &clock).await;
    let ip = IpAddr::V4(Ipv4Addr::new(127, 77, 0, 10));
    assert!(sim.lan_answers(ip, 22));
    assert!(!sim.lan_answers(ip, 80));
    let ifaces = sim.proxmox().agent_interfaces(&pve(1), id(100)).await.unwrap();
    assert!(
        ifaces
            .iter()
            .any(|i| i.name == "ens18" && i.addresses.iter().any(|(a, _)| *a == ip))
    );
}

#[tokio::test]
async fn the_same_seed_and_script_replay_the_same_event_log() {
    let (a, ca) = cluster(Profile::Realistic, 42);
    let (b, cb) = cluster(Profile::Realistic, 42);
    script(&a, &ca).await;
    script(&b, &cb).await;
    assert_eq!(a.event_log(), b.event_log());
    assert!(a.event_log().len() > 5);
}

#[tokio::test]
async fn every_node_has_its_own_templates_under_distinct_vmids() {
    let (sim, _) = cluster(Profile::Instant, 1);
    let px = sim.proxmox();
    let on2: Vec<_> = px
        .vms(&pve(2))
        .await
        .unwrap()
        .into_iter()
        .map(|v| (v.vmid.get(), v.name, v.template))
        .collect();
    assert_eq!(
        on2,
        [
            (9004, "nimbus-ubuntu-24.04".to_owned(), true),
            (9005, "nimbus-ubuntu-22.04".to_owned(), true),
            (9006, "nimbus-debian-12".to_owned(), true),
            (9007, "nimbus-debian-11".to_owned(), true)
        ]
    );
}

#[tokio::test]
async fn counted_scopes_count_the_calls_a_fault_fails() {
    let (sim, _) = cluster(Profile::Instant, 1);
    let px = sim.proxmox();
    sim.inject(Fault::WrongToken, FaultScope::Once);
    assert_eq!(
        px.version().await.unwrap_err(),
        crate::ports::proxmox::ProxmoxError::Unauthorized
    );
    assert!(px.version().await.is_ok());
    sim.inject(Fault::QuorumLost, FaultScope::times(2));
    let stop = crate::ports::proxmox::PowerOp::Stop;
    for _ in 0..2 {
        assert!(matches!(
            px.power(&pve(1), id(9000), stop).await,
            Err(crate::ports::proxmox::ProxmoxError::Unavailable(_))
        ));
    }
    // Reads never counted against it, and the third write goes through.
    assert!(px.nodes().await.is_ok());
    assert!(px.power(&pve(1), id(9000), stop).await.is_ok());
}

#[tokio::test]
async fn guests_on_an_offline_node_keep_their_last_figures_for_five_minutes() {
    use crate::ports::proxmox::{ClusterResource, PowerStatus, ResourceKind};
    let (sim, clock) = cluster(Profile::Bench, 1);
    let px = sim.proxmox();
    let status_of_9004 = || async {
        px.cluster_resources(Some(ResourceKind::Vm))
            .await
            .unwrap()
            .into_iter()
            .find_map(|r| match r {
                ClusterResource::Guest(g) if g.vmid == id(9004) => Some((g.status, g.name.is_some())),
                _ => None,
            })
            .unwrap()
    };
    assert_eq!(status_of_9004().await, (PowerStatus::Stopped, true));
    sim.inject(
        Fault::NodeOffline {
            node: pve(2),
            mode: OfflineMode::NoRoute,
        },
        FaultScope::UntilCleared,
    );
    clock.advance(Duration::minutes(4));
    assert_eq!(status_of_9004().await, (PowerStatus::Stopped, true));
    clock.advance(Duration::minutes(2));
    assert_eq!(status_of_9004().await, (PowerStatus::Unknown, false));
}
