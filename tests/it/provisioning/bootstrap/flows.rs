//! Whole bootstraps: an empty cluster gets every template baked, a second run changes nothing,
//! shared storage needs one template per OS, a failing node or a corrupt image fails only its
//! own node × OS, and nothing is left behind.

use nimbus::adapters::proxmox::sim::{Fault, FaultScope, OfflineMode, Scenario, TemplatePlacement};
use nimbus::app::provisioning::bootstrap::BootstrapRequest;
use nimbus::domain::cluster::{GIB, NodeName};

use super::{Boot, outcomes};

#[tokio::test]
async fn an_empty_cluster_gets_every_template_baked_and_a_second_run_changes_nothing() {
    let boot = Boot::new(Scenario::empty(5)).await;
    let (slots, summary) = boot.run(BootstrapRequest::default()).await;
    assert_eq!(outcomes(&slots), vec!["created"; 20], "{summary}");
    assert_eq!(summary, "20 created");
    let templates = boot.templates();
    assert_eq!(templates.len(), 20);
    boot.assert_all_baked();
    // Each node has one template per OS, named as discovery and the Go version expect.
    for node in ["pve1", "pve2", "pve3", "pve4", "pve5"] {
        let mut names: Vec<&str> = templates.iter().filter(|t| t.0 == node).map(|t| t.2.as_str()).collect();
        names.sort();
        assert_eq!(
            names,
            [
                "nimbus-debian-11",
                "nimbus-debian-12",
                "nimbus-ubuntu-22.04",
                "nimbus-ubuntu-24.04"
            ],
            "{node}"
        );
    }
    // The first of each OS got base + offset.
    let vmids: Vec<u32> = templates.iter().map(|t| t.1).collect();
    for wanted in 9000..9004 {
        assert!(vmids.contains(&wanted), "{wanted} in {vmids:?}");
    }
    assert!(boot.vms_not_templates().is_empty(), "no bake VM is left");
    assert!(boot.sim.store_rows_free().await, "every bake address was released");
    assert!(boot.isos_left().await.is_empty(), "no bake ISO is left");

    let before = boot.templates();
    let (again, summary) = boot.run(BootstrapRequest::default()).await;
    assert_eq!(outcomes(&again), vec!["skipped"; 20]);
    assert_eq!(summary, "20 skipped");
    assert_eq!(
        boot.templates().iter().map(|t| t.1).collect::<Vec<_>>(),
        before.iter().map(|t| t.1).collect::<Vec<_>>()
    );
    // Provisioning clones the new templates.
    let status = boot.bootstrap.status().await.unwrap();
    assert!(
        status
            .cells
            .iter()
            .all(|c| c.state.key() == "present" && c.rebuild.is_none()),
        "{:?}",
        status.cells
    );
}

#[tokio::test]
async fn with_shared_disk_storage_one_template_per_os_serves_every_node() {
    let scenario = Scenario {
        shared_bytes: Some(4096 * GIB),
        templates: TemplatePlacement::None,
        ..Scenario::empty(5)
    };
    let boot = Boot::with(scenario, "ceph-pool").await;
    let (slots, summary) = boot.run(BootstrapRequest::default()).await;
    assert_eq!(outcomes(&slots), vec!["created"; 4], "{summary}");
    assert_eq!(boot.templates().len(), 4);
    boot.assert_all_baked();
    nimbus::app::jobs::Job::tick(boot.vms.discovery.as_ref(), chrono::Utc::now()).await;
    let status = boot.bootstrap.status().await.unwrap();
    assert_eq!(status.cells.len(), 20);
    assert!(
        status.cells.iter().all(|c| c.state.key() == "present" && c.shared),
        "{:?}",
        status.cells
    );
}

#[tokio::test]
async fn a_failing_node_is_reported_without_stopping_the_others() {
    let boot = Boot::new(Scenario::empty(3)).await;
    let accepted = boot
        .bootstrap
        .start(Some(&boot.sim.caller), BootstrapRequest::default())
        .await
        .unwrap();
    assert_eq!(accepted.queued.len(), 12);
    boot.sim.cluster.inject(
        Fault::NodeOffline {
            node: NodeName::parse("pve2").unwrap(),
            mode: OfflineMode::Refused,
        },
        FaultScope::UntilCleared,
    );
    boot.wait_idle(&boot.bootstrap).await;
    let (slots, summary) = boot.bootstrap.last_run();
    for slot in &slots {
        match slot.node.as_str() {
            "pve2" => assert!(slot.phase.key() == "failed", "{slot:?}"),
            _ => assert_eq!(slot.phase.key(), "done", "{slot:?}"),
        }
    }
    assert!(summary.starts_with("8 created, 4 failed (pve2 "), "{summary}");
    assert_eq!(boot.templates().len(), 8);
    boot.assert_all_baked();
}

