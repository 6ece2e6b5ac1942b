//! The full table of which events each state accepts, and property tests: random event
//! sequences never panic, a refused event changes nothing, and a runner that follows
//! [`Provision::next`] always reaches a settled state whatever succeeds or fails.

use proptest::prelude::*;

use super::tests::{at, provision, t, upid};
use super::*;

/// One provision parked in every kind of state.
fn states() -> Vec<(&'static str, Provision)> {
    let mut out = vec![("pending_approval", provision(false, false, true))];
    let mut denied = provision(false, false, true);
    denied.apply(Event::Deny { reason: "no".into() }, t(1)).unwrap();
    out.push(("denied", denied));
    let names = [
        "requested",
        "ip_reserved",
        "placed",
        "cloning",
        "cloning+task",
        "configuring",
        "configuring+task",
        "resizing",
        "resizing+task",
        "starting",
        "starting+task",
        "waiting_ready",
        "exposing_tunnel",
        "exposing_tunnel+machine",
        "injecting_gpu_env",
        "ready",
    ];
    for (n, name) in names.into_iter().enumerate() {
        out.push((name, at(n)));
    }
    let mut unconfirmed = provision(true, true, false);
    let mut events = super::tests::happy_events(true, true);
    events[11] = Event::ReadinessTimedOut;
    super::tests::run(&mut unconfirmed, &events);
    out.push(("ready+unconfirmed", unconfirmed));
    let step = |p: &Provision, e: Event| {
        let mut p = p.clone();
        p.apply(e, t(90)).unwrap();
        p
    };
    let failed = step(&at(9), Event::StepFailed { reason: "x".into() });
    let rolling = step(&failed, Event::RollbackStarted);
    let rolling_task = step(
        &rolling,
        Event::TaskStarted {
            upid: upid("qmdestroy", 50),
        },
    );
    let pending = step(&rolling_task, Event::ProxmoxUnreachable { retry_at: t(200) });
    let mut rolled = step(
        &rolling_task,
        Event::TaskFinished {
            upid: upid("qmdestroy", 50),
        },
    );
    rolled.apply(Event::UndoDone, t(91)).unwrap();
    let power = step(
        &at(15),
        Event::PowerRequested {
            action: PowerAction::Stop,
            power: PowerState::Running,
        },
    );
    let power_task = step(
        &power,
        Event::TaskStarted {
            upid: upid("qmstop", 51),
        },
    );
    let deleting = step(&at(15), Event::DeleteRequested);
    let deleting_retry = step(&deleting, Event::ProxmoxUnreachable { retry_at: t(300) });
    let deleted = step(&provision(false, false, true), Event::DeleteRequested);
    out.extend([
        ("failed", failed),
        ("rolling_back", rolling),
        ("rolling_back+task", rolling_task),
        ("rollback_pending", pending),
        ("rolled_back", rolled),
        ("power", power),
        ("power+task", power_task),
        ("deleting", deleting),
        ("deleting+retry", deleting_retry),
        ("deleted", deleted),
    ]);
    out
}

/// One event of every kind. Task events name the state's own task when it has one.
fn events(p: &Provision) -> Vec<Event> {
    let stored = p.phase.task().cloned().unwrap_or_else(|| upid("qmclone", 77));
    vec![
        Event::Approve,
        Event::Deny { reason: "no".into() },
        Event::IpReserved { ip: super::tests::ip() },
        Event::NodePicked {
            node: super::tests::node(),
        },
        Event::VmidChosen {
            vmid: super::tests::vmid(),
        },
        Event::TaskStarted {
            upid: upid("qmtask", 88),
        },
        Event::TaskFinished { upid: stored },
        Event::StepDone,
        Event::TunnelRegistered { machine: "m-2".into() },
        Event::TunnelDropped { machine: "m-1".into() },
        Event::ExposureRetried,
        Event::ReadinessConfirmed,
        Event::ReadinessTimedOut,
        Event::SoftStepFailed { reason: "soft".into() },
        Event::StepFailed { reason: "hard".into() },
        Event::RollbackStarted,
        Event::UndoDone,
        Event::UndoFailed { retry_at: t(500) },
        Event::ProxmoxUnreachable { retry_at: t(500) },
        Event::RetryNow,
        Event::PowerRequested {
            action: PowerAction::Start,
            power: PowerState::Stopped,
        },
        Event::PowerRequested {
            action: PowerAction::Shutdown,
            power: PowerState::Running,
        },
        Event::ActionFailed {
            reason: "failed".into(),
        },
        Event::DeleteRequested,
        Event::DriftObserved {
            moved_to: Some(super::tests::node()),
            notes: vec!["moved".into()],
        },
    ]
}

