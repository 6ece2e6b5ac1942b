//! The IP reconcile: Nimbus's pool converges on what Proxmox reports. Guests configured with a
//! pool address are adopted (or promote a LAN-host entry), holders not seen for
//! `VACATE_MISS_THRESHOLD` complete passes are vacated (the counter resets whenever the holder is
//! seen or the address changes hands), reservations whose provision ended or stopped renewing
//! expire, and conflicts are reported for admins rather than guessed at.

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};

use super::Provisioner;
use super::errors::ProvisionError;
use crate::domain::ids::InstanceId;
use crate::domain::ip_pool::{AddressState, Conflict, LeasePolicy, ProvisionLiveness, ReconcilePolicy, reconcile};

/// What one pass did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ReconcileReport {
    pub at: Option<DateTime<Utc>>,
    /// Rows changed (adopted, touched, vacated, expired, ...).
    pub applied: usize,
    pub unchanged: usize,
    pub conflicts: Vec<Conflict>,
    /// Some guest's config could not be read: no miss was counted this pass.
    pub partial: bool,
}

impl Provisioner {
    /// One reconcile pass against Proxmox.
    pub async fn reconcile_ips(&self) -> Result<ReconcileReport, ProvisionError> {
        self.reconcile_with(&BTreeMap::new()).await
    }

    /// One reconcile pass against Proxmox and the LAN probe's answers.
    pub(super) async fn reconcile_with(
        &self,
        probes: &BTreeMap<std::net::Ipv4Addr, crate::domain::ip_pool::Probe>,
    ) -> Result<ReconcileReport, ProvisionError> {
        let Some(proxmox) = &self.ports.proxmox else {
            return Ok(ReconcileReport::default());
        };
        let now = self.ports.clock.now();
        let snapshot = self
            .verify
            .snapshot(proxmox.as_ref(), now, chrono::Duration::zero())
            .await
            .map_err(|e| {
                ProvisionError::ProxmoxUnavailable(format!("Proxmox could not be read for the IP reconcile: {e}"))
            })?;
        let rows = self.ports.pool.pool_rows().await?;
        let unsettled = self.ports.store.unsettled_provisions().await?;
        let mut provisions: BTreeMap<InstanceId, ProvisionLiveness> = BTreeMap::new();
        for row in &rows {
            if let AddressState::Reserved(r) = &row.state {
                provisions.insert(r.provision, ProvisionLiveness::Ended);
            }
        }
        for record in &unsettled {
            provisions.insert(record.id(), ProvisionLiveness::Active);
        }
        let policy = ReconcilePolicy {
            miss_threshold: self.settings.vacate_after.unwrap_or(u32::MAX),
            lease: LeasePolicy {
                ttl: chrono::Duration::from_std(self.settings.reservation_ttl).unwrap_or(chrono::Duration::MAX),
                process_started_at: self.started_at,
            },
        };
        let plan = reconcile(&rows, &snapshot, probes, &provisions, now, &policy);
        let applied = self.ports.pool.apply_reconcile(&rows, &plan.actions, now).await?;
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
        *self.last_reconcile.lock().unwrap_or_else(|p| p.into_inner()) = report.clone();
        Ok(report)
    }

    /// The last pass's report.
    pub fn last_reconcile(&self) -> ReconcileReport {
        self.last_reconcile.lock().unwrap_or_else(|p| p.into_inner()).clone()
    }
}
