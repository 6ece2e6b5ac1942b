//! The provisioning state machine: the happy path, resuming from every stored state, failure and
//! rollback from every step, approval, lifecycle, delete, and the full table of which events each
//! state accepts.

use std::net::Ipv4Addr;

use chrono::{DateTime, Duration, TimeZone, Utc};
use uuid::Uuid;

use super::*;
use crate::domain::cluster::NodeName;

pub(super) fn t(s: i64) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 28, 12, 0, 0).unwrap() + Duration::seconds(s)
}

pub(super) fn upid(kind: &str, n: u32) -> Upid {
    Upid::new(
        NodeName::parse("pve1").unwrap(),
        n,
        1,
        0x6500_0000 + n,
        kind,
        "9000",
        "nimbus@pve!api",
    )
}

pub(super) fn ip() -> Ipv4Addr {
    Ipv4Addr::new(127, 77, 0, 10)
}

pub(super) fn node() -> NodeName {
    NodeName::parse("pve2").unwrap()
}

pub(super) fn vmid() -> VmId {
    VmId::new(201).unwrap()
}

pub(super) fn provision(tunnel: bool, gpu: bool, approval: bool) -> Provision {
    let spec = ProvisionSpec {
        owner: UserId::from_uuid(Uuid::from_u128(7)),
        hostname: Hostname::parse("web-1").unwrap(),
        tier: TierName::parse("medium").unwrap(),
        vcpus: 2,
        memory_mib: 2048,
        disk_gib: 30,
        os: "ubuntu-24.04".into(),
        expose_ssh: tunnel,
        gpu_env: gpu,
    };
    Provision::new(InstanceId::from_uuid(Uuid::from_u128(1)), spec, approval, t(0))
}

/// The events of a complete, successful provision, in order.
pub(super) fn happy_events(tunnel: bool, gpu: bool) -> Vec<Event> {
    let mut e = vec![
        Event::IpReserved { ip: ip() },
        Event::NodePicked { node: node() },
        Event::VmidChosen { vmid: vmid() },
        Event::TaskStarted {
            upid: upid("qmclone", 1),
        },
        Event::TaskFinished {
            upid: upid("qmclone", 1),
        },
        Event::TaskStarted {
            upid: upid("qmconfig", 2),
        },
        Event::TaskFinished {
            upid: upid("qmconfig", 2),
        },
        Event::TaskStarted {
            upid: upid("resize", 3),
        },
        Event::TaskFinished {
            upid: upid("resize", 3),
        },
        Event::TaskStarted {
            upid: upid("qmstart", 4),
        },
        Event::TaskFinished {
            upid: upid("qmstart", 4),
        },
        Event::ReadinessConfirmed,
    ];
    if tunnel {
        e.push(Event::TunnelRegistered { machine: "m-1".into() });
        e.push(Event::StepDone);
    }
    if gpu {
        e.push(Event::StepDone);
    }
    e
}

pub(super) fn run(p: &mut Provision, events: &[Event]) {
    for (i, e) in events.iter().enumerate() {
        p.apply(e.clone(), t(i as i64 + 1))
            .unwrap_or_else(|err| panic!("{} failed: {err}", e.name()));
    }
}

#[test]
fn a_provision_walks_every_step_to_ready_and_records_its_timeline() {
    let mut p = provision(true, true, false);
    let mut words = vec![p.phase.word()];
    for (i, e) in happy_events(true, true).into_iter().enumerate() {
        p.apply(e, t(i as i64 + 1)).unwrap();
        if words.last() != Some(&p.phase.word()) {
            words.push(p.phase.word());
        }
    }
    assert_eq!(
        words,
        [
            "requested",
            "ip_reserved",
            "placed",
            "cloning",
            "configuring",
            "resizing",
            "starting",
            "waiting_ready",
            "exposing_tunnel",
            "injecting_gpu_env",
            "ready"
        ]
    );
    let steps: Vec<&str> = p.steps.iter().map(|s| s.step.as_str()).collect();
    assert_eq!(
        steps,
        [
            "reserve_ip",
            "place_vm",
            "clone",
            "configure",
            "resize",
            "start",
            "wait_ready",
            "expose_tunnel",
            "inject_gpu_env"
        ]
    );
    assert_eq!(
        p.held,
        Held {
            ip: Some(ip()),
            node: Some(node()),
            vmid: Some(vmid()),
            tunnel: Some("m-1".into())
        }
    );
    assert!(!p.unconfirmed && p.notes.is_empty());
    assert_eq!(p.status(Some(PowerState::Running)), StatusWord::Running);
}

