//! Contracts for the cluster-wide reads: version, nodes, `/cluster/resources`, `nextid`, VM lists
//! and status, and the rule that a VMID is unique across the whole cluster.

use chrono::Duration;
use nimbus::ports::proxmox::{
    ClusterResource, GuestKind, GuestResource, NodeState, PowerStatus, ProxmoxError, ResourceKind,
};

use super::*;

const TEMPLATE_NAMES: [&str; 4] = [
    "nimbus-ubuntu-24.04",
    "nimbus-ubuntu-22.04",
    "nimbus-debian-12",
    "nimbus-debian-11",
];

async fn guests(h: &dyn Harness) -> Vec<GuestResource> {
    let rows = h
        .proxmox()
        .cluster_resources(Some(ResourceKind::Vm))
        .await
        .expect("resources");
    rows.into_iter()
        .map(|r| match r {
            ClusterResource::Guest(g) => g,
            other => panic!("type=vm returned a non-guest row: {other:?}"),
        })
        .collect()
}

pub async fn version_names_a_pve_release(h: &dyn Harness) {
    let v = h.proxmox().version().await.expect("version");
    assert!(!v.version.is_empty() && !v.release.is_empty(), "{v:?}");
}

pub async fn nodes_lists_every_member_online_with_its_capacity(h: &dyn Harness) {
    let mut nodes = h.proxmox().nodes().await.expect("nodes");
    nodes.sort_by(|a, b| a.name.as_str().cmp(b.name.as_str()));
    let names: Vec<&str> = nodes.iter().map(|n| n.name.as_str()).collect();
    assert_eq!(names, ["pve1", "pve2", "pve3"]);
    for n in &nodes {
        assert_eq!(n.state, NodeState::Online, "{n:?}");
        assert!(n.maxcpu.unwrap_or(0) >= 8, "{n:?}");
        assert!(n.maxmem.unwrap_or(0) >= 32 * GIB, "{n:?}");
        assert!(n.mem.is_some_and(|m| m <= n.maxmem.unwrap_or(0)), "{n:?}");
        assert!(n.cpu.is_some_and(|c| (0.0..=1.0).contains(&c)), "{n:?}");
    }
}

pub async fn node_status_describes_a_node_and_refuses_an_unknown_one(h: &dyn Harness) {
    let s = h.proxmox().node_status(&node("pve2")).await.expect("node status");
    assert!(s.cpus >= 8, "{s:?}");
    assert!(s.memory_total >= 32 * GIB && s.memory_used <= s.memory_total, "{s:?}");
    assert!(!s.pve_version.is_empty() && !s.cpu_model.is_empty(), "{s:?}");
    let e = expect_err(h.proxmox().node_status(&node("pve9")).await, "unknown node");
    assert!(matches!(e, ProxmoxError::NotFound(_)), "{e:?}");
}

/// Guest rows carry a name only after a statistics refresh, so the clock moves past one first.
pub async fn cluster_resources_lists_nodes_storages_and_guests_by_kind(h: &dyn Harness) {
    h.advance(Duration::seconds(11)).await;
    let all = h.proxmox().cluster_resources(None).await.expect("all resources");
    let count = |f: fn(&ClusterResource) -> bool| all.iter().filter(|r| f(r)).count();
    assert_eq!(count(|r| matches!(r, ClusterResource::Node(_))), 3, "{all:#?}");
    assert_eq!(count(|r| matches!(r, ClusterResource::Storage(_))), 6, "{all:#?}");
    assert_eq!(count(|r| matches!(r, ClusterResource::Guest(_))), 12, "{all:#?}");

    let nodes = h
        .proxmox()
        .cluster_resources(Some(ResourceKind::Node))
        .await
        .expect("nodes");
    assert!(
        nodes
            .iter()
            .all(|r| matches!(r, ClusterResource::Node(n) if n.state == NodeState::Online))
    );
    assert_eq!(nodes.len(), 3);

    let storages = h
        .proxmox()
        .cluster_resources(Some(ResourceKind::Storage))
        .await
        .expect("storages");
    assert_eq!(storages.len(), 6, "{storages:#?}");
    for r in &storages {
        let ClusterResource::Storage(s) = r else {
            panic!("type=storage returned {r:?}")
        };
        let plugin = match s.storage.as_str() {
            "local" => "dir",
            "local-lvm" => "lvmthin",
            other => panic!("unexpected storage {other}"),
        };
        assert_eq!(s.plugin, plugin, "{s:?}");
        assert!(!s.shared && s.available && s.total > 0 && s.used <= s.total, "{s:?}");
    }

    let mut rows = guests(h).await;
    rows.sort_by_key(|g| g.vmid);
    let ids: Vec<u32> = rows.iter().map(|g| g.vmid.get()).collect();
    assert_eq!(ids, (9000..=9011).collect::<Vec<_>>());
    for (i, g) in rows.iter().enumerate() {
        let home = format!("pve{}", i / 4 + 1);
        assert_eq!(g.node.as_str(), home, "{g:?}");
        assert_eq!(g.kind, GuestKind::Qemu);
        assert!(g.template, "{g:?}");
        assert_eq!(g.status, PowerStatus::Stopped, "{g:?}");
        assert_eq!(g.name.as_deref(), Some(TEMPLATE_NAMES[i % 4]), "{g:?}");
        assert!(g.tags.iter().any(|t| t == "nimbus-template"), "{g:?}");
    }
}

