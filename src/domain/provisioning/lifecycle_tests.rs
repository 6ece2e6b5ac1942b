//! After provisioning: approval for tiers that need it, power actions checked against the live
//! state, deletion with retries, and refusing to delete a VM that is still being built.

use super::tests::{at, ip, node, provision, t, upid};
use super::*;

#[test]
fn a_tier_needing_approval_reserves_nothing_until_approved() {
    let mut p = provision(false, false, true);
    assert_eq!((p.phase.word(), p.next()), ("pending_approval", Next::AwaitApproval));
    assert_eq!(p.status(None), StatusWord::PendingApproval);
    assert!(p.apply(Event::IpReserved { ip: ip() }, t(1)).is_err());
    assert_eq!(p.held, Held::default());
    p.apply(Event::Approve, t(2)).unwrap();
    assert_eq!(p.next(), Next::ReserveIp);

    let mut denied = provision(false, false, true);
    denied
        .apply(
            Event::Deny {
                reason: "no xl VMs this term".into(),
            },
            t(1),
        )
        .unwrap();
    assert_eq!(denied.status(None), StatusWord::Denied);
    assert!(denied.apply(Event::Approve, t(2)).is_err());
    denied.apply(Event::DeleteRequested, t(3)).unwrap();
    assert_eq!(denied.phase, Phase::Deleted);
}

#[test]
fn power_actions_check_the_live_state_and_carry_their_task() {
    let mut p = at(15);
    let start = |power| Event::PowerRequested {
        action: PowerAction::Start,
        power,
    };
    let stop = |power| Event::PowerRequested {
        action: PowerAction::Stop,
        power,
    };
    assert_eq!(
        p.apply(start(PowerState::Running), t(1)),
        Err(TransitionError::AlreadyInPowerState("running"))
    );
    assert_eq!(
        p.apply(stop(PowerState::Stopped), t(1)),
        Err(TransitionError::AlreadyInPowerState("stopped"))
    );
    assert_eq!(
        p.apply(stop(PowerState::Unknown), t(1)),
        Err(TransitionError::PowerUnknown)
    );
    p.apply(
        Event::PowerRequested {
            action: PowerAction::Reboot,
            power: PowerState::Running,
        },
        t(2),
    )
    .unwrap();
    assert_eq!(
        (p.status(Some(PowerState::Running)), p.next()),
        (StatusWord::Rebooting, Next::Power(PowerAction::Reboot))
    );
    p.apply(
        Event::TaskStarted {
            upid: upid("qmreboot", 5),
        },
        t(3),
    )
    .unwrap();
    assert_eq!(p.next(), Next::PollTask(upid("qmreboot", 5)));
    assert_eq!(
        p.apply(Event::DeleteRequested, t(3)),
        Err(TransitionError::Busy("a power action is running"))
    );
    p.apply(
        Event::TaskFinished {
            upid: upid("qmreboot", 5),
        },
        t(4),
    )
    .unwrap();
    assert_eq!(p.phase, Phase::Ready);
    p.apply(stop(PowerState::Running), t(5)).unwrap();
    assert_eq!(p.status(None), StatusWord::Stopping);
    p.apply(
        Event::ActionFailed {
            reason: "stop timed out on pve2".into(),
        },
        t(6),
    )
    .unwrap();
    assert_eq!(
        (p.phase.clone(), p.notes.clone()),
        (Phase::Ready, vec!["stop timed out on pve2".to_string()])
    );
    p.apply(start(PowerState::Stopped), t(7)).unwrap();
    assert_eq!(p.status(None), StatusWord::Starting);
    p.apply(Event::StepDone, t(8)).unwrap();
    assert_eq!(p.status(Some(PowerState::Stopped)), StatusWord::Stopped);
    assert_eq!(p.status(None), StatusWord::Unknown);
}

