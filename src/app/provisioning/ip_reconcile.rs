//! The IP reconcile: Nimbus's pool converges on what Proxmox reports. Guests configured with a
//! pool address are adopted (or promote a LAN-host entry), holders not seen for
//! `VACATE_MISS_THRESHOLD` complete passes are vacated (the counter resets whenever the holder is
//! seen or the address changes hands), reservations whose provision ended or stopped renewing
//! expire, and conflicts are reported for admins rather than guessed at.

use std::collections::BTreeMap;

use std::sync::{Arc, Mutex};

use async_trait::async_trait;
use chrono::{DateTime, Utc};

use super::provision_error::ProvisionError;
use super::reconcile_report::ReconcileReport;
use super::shared::Shared;
use crate::app::jobs::{Job, JobReport};
use crate::domain::ids::InstanceId;
use crate::domain::ip_pool::{AddressState, LeasePolicy, ProvisionLiveness, ReconcilePolicy, reconcile};

/// The IP reconcile job; also run on demand by admins.
pub struct IpReconcile {
    shared: Arc<Shared>,
    last: Mutex<ReconcileReport>,
}

#[async_trait]
impl Job for IpReconcile {
    fn name(&self) -> &'static str {
        "ip_reconcile"
    }

    fn title(&self) -> &'static str {
        "Reconcile the IP pool with Proxmox"
    }

    async fn tick(&self, now: DateTime<Utc>) -> JobReport {
        match self.pass(now, &BTreeMap::new()).await {
            Ok(report) => report.job_report(),
            Err(e) => JobReport::failed(format!("The IP reconcile could not run: {e}")),
        }
    }
}

impl IpReconcile {
    pub fn new(shared: Arc<Shared>) -> Self {
        Self {
            shared,
            last: Mutex::new(ReconcileReport::default()),
        }
    }

    /// One pass at `now`.
    pub async fn run(&self, now: DateTime<Utc>) -> Result<ReconcileReport, ProvisionError> {
        self.pass(now, &BTreeMap::new()).await
    }

    /// One pass now, as an admin asks for it.
    pub async fn run_now(&self) -> Result<ReconcileReport, ProvisionError> {
        self.pass(self.shared.ports.clock.now(), &BTreeMap::new()).await
    }

    /// One reconcile pass against Proxmox and the LAN probe's answers.
    pub(super) async fn pass(
        &self,
        now: DateTime<Utc>,
        probes: &BTreeMap<std::net::Ipv4Addr, crate::domain::ip_pool::Probe>,
    ) -> Result<ReconcileReport, ProvisionError> {
        let Some(proxmox) = self.shared.configured_proxmox() else {
            return Ok(ReconcileReport::default());
        };
        let snapshot = self
            .shared
            .verify
            .snapshot(&self.shared.cluster, proxmox.as_ref(), now, chrono::Duration::zero())
            .await
            .map_err(|e| {
                ProvisionError::ProxmoxUnavailable(format!("Proxmox could not be read for the IP reconcile: {e}"))
            })?;
        let rows = self.shared.ports.pool.pool_rows().await?;
        let unsettled = self.shared.ports.store.unsettled_provisions().await?;
        let mut provisions: BTreeMap<InstanceId, ProvisionLiveness> = BTreeMap::new();
        for row in &rows {
            if let AddressState::Reserved(r) = &row.state {
                provisions.insert(r.provision, ProvisionLiveness::Ended);
            }
        }
        for record in &unsettled {
            provisions.insert(record.id(), ProvisionLiveness::Active);
        }
        for run in self.shared.baking.lock().unwrap_or_else(|p| p.into_inner()).keys() {
            provisions.insert(*run, ProvisionLiveness::Active);
        }
        let policy = ReconcilePolicy {
            miss_threshold: self.shared.settings().vacate_after.unwrap_or(u32::MAX),
            lease: LeasePolicy {
                ttl: chrono::Duration::from_std(self.shared.settings().reservation_ttl)
                    .unwrap_or(chrono::Duration::MAX),
                process_started_at: self.shared.started_at,
            },
        };
        let plan = reconcile(&rows, &snapshot, probes, &provisions, now, &policy);
        let applied = self
            .shared
            .ports
            .pool
            .apply_reconcile(&rows, &plan.actions, now)
            .await?;
        for conflict in &plan.conflicts {
            tracing::warn!(?conflict, "IP reconcile found a conflict it will not fix on its own");
        }
        if applied > 0 {
            tracing::info!(applied, "IP reconcile changed the pool");
        }
        let report = ReconcileReport {
            at: Some(now),
            applied,
            unchanged: plan.unchanged,
            conflicts: plan.conflicts,
            partial: !snapshot.complete,
        };
        *self.last.lock().unwrap_or_else(|p| p.into_inner()) = report.clone();
        Ok(report)
    }

    /// The last pass's report.
    pub fn last(&self) -> ReconcileReport {
        self.last.lock().unwrap_or_else(|p| p.into_inner()).clone()
    }
}
