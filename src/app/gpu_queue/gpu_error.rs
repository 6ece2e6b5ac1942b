//! Why a GPU queue operation was refused, each with a stable code and words saying what to do.

use crate::domain::gpu_queue::{JobSpecError, QueueError};
use crate::ports::StoreError;
use crate::ports::gpu_jobs::GpuStoreError;

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum GpuError {
    /// A field of the job is wrong; the message names it and says what to change.
    #[error("{message}")]
    Invalid { field: &'static str, message: String },
    #[error("The GPU plane is turned off on this Nimbus; an admin turns it on in Settings → GPU.")]
    Disabled,
    /// No such job, or not the caller's.
    #[error("There is no such GPU job.")]
    NotFound,
    /// The queue's rules refused it (the limit of queued jobs, a finished job, a worker acting on a
    /// job it does not hold).
    #[error("{0}")]
    Refused(QueueError),
    /// A worker with this id is already registered.
    #[error("A GPU worker named {0} already exists; pick another name, or revoke that one first.")]
    WorkerExists(String),
    /// The job's output passed the cap; the job was failed.
    #[error("{0}")]
    LogCapReached(String),
    #[error("internal failure: {0}")]
    Internal(String),
}

impl GpuError {
    pub fn code(&self) -> &'static str {
        match self {
            Self::Invalid { .. } => "validation_failed",
            Self::Disabled => "gpu_disabled",
            Self::NotFound => "not_found",
            Self::Refused(QueueError::TooManyQueued { .. }) => "too_many_queued",
            Self::Refused(QueueError::AlreadyFinished { .. }) => "job_finished",
            Self::Refused(QueueError::WorkerBusy { .. }) => "worker_busy",
            Self::Refused(_) => "not_held",
            Self::LogCapReached(_) => "log_cap_reached",
            Self::WorkerExists(_) => "worker_exists",
            Self::Internal(_) => "internal",
        }
    }

    pub fn field(&self) -> Option<&'static str> {
        match self {
            Self::Invalid { field, .. } => Some(field),
            _ => None,
        }
    }
}

impl From<JobSpecError> for GpuError {
    fn from(e: JobSpecError) -> Self {
        Self::Invalid {
            field: e.field(),
            message: e.to_string(),
        }
    }
}

impl From<StoreError> for GpuError {
    fn from(e: StoreError) -> Self {
        Self::Internal(e.to_string())
    }
}

impl From<GpuStoreError> for GpuError {
    fn from(e: GpuStoreError) -> Self {
        match e {
            GpuStoreError::Refused(q) => Self::Refused(q),
            GpuStoreError::NoSuchJob(_) => Self::NotFound,
            GpuStoreError::LogCapReached { .. } => Self::LogCapReached(e.to_string()),
            GpuStoreError::Store(s) => s.into(),
        }
    }
}