#[test]
fn delete_tears_everything_down_and_retries_when_proxmox_is_away() {
    let mut p = at(15);
    p.apply(Event::DeleteRequested, t(1)).unwrap();
    assert_eq!(p.status(None), StatusWord::Deleting);
    assert_eq!(p.next(), Next::Undo(Undo::RemoveTunnel { machine: "m-1".into() }));
    p.apply(Event::UndoDone, t(2)).unwrap();
    p.apply(Event::ProxmoxUnreachable { retry_at: t(60) }, t(3)).unwrap();
    assert_eq!(p.next(), Next::RetryAt(t(60)));
    assert!(
        p.apply(Event::UndoDone, t(4)).is_err(),
        "nothing is done while waiting to retry"
    );
    p.apply(Event::RetryNow, t(60)).unwrap();
    p.apply(
        Event::TaskStarted {
            upid: upid("qmdestroy", 9),
        },
        t(61),
    )
    .unwrap();
    p.apply(
        Event::TaskFinished {
            upid: upid("qmdestroy", 9),
        },
        t(62),
    )
    .unwrap();
    p.apply(Event::UndoDone, t(63)).unwrap();
    assert_eq!(
        (p.phase.clone(), p.held.clone()),
        (
            Phase::Deleted,
            Held {
                node: Some(node()),
                ..Held::default()
            }
        )
    );
    assert_eq!(p.status(None), StatusWord::Deleted);
}

#[test]
fn a_vm_still_being_provisioned_cannot_be_deleted_yet() {
    for n in 0..12 {
        let mut p = at(n);
        let before = p.clone();
        assert_eq!(
            p.apply(Event::DeleteRequested, t(99)),
            Err(TransitionError::Busy("still being provisioned")),
            "{n}"
        );
        assert_eq!(p, before);
    }
}

#[test]
fn at_rest_and_holding_the_hostname_follow_the_phase() {
    use super::Phase;
    let failure = super::Failure {
        step: super::Step::Clone,
        reason: "no".into(),
    };
    let cases = [
        (Phase::PendingApproval, true, true),
        (Phase::Requested, false, true),
        (Phase::Cloning { task: None }, false, true),
        (Phase::Ready, true, true),
        (
            Phase::RolledBack {
                failure: failure.clone(),
            },
            true,
            false,
        ),
        (Phase::Denied { reason: "no".into() }, true, false),
        (Phase::Deleted, true, false),
    ];
    for (phase, rest, holds) in cases {
        assert_eq!(phase.is_at_rest(), rest, "{}", phase.word());
        assert_eq!(phase.holds_hostname(), holds, "{}", phase.word());
    }
}

#[test]
fn public_access_can_be_retried_on_a_finished_vm_that_asked_for_it() {
    let mut p = at(15);
    p.apply(Event::ExposureRetried, t(1)).unwrap();
    assert_eq!(p.next(), Next::ExposeTunnel);
    assert_eq!(p.status(None), StatusWord::Provisioning);
    // A used-up machine is dropped, then a new one registered, and the VM is ready again.
    p.apply(Event::TunnelDropped { machine: "m-1".into() }, t(2)).unwrap();
    assert_eq!(p.held.tunnel, None);
    p.apply(Event::TunnelRegistered { machine: "m-9".into() }, t(3))
        .unwrap();
    p.apply(Event::StepDone, t(4)).unwrap();
    assert_eq!(p.held.tunnel.as_deref(), Some("m-9"));
    assert!(matches!(p.phase, Phase::InjectingGpuEnv));

    let mut plain = provision(false, false, false);
    super::tests::run(&mut plain, &super::tests::happy_events(false, false));
    assert_eq!(plain.phase, Phase::Ready);
    assert!(
        plain.apply(Event::ExposureRetried, t(5)).is_err(),
        "a VM that never asked for public SSH has nothing to retry"
    );
}

#[test]
fn only_the_held_machine_can_be_dropped() {
    let mut p = at(13);
    assert_eq!(p.held.tunnel.as_deref(), Some("m-1"));
    assert!(p.apply(Event::TunnelDropped { machine: "m-2".into() }, t(1)).is_err());
    p.apply(Event::TunnelDropped { machine: "m-1".into() }, t(1)).unwrap();
    assert!(p.apply(Event::TunnelDropped { machine: "m-1".into() }, t(2)).is_err());
}