fn label(e: &Event) -> String {
    match e {
        Event::PowerRequested { action, .. } => format!("power_{}", action.as_str()),
        other => other.name().to_string(),
    }
}

/// Every (state, event) pair not listed here must be refused.
const ACCEPTED: &[(&str, &[&str])] = &[
    ("pending_approval", &["approve", "deny", "delete_requested"]),
    ("denied", &["delete_requested"]),
    ("requested", &["ip_reserved", "step_failed"]),
    ("ip_reserved", &["node_picked", "step_failed"]),
    ("placed", &["vmid_chosen", "step_failed"]),
    ("cloning", &["vmid_chosen", "task_started", "step_done", "step_failed"]),
    ("cloning+task", &["task_finished", "step_failed"]),
    ("configuring", &["task_started", "step_done", "step_failed"]),
    ("configuring+task", &["task_finished", "step_failed"]),
    ("resizing", &["task_started", "step_done", "step_failed"]),
    ("resizing+task", &["task_finished", "step_failed"]),
    ("starting", &["task_started", "step_done", "step_failed"]),
    ("starting+task", &["task_finished", "step_failed"]),
    (
        "waiting_ready",
        &["readiness_confirmed", "readiness_timed_out", "step_failed"],
    ),
    (
        "exposing_tunnel",
        &["step_done", "tunnel_registered", "soft_step_failed", "step_failed"],
    ),
    (
        "exposing_tunnel+machine",
        &["step_done", "tunnel_dropped", "soft_step_failed", "step_failed"],
    ),
    ("injecting_gpu_env", &["step_done", "soft_step_failed", "step_failed"]),
    (
        "ready",
        &[
            "exposure_retried",
            "power_start",
            "power_shutdown",
            "delete_requested",
            "drift_observed",
        ],
    ),
    (
        "ready+unconfirmed",
        &[
            "exposure_retried",
            "readiness_confirmed",
            "power_start",
            "power_shutdown",
            "delete_requested",
            "drift_observed",
        ],
    ),
    ("failed", &["rollback_started"]),
    ("rolling_back", &["task_started", "undo_done", "proxmox_unreachable"]),
    (
        "rolling_back+task",
        &["task_finished", "undo_failed", "proxmox_unreachable"],
    ),
    ("rollback_pending", &["retry_now"]),
    ("rolled_back", &["delete_requested"]),
    ("power", &["task_started", "step_done", "action_failed"]),
    ("power+task", &["task_finished", "action_failed"]),
    ("deleting", &["task_started", "undo_done", "proxmox_unreachable"]),
    ("deleting+retry", &["proxmox_unreachable", "retry_now"]),
    ("deleted", &[]),
];

#[test]
fn every_state_accepts_exactly_its_events_and_a_refusal_changes_nothing() {
    let states = states();
    assert_eq!(states.len(), ACCEPTED.len());
    for ((name, p), (expected_name, expected)) in states.iter().zip(ACCEPTED) {
        assert_eq!(name, expected_name);
        let mut accepted = Vec::new();
        for e in events(p) {
            let mut q = p.clone();
            let l = label(&e);
            match q.apply(e, t(1000)) {
                Ok(()) => accepted.push(l),
                Err(err) => {
                    assert_eq!(&q, p, "{name}: refused {l} but changed the state");
                    assert!(!err.to_string().is_empty());
                }
            }
        }
        assert_eq!(accepted, *expected, "{name}");
    }
}

fn settled(p: &Provision) -> bool {
    p.phase.is_settled()
}

/// Invariants every reachable state keeps.
fn check(p: &Provision) -> Result<(), TestCaseError> {
    if p.phase == Phase::Ready {
        prop_assert!(p.held.ip.is_some() && p.held.node.is_some() && p.held.vmid.is_some());
    }
    if matches!(p.phase, Phase::RolledBack { .. } | Phase::Deleted) {
        prop_assert_eq!((p.held.ip, p.held.vmid, p.held.tunnel.as_ref()), (None, None, None));
    }
    let mut steps: Vec<&str> = p.steps.iter().map(|s| s.step.as_str()).collect();
    let n = steps.len();
    steps.sort();
    steps.dedup();
    prop_assert_eq!(steps.len(), n, "a step was recorded twice");
    Ok(())
}

