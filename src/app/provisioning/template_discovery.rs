//! `TemplateDiscovery`: asks the cluster for its templates every few minutes, so a template an
//! admin adds is offered without a restart, and one removed is no longer chosen. Provisioning
//! also refreshes on demand when a request names an OS no node has.

use std::sync::Arc;

use async_trait::async_trait;
use chrono::{DateTime, Utc};

use super::shared::Shared;
use crate::app::jobs::{Job, JobReport};

pub struct TemplateDiscovery {
    shared: Arc<Shared>,
}

#[async_trait]
impl Job for TemplateDiscovery {
    fn name(&self) -> &'static str {
        "template_discovery"
    }

    fn title(&self) -> &'static str {
        "Discover the OS templates on the cluster"
    }

    /// Discovery has no time in it: what the cluster holds now is the answer.
    async fn tick(&self, _now: DateTime<Utc>) -> JobReport {
        if self.shared.configured_proxmox().is_none() {
            return JobReport::quiet("No Proxmox cluster is configured.");
        }
        let before = self.shared.templates();
        match self.shared.refresh_templates().await {
            Ok(count) => {
                let after = self.shared.templates();
                let line = format!("{count} templates found, for {} OSes.", after.os_count());
                if after == before {
                    JobReport::quiet(line)
                } else {
                    JobReport::changed(line)
                }
            }
            Err(e) => JobReport::failed(format!(
                "Proxmox could not be read for templates; the last list is kept: {e}"
            )),
        }
    }
}

impl TemplateDiscovery {
    pub fn new(shared: Arc<Shared>) -> Self {
        Self { shared }
    }
}