#[test]
fn optional_steps_are_skipped_when_not_asked_for() {
    let mut p = provision(false, false, false);
    run(&mut p, &happy_events(false, false));
    assert_eq!(p.phase, Phase::Ready);
    assert!(
        !p.steps
            .iter()
            .any(|s| matches!(s.step, Step::ExposeTunnel | Step::InjectGpuEnv))
    );
}

#[test]
fn steps_without_a_task_complete_directly() {
    let mut p = provision(false, false, false);
    run(&mut p, &happy_events(false, false)[..5]);
    // Config applied synchronously, disk already the right size, start answered without a UPID.
    for _ in 0..3 {
        p.apply(Event::StepDone, t(10)).unwrap();
    }
    assert!(matches!(p.phase, Phase::WaitingReady { since } if since == t(10)));
}

#[test]
fn a_restarted_process_polls_the_stored_task_instead_of_repeating_the_action() {
    let events = happy_events(true, true);
    let mut p = provision(true, true, false);
    let mut seen = Vec::new();
    for (i, e) in events.into_iter().enumerate() {
        seen.push(p.next());
        p.apply(e, t(i as i64)).unwrap();
    }
    assert_eq!(
        seen,
        [
            Next::ReserveIp,
            Next::PickNode,
            Next::ChooseVmid,
            Next::IssueClone,
            Next::PollTask(upid("qmclone", 1)),
            Next::ApplyConfig,
            Next::PollTask(upid("qmconfig", 2)),
            Next::Resize,
            Next::PollTask(upid("resize", 3)),
            Next::StartVm,
            Next::PollTask(upid("qmstart", 4)),
            Next::WaitReady { since: t(10) },
            Next::ExposeTunnel,
            Next::ExposeTunnel,
            Next::InjectGpuEnv,
        ]
    );
    assert_eq!(p.next(), Next::Idle);
}

#[test]
fn task_events_must_name_the_stored_task() {
    let mut p = provision(false, false, false);
    run(&mut p, &happy_events(false, false)[..3]);
    let before = p.clone();
    // Nothing stored yet: finishing "a" task is refused.
    assert!(matches!(
        p.apply(
            Event::TaskFinished {
                upid: upid("qmclone", 1)
            },
            t(5)
        ),
        Err(TransitionError::TaskMismatch { .. })
    ));
    p.apply(
        Event::TaskStarted {
            upid: upid("qmclone", 1),
        },
        t(5),
    )
    .unwrap();
    // Storing the same task twice is harmless; a second, different one is refused.
    p.apply(
        Event::TaskStarted {
            upid: upid("qmclone", 1),
        },
        t(5),
    )
    .unwrap();
    let cloning = p.clone();
    assert!(
        p.apply(
            Event::TaskStarted {
                upid: upid("qmclone", 9)
            },
            t(5)
        )
        .is_err()
    );
    assert!(
        p.apply(
            Event::TaskFinished {
                upid: upid("qmclone", 9)
            },
            t(5)
        )
        .is_err()
    );
    assert_eq!(p, cloning);
    assert_ne!(p, before);
}

#[test]
fn a_readiness_timeout_keeps_the_vm_flagged_unconfirmed_until_a_later_check() {
    let mut p = provision(false, false, false);
    let mut events = happy_events(false, false);
    *events.last_mut().unwrap() = Event::ReadinessTimedOut;
    run(&mut p, &events);
    assert_eq!((p.phase.clone(), p.unconfirmed), (Phase::Ready, true));
    assert_eq!(p.status(Some(PowerState::Running)), StatusWord::Running);
    p.apply(Event::ReadinessConfirmed, t(100)).unwrap();
    assert!(!p.unconfirmed);
    // Once confirmed, another confirmation is not an event Ready accepts.
    assert!(p.apply(Event::ReadinessConfirmed, t(101)).is_err());
}

#[test]
fn optional_step_failures_become_notes_not_rollbacks() {
    let mut p = provision(true, true, false);
    run(&mut p, &happy_events(true, true)[..12]);
    p.apply(
        Event::SoftStepFailed {
            reason: "tunnel gateway did not answer".into(),
        },
        t(20),
    )
    .unwrap();
    p.apply(
        Event::StepFailed {
            reason: "GPU plane unreachable".into(),
        },
        t(21),
    )
    .unwrap();
    assert_eq!(p.phase, Phase::Ready);
    assert_eq!(p.notes, ["tunnel gateway did not answer", "GPU plane unreachable"]);
}

/// Drives a provision (with tunnel and GPU) through the first `n` happy events.
pub(super) fn at(n: usize) -> Provision {
    let mut p = provision(true, true, false);
    run(&mut p, &happy_events(true, true)[..n]);
    p
}
