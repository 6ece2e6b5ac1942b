//! Tests for the queue-wide rules: FIFO order, one job per worker, per-user limits and lease sweeps.

use super::test_support::{lease, queued, running, t, user, worker};
use super::*;

fn limits(max_queued: u32, max_running: u32) -> QueueLimits {
    QueueLimits::new(max_queued, max_running).unwrap()
}

#[test]
fn next_for_picks_the_oldest_queued_job() {
    let jobs = vec![queued(1, 1, 20), queued(2, 2, 10), queued(3, 3, 30)];
    assert_eq!(
        next_for(&jobs, &worker("w1"), QueueLimits::default()),
        Ok(Some(JobId(2)))
    );
}

#[test]
fn jobs_queued_in_the_same_instant_are_taken_in_id_order() {
    let jobs = vec![queued(7, 1, 5), queued(3, 2, 5), queued(5, 3, 5)];
    assert_eq!(
        next_for(&jobs, &worker("w1"), QueueLimits::default()),
        Ok(Some(JobId(3)))
    );
}

#[test]
fn the_order_of_the_slice_does_not_change_the_pick() {
    let jobs = vec![
        queued(4, 1, 5),
        queued(2, 2, 5),
        queued(9, 3, 1),
        running(1, 4, "w2", 0),
    ];
    let expected = next_for(&jobs, &worker("w1"), QueueLimits::default());
    assert_eq!(expected, Ok(Some(JobId(9))));
    let mut reversed = jobs.clone();
    reversed.reverse();
    assert_eq!(next_for(&reversed, &worker("w1"), QueueLimits::default()), expected);
    let mut rotated = jobs;
    rotated.rotate_left(2);
    assert_eq!(next_for(&rotated, &worker("w1"), QueueLimits::default()), expected);
}

#[test]
fn next_for_finds_nothing_in_an_empty_or_finished_queue() {
    assert_eq!(next_for(&[], &worker("w1"), QueueLimits::default()), Ok(None));
    let mut done = queued(1, 1, 0);
    done.cancel(t(1)).unwrap();
    assert_eq!(next_for(&[done], &worker("w1"), QueueLimits::default()), Ok(None));
}

#[test]
fn claim_skips_a_worker_that_already_runs_a_job() {
    let jobs = vec![running(1, 1, "w1", 0), queued(2, 2, 1)];
    let err = next_for(&jobs, &worker("w1"), QueueLimits::default()).unwrap_err();
    assert_eq!(err, QueueError::WorkerBusy { running: JobId(1) });
    assert_eq!(
        next_for(&jobs, &worker("w2"), QueueLimits::default()),
        Ok(Some(JobId(2)))
    );
}

#[test]
fn a_worker_with_a_cancelling_job_is_still_busy() {
    let mut busy = running(1, 1, "w1", 0);
    busy.cancel(t(1)).unwrap();
    let jobs = vec![busy, queued(2, 2, 1)];
    assert_eq!(
        next_for(&jobs, &worker("w1"), QueueLimits::default()),
        Err(QueueError::WorkerBusy { running: JobId(1) })
    );
}

#[test]
fn a_user_at_their_running_limit_is_skipped_for_the_next_user() {
    let jobs = vec![running(1, 1, "w1", 0), queued(2, 1, 1), queued(3, 2, 2)];
    assert_eq!(
        next_for(&jobs, &worker("w2"), QueueLimits::default()),
        Ok(Some(JobId(3)))
    );
    assert_eq!(next_for(&jobs, &worker("w2"), limits(10, 2)), Ok(Some(JobId(2))));
}

#[test]
fn a_user_at_their_running_limit_with_nobody_else_waiting_gets_nothing() {
    let jobs = vec![running(1, 1, "w1", 0), queued(2, 1, 1)];
    assert_eq!(next_for(&jobs, &worker("w2"), QueueLimits::default()), Ok(None));
}

#[test]
fn claim_next_claims_the_job_next_for_picks() {
    let mut jobs = vec![queued(1, 1, 5), queued(2, 2, 3)];
    let claimed = claim_next(&mut jobs, &worker("w1"), QueueLimits::default(), t(10), lease());
    assert_eq!(claimed, Ok(Some(JobId(2))));
    assert_eq!(jobs[1].state.worker(), Some(&worker("w1")));
    let again = claim_next(&mut jobs, &worker("w1"), QueueLimits::default(), t(11), lease());
    assert_eq!(again, Err(QueueError::WorkerBusy { running: JobId(2) }));
    assert_eq!(jobs[0].state, JobState::Queued);
}

