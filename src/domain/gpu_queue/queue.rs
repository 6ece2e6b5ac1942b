//! Rules over the whole queue: which job a worker gets next, how many jobs a user may have waiting
//! or running, and sweeping up jobs whose worker went quiet.

use std::collections::HashMap;

use chrono::{DateTime, Duration, Utc};

use super::{Job, JobId, JobState, LeaseOutcome, QueueError, WorkerId};
use crate::domain::ids::UserId;

/// Per-user fairness limits. Both are at least 1: a limit of 0 would make the GPU plane unusable
/// while looking configured.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct QueueLimits {
    max_queued_per_user: u32,
    max_running_per_user: u32,
}

impl QueueLimits {
    pub fn new(max_queued_per_user: u32, max_running_per_user: u32) -> Result<Self, QueueLimitsError> {
        if max_queued_per_user == 0 {
            return Err(QueueLimitsError::ZeroQueued);
        }
        if max_running_per_user == 0 {
            return Err(QueueLimitsError::ZeroRunning);
        }
        Ok(Self {
            max_queued_per_user,
            max_running_per_user,
        })
    }

    pub fn max_queued_per_user(&self) -> u32 {
        self.max_queued_per_user
    }

    pub fn max_running_per_user(&self) -> u32 {
        self.max_running_per_user
    }
}

impl Default for QueueLimits {
    /// Ten waiting jobs and one running job per user: one person cannot fill every GPU.
    fn default() -> Self {
        Self {
            max_queued_per_user: 10,
            max_running_per_user: 1,
        }
    }
}

/// Why limits could not be built.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum QueueLimitsError {
    #[error("the queued-jobs-per-user limit is 0, so nobody could queue a job; set it to at least 1")]
    ZeroQueued,
    #[error("the running-jobs-per-user limit is 0, so no job would ever start; set it to at least 1")]
    ZeroRunning,
}

/// The job `worker` should run next, or `None` when nothing is eligible.
///
/// A worker runs one job at a time; the Go server left that to the worker's loop and would hand a
/// second job to a worker that asked twice. Jobs are taken oldest first by `(queued_at, id)`, the
/// id breaking ties between jobs queued in the same instant, so the answer does not depend on the
/// order of `jobs`. A job whose owner already has their share of running jobs is skipped, and the
/// next user's job goes ahead of it.
pub fn next_for(jobs: &[Job], worker: &WorkerId, limits: QueueLimits) -> Result<Option<JobId>, QueueError> {
    let busy = jobs
        .iter()
        .filter(|j| j.state.worker() == Some(worker))
        .map(|j| j.id)
        .min();
    if let Some(running) = busy {
        return Err(QueueError::WorkerBusy { running });
    }
    let running = running_per_owner(jobs);
    let next = jobs
        .iter()
        .filter(|j| j.state == JobState::Queued)
        .filter(|j| running.get(&j.owner).copied().unwrap_or(0) < limits.max_running_per_user)
        .min_by_key(|j| (j.queued_at, j.id))
        .map(|j| j.id);
    Ok(next)
}

/// Picks the next job for `worker` with [`next_for`] and claims it.
pub fn claim_next(
    jobs: &mut [Job],
    worker: &WorkerId,
    limits: QueueLimits,
    now: DateTime<Utc>,
    lease: Duration,
) -> Result<Option<JobId>, QueueError> {
    let Some(id) = next_for(jobs, worker, limits)? else {
        return Ok(None);
    };
    let job = jobs
        .iter_mut()
        .find(|j| j.id == id)
        .expect("next_for returns an id from the slice");
    job.claim(worker.clone(), now, lease)?;
    Ok(Some(id))
}

/// Refuses a new job when `owner` already has `max_queued_per_user` jobs waiting. Running jobs do
/// not count: they are limited by `max_running_per_user` instead.
pub fn check_enqueue(jobs: &[Job], owner: UserId, limits: QueueLimits) -> Result<(), QueueError> {
    let queued = jobs
        .iter()
        .filter(|j| j.owner == owner && j.state == JobState::Queued)
        .count();
    if queued >= limits.max_queued_per_user as usize {
        return Err(QueueError::TooManyQueued {
            limit: limits.max_queued_per_user,
        });
    }
    Ok(())
}

/// Applies [`Job::expire_lease`] to every job and lists what changed, by job id.
pub fn expire_leases(jobs: &mut [Job], now: DateTime<Utc>) -> Vec<(JobId, LeaseOutcome)> {
    let mut changed: Vec<(JobId, LeaseOutcome)> = jobs
        .iter_mut()
        .filter_map(|j| j.expire_lease(now).map(|outcome| (j.id, outcome)))
        .collect();
    changed.sort_by_key(|(id, _)| *id);
    changed
}

/// Running jobs per owner. A job with a pending cancel still counts: its container holds a GPU
/// until the worker confirms.
fn running_per_owner(jobs: &[Job]) -> HashMap<UserId, u32> {
    let mut counts = HashMap::new();
    for job in jobs.iter().filter(|j| matches!(j.state, JobState::Running { .. })) {
        *counts.entry(job.owner).or_insert(0) += 1;
    }
    counts
}
