//! Whole provisions over the simulator: concurrent provisions land on distinct addresses and
//! VMs spread across nodes; the timeline carries its details; the config Proxmox got is right.

use nimbus::adapters::proxmox::sim::{Fault, FaultScope, Scenario};
use nimbus::app::jobs::{Job, JobOutcome};
use nimbus::app::provisioning::ProvisionError;
use nimbus::domain::provisioning::{Phase, Step};
use nimbus::ports::Clock;
use nimbus::ports::Proxmox;

use super::sim::{Mode, Sim, form};

#[tokio::test]
async fn concurrent_provisions_all_run_on_distinct_addresses_and_vms() {
    let sim = Sim::new(Scenario::default_cluster(3), Mode::Chaos).await;
    let vms = sim.provisioner(None);
    vms.runner.start().await.unwrap();
    let mut ids = Vec::new();
    for n in 0..6 {
        ids.push(
            vms.submissions
                .submit(&sim.caller, form(&format!("web-{n}")), None)
                .await
                .unwrap()
                .id,
        );
    }
    sim.settle(&vms, &ids).await;
    sim.check().await;
    let records = sim.records().await;
    assert_eq!(records.len(), 6);
    let nodes: std::collections::BTreeSet<_> = records.iter().filter_map(|r| r.provision.held().node.clone()).collect();
    assert!(nodes.len() >= 2, "in-flight placements spread the VMs: {nodes:?}");
    for r in &records {
        assert_eq!(*r.provision.phase(), Phase::Ready);
        let steps: Vec<Step> = r.provision.steps().iter().map(|s| s.step).collect();
        assert_eq!(
            steps,
            [
                Step::ReserveIp,
                Step::PlaceVm,
                Step::Clone,
                Step::Configure,
                Step::Resize,
                Step::Start,
                Step::WaitReady
            ]
        );
        assert_eq!(r.details[0].ip, r.provision.held().ip);
        assert_eq!(r.details[2].vmid, r.provision.held().vmid);
    }
}

#[tokio::test]
async fn the_vm_gets_its_address_key_hardware_and_absolute_disk_size() {
    let sim = Sim::new(Scenario::default_cluster(2), Mode::Chaos).await;
    let vms = sim.provisioner(None);
    vms.runner.start().await.unwrap();
    let mut f = form("db-1");
    f.tier = "medium".into();
    let id = vms.submissions.submit(&sim.caller, f, None).await.unwrap().id;
    sim.settle(&vms, &[id]).await;
    let r = sim.record(id).await;
    let (node, vmid, ip) = (
        r.provision.held().node.clone().unwrap(),
        r.provision.held().vmid.unwrap(),
        r.provision.held().ip.unwrap(),
    );
    let proxmox = sim.cluster.proxmox();
    let config = proxmox.vm_config(&node, vmid).await.unwrap();
    assert_eq!(
        config.get("ipconfig0"),
        Some(format!("ip={ip}/24,gw=127.88.0.1").as_str())
    );
    assert_eq!(config.get("ciuser"), Some("debian"));
    assert_eq!(config.get("cores"), Some("2"));
    assert_eq!(config.get("memory"), Some("2048"));
    assert_eq!(config.get("nameserver"), Some("127.0.0.53"));
    assert!(
        config.get("sshkeys").unwrap().starts_with("ssh-ed25519%20"),
        "the key is URL-encoded"
    );
    assert!(
        config.get("description").unwrap().contains(&id.to_string()),
        "the marker names the provision"
    );
    let status = proxmox.vm_status(&node, vmid).await.unwrap();
    assert_eq!(
        status.maxdisk,
        30 * 1024 * 1024 * 1024,
        "the disk has the tier's absolute size"
    );
    assert_eq!(r.key.key_name.as_deref(), Some("db-1"));
    assert!(r.key.kept);
}

#[tokio::test]
async fn a_taken_vmid_is_skipped_and_the_provision_still_runs() {
    let sim = Sim::new(Scenario::default_cluster(2), Mode::Chaos).await;
    sim.cluster.inject(Fault::NextIdCollision, FaultScope::Once);
    let vms = sim.provisioner(None);
    vms.runner.start().await.unwrap();
    let id = vms
        .submissions
        .submit(&sim.caller, form("web-1"), None)
        .await
        .unwrap()
        .id;
    sim.settle(&vms, &[id]).await;
    assert_eq!(*sim.record(id).await.provision.phase(), Phase::Ready);
    sim.check().await;
}

#[tokio::test]
async fn a_hostname_in_use_is_refused_before_anything_is_reserved() {
    let sim = Sim::new(Scenario::default_cluster(2), Mode::Chaos).await;
    let vms = sim.provisioner(None);
    vms.runner.start().await.unwrap();
    let first = vms.submissions.submit(&sim.caller, form("same"), None);
    let second = vms.submissions.submit(&sim.caller, form("same"), None);
    let (a, b) = tokio::join!(first, second);
    let refused = [&a, &b]
        .iter()
        .filter(|r| matches!(r, Err(ProvisionError::HostnameTaken(_))))
        .count();
    assert_eq!(refused, 1, "{a:?} {b:?}");
    let id = a.or(b).unwrap().id;
    sim.settle(&vms, &[id]).await;
    assert_eq!(sim.records().await.len(), 1);
    sim.check().await;
}

