//! One test per simulator fault: the provision ends running (the fault was survivable) or rolled
//! back with a human message naming what Nimbus was doing — never raw Proxmox text — and, once
//! the fault clears, with no orphan VM, no leaked address and nothing still running.
//!
//! These run the realistic profile without the seed's scheduled faults: each asserts the effect
//! of the one fault it injects (at a known step and VMID), which another fault could change.

use std::sync::Arc;
use std::time::Duration;

use nimbus::adapters::proxmox::sim::{Fault, FaultScope, OfflineMode, Op, Scenario};
use nimbus::app::provisioning::{Checkpoint, ProvisionError};
use nimbus::domain::cluster::NodeName;
use nimbus::domain::provisioning::{Phase, Step};
use nimbus::ports::ProvisionStore;

use super::sim::{Mode, Sim, form};

/// Runs one provision with `fault` injected first; returns the settled record.
async fn run_with(fault: Fault, scope: FaultScope) -> (Sim, nimbus::ports::provisions::ProvisionRecord) {
    run_in(Mode::Realistic, fault, scope).await
}

async fn run_in(mode: Mode, fault: Fault, scope: FaultScope) -> (Sim, nimbus::ports::provisions::ProvisionRecord) {
    let sim = Sim::new(Scenario::default_cluster(1), mode).await;
    let vms = sim.provisioner(None);
    vms.runner.start().await.unwrap();
    sim.cluster.inject(fault, scope);
    let id = vms
        .submissions
        .submit(&sim.caller, form("web-1"), None)
        .await
        .unwrap()
        .id;
    sim.settle(&vms, &[id]).await;
    sim.check().await;
    let record = sim.record(id).await;
    (sim, record)
}

fn failed_at(record: &nimbus::ports::provisions::ProvisionRecord, step: Step, words: &str) {
    let Phase::RolledBack { failure } = record.provision.phase() else {
        panic!("expected a rollback, got {}", record.provision.phase().word())
    };
    assert_eq!(failure.step, step);
    assert!(failure.reason.contains(words), "{}", failure.reason);
    assert!(
        !failure.reason.contains("UPID"),
        "no raw Proxmox text: {}",
        failure.reason
    );
}

#[tokio::test]
async fn a_refused_clone_rolls_back_and_says_so() {
    let message = "storage 'local-lvm' does not support content-type 'images'".to_string();
    let (_, r) = run_with(
        Fault::ApiError {
            op: Op::Clone,
            message: message.clone(),
        },
        FaultScope::Once,
    )
    .await;
    failed_at(&r, Step::Clone, "cloning the template");
    let Phase::RolledBack { failure } = r.provision.phase() else {
        unreachable!()
    };
    assert!(!failure.reason.contains(&message));
}

#[tokio::test]
async fn a_failed_clone_task_rolls_back() {
    let (_, r) = run_with(
        Fault::TaskError {
            op: Op::Clone,
            message: "copy failed: disk full".into(),
        },
        FaultScope::Once,
    )
    .await;
    failed_at(&r, Step::Clone, "cloning the template");
}

#[tokio::test]
async fn a_failed_config_destroys_the_marked_clone_and_frees_the_address() {
    let (sim, r) = run_with(
        Fault::TaskError {
            op: Op::Config,
            message: "bad ipconfig".into(),
        },
        FaultScope::Once,
    )
    .await;
    failed_at(&r, Step::Configure, "configuring the machine");
    assert!(sim.store_rows_free().await);
}

#[tokio::test]
async fn a_failed_start_destroys_the_clone() {
    let (_, r) = run_with(
        Fault::TaskError {
            op: Op::Start,
            message: "kvm: cannot allocate memory".into(),
        },
        FaultScope::Once,
    )
    .await;
    failed_at(&r, Step::Start, "starting the machine");
}

#[tokio::test]
async fn passing_hiccups_are_retried() {
    for (fault, scope) in [
        (Fault::WorkerSpawnFail, FaultScope::times(2)),
        (Fault::QuorumLost, FaultScope::times(2)),
        (
            Fault::ApiError {
                op: Op::Resize,
                message: "got timeout".into(),
            },
            FaultScope::Once,
        ),
    ] {
        let transient = !matches!(fault, Fault::ApiError { .. });
        let (_, r) = run_with(fault.clone(), scope).await;
        if transient {
            assert_eq!(*r.provision.phase(), Phase::Ready, "{fault:?} is survived");
        } else {
            failed_at(&r, Step::Resize, "resizing the disk");
        }
    }
}

#[tokio::test]
async fn a_lasting_outage_fails_the_step_with_a_human_message() {
    let (_, r) = run_with(Fault::QuorumLost, FaultScope::UntilCleared).await;
    failed_at(&r, Step::Clone, "Proxmox did not answer");
}

#[tokio::test]
async fn a_refused_token_is_refused_at_once_and_records_nothing() {
    let sim = Sim::new(Scenario::default_cluster(1), Mode::Realistic).await;
    let vms = sim.provisioner(None);
    vms.runner.start().await.unwrap();
    sim.cluster.inject(Fault::WrongToken, FaultScope::UntilCleared);
    let refused = vms
        .submissions
        .submit(&sim.caller, form("web-1"), None)
        .await
        .unwrap_err();
    assert!(matches!(refused, ProvisionError::NoCapacity(_)), "{refused:?}");
    assert!(refused.to_string().contains("cannot reach Proxmox"));
    assert!(sim.records().await.is_empty());
    sim.cluster.clear_faults();
    sim.check().await;
}