#[tokio::test]
async fn offline_nodes_are_left_out_and_said_so() {
    let boot = Boot::new(Scenario::empty(3)).await;
    boot.sim.cluster.inject(
        Fault::NodeOffline {
            node: NodeName::parse("pve3").unwrap(),
            mode: OfflineMode::Timeout,
        },
        FaultScope::UntilCleared,
    );
    let accepted = boot
        .bootstrap
        .start(
            Some(&boot.sim.caller),
            BootstrapRequest {
                os: vec!["debian-12".into()],
                ..BootstrapRequest::default()
            },
        )
        .await
        .unwrap();
    assert_eq!(accepted.offline, vec![NodeName::parse("pve3").unwrap()]);
    assert_eq!(accepted.queued.len(), 2);
    boot.wait_idle(&boot.bootstrap).await;
    assert_eq!(outcomes(&boot.bootstrap.last_run().0), vec!["created"; 2]);
}

#[tokio::test]
async fn a_checksum_mismatch_fails_that_os_cleanly_and_the_rest_is_baked() {
    let boot = Boot::new(Scenario::empty(2)).await;
    boot.images.corrupt("debian-12").unwrap();
    let (slots, summary) = boot.run(BootstrapRequest::default()).await;
    let failed: Vec<_> = slots.iter().filter(|s| s.phase.key() == "failed").collect();
    assert_eq!(failed.len(), 2, "{summary}");
    for slot in failed {
        assert_eq!(slot.os, "debian-12");
        let words = slot.phase.words();
        assert!(words.contains("checksum"), "{words}");
    }
    assert_eq!(boot.templates().len(), 6);
    assert!(boot.vms_not_templates().is_empty());
    assert!(boot.sim.store_rows_free().await);
    let status = boot.bootstrap.status().await.unwrap();
    let cell = status.cells.iter().find(|c| c.os == "debian-12").unwrap();
    assert_eq!(cell.state.key(), "failed");
    assert!(cell.reason.as_deref().unwrap_or_default().contains("checksum"));
}

#[tokio::test]
async fn bad_requests_name_the_field_and_change_nothing() {
    let boot = Boot::new(Scenario::empty(2)).await;
    let err = boot
        .bootstrap
        .start(
            Some(&boot.sim.caller),
            BootstrapRequest {
                os: vec!["freebsd".into()],
                ..BootstrapRequest::default()
            },
        )
        .await
        .unwrap_err();
    assert!(err.to_string().starts_with("os: \"freebsd\""), "{err}");
    let err = boot
        .bootstrap
        .start(
            Some(&boot.sim.caller),
            BootstrapRequest {
                nodes: vec!["pve9".into()],
                ..BootstrapRequest::default()
            },
        )
        .await
        .unwrap_err();
    assert!(err.to_string().starts_with("nodes: \"pve9\""), "{err}");
    assert!(!boot.bootstrap.is_running());
    use nimbus::ports::BakeStore;
    assert!(boot.sim.store.bakes().await.unwrap().is_empty());
}

#[tokio::test]
async fn before_pve_8_3_the_bootstrap_says_an_upgrade_is_needed_and_makes_nothing() {
    // Proxmox refuses to import from an `iso` volume, and a token may not pass a file path: before
    // `import` content (8.3) a cloud image cannot become a disk over the API at all.
    let boot = Boot::new(Scenario::empty(1).with_pve_version("8.2.4")).await;
    let (slots, summary) = boot.run(BootstrapRequest::default()).await;
    assert_eq!(slots.len(), 4, "{summary}");
    for slot in &slots {
        let words = slot.phase.words();
        assert!(
            words.contains("8.2.4") && words.contains("upgrade the cluster to 8.3"),
            "{words}"
        );
    }
    use nimbus::ports::Proxmox;
    let node = NodeName::parse("pve1").unwrap();
    let px = boot.sim.cluster.proxmox();
    assert!(
        px.storage_content(&node, "local", None).await.unwrap().is_empty(),
        "nothing was downloaded"
    );
    assert!(boot.sim.cluster.vm_configs().is_empty(), "nothing was made");
}

#[tokio::test]
async fn a_bake_never_takes_the_pools_last_two_free_addresses() {
    use nimbus::ports::{AddressPool, Clock};
    let boot = Boot::new(Scenario::empty(1)).await;
    let free = boot
        .sim
        .store
        .pool_rows()
        .await
        .unwrap()
        .iter()
        .filter(|r| r.is_free())
        .count();
    for _ in 0..free - 2 {
        let holder = nimbus::domain::ids::InstanceId::from_uuid(uuid::Uuid::new_v4());
        boot.sim
            .store
            .reserve(holder, boot.sim.clock.now())
            .await
            .unwrap()
            .unwrap();
    }
    let (slots, _) = boot.run(BootstrapRequest::default()).await;
    for slot in &slots {
        let words = slot.phase.words();
        assert!(words.contains("never takes the last 2"), "{words}");
    }
    assert_eq!(
        boot.sim
            .store
            .pool_rows()
            .await
            .unwrap()
            .iter()
            .filter(|r| r.is_free())
            .count(),
        2
    );
    assert!(boot.vms_not_templates().is_empty(), "nothing was made");
    use nimbus::ports::Proxmox;
    let node = NodeName::parse("pve1").unwrap();
    let downloaded = boot
        .sim
        .cluster
        .proxmox()
        .storage_content(&node, "local", Some("import".into()))
        .await
        .unwrap();
    assert!(downloaded.is_empty(), "nothing was downloaded: {downloaded:?}");
}
