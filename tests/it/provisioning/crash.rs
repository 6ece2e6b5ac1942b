//! Crash tests: several provisions run at once (one of them failing and rolling back), and the
//! process is stopped at every point a run passes — before each step and between a step's
//! Proxmox call and the storing of its event. A new process on the same database and cluster
//! resumes; every provision ends running or rolled back, with no orphan VM, no leaked or doubly
//! held address, and no duplicate VM.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use nimbus::adapters::proxmox::sim::{Fault, FaultScope, OfflineMode, Op, Scenario};
use nimbus::app::provisioning::{Checkpoint, Provisioning};
use nimbus::domain::cluster::NodeName;
use nimbus::domain::ids::InstanceId;
use nimbus::domain::provisioning::Phase;

use super::sim::{Mode, Sim, form};

type Point = (&'static str, bool);

async fn scenario(sim: &Sim, vms: &Arc<Provisioning>) -> Vec<InstanceId> {
    sim.cluster.inject(
        Fault::TaskError {
            op: Op::Config,
            message: "unable to apply cloud-init settings".into(),
        },
        FaultScope::Once,
    );
    let mut ids = Vec::new();
    for n in 0..3 {
        ids.push(
            vms.submissions
                .submit(&sim.caller, form(&format!("node-{n}")), None)
                .await
                .unwrap()
                .id,
        );
    }
    ids
}

fn recorder(points: Arc<Mutex<Vec<Point>>>) -> Checkpoint {
    Arc::new(move |_, word, after| {
        let mut seen = points.lock().unwrap();
        if !seen.contains(&(word, after)) {
            seen.push((word, after));
        }
        Box::pin(async {})
    })
}

/// Freezes every run from the first time any run reaches `point`.
fn crash_at(point: Point, crashed: Arc<AtomicBool>) -> Checkpoint {
    Arc::new(move |_, word, after| {
        if (word, after) == point {
            crashed.store(true, Ordering::SeqCst);
        }
        if crashed.load(Ordering::SeqCst) {
            Box::pin(std::future::pending())
        } else {
            Box::pin(async {})
        }
    })
}

#[tokio::test]
async fn a_crash_at_any_step_of_concurrent_provisions_recovers_cleanly() {
    let sim = Sim::new(Scenario::default_cluster(2), Mode::Chaos).await;
    let points = Arc::new(Mutex::new(Vec::new()));
    let vms = sim.provisioner(Some(recorder(points.clone())));
    vms.runner.start().await.unwrap();
    let ids = scenario(&sim, &vms).await;
    sim.settle(&vms, &ids).await;
    sim.check().await;
    let phases: Vec<&str> = sim.records().await.iter().map(|r| r.provision.phase().word()).collect();
    assert_eq!(phases.iter().filter(|p| **p == "ready").count(), 2, "{phases:?}");
    assert_eq!(phases.iter().filter(|p| **p == "rolled_back").count(), 1, "{phases:?}");
    let points = points.lock().unwrap().clone();
    let needed = [
        "requested",
        "ip_reserved",
        "placed",
        "cloning",
        "configuring",
        "resizing",
        "starting",
        "waiting_ready",
        "failed",
        "rolling_back",
    ];
    for needed in needed {
        assert!(points.contains(&(needed, false)), "{needed} was passed: {points:?}");
    }

    for point in points {
        let sim = Sim::new(Scenario::default_cluster(2), Mode::Chaos).await;
        let crashed = Arc::new(AtomicBool::new(false));
        let first = sim.provisioner(Some(crash_at(point, crashed.clone())));
        first.runner.start().await.unwrap();
        let ids = scenario(&sim, &first).await;
        for _ in 0..10_000 {
            if crashed.load(Ordering::SeqCst) || ids.iter().all(|id| !first.runner.is_running(*id)) {
                break;
            }
            sim.clock.advance(chrono::Duration::milliseconds(100));
            tokio::time::sleep(Duration::from_millis(1)).await;
        }
        if !crashed.load(Ordering::SeqCst) {
            // A point that depends on timing (a rollback waiting out a scheduled fault) may not be
            // met again: the runs then simply finish. Every step of the path is always met.
            assert!(!needed.contains(&point.0), "the run reached {point:?}");
            sim.settle(&first, &ids).await;
            sim.check().await;
            continue;
        }
        tokio::time::sleep(Duration::from_millis(5)).await;
        first.runner.shut_down();
        drop(first);

        let second = sim.provisioner(None);
        second.runner.start().await.unwrap();
        sim.settle(&second, &ids).await;
        sim.check().await;
        let records = sim.records().await;
        let ready = records.iter().filter(|r| *r.provision.phase() == Phase::Ready).count();
        let why: Vec<String> = records
            .iter()
            .filter_map(|r| match r.provision.phase() {
                Phase::RolledBack { failure } => Some(format!("{}: {}", failure.step, failure.reason)),
                _ => None,
            })
            .collect();
        assert!(
            ready >= 2,
            "crash at {point:?}: only {ready} of 3 provisions run: {why:?}"
        );
        assert_eq!(
            records.len(),
            3,
            "crash at {point:?}: no provision was lost or duplicated"
        );
    }
}

#[tokio::test]
async fn a_provision_resumed_while_its_node_is_down_finds_its_template_once_the_node_is_back() {
    // No scheduled faults: the test places its own outage around the restart.
    let sim = Sim::new(Scenario::default_cluster(1), Mode::Realistic).await;
    let crashed = Arc::new(AtomicBool::new(false));
    let first = sim.provisioner(Some(crash_at(("placed", false), crashed.clone())));
    first.runner.start().await.unwrap();
    let id = first
        .submissions
        .submit(&sim.caller, form("patient"), None)
        .await
        .unwrap()
        .id;
    for _ in 0..1_000 {
        if crashed.load(Ordering::SeqCst) {
            break;
        }
        tokio::time::sleep(Duration::from_millis(1)).await;
    }
    assert!(crashed.load(Ordering::SeqCst), "the run was placed");
    first.runner.shut_down();
    drop(first);

    // The new process starts while the node is down, so discovery cannot read its templates.
    let node = NodeName::parse("pve1").unwrap();
    let outage = Fault::NodeOffline {
        node,
        mode: OfflineMode::NoRoute,
    };
    sim.cluster
        .inject(outage, FaultScope::lasting(chrono::Duration::seconds(5)));
    let second = sim.provisioner(None);
    second.runner.start().await.unwrap();
    sim.settle(&second, &[id]).await;
    let r = sim.record(id).await;
    assert_eq!(*r.provision.phase(), Phase::Ready, "{:?}", r.provision.phase());
    sim.check().await;
}