pub async fn cluster_resources_lists_a_shared_storage_once_per_node(h: &dyn Harness) {
    let rows = h
        .proxmox()
        .cluster_resources(Some(ResourceKind::Storage))
        .await
        .expect("storages");
    let mut ceph: Vec<String> = rows
        .iter()
        .filter_map(|r| match r {
            ClusterResource::Storage(s) if s.storage == "ceph-pool" => {
                assert!(s.shared && s.plugin == "rbd", "{s:?}");
                Some(s.node.to_string())
            }
            _ => None,
        })
        .collect();
    ceph.sort();
    assert_eq!(ceph, ["pve1", "pve2", "pve3"], "{rows:#?}");
}

pub async fn a_new_vm_shows_unknown_without_a_name_until_the_next_statistics_refresh(h: &dyn Harness) {
    h.advance(Duration::seconds(1)).await;
    let upid = h
        .proxmox()
        .clone_vm(&clone_request("pve1", UBUNTU, 100, "fresh-1"))
        .await
        .expect("clone");
    let row = guests(h).await.into_iter().find(|g| g.vmid == id(100));
    let row = row.expect("a new VM is listed at once");
    assert_eq!(row.status, PowerStatus::Unknown, "{row:?}");
    assert_eq!(row.name, None, "{row:?}");
    assert_eq!(row.node, pve1());

    wait_ok(h, &upid, "clone").await;
    h.advance(Duration::seconds(10)).await;
    let row = guests(h)
        .await
        .into_iter()
        .find(|g| g.vmid == id(100))
        .expect("still listed");
    assert_eq!(row.status, PowerStatus::Stopped, "{row:?}");
    assert_eq!(row.name.as_deref(), Some("fresh-1"), "{row:?}");
    assert!(!row.template && row.lock.is_none(), "{row:?}");
}

pub async fn next_vmid_gives_the_lowest_free_id_and_checks_a_wanted_one(h: &dyn Harness) {
    let p = h.proxmox();
    assert_eq!(p.next_vmid(None).await.expect("nextid"), id(100));
    assert_eq!(p.next_vmid(None).await.expect("nothing is reserved"), id(100));
    assert_eq!(p.next_vmid(Some(id(150))).await.expect("free wanted id"), id(150));
    let e = expect_err(p.next_vmid(Some(id(9005))).await, "a template's id");
    assert_eq!(e, ProxmoxError::AlreadyExists { vmid: id(9005) });

    let upid = p
        .clone_vm(&clone_request("pve1", UBUNTU, 100, "first"))
        .await
        .expect("clone");
    assert_eq!(p.next_vmid(None).await.expect("during the clone"), id(101));
    let e = expect_err(p.next_vmid(Some(id(100))).await, "the cloning VM's id");
    assert_eq!(e, ProxmoxError::AlreadyExists { vmid: id(100) });
    wait_ok(h, &upid, "clone").await;
    assert_eq!(p.next_vmid(None).await.expect("after the clone"), id(101));
}

