//! Fixed times, users, workers and jobs shared by the queue's tests, so no test reads the clock.

use chrono::{DateTime, Duration, Utc};
use uuid::Uuid;

use super::{Job, JobId, JobSpec, RunOutcome, WorkerId};
use crate::domain::ids::UserId;

/// The instant every test's time is measured from.
pub(super) fn t(secs: i64) -> DateTime<Utc> {
    DateTime::from_timestamp(1_700_000_000, 0).expect("a valid timestamp") + Duration::seconds(secs)
}

/// The lease every test hands out.
pub(super) fn lease() -> Duration {
    Duration::seconds(30)
}

pub(super) fn user(n: u128) -> UserId {
    UserId::from_uuid(Uuid::from_u128(n))
}

pub(super) fn worker(name: &str) -> WorkerId {
    WorkerId::parse(name).expect("a valid worker id")
}

pub(super) fn spec() -> JobSpec {
    JobSpec::new("nvidia/cuda:12.4.1-base-ubuntu22.04", &["nvidia-smi".to_owned()], &[]).expect("a valid spec")
}

/// A job of user `owner` queued `at` seconds after the base time.
pub(super) fn queued(id: u64, owner: u128, at: i64) -> Job {
    Job::new(JobId(id), user(owner), spec(), t(at))
}

/// A job that `by` claimed at `at` seconds, its lease running until `at + 30`.
pub(super) fn running(id: u64, owner: u128, by: &str, at: i64) -> Job {
    let mut job = queued(id, owner, at);
    job.claim(worker(by), t(at), lease())
        .expect("a queued job can be claimed");
    job
}

/// One job in each terminal state, all finished at t(100).
pub(super) fn finished_jobs() -> Vec<Job> {
    let mut succeeded = running(1, 1, "w1", 0);
    succeeded
        .report(&worker("w1"), RunOutcome::Exited { code: 0 }, t(100))
        .unwrap();
    let mut failed = running(2, 1, "w1", 0);
    failed
        .report(&worker("w1"), RunOutcome::Exited { code: 3 }, t(100))
        .unwrap();
    let mut cancelled = queued(3, 1, 0);
    cancelled.cancel(t(100)).unwrap();
    let mut lost = running(4, 1, "w1", 0);
    lost.requeues = 1;
    lost.expire_lease(t(100)).unwrap();
    vec![succeeded, failed, cancelled, lost]
}
