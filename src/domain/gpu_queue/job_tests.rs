//! Tests for each move of a single job, legal and illegal, including on every terminal state.

use super::test_support::{finished_jobs, lease, queued, running, t, worker};
use super::*;

#[test]
fn claim_moves_a_queued_job_to_running_with_a_lease_from_now() {
    let mut job = queued(1, 1, 0);
    job.claim(worker("w1"), t(10), lease()).unwrap();
    let expected = JobState::Running {
        worker: worker("w1"),
        started_at: t(10),
        lease_until: t(40),
        cancel_requested: false,
    };
    assert_eq!(job.state, expected);
    assert_eq!(job.state.status_word(), "running");
}

#[test]
fn claim_refuses_a_running_job_and_leaves_it_with_its_worker() {
    let mut job = running(1, 1, "w1", 0);
    let before = job.clone();
    let err = job.claim(worker("w2"), t(5), lease()).unwrap_err();
    assert_eq!(
        err,
        QueueError::NotQueued {
            id: JobId(1),
            status: "running"
        }
    );
    assert_eq!(job, before);
}

#[test]
fn claim_refuses_every_finished_job() {
    for mut job in finished_jobs() {
        let before = job.clone();
        let err = job.claim(worker("w2"), t(200), lease()).unwrap_err();
        assert!(matches!(err, QueueError::NotQueued { .. }), "{err:?}");
        assert_eq!(job, before);
    }
}

#[test]
fn heartbeat_from_the_holder_renews_the_lease_and_says_continue() {
    let mut job = running(1, 1, "w1", 0);
    assert_eq!(
        job.heartbeat(&worker("w1"), t(25), lease()),
        Ok(HeartbeatReply::Continue)
    );
    assert!(matches!(job.state, JobState::Running { lease_until, .. } if lease_until == t(55)));
}

#[test]
fn heartbeat_after_a_cancel_request_says_cancel() {
    let mut job = running(1, 1, "w1", 0);
    job.cancel(t(5)).unwrap();
    assert_eq!(job.heartbeat(&worker("w1"), t(10), lease()), Ok(HeartbeatReply::Cancel));
    assert_eq!(job.state.status_word(), "cancelling");
}

#[test]
fn heartbeat_from_another_worker_is_refused_and_changes_nothing() {
    let mut job = running(1, 1, "w1", 0);
    let before = job.clone();
    let err = job.heartbeat(&worker("w2"), t(10), lease()).unwrap_err();
    assert_eq!(
        err,
        QueueError::NotYourJob {
            id: JobId(1),
            worker: worker("w2")
        }
    );
    assert_eq!(job, before);
}

#[test]
fn heartbeat_on_a_queued_job_is_refused() {
    let mut job = queued(1, 1, 0);
    assert_eq!(
        job.heartbeat(&worker("w1"), t(1), lease()),
        Err(QueueError::NotRunning { id: JobId(1) })
    );
    assert_eq!(job.state, JobState::Queued);
}

#[test]
fn heartbeat_on_every_finished_job_says_abandon_and_changes_nothing() {
    for mut job in finished_jobs() {
        let before = job.clone();
        assert_eq!(
            job.heartbeat(&worker("w1"), t(200), lease()),
            Ok(HeartbeatReply::Abandon)
        );
        assert_eq!(job, before);
    }
}

#[test]
fn cancel_finishes_a_queued_job_at_once() {
    let mut job = queued(1, 1, 0);
    assert_eq!(job.cancel(t(3)), Ok(CancelOutcome::Cancelled));
    assert_eq!(job.state, JobState::Cancelled { finished_at: t(3) });
}

#[test]
fn cancel_on_a_running_job_only_requests_it_and_is_idempotent() {
    let mut job = running(1, 1, "w1", 0);
    assert_eq!(job.cancel(t(3)), Ok(CancelOutcome::Requested));
    assert!(matches!(
        job.state,
        JobState::Running {
            cancel_requested: true,
            ..
        }
    ));
    let after_first = job.clone();
    assert_eq!(job.cancel(t(4)), Ok(CancelOutcome::Requested));
    assert_eq!(job, after_first);
}

#[test]
fn cancel_on_every_finished_job_says_it_already_finished() {
    for mut job in finished_jobs() {
        let before = job.clone();
        let status = job.state.status_word();
        assert_eq!(
            job.cancel(t(200)),
            Err(QueueError::AlreadyFinished { id: job.id, status })
        );
        assert_eq!(job, before);
    }
}