#[tokio::test]
async fn a_full_storage_is_refused_with_the_reason_and_records_nothing() {
    let sim = Sim::new(Scenario::default_cluster(1), Mode::Realistic).await;
    let vms = sim.provisioner(None);
    vms.runner.start().await.unwrap();
    sim.cluster.inject(
        Fault::StorageFull {
            node: None,
            storage: "local-lvm".into(),
        },
        FaultScope::UntilCleared,
    );
    // A change made outside Nimbus shows once the cluster snapshot read at start is too old.
    sim.clock.advance(chrono::Duration::seconds(6));
    let refused = vms
        .submissions
        .submit(&sim.caller, form("web-1"), None)
        .await
        .unwrap_err();
    assert!(matches!(refused, ProvisionError::NoCapacity(_)), "{refused:?}");
    assert!(refused.to_string().contains("disk"), "{refused}");
    assert!(sim.records().await.is_empty());
}

#[tokio::test]
async fn a_config_lock_on_the_new_vm_is_waited_out() {
    let vmid = nimbus::domain::vmid::VmId::new(100).unwrap();
    let lock = Fault::ConfigLock {
        vmid,
        lock: "backup".into(),
    };
    // Bench: the lock lasts 5 s from the start, so it is still there when the fixed-length clone
    // ends; the realistic clone takes 12-20 s and would outlast it, testing nothing.
    let (_, r) = run_in(Mode::Bench, lock, FaultScope::lasting(chrono::Duration::seconds(5))).await;
    assert_eq!(*r.provision.phase(), Phase::Ready, "the lock is waited out");
    assert_eq!(r.provision.held().vmid, Some(vmid));
}

#[tokio::test]
async fn a_lock_file_held_elsewhere_fails_the_clone_cleanly() {
    let vmid = nimbus::domain::vmid::VmId::new(100).unwrap();
    let (_, r) = run_with(Fault::LockTimeout { vmid }, FaultScope::times(2)).await;
    failed_at(&r, Step::Clone, "cloning the template");
}

#[tokio::test]
async fn a_slow_cluster_only_makes_the_provision_slower() {
    let (_, r) = run_with(
        Fault::Slow {
            delay: Duration::from_millis(2),
        },
        FaultScope::UntilCleared,
    )
    .await;
    assert_eq!(*r.provision.phase(), Phase::Ready);
}

#[tokio::test]
async fn a_late_or_hung_agent_still_ends_in_a_confirmed_vm() {
    let vmid = nimbus::domain::vmid::VmId::new(100).unwrap();
    for fault in [
        Fault::AgentLate {
            vmid: None,
            delay: chrono::Duration::seconds(60),
        },
        Fault::AgentHang { vmid },
    ] {
        let (_, r) = run_with(fault.clone(), FaultScope::UntilCleared).await;
        assert_eq!(*r.provision.phase(), Phase::Ready, "{fault:?}");
        assert!(
            !r.provision.unconfirmed(),
            "{fault:?}: confirmed within the ready timeout"
        );
    }
}

#[tokio::test]
async fn a_silent_agent_falls_back_to_tcp_22() {
    for fault in [Fault::AgentNever { vmid: None }] {
        let (_, r) = run_with(fault, FaultScope::UntilCleared).await;
        assert_eq!(*r.provision.phase(), Phase::Ready);
        assert!(!r.provision.unconfirmed(), "TCP 22 confirmed readiness");
    }
}

/// Injects `fault` when the rollback starts, checks the rollback waits visibly, clears it, and
/// checks the rollback then completes within a bounded number of retries.
async fn rollback_waits_out(fault: Fault) {
    let sim = Sim::new(Scenario::default_cluster(1), Mode::Realistic).await;
    sim.cluster.inject(
        Fault::TaskError {
            op: Op::Start,
            message: "no".into(),
        },
        FaultScope::Once,
    );
    let cluster = sim.cluster.clone();
    let armed = Arc::new(std::sync::Mutex::new(Some(fault)));
    let hook: Checkpoint = Arc::new(move |_, word, after| {
        if word == "rolling_back"
            && !after
            && let Some(f) = armed.lock().unwrap().take()
        {
            cluster.inject(f, FaultScope::UntilCleared);
        }
        Box::pin(async {})
    });
    let vms = sim.provisioner(Some(hook));
    vms.runner.start().await.unwrap();
    let id = vms
        .submissions
        .submit(&sim.caller, form("web-1"), None)
        .await
        .unwrap()
        .id;
    let mut pending = false;
    for _ in 0..5_000 {
        if sim
            .store
            .get_provision(id)
            .await
            .unwrap()
            .unwrap()
            .provision
            .phase()
            .word()
            == "rollback_pending"
        {
            pending = true;
            break;
        }
        sim.clock.advance(chrono::Duration::milliseconds(100));
        tokio::time::sleep(Duration::from_millis(1)).await;
    }
    assert!(pending, "the rollback waits while Proxmox cannot be reached");
    sim.cluster.clear_faults();
    sim.settle(&vms, &[id]).await;
    sim.check().await;
    assert!(matches!(
        sim.record(id).await.provision.phase(),
        Phase::RolledBack { .. }
    ));
}

#[tokio::test]
async fn a_rollback_waits_out_lost_quorum() {
    rollback_waits_out(Fault::QuorumLost).await;
}

#[tokio::test]
async fn a_rollback_waits_out_an_offline_node() {
    let node = NodeName::parse("pve1").unwrap();
    rollback_waits_out(Fault::NodeOffline {
        node,
        mode: OfflineMode::NoRoute,
    })
    .await;
}
