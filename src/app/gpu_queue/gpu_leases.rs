//! `GpuLeases`: the clock-driven job that deals with GPU workers that stopped answering (a job
//! whose lease ran out goes back to the front of the queue once, then fails with a reason) and
//! drops the output of jobs finished longer ago than the retention.

use std::sync::Arc;

use async_trait::async_trait;
use chrono::{DateTime, Utc};

use super::GpuQueue;
use crate::app::jobs::{Job, JobReport};
use crate::domain::gpu_queue::LeaseOutcome;

pub struct GpuLeases {
    queue: Arc<GpuQueue>,
}

impl GpuLeases {
    pub fn new(queue: Arc<GpuQueue>) -> Self {
        Self { queue }
    }
}

#[async_trait]
impl Job for GpuLeases {
    fn name(&self) -> &'static str {
        "gpu_leases"
    }

    fn title(&self) -> &'static str {
        "Re-queue GPU jobs whose worker stopped answering; prune old job output"
    }

    async fn tick(&self, now: DateTime<Utc>) -> JobReport {
        let store = &self.queue.store;
        let changed = match store.expire_leases(now).await {
            Ok(changed) => changed,
            Err(e) => return JobReport::failed(format!("Cannot read the GPU queue: {e}")),
        };
        if !changed.is_empty() {
            self.queue.changed();
        }
        let retention = super::chrono(self.queue.settings().log_retention);
        let pruned = match store.prune_logs(now - retention).await {
            Ok(n) => n,
            Err(e) => return JobReport::failed(format!("Cannot prune old GPU job output: {e}")),
        };
        let count = |o: LeaseOutcome| changed.iter().filter(|(_, x)| *x == o).count();
        let (requeued, failed, cancelled) = (
            count(LeaseOutcome::Requeued),
            count(LeaseOutcome::Failed),
            count(LeaseOutcome::Cancelled),
        );
        let pruned_words = if pruned > 0 {
            format!(" {pruned} chunks of old output pruned.")
        } else {
            String::new()
        };
        if changed.is_empty() {
            return JobReport::quiet(format!("Every running GPU job's worker is answering.{pruned_words}"));
        }
        let summary = format!(
            "{} GPU jobs lost their worker: {requeued} re-queued, {failed} failed after their retry, {cancelled} cancelled as asked.{pruned_words}",
            changed.len()
        );
        if failed > 0 {
            JobReport::warning(summary)
        } else {
            JobReport::changed(summary)
        }
    }
}