#[test]
fn report_of_exit_zero_succeeds_and_non_zero_fails_with_the_code() {
    let mut ok = running(1, 1, "w1", 0);
    assert_eq!(
        ok.report(&worker("w1"), RunOutcome::Exited { code: 0 }, t(9)),
        Ok(ReportEffect::Recorded)
    );
    assert_eq!(ok.state, JobState::Succeeded { finished_at: t(9) });

    let mut bad = running(2, 1, "w1", 0);
    bad.report(&worker("w1"), RunOutcome::Exited { code: 137 }, t(9))
        .unwrap();
    let expected = JobState::Failed {
        finished_at: t(9),
        exit_code: Some(137),
        reason: FailReason::ExitCode,
    };
    assert_eq!(bad.state, expected);
}

#[test]
fn report_that_the_worker_could_not_run_the_job_fails_it_with_the_error() {
    let mut job = running(1, 1, "w1", 0);
    let outcome = RunOutcome::CouldNotRun {
        error: "pull access denied".into(),
    };
    job.report(&worker("w1"), outcome, t(9)).unwrap();
    let reason = FailReason::WorkerError("pull access denied".into());
    assert_eq!(
        job.state,
        JobState::Failed {
            finished_at: t(9),
            exit_code: None,
            reason
        }
    );
}

#[test]
fn a_huge_worker_error_is_cut_to_a_bounded_size() {
    let mut job = running(1, 1, "w1", 0);
    let outcome = RunOutcome::CouldNotRun {
        error: "é".repeat(5_000),
    };
    job.report(&worker("w1"), outcome, t(9)).unwrap();
    let JobState::Failed {
        reason: FailReason::WorkerError(text),
        ..
    } = &job.state
    else {
        panic!("expected a worker error, got {:?}", job.state);
    };
    assert!(text.len() <= 2 * 1024 + '…'.len_utf8(), "{} bytes", text.len());
    assert!(text.ends_with('…'));
}

#[test]
fn report_after_a_cancel_request_cancels_whatever_the_outcome() {
    let outcomes = [
        RunOutcome::Exited { code: 0 },
        RunOutcome::Exited { code: 143 },
        RunOutcome::CouldNotRun {
            error: "docker died".into(),
        },
    ];
    for outcome in outcomes {
        let mut job = running(1, 1, "w1", 0);
        job.cancel(t(2)).unwrap();
        assert_eq!(job.report(&worker("w1"), outcome, t(7)), Ok(ReportEffect::Recorded));
        assert_eq!(job.state, JobState::Cancelled { finished_at: t(7) });
    }
}

#[test]
fn report_from_another_worker_is_refused_and_changes_nothing() {
    let mut job = running(1, 1, "w1", 0);
    let before = job.clone();
    let err = job
        .report(&worker("w2"), RunOutcome::Exited { code: 0 }, t(5))
        .unwrap_err();
    assert_eq!(
        err,
        QueueError::NotYourJob {
            id: JobId(1),
            worker: worker("w2")
        }
    );
    assert_eq!(job, before);
}

#[test]
fn report_on_a_queued_job_is_refused() {
    let mut job = queued(1, 1, 0);
    let err = job
        .report(&worker("w1"), RunOutcome::Exited { code: 0 }, t(5))
        .unwrap_err();
    assert_eq!(err, QueueError::NotRunning { id: JobId(1) });
    assert_eq!(job.state, JobState::Queued);
}

#[test]
fn a_late_report_on_every_finished_job_is_ignored() {
    for mut job in finished_jobs() {
        let before = job.clone();
        let effect = job
            .report(&worker("w1"), RunOutcome::Exited { code: 0 }, t(300))
            .unwrap();
        assert_eq!(effect, ReportEffect::Ignored);
        assert_eq!(job, before);
    }
}

#[test]
fn log_chunks_are_kept_only_from_the_holder_while_it_runs() {
    let mut job = running(1, 1, "w1", 0);
    assert_eq!(job.append_log(&worker("w1"), "epoch 1\n"), Ok(ReportEffect::Recorded));
    let err = job.append_log(&worker("w2"), "intruder\n").unwrap_err();
    assert!(matches!(err, QueueError::NotYourJob { .. }));
    assert_eq!(job.log.text(), "epoch 1\n");

    let mut waiting = queued(2, 1, 0);
    assert_eq!(
        waiting.append_log(&worker("w1"), "x"),
        Err(QueueError::NotRunning { id: JobId(2) })
    );
}

