//! `TemplateRetirement`: the job that destroys templates a rebuild replaced, once no VM depends
//! on them any more (a linked clone keeps its template).

use std::sync::Arc;

use async_trait::async_trait;
use chrono::{DateTime, Utc};

use super::Bootstrap;
use crate::app::jobs::{Job, JobReport};

pub struct TemplateRetirement(pub Arc<Bootstrap>);

#[async_trait]
impl Job for TemplateRetirement {
    fn name(&self) -> &'static str {
        "template_retirement"
    }

    fn title(&self) -> &'static str {
        "Destroy replaced templates nothing depends on any more"
    }

    async fn tick(&self, _now: DateTime<Utc>) -> JobReport {
        if self.0.is_running() || !self.0.has_cluster() {
            return JobReport::quiet("Nothing to do now.");
        }
        let (destroyed, kept) = self.0.retire_pending().await;
        let line = format!(
            "{destroyed} retired templates destroyed; {} kept because VMs still depend on them.",
            kept.len()
        );
        if destroyed > 0 {
            JobReport::changed(line)
        } else {
            JobReport::quiet(line)
        }
    }
}
