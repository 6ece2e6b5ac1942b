//! Failure and rollback: what each step must undo, undoing in order while polling the undo tasks,
//! and waiting out a Proxmox outage without losing the task in progress.

use super::tests::{at, ip, node, t, upid, vmid};
use super::*;

#[test]
fn each_step_knows_what_a_failure_there_must_undo() {
    let destroy = Undo::DestroyVm {
        node: node(),
        vmid: vmid(),
    };
    let release = Undo::ReleaseIp { ip: ip() };
    let tunnel = Undo::RemoveTunnel { machine: "m-1".into() };
    let cases: Vec<(usize, &str, Vec<Undo>)> = vec![
        (0, "reserve_ip", vec![]),
        (1, "place_vm", vec![release.clone()]),
        (2, "clone", vec![release.clone()]),
        // The VMID is chosen: the clone may exist even before its UPID was stored.
        (3, "clone", vec![destroy.clone(), release.clone()]),
        (4, "clone", vec![destroy.clone(), release.clone()]),
        (5, "configure", vec![destroy.clone(), release.clone()]),
        (7, "resize", vec![destroy.clone(), release.clone()]),
        (9, "start", vec![destroy.clone(), release.clone()]),
        (11, "wait_ready", vec![destroy.clone(), release.clone()]),
    ];
    for (n, step, undo) in cases {
        let mut p = at(n);
        p.apply(Event::StepFailed { reason: "boom".into() }, t(50)).unwrap();
        assert_eq!(
            p.phase,
            Phase::Failed {
                failure: Failure {
                    step: Step::parse(step).unwrap(),
                    reason: "boom".into()
                },
                undo
            },
            "after {n} events"
        );
        assert_eq!(p.status(None), StatusWord::Failed);
        assert_eq!(p.next(), Next::BeginRollback);
    }
    // A registered tunnel is removed first, the address released last.
    let mut ready = at(15);
    ready.apply(Event::DeleteRequested, t(60)).unwrap();
    let Phase::Deleting { teardown, .. } = &ready.phase else {
        panic!()
    };
    assert_eq!(teardown.remaining, [tunnel, destroy, release]);
}

#[test]
fn a_rollback_undoes_in_order_polling_its_tasks_and_ends_rolled_back() {
    let mut p = at(9);
    p.apply(
        Event::StepFailed {
            reason: "start failed: not enough memory on pve2".into(),
        },
        t(50),
    )
    .unwrap();
    p.apply(Event::RollbackStarted, t(51)).unwrap();
    assert_eq!(
        p.next(),
        Next::Undo(Undo::DestroyVm {
            node: node(),
            vmid: vmid()
        })
    );
    p.apply(
        Event::TaskStarted {
            upid: upid("qmdestroy", 7),
        },
        t(52),
    )
    .unwrap();
    assert_eq!(p.next(), Next::PollTask(upid("qmdestroy", 7)));
    p.apply(
        Event::TaskFinished {
            upid: upid("qmdestroy", 7),
        },
        t(53),
    )
    .unwrap();
    assert_eq!(p.held.vmid, None);
    assert_eq!(p.next(), Next::Undo(Undo::ReleaseIp { ip: ip() }));
    p.apply(Event::UndoDone, t(54)).unwrap();
    assert!(matches!(&p.phase, Phase::RolledBack { failure } if failure.step == Step::Start));
    assert_eq!((p.held.ip, p.held.vmid), (None, None));
    assert_eq!(p.next(), Next::Idle);
    // Nothing left to undo: a failure before any reservation rolls straight back.
    let mut early = at(0);
    early
        .apply(
            Event::StepFailed {
                reason: "pool exhausted".into(),
            },
            t(1),
        )
        .unwrap();
    early.apply(Event::RollbackStarted, t(2)).unwrap();
    assert!(matches!(early.phase, Phase::RolledBack { .. }));
}

#[test]
fn a_rollback_that_cannot_reach_proxmox_waits_and_resumes_its_task() {
    let mut p = at(5);
    p.apply(
        Event::StepFailed {
            reason: "config rejected".into(),
        },
        t(50),
    )
    .unwrap();
    p.apply(Event::RollbackStarted, t(51)).unwrap();
    p.apply(
        Event::TaskStarted {
            upid: upid("qmdestroy", 8),
        },
        t(52),
    )
    .unwrap();
    p.apply(Event::ProxmoxUnreachable { retry_at: t(112) }, t(52)).unwrap();
    assert_eq!(p.phase.word(), "rollback_pending");
    assert_eq!(p.next(), Next::RetryAt(t(112)));
    assert_eq!(p.status(None), StatusWord::Failed);
    p.apply(Event::RetryNow, t(112)).unwrap();
    assert_eq!(p.next(), Next::PollTask(upid("qmdestroy", 8)));
    p.apply(Event::ProxmoxUnreachable { retry_at: t(200) }, t(113)).unwrap();
    let Phase::RollbackPending { teardown, .. } = &p.phase else {
        panic!()
    };
    assert_eq!(teardown.attempts, 2);
}

#[test]
fn a_failed_undo_task_is_forgotten_and_the_same_item_retried_later() {
    let mut p = at(5);
    p.apply(Event::StepFailed { reason: "no".into() }, t(50)).unwrap();
    p.apply(Event::RollbackStarted, t(51)).unwrap();
    assert_eq!(
        p.apply(Event::UndoFailed { retry_at: t(90) }, t(52)),
        Err(TransitionError::Illegal {
            phase: "rolling_back",
            event: "undo_failed"
        }),
        "nothing to forget before a task was started"
    );
    p.apply(
        Event::TaskStarted {
            upid: upid("qmdestroy", 8),
        },
        t(52),
    )
    .unwrap();
    p.apply(Event::UndoFailed { retry_at: t(90) }, t(53)).unwrap();
    assert_eq!(p.next(), Next::RetryAt(t(90)));
    p.apply(Event::RetryNow, t(90)).unwrap();
    assert_eq!(
        p.next(),
        Next::Undo(Undo::DestroyVm {
            node: node(),
            vmid: vmid()
        })
    );
}

#[test]
fn a_clone_can_change_its_vmid_or_be_found_done_only_before_its_task_is_known() {
    let mut p = at(3);
    assert_eq!(p.phase, Phase::Cloning { task: None });
    let other = crate::domain::vmid::VmId::new(777).unwrap();
    p.apply(Event::VmidChosen { vmid: other }, t(40)).unwrap();
    assert_eq!(p.held.vmid, Some(other));
    let mut found = p.clone();
    found.apply(Event::StepDone, t(41)).unwrap();
    assert_eq!(found.phase, Phase::Configuring { task: None });
    assert_eq!(found.steps.last().unwrap().step, Step::Clone);
    p.apply(
        Event::TaskStarted {
            upid: upid("qmclone", 3),
        },
        t(41),
    )
    .unwrap();
    assert!(p.apply(Event::VmidChosen { vmid: vmid() }, t(42)).is_err());
    assert!(p.apply(Event::StepDone, t(42)).is_err());
}
