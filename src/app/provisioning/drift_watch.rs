//! Drift detection: a finished VM is compared with what Proxmox reports. One that vanished from
//! the cluster, moved to another node (followed: the record takes the new node), or was
//! configured with another address gets a drift mark and a note the owner and admins see. Nimbus
//! never "repairs" a VM it did not just build: it reports.

use std::collections::BTreeMap;
use std::sync::Arc;

use async_trait::async_trait;
use chrono::{DateTime, Utc};

use super::provision_error::ProvisionError;
use super::runner::Runner;
use super::shared::Shared;
use crate::app::jobs::{Job, JobReport};
use crate::ports::proxmox::{ClusterResource, ResourceKind};

/// The note for each kind of drift.
fn note(drift: &str, detail: &str) -> String {
    match drift {
        "vanished" => {
            "The VM no longer exists in Proxmox: it was removed outside Nimbus. Delete it here to free its address."
                .to_owned()
        }
        "address_changed" => format!(
            "The VM is now configured with another address ({detail}) than Nimbus gave it; SSH details here may be wrong."
        ),
        _ => detail.to_owned(),
    }
}

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
        let Some(proxmox) = &self.shared.ports.proxmox else {
            return Ok(0);
        };
        let unavailable = |e: crate::ports::ProxmoxError| {
            ProvisionError::ProxmoxUnavailable(format!("Proxmox could not be read for drift detection: {e}"))
        };
        let guests: BTreeMap<_, _> = proxmox
            .cluster_resources(Some(ResourceKind::Vm))
            .await
            .map_err(unavailable)?
            .into_iter()
            .filter_map(|r| match r {
                ClusterResource::Guest(g) => Some((g.vmid, g.node)),
                _ => None,
            })
            .collect();
        let snapshot = self
            .shared
            .verify
            .snapshot(proxmox.as_ref(), now, chrono::Duration::zero())
            .await
            .map_err(unavailable)?;
        let mut changed = 0;
        for mut record in self.shared.ports.store.ready_provisions().await? {
            if self.runner.is_running(record.id()) {
                continue;
            }
            let Some(vmid) = record.provision.held.vmid else {
                continue;
            };
            let before = (record.drift.clone(), record.provision.held.node.clone());
            let mut notes = Vec::new();
            match guests.get(&vmid) {
                None => record.drift = Some("vanished".into()),
                Some(node) => {
                    if record.provision.held.node.as_ref() != Some(node) {
                        notes.push(format!(
                            "The VM moved to node {node} (migrated in Proxmox); Nimbus follows it there."
                        ));
                        record.provision.held.node = Some(node.clone());
                    }
                    let configured = snapshot.claims.iter().find(|c| c.vmid == vmid).map(|c| c.addr);
                    record.drift = match configured {
                        Some(addr) if Some(addr) != record.provision.held.ip => {
                            notes.push(note("address_changed", &addr.to_string()));
                            Some("address_changed".into())
                        }
                        _ => None,
                    };
                }
            }
            if record.drift.as_deref() == Some("vanished") && before.0.as_deref() != Some("vanished") {
                notes.push(note("vanished", ""));
            }
            if (record.drift.clone(), record.provision.held.node.clone()) == before {
                continue;
            }
            if record.drift.is_none() && before.0.is_some() {
                notes.push("The VM matches Proxmox again.".into());
            }
            for n in notes {
                tracing::warn!(vm = %record.id(), note = %n, "drift");
                // A soft note on a finished VM: the state machine keeps notes for its owner.
                record.provision.notes.push(n);
            }
            record.updated_at = now;
            self.shared.ports.store.save_provision(&record).await?;
            self.shared.hub.publish(&record);
            changed += 1;
        }
        Ok(changed)
    }
}
