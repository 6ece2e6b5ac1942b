//! Drift detection: each finished VM is compared with what Proxmox reports. The job only looks
//! and records: what a look means (vanished, moved and followed, configured with another
//! address, matching again) is decided by the domain's drift rule, and recorded through the
//! state machine.

use std::collections::BTreeMap;
use std::sync::Arc;

use async_trait::async_trait;
use chrono::{DateTime, Utc};

use super::provision_error::ProvisionError;
use super::runner::Runner;
use super::shared::Shared;
use crate::app::jobs::{Job, JobReport};
use crate::domain::provisioning::{Sighting, find_drift};
use crate::ports::proxmox::ClusterResource;

/// The drift detection job.
pub struct DriftWatch {
    shared: Arc<Shared>,
    runner: Arc<Runner>,
}

#[async_trait]
impl Job for DriftWatch {
    fn name(&self) -> &'static str {
        "drift_watch"
    }

    fn title(&self) -> &'static str {
        "Compare finished machines with Proxmox"
    }

    async fn tick(&self, now: DateTime<Utc>) -> JobReport {
        match self.pass(now).await {
            Ok(0) => JobReport::quiet("Every finished machine matches Proxmox."),
            Ok(1) => JobReport::warning("1 machine changed outside Nimbus; its owner sees a note."),
            Ok(n) => JobReport::warning(format!("{n} machines changed outside Nimbus; their owners see a note.")),
            Err(e) => JobReport::failed(format!("Drift detection could not run: {e}")),
        }
    }
}

impl DriftWatch {
    pub fn new(shared: Arc<Shared>, runner: Arc<Runner>) -> Self {
        Self { shared, runner }
    }

    /// One pass over the finished VMs at `now`; returns how many records changed.
    pub async fn pass(&self, now: DateTime<Utc>) -> Result<usize, ProvisionError> {
        let Some(proxmox) = self.shared.configured_proxmox() else {
            return Ok(0);
        };
        let unavailable = |e: crate::ports::ProxmoxError| {
            ProvisionError::ProxmoxUnavailable(format!("Proxmox could not be read for drift detection: {e}"))
        };
        // A fresh read: what the job records must not rest on an old picture.
        let read = self.shared.cluster.read_fresh().await.map_err(unavailable)?;
        let guests: BTreeMap<_, _> = read
            .value
            .iter()
            .filter_map(|r| match r {
                ClusterResource::Guest(g) => Some((g.vmid, g.node.clone())),
                _ => None,
            })
            .collect();
        let snapshot = self
            .shared
            .verify
            .snapshot(&self.shared.cluster, proxmox.as_ref(), now, chrono::Duration::zero())
            .await
            .map_err(unavailable)?;
        let mut changed = 0;
        for mut record in self.shared.ports.store.ready_provisions().await? {
            if self.runner.is_running(record.id()) {
                continue;
            }
            let Some(vmid) = record.provision.held().vmid else {
                continue;
            };
            let seen = match guests.get(&vmid) {
                None => Sighting::Absent,
                Some(node) => Sighting::Present {
                    node: node.clone(),
                    address: snapshot.claims.iter().find(|c| c.vmid == vmid).map(|c| c.addr),
                },
            };
            let Some(found) = find_drift(&record.provision, record.drift, &seen) else {
                continue;
            };
            if let Err(e) = record.provision.apply(found.event(), now) {
                tracing::warn!(vm = %record.id(), error = %e, "cannot record drift");
                continue;
            }
            for note in &found.notes {
                tracing::warn!(vm = %record.id(), %note, "drift");
            }
            record.drift = found.drift;
            record.updated_at = now;
            self.shared.ports.store.save_provision(&record).await?;
            self.shared.hub.publish(&record);
            changed += 1;
        }
        Ok(changed)
    }
}
