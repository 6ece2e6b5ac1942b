//! Contracts for an offline node in each of its three failure modes: calls proxied to it fail with
//! 595 or 596, while `/nodes` and `/cluster/resources` still answer and show it offline.

use nimbus::adapters::proxmox::sim::{Fault, FaultScope, OfflineMode};
use nimbus::ports::proxmox::{ClusterResource, NodeState, ProxmoxError, ResourceKind};

use super::*;

async fn node_goes_offline(h: &dyn Harness, mode: OfflineMode, status: u16, reason: &str) {
    let p = h.proxmox();
    let pve2 = node("pve2");
    let fault = Fault::NodeOffline {
        node: pve2.clone(),
        mode,
    };
    let id = h.inject(fault, FaultScope::UntilCleared).await;
    let offline = ProxmoxError::NodeOffline {
        node: pve2.clone(),
        status,
        reason: reason.into(),
    };
    assert_eq!(expect_err(p.vms(&pve2).await, "vms"), offline);
    assert_eq!(expect_err(p.node_status(&pve2).await, "node status"), offline);
    assert_eq!(
        expect_err(p.vm_status(&pve2, super::id(9004)).await, "vm status"),
        offline
    );
    assert_eq!(expect_err(p.storages(&pve2).await, "storages"), offline);
    let clone = clone_request("pve2", 9004, 100, "x");
    assert_eq!(expect_err(p.clone_vm(&clone).await, "clone"), offline);

    let nodes = p.nodes().await.expect("/nodes answers with a node down");
    let row = nodes.iter().find(|n| n.name == pve2).expect("pve2 is still listed");
    assert_eq!(row.state, NodeState::Offline, "{row:?}");
    assert_eq!((row.cpu, row.mem, row.uptime), (None, None, None), "{row:?}");
    let rows = p.cluster_resources(Some(ResourceKind::Node)).await.expect("resources");
    let shown = rows
        .iter()
        .any(|r| matches!(r, ClusterResource::Node(n) if n.name == pve2 && n.state == NodeState::Offline));
    assert!(shown, "{rows:#?}");

    p.vms(&pve1()).await.expect("other nodes still answer");
    cloned(h, UBUNTU, 100, "survivor").await;

    h.clear(id).await;
    let nodes = p.nodes().await.expect("nodes");
    assert!(nodes.iter().all(|n| n.state == NodeState::Online), "{nodes:?}");
    assert_eq!(p.vms(&pve2).await.expect("vms on pve2 after clear").len(), 4);
}

pub async fn a_node_refusing_connections_fails_its_calls_with_595(h: &dyn Harness) {
    node_goes_offline(h, OfflineMode::Refused, 595, "Connection refused").await;
}

pub async fn a_node_without_route_fails_its_calls_with_595(h: &dyn Harness) {
    node_goes_offline(h, OfflineMode::NoRoute, 595, "No route to host").await;
}

pub async fn a_node_timing_out_fails_its_calls_with_596(h: &dyn Harness) {
    node_goes_offline(h, OfflineMode::Timeout, 596, "Connection timed out").await;
}
