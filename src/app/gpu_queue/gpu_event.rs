//! `GpuEvent`: what the people following a GPU job hear about as it happens.

use std::sync::Arc;

use crate::domain::gpu_queue::JobId;

/// How many events a follower may fall behind before it is told it lagged.
pub(super) const EVENT_BACKLOG: usize = 512;

/// A change that followers of jobs hear about.
#[derive(Debug, Clone)]
pub enum GpuEvent {
    /// A chunk of a job's output was kept, at `seq` of its whole output.
    Output { job: JobId, seq: u64, bytes: Arc<[u8]> },
    /// Some job changed state (queued, claimed, cancelled, finished, re-queued, …).
    Changed,
}
