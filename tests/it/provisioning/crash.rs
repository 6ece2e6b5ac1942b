//! Crash tests: several provisions run at once (one of them failing and rolling back), and the
//! process is stopped at every point a run passes — before each step and between a step's
//! Proxmox call and the storing of its event. A new process on the same database and cluster
//! resumes; every provision ends running or rolled back, with no orphan VM, no leaked or doubly
//! held address, and no duplicate VM.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use nimbus::adapters::proxmox::sim::{Fault, FaultScope, Op, Scenario};
use nimbus::app::provisioning::{Checkpoint, Provisioning};
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
    for needed in [
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
    ] {
        assert!(points.contains(&(needed, false)), "{needed} was passed: {points:?}");
    }

    for point in points {
        let sim = Sim::new(Scenario::default_cluster(2), Mode::Chaos).await;
        let crashed = Arc::new(AtomicBool::new(false));
        let first = sim.provisioner(Some(crash_at(point, crashed.clone())));
        first.runner.start().await.unwrap();
        let ids = scenario(&sim, &first).await;
        for _ in 0..10_000 {
            if crashed.load(Ordering::SeqCst) {
                break;
            }
            sim.clock.advance(chrono::Duration::milliseconds(100));
            tokio::time::sleep(Duration::from_millis(1)).await;
        }
        assert!(crashed.load(Ordering::SeqCst), "the run reached {point:?}");
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
