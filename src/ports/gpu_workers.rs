//! The `GpuWorkerStore` port: the GPU workers an admin added, each with the digest of its token
//! (the token itself is shown once and never stored), when it was last heard from, and whether it
//! is the demo's stand-in.

use async_trait::async_trait;
use chrono::{DateTime, Utc};

use super::store::StoreError;
use crate::domain::gpu_queue::WorkerId;
use crate::domain::ids::UserId;

/// One registered worker.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WorkerRecord {
    pub id: WorkerId,
    /// SHA-256 of the worker's token.
    pub token_digest: [u8; 32],
    pub created_at: DateTime<Utc>,
    /// The admin who added it (`None` for the demo's stand-in).
    pub created_by: Option<UserId>,
    pub last_seen_at: Option<DateTime<Utc>>,
    /// The demo's stand-in GX10 (no real GPU).
    pub stand_in: bool,
}

/// Why a worker could not be added.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum WorkerStoreError {
    /// A worker with this id is already registered.
    #[error("a GPU worker named {0} already exists")]
    Exists(WorkerId),
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// The registered GPU workers. Every method may fail with `StoreError::Unavailable`.
#[cfg_attr(test, mockall::automock)]
#[async_trait]
pub trait GpuWorkerStore: Send + Sync {
    /// Registers a worker. Errors: `Exists` when its id is taken.
    async fn add_worker(&self, worker: WorkerRecord) -> Result<(), WorkerStoreError>;

    /// Every registered worker, by id.
    async fn workers(&self) -> Result<Vec<WorkerRecord>, StoreError>;

    /// Forgets a worker (its token stops working); `false` when there was none.
    async fn remove_worker(&self, id: &WorkerId) -> Result<bool, StoreError>;

    /// Records when the worker was last heard from.
    async fn touch_worker(&self, id: &WorkerId, at: DateTime<Utc>) -> Result<(), StoreError>;
}