#[test]
fn a_requeued_job_goes_back_ahead_of_younger_jobs() {
    let mut jobs = vec![running(1, 1, "w1", 0), queued(2, 2, 10)];
    assert_eq!(
        expire_leases(&mut jobs, t(30)),
        vec![(JobId(1), LeaseOutcome::Requeued)]
    );
    assert_eq!(
        next_for(&jobs, &worker("w2"), QueueLimits::default()),
        Ok(Some(JobId(1)))
    );
}

#[test]
fn enqueue_is_refused_once_the_owner_has_the_queued_limit() {
    let jobs = vec![queued(1, 1, 0), queued(2, 1, 1), queued(3, 2, 2)];
    let err = check_enqueue(&jobs, user(1), limits(2, 1)).unwrap_err();
    assert_eq!(err, QueueError::TooManyQueued { limit: 2 });
    assert_eq!(
        err.to_string(),
        "you already have 2 queued jobs; wait for one to finish or cancel one"
    );
    assert_eq!(check_enqueue(&jobs, user(2), limits(2, 1)), Ok(()));
}

#[test]
fn running_and_finished_jobs_do_not_count_toward_the_queued_limit() {
    let mut done = queued(2, 1, 0);
    done.cancel(t(1)).unwrap();
    let jobs = vec![running(1, 1, "w1", 0), done, queued(3, 1, 2)];
    assert_eq!(check_enqueue(&jobs, user(1), limits(2, 1)), Ok(()));
}

#[test]
fn default_limits_are_ten_queued_and_one_running() {
    let defaults = QueueLimits::default();
    assert_eq!(
        (defaults.max_queued_per_user(), defaults.max_running_per_user()),
        (10, 1)
    );
}

#[test]
fn limits_of_zero_are_rejected() {
    assert_eq!(QueueLimits::new(0, 1), Err(QueueLimitsError::ZeroQueued));
    assert_eq!(QueueLimits::new(1, 0), Err(QueueLimitsError::ZeroRunning));
    assert!(QueueLimits::new(1, 1).is_ok());
}

#[test]
fn expire_leases_reports_each_change_by_job_id() {
    let mut cancelling = running(3, 1, "w3", 0);
    cancelling.cancel(t(1)).unwrap();
    let mut second_loss = running(2, 2, "w2", 0);
    second_loss.requeues = 1;
    let mut jobs = vec![
        cancelling,
        running(5, 3, "w5", 20),
        second_loss,
        running(1, 4, "w1", 0),
        queued(4, 5, 0),
    ];
    let changes = expire_leases(&mut jobs, t(30));
    let expected = vec![
        (JobId(1), LeaseOutcome::Requeued),
        (JobId(2), LeaseOutcome::Failed),
        (JobId(3), LeaseOutcome::Cancelled),
    ];
    assert_eq!(changes, expected);
    assert!(
        matches!(jobs[1].state, JobState::Running { .. }),
        "job 5's lease runs until t(50)"
    );
    assert_eq!(jobs[4].state, JobState::Queued);
}

#[test]
fn a_released_job_goes_back_to_its_place_without_counting_as_a_retry() {
    let mut job = running(1, 1, "w1", 10);
    assert_eq!(job.release(&worker("w2"), t(20)), None, "w2 does not hold it");
    assert_eq!(job.release(&worker("w1"), t(20)), Some(LeaseOutcome::Requeued));
    assert_eq!(job.state, JobState::Queued);
    assert_eq!((job.requeues, job.queued_at), (0, t(10)));
    assert!(job.log.text().contains("removed by an admin"), "{}", job.log.text());
    assert_eq!(job.started_at, Some(t(10)), "the last start is kept");
    assert_eq!(
        job.release(&worker("w1"), t(21)),
        None,
        "a queued job is held by nobody"
    );
}

#[test]
fn a_released_job_with_a_pending_cancel_is_cancelled() {
    let mut job = running(1, 1, "w1", 10);
    job.cancel(t(15)).unwrap();
    assert_eq!(job.release(&worker("w1"), t(20)), Some(LeaseOutcome::Cancelled));
    assert_eq!(job.state, JobState::Cancelled { finished_at: t(20) });
}
