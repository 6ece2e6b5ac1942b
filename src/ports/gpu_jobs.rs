//! The `GpuJobStore` port: the GPU training-job queue and the jobs' logs, kept durably. Every move
//! of a job is one atomic step of the store (load, apply the domain rule, save), so two workers
//! asking at once can never be handed the same job, and a refused move changes nothing. Logs are
//! kept as raw bytes in numbered chunks: a chunk posted twice is kept once, chunks arriving out of
//! order are read back in order.

use async_trait::async_trait;
use chrono::{DateTime, Duration, Utc};

use super::store::StoreError;
use crate::domain::gpu_queue::{
    CancelOutcome, HeartbeatReply, Job, JobId, JobSpec, LeaseOutcome, QueueError, QueueLimits, ReportEffect,
    RunOutcome, WorkerId,
};
use crate::domain::ids::{InstanceId, UserId};

/// Why a queue operation did not happen.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum GpuStoreError {
    /// The domain's rules refused it (in words for the caller).
    #[error("{0}")]
    Refused(#[from] QueueError),
    /// No job has this id.
    #[error("there is no GPU job {0}")]
    NoSuchJob(JobId),
    /// The job's log reached the cap; nothing more is kept.
    #[error("job {id} has written more than {cap} bytes of output, the most Nimbus keeps")]
    LogCapReached { id: JobId, cap: u64 },
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// What a log chunk did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LogAccepted {
    /// The first chunk number not yet held (the next one the worker should send).
    pub next_seq: u64,
    /// `false` for a chunk already held (a retried post) or for output of a finished job.
    pub kept: bool,
    /// Where a kept chunk sits in the job's whole output (runs after the first start after the
    /// earlier runs' output).
    pub stored_seq: u64,
}

/// A GPU job queue. Every method may fail with `GpuStoreError::Store`; the others are listed.
#[cfg_attr(test, mockall::automock)]
#[async_trait]
pub trait GpuJobStore: Send + Sync {
    /// Queues a job for `owner`, numbered after every earlier one, unless they already have their
    /// limit of queued jobs (checked in the same write). Errors: `Refused(TooManyQueued)`.
    async fn enqueue(
        &self,
        owner: UserId,
        spec: JobSpec,
        vm: Option<InstanceId>,
        limits: QueueLimits,
        now: DateTime<Utc>,
    ) -> Result<Job, GpuStoreError>;

    async fn job(&self, id: JobId) -> Result<Option<Job>, StoreError>;

    /// Every job of `owner` (all jobs for `None`), newest first.
    async fn jobs(&self, owner: Option<UserId>) -> Result<Vec<Job>, StoreError>;

    /// Hands the next job (FIFO, within the per-user running limit) to `worker` until
    /// `now + lease`, or `None` when nothing is eligible. Errors: `Refused(WorkerBusy)`.
    async fn claim(
        &self,
        worker: &WorkerId,
        limits: QueueLimits,
        now: DateTime<Utc>,
        lease: Duration,
    ) -> Result<Option<Job>, GpuStoreError>;

    /// Renews `worker`'s lease on job `id`. Errors: `NoSuchJob`, `Refused(NotRunning | NotYourJob)`.
    async fn heartbeat(
        &self,
        id: JobId,
        worker: &WorkerId,
        now: DateTime<Utc>,
        lease: Duration,
    ) -> Result<HeartbeatReply, GpuStoreError>;

    /// Errors: `NoSuchJob`, `Refused(AlreadyFinished)`.
    async fn cancel(&self, id: JobId, now: DateTime<Utc>) -> Result<CancelOutcome, GpuStoreError>;

    /// Records how the run ended, and where it wrote its results (kept only when the report is).
    /// Errors: `NoSuchJob`, `Refused(NotRunning | NotYourJob)`.
    async fn report(
        &self,
        id: JobId,
        worker: &WorkerId,
        outcome: RunOutcome,
        artifact: Option<String>,
        now: DateTime<Utc>,
    ) -> Result<ReportEffect, GpuStoreError>;

    /// Takes back every job `worker` holds (its token was revoked): re-queued in their places, or
    /// cancelled when a cancel was pending. What changed, by job.
    async fn release_worker(
        &self,
        worker: &WorkerId,
        now: DateTime<Utc>,
    ) -> Result<Vec<(JobId, LeaseOutcome)>, StoreError>;

    /// Keeps chunk `seq` of job `id`'s output (once; a chunk already held is not kept again).
    /// Errors: `NoSuchJob`, `Refused(NotRunning | NotYourJob)`, `LogCapReached` when the output
    /// would pass `cap` bytes.
    async fn append_log(
        &self,
        id: JobId,
        worker: &WorkerId,
        seq: u64,
        bytes: &[u8],
        cap: u64,
    ) -> Result<LogAccepted, GpuStoreError>;

    /// Job `id`'s whole output, its chunks in order from `from_seq` on, with their numbers.
    async fn log_chunks(&self, id: JobId, from_seq: u64) -> Result<Vec<(u64, Vec<u8>)>, StoreError>;

    /// Applies the lease rule to every running job at `now`; what changed, by job.
    async fn expire_leases(&self, now: DateTime<Utc>) -> Result<Vec<(JobId, LeaseOutcome)>, StoreError>;

    /// Drops the output of jobs that finished before `before`; how many chunks went.
    async fn prune_logs(&self, before: DateTime<Utc>) -> Result<u64, StoreError>;
}
