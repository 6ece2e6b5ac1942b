//! `ReadinessRecheck`: the background check that clears "unconfirmed". Every finished VM whose
//! readiness was not confirmed in time is asked again (guest agent, then TCP 22); the warning
//! goes once it answers.

use std::sync::Arc;

use async_trait::async_trait;
use chrono::{DateTime, Utc};

use super::runner::Runner;
use super::shared::Shared;
use super::steps;
use crate::app::jobs::{Job, JobReport};
use crate::domain::provisioning::Event;

pub struct ReadinessRecheck {
    shared: Arc<Shared>,
    runner: Arc<Runner>,
}

#[async_trait]
impl Job for ReadinessRecheck {
    fn name(&self) -> &'static str {
        "readiness_recheck"
    }

    fn title(&self) -> &'static str {
        "Re-check machines whose readiness was not confirmed"
    }

    async fn tick(&self, now: DateTime<Utc>) -> JobReport {
        match self.pass(now).await {
            Ok((0, 0)) => JobReport::quiet("No machine is waiting for its readiness to be confirmed."),
            Ok((checked, 0)) => JobReport::quiet(format!("{checked} unconfirmed machines checked; none answered yet.")),
            Ok((checked, confirmed)) => JobReport::changed(format!(
                "{checked} unconfirmed machines checked; {confirmed} answered and their warning was cleared."
            )),
            Err(e) => JobReport::failed(format!("Cannot list machines to re-check their readiness: {e}")),
        }
    }
}

impl ReadinessRecheck {
    pub fn new(shared: Arc<Shared>, runner: Arc<Runner>) -> Self {
        Self { shared, runner }
    }

    /// One pass at `now`: how many unconfirmed machines were checked, and how many answered.
    pub async fn pass(&self, now: DateTime<Utc>) -> Result<(usize, usize), crate::ports::StoreError> {
        if self.shared.configured_proxmox().is_none() {
            return Ok((0, 0));
        }
        let ready = self.shared.ports.store.ready_provisions().await?;
        let (mut checked, mut confirmed) = (0, 0);
        for mut record in ready.into_iter().filter(|r| r.provision.unconfirmed()) {
            if self.runner.is_running(record.id()) {
                continue;
            }
            checked += 1;
            if steps::answers(&self.shared, &record).await
                && self.runner.record_at(&mut record, Event::ReadinessConfirmed, now).await
            {
                tracing::info!(vm = %record.id(), "a machine confirmed its readiness late; warning cleared");
                confirmed += 1;
            }
        }
        Ok((checked, confirmed))
    }
}