#[test]
fn log_chunks_after_the_job_finished_are_ignored() {
    for mut job in finished_jobs() {
        let before = job.clone();
        assert_eq!(
            job.append_log(&worker("w1"), "late output\n"),
            Ok(ReportEffect::Ignored)
        );
        assert_eq!(job, before);
    }
}

#[test]
fn a_lease_is_not_expired_before_lease_until_and_is_at_it() {
    let mut job = running(1, 1, "w1", 0);
    assert_eq!(job.expire_lease(t(29)), None);
    assert!(matches!(job.state, JobState::Running { .. }));
    assert_eq!(job.expire_lease(t(30)), Some(LeaseOutcome::Requeued));
}

#[test]
fn a_renewed_lease_then_silence_requeues_once_and_fails_the_second_time() {
    let mut job = running(1, 1, "w1", 10);
    job.heartbeat(&worker("w1"), t(35), lease()).unwrap();
    assert_eq!(job.expire_lease(t(64)), None, "the heartbeat moved the lease to t(65)");

    assert_eq!(job.expire_lease(t(65)), Some(LeaseOutcome::Requeued));
    assert_eq!(job.state, JobState::Queued);
    assert_eq!(job.requeues, 1);
    assert_eq!(job.queued_at, t(10), "a re-queued job keeps its place in the FIFO");
    assert!(
        job.log
            .text()
            .contains("[nimbus] worker w1 stopped answering; job re-queued\n")
    );

    job.claim(worker("w2"), t(70), lease()).unwrap();
    assert_eq!(job.expire_lease(t(100)), Some(LeaseOutcome::Failed));
    let expected = JobState::Failed {
        finished_at: t(100),
        exit_code: None,
        reason: FailReason::LeaseExpired,
    };
    assert_eq!(job.state, expected);
    assert!(job.log.text().contains("[nimbus] worker w2 stopped answering"));
}

#[test]
fn an_expired_lease_with_a_cancel_pending_cancels_the_job() {
    let mut job = running(1, 1, "w1", 0);
    job.cancel(t(5)).unwrap();
    assert_eq!(job.expire_lease(t(30)), Some(LeaseOutcome::Cancelled));
    assert_eq!(job.state, JobState::Cancelled { finished_at: t(30) });
    assert_eq!(job.requeues, 0);
}

#[test]
fn a_late_worker_is_ignored_and_told_to_abandon_after_its_job_failed() {
    let mut job = running(1, 1, "w1", 0);
    job.requeues = 1;
    job.expire_lease(t(30)).unwrap();
    let before = job.clone();
    let effect = job
        .report(&worker("w1"), RunOutcome::Exited { code: 0 }, t(31))
        .unwrap();
    assert_eq!(effect, ReportEffect::Ignored);
    assert_eq!(
        job.heartbeat(&worker("w1"), t(31), lease()),
        Ok(HeartbeatReply::Abandon)
    );
    assert_eq!(job, before);
}

#[test]
fn the_requeue_marker_starts_on_its_own_line() {
    let mut job = running(1, 1, "w1", 0);
    job.append_log(&worker("w1"), "half a line").unwrap();
    job.expire_lease(t(30)).unwrap();
    assert_eq!(
        job.log.text(),
        "half a line\n[nimbus] worker w1 stopped answering; job re-queued\n"
    );
}

#[test]
fn expiry_leaves_queued_and_finished_jobs_alone() {
    let mut jobs = finished_jobs();
    jobs.push(queued(9, 1, 0));
    for mut job in jobs {
        let before = job.clone();
        assert_eq!(job.expire_lease(t(10_000)), None);
        assert_eq!(job, before);
    }
}

#[test]
fn only_finished_states_are_terminal_and_each_has_its_word() {
    let words: Vec<(&str, bool)> = finished_jobs()
        .iter()
        .map(|j| (j.state.status_word(), j.state.is_terminal()))
        .collect();
    assert_eq!(
        words,
        [
            ("succeeded", true),
            ("failed", true),
            ("cancelled", true),
            ("failed", true)
        ]
    );
    assert!(!JobState::Queued.is_terminal());
    assert_eq!(JobState::Queued.status_word(), "queued");
    assert!(!running(1, 1, "w1", 0).state.is_terminal());
}

#[test]
fn an_absurd_lease_saturates_instead_of_panicking() {
    let mut job = queued(1, 1, 0);
    job.claim(worker("w1"), t(0), chrono::Duration::MAX).unwrap();
    assert_eq!(job.expire_lease(t(1_000_000_000)), None);
}