#[tokio::test]
async fn a_readiness_timeout_keeps_the_vm_running_but_unconfirmed() {
    // No scheduled faults: the test silences the VMID it predicts, which a taken `nextid` would move.
    let sim = Sim::new(Scenario::default_cluster(1), Mode::Realistic).await;
    let vms = sim.provisioner(None);
    vms.runner.start().await.unwrap();
    let vmid = sim.cluster.proxmox().next_vmid(None).await.unwrap();
    sim.cluster.inject(Fault::SilentVm { vmid }, FaultScope::UntilCleared);
    let id = vms
        .submissions
        .submit(&sim.caller, form("quiet"), None)
        .await
        .unwrap()
        .id;
    sim.settle(&vms, &[id]).await;
    let r = sim.record(id).await;
    assert_eq!(*r.provision.phase(), Phase::Ready);
    assert!(r.provision.unconfirmed());
    sim.check().await;
    assert_eq!(
        vms.recheck.pass(sim.clock.now()).await.unwrap(),
        (1, 0),
        "still silent: the warning stays"
    );
    sim.cluster.clear_faults();
    let at = sim.clock.now() + chrono::Duration::minutes(5);
    let report = vms.recheck.tick(at).await;
    assert_eq!(report.outcome, JobOutcome::Ok);
    assert!(report.summary.contains("1 answered"), "{}", report.summary);
    let confirmed = sim.record(id).await;
    assert!(!confirmed.provision.unconfirmed());
    assert_eq!(confirmed.updated_at, at, "the job records the time it was given");
}

#[tokio::test]
async fn shared_storage_templates_serve_every_node() {
    let sim = Sim::new(Scenario::default_cluster(3).shared_templates(), Mode::Chaos).await;
    let vms = sim.provisioner(None);
    vms.runner.start().await.unwrap();
    let mut ids = Vec::new();
    for n in 0..4 {
        ids.push(
            vms.submissions
                .submit(&sim.caller, form(&format!("shared-{n}")), None)
                .await
                .unwrap()
                .id,
        );
    }
    sim.settle(&vms, &ids).await;
    sim.check().await;
    let records = sim.records().await;
    let mut nodes = std::collections::BTreeSet::new();
    for r in &records {
        assert_eq!(
            *r.provision.phase(),
            Phase::Ready,
            "{}",
            r.provision.spec().hostname.as_str()
        );
        let (node, vmid) = (
            r.provision.held().node.clone().unwrap(),
            r.provision.held().vmid.unwrap(),
        );
        let disk = sim.cluster.proxmox().vm_config(&node, vmid).await.unwrap();
        if node.as_str() != "pve1" {
            // The disk storage (local-lvm) is not shared: a clone to another node goes onto the
            // template's shared storage, the only place Proxmox clones across nodes to.
            assert!(
                disk.get("scsi0").unwrap().starts_with("ceph-pool:"),
                "{:?}",
                disk.get("scsi0")
            );
        }
        nodes.insert(node.as_str().to_owned());
    }
    assert!(
        nodes.len() >= 2,
        "clones land on nodes other than the template's: {nodes:?}"
    );
}

#[tokio::test]
async fn linked_clones_are_made_on_the_templates_storage() {
    let mut sim = Sim::new(Scenario::default_cluster(2), Mode::Chaos).await;
    sim.settings.clone_mode = nimbus::domain::clone_mode::CloneMode::Linked;
    let vms = sim.provisioner(None);
    vms.runner.start().await.unwrap();
    let id = vms
        .submissions
        .submit(&sim.caller, form("linked"), None)
        .await
        .unwrap()
        .id;
    sim.settle(&vms, &[id]).await;
    assert_eq!(*sim.record(id).await.provision.phase(), Phase::Ready);
    sim.check().await;
}

#[tokio::test]
async fn a_cluster_without_templates_refuses_with_no_template() {
    let sim = Sim::new(Scenario::empty(2), Mode::Chaos).await;
    let vms = sim.provisioner(None);
    vms.runner.start().await.unwrap();
    let refused = vms
        .submissions
        .submit(&sim.caller, form("web"), None)
        .await
        .unwrap_err();
    assert_eq!(refused.code(), "no_template");
    assert_eq!(refused.field(), Some("os_template"));
    assert!(sim.records().await.is_empty());
}

#[tokio::test]
async fn a_request_waiting_for_approval_survives_a_restart_and_is_built_once_approved() {
    let sim = Sim::new(Scenario::default_cluster(2), Mode::Chaos).await;
    let ada = sim.member("ada@lab.example").await;
    let first = sim.provisioner(None);
    first.runner.start().await.unwrap();
    let mut big = form("big");
    big.tier = "xl".into();
    big.reason = Some("training run".into());
    let id = first.submissions.submit(&ada, big, None).await.unwrap().id;
    assert_eq!(*sim.record(id).await.provision.phase(), Phase::PendingApproval);
    assert!(!first.runner.is_running(id), "nothing runs for a request that waits");
    assert!(sim.store_rows_free().await, "and nothing is reserved");
    first.runner.shut_down();
    drop(first);

    let second = sim.provisioner(None);
    assert_eq!(
        second.runner.start().await.unwrap(),
        0,
        "a waiting request has nothing to resume"
    );
    let queue = second.approvals.pending(&sim.caller).await.unwrap();
    assert_eq!(queue.len(), 1);
    assert_eq!(queue[0].record.review.reason.as_deref(), Some("training run"));
    assert!(matches!(
        second.approvals.approve(&ada, id).await,
        Err(ProvisionError::AdminOnly)
    ));
    second.approvals.approve(&sim.caller, id).await.unwrap();
    sim.settle(&second, &[id]).await;
    let built = sim.record(id).await;
    assert_eq!(*built.provision.phase(), Phase::Ready);
    assert_eq!(built.review.decided_by, Some(sim.caller.user.id));
    let vmid = built.provision.held().vmid.expect("a VM");
    let node = built.provision.held().node.clone().expect("a node");
    let config = sim.cluster.proxmox().vm_config(&node, vmid).await.unwrap();
    assert_eq!(config.get("cores"), Some("8"), "an xl machine");
}