pub async fn vmids_are_unique_across_the_whole_cluster(h: &dyn Harness) {
    let p = h.proxmox();
    cloned(h, UBUNTU, 100, "on-pve1").await;
    let on_pve2 = clone_request("pve2", 9004, 100, "on-pve2");
    let e = expect_err(p.clone_vm(&on_pve2).await, "clone on pve2 to an id used on pve1");
    assert_eq!(e, ProxmoxError::AlreadyExists { vmid: id(100) });
    let e = expect_err(
        p.clone_vm(&clone_request("pve3", 9008, 9000, "x")).await,
        "id of a pve1 template",
    );
    assert_eq!(e, ProxmoxError::AlreadyExists { vmid: id(9000) });
    let config = [
        ("name".to_owned(), "dup".to_owned()),
        ("memory".to_owned(), "512".to_owned()),
    ];
    let e = expect_err(p.create_vm(&node("pve3"), id(100), &config).await, "create on pve3");
    assert_eq!(e, ProxmoxError::AlreadyExists { vmid: id(100) });
    let e = expect_err(p.vm_status(&node("pve2"), id(100)).await, "no copy on pve2");
    assert!(matches!(e, ProxmoxError::NotFound(_)), "{e:?}");
}

pub async fn vms_lists_only_the_vms_whose_config_lives_on_the_node(h: &dyn Harness) {
    for (n, first) in [(1, 9000), (2, 9004), (3, 9008)] {
        let mut vms = h.proxmox().vms(&node(&format!("pve{n}"))).await.expect("vms");
        vms.sort_by_key(|v| v.vmid);
        let ids: Vec<u32> = vms.iter().map(|v| v.vmid.get()).collect();
        assert_eq!(ids, (first..first + 4).collect::<Vec<_>>(), "pve{n}");
        for (v, name) in vms.iter().zip(TEMPLATE_NAMES) {
            assert_eq!(v.name, name, "{v:?}");
            assert!(v.template && v.lock.is_none(), "{v:?}");
            assert_eq!(v.status, PowerStatus::Stopped, "{v:?}");
            assert_eq!((v.cpus, v.maxmem, v.maxdisk), (1, 2048 * MIB, 3584 * MIB), "{v:?}");
            assert!(v.tags.iter().any(|t| t == "nimbus-template"), "{v:?}");
        }
    }
    let e = expect_err(h.proxmox().vms(&node("pve9")).await, "unknown node");
    assert!(matches!(e, ProxmoxError::NotFound(_)), "{e:?}");
}

pub async fn vm_status_and_vm_config_describe_a_template(h: &dyn Harness) {
    let p = h.proxmox();
    let s = p.vm_status(&pve1(), id(UBUNTU)).await.expect("status");
    assert_eq!(s.name, "nimbus-ubuntu-24.04");
    assert!(s.template && s.agent && s.lock.is_none(), "{s:?}");
    assert_eq!(s.status, PowerStatus::Stopped);

    let c = p.vm_config(&pve1(), id(UBUNTU)).await.expect("config");
    assert_eq!(c.get("agent"), Some("1"));
    assert_eq!(c.get("ide2"), Some("local-lvm:vm-9000-cloudinit,media=cdrom"));
    assert_eq!(c.get("scsi0"), Some("local-lvm:base-9000-disk-0,size=3584M"));
    assert_eq!((c.get("memory"), c.get("cores")), (Some("2048"), Some("1")));
    assert_eq!(c.get("name"), Some("nimbus-ubuntu-24.04"));
    let net0 = c.get("net0").unwrap_or_default();
    assert!(net0.starts_with("virtio=") && net0.contains("bridge=vmbr0"), "{net0}");
    assert!(!c.digest.is_empty());

    let e = expect_err(p.vm_status(&node("pve2"), id(UBUNTU)).await, "status on the wrong node");
    assert!(matches!(e, ProxmoxError::NotFound(_)), "{e:?}");
    let e = expect_err(p.vm_config(&pve1(), id(4242)).await, "config of an unknown VM");
    assert!(matches!(e, ProxmoxError::NotFound(_)), "{e:?}");
}