#[derive(Debug, Clone, Copy)]
enum Outcome {
    Ok,
    Fail,
    Unreachable,
    TimedOut,
}

fn arb_outcome() -> impl Strategy<Value = Outcome> {
    prop_oneof![6 => Just(Outcome::Ok), 1 => Just(Outcome::Fail), 1 => Just(Outcome::Unreachable), 1 => Just(Outcome::TimedOut)]
}

proptest! {
    #![proptest_config(crate::domain::proptest_config::with_cases(512))]

    /// Arbitrary events from arbitrary states: never a panic, a refusal never changes anything,
    /// and the invariants hold after every accepted event.
    #[test]
    fn random_events_never_break_a_provision(start in 0usize..29, picks in prop::collection::vec(0usize..21, 1..40)) {
        let (_, mut p) = states().swap_remove(start);
        check(&p)?;
        for pick in picks {
            let e = events(&p).swap_remove(pick);
            let before = p.clone();
            if p.apply(e, t(2000)).is_err() {
                prop_assert_eq!(&p, &before);
            }
            check(&p)?;
        }
    }

    /// A runner that does what `next()` says, with any mix of successes, failures, timeouts and
    /// Proxmox outages, always ends settled, and a rolled-back provision holds nothing.
    #[test]
    fn a_runner_following_next_always_settles(
        tunnel in any::<bool>(), gpu in any::<bool>(), approval in any::<bool>(),
        outcomes in prop::collection::vec(arb_outcome(), 200),
    ) {
        let mut p = provision(tunnel, gpu, approval);
        let mut tasks = 0u32;
        let mut outcomes = outcomes.into_iter();
        for i in 0..200 {
            if settled(&p) {
                break;
            }
            let now = t(i);
            let outcome = outcomes.next().unwrap_or(Outcome::Ok);
            let mut fresh = || { tasks += 1; upid("qmtask", tasks) };
            let event = match (p.next(), outcome) {
                (Next::AwaitApproval, Outcome::Fail) => Event::Deny { reason: "no".into() },
                (Next::AwaitApproval, _) => Event::Approve,
                (Next::Undo(_) | Next::PollTask(_), Outcome::Unreachable) if p.phase.step().is_none()
                    && !matches!(p.phase, Phase::Power { .. }) => Event::ProxmoxUnreachable { retry_at: t(i + 60) },
                (Next::RetryAt(_), _) => Event::RetryNow,
                (Next::BeginRollback, _) => Event::RollbackStarted,
                (Next::Undo(Undo::DestroyVm { .. }), _) => Event::TaskStarted { upid: fresh() },
                (Next::Undo(_), _) => Event::UndoDone,
                (Next::PollTask(_), Outcome::Fail) if p.phase.step().is_some() => Event::StepFailed { reason: "task failed".into() },
                (Next::PollTask(u), _) => Event::TaskFinished { upid: u },
                (Next::WaitReady { .. }, Outcome::TimedOut) => Event::ReadinessTimedOut,
                (Next::WaitReady { .. }, Outcome::Fail) => Event::StepFailed { reason: "VM crashed while booting".into() },
                (Next::WaitReady { .. }, _) => Event::ReadinessConfirmed,
                (Next::ExposeTunnel | Next::InjectGpuEnv, Outcome::Fail) => Event::SoftStepFailed { reason: "optional".into() },
                (Next::ExposeTunnel, _) if p.held.tunnel.is_none() => Event::TunnelRegistered { machine: "m".into() },
                (Next::ExposeTunnel | Next::InjectGpuEnv, _) => Event::StepDone,
                (_, Outcome::Fail) => Event::StepFailed { reason: "step failed".into() },
                (Next::ReserveIp, _) => Event::IpReserved { ip: super::tests::ip() },
                (Next::PickNode, _) => Event::NodePicked { node: super::tests::node() },
                (Next::ChooseVmid, _) => Event::VmidChosen { vmid: super::tests::vmid() },
                (Next::IssueClone | Next::ApplyConfig | Next::Resize | Next::StartVm, _) => Event::TaskStarted { upid: fresh() },
                (Next::Power(_), _) | (Next::Idle, _) => break,
            };
            let name = event.name();
            p.apply(event, now).map_err(|e| TestCaseError::fail(format!("{name} from {}: {e}", p.phase.word())))?;
            check(&p)?;
        }
        prop_assert!(settled(&p), "stuck in {}", p.phase.word());
        if let Phase::RolledBack { .. } = p.phase {
            prop_assert_eq!(p.held.ip, None);
        }
    }
}
