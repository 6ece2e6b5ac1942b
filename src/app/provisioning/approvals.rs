//! The approval queue: requests that wait for an admin (the xl tier, or a tier above a member's
//! allowance). Approving checks the owner's quota in the same write that records the decision
//! and that a node has room, then starts the build; denying records the admin's reason, which
//! the member sees. Each decision is written to the audit log.

use std::sync::Arc;

use super::placement;
use super::provision_error::ProvisionError;
use super::provision_form::{KeyChoice, Request};
use super::runner::Runner;
use super::shared::Shared;
use super::submissions::quota_message;
use super::views::{Views, VmState};
use crate::app::accounts::Caller;
use crate::app::quotas::limits_with_source;
use crate::domain::audit::AuditAction;
use crate::domain::hostname::Hostname;
use crate::domain::ids::InstanceId;
use crate::domain::provisioning::{Event, Phase};
use crate::ports::provisions::{DecideError, KeyOrigin, ProvisionRecord};

/// Longest reason an admin may give for a denial.
pub const MAX_DENIAL: usize = 500;

/// The approval queue and an admin's decisions.
pub struct Approvals {
    shared: Arc<Shared>,
    runner: Arc<Runner>,
    views: Arc<Views>,
}

impl Approvals {
    pub fn new(shared: Arc<Shared>, runner: Arc<Runner>, views: Arc<Views>) -> Self {
        Self { shared, runner, views }
    }

    /// Requests waiting for approval, oldest first (admins only).
    pub async fn pending(&self, caller: &Caller) -> Result<Vec<VmState>, ProvisionError> {
        if !caller.is_admin() {
            return Err(ProvisionError::AdminOnly);
        }
        let mut waiting: Vec<ProvisionRecord> = self
            .shared
            .ports
            .store
            .all_provisions()
            .await?
            .into_iter()
            .filter(|r| *r.provision.phase() == Phase::PendingApproval)
            .collect();
        waiting.sort_by_key(|r| r.provision.requested_at());
        let mut out = Vec::with_capacity(waiting.len());
        for r in waiting {
            out.push(self.views.view(Arc::new(r)).await);
        }
        Ok(self.views.with_owners(out).await)
    }

    async fn undecided(&self, caller: &Caller, id: InstanceId) -> Result<ProvisionRecord, ProvisionError> {
        if !caller.is_admin() {
            return Err(ProvisionError::AdminOnly);
        }
        let record = self.shared.owned(caller, id).await?;
        if *record.provision.phase() != Phase::PendingApproval {
            return Err(already_decided());
        }
        Ok(record)
    }

    /// Approves a request: the owner's quota and the cluster's capacity are checked, then the
    /// machine is built like any other.
    pub async fn approve(&self, caller: &Caller, id: InstanceId) -> Result<VmState, ProvisionError> {
        let mut record = self.undecided(caller, id).await?;
        let owner = self
            .shared
            .ports
            .accounts
            .get_user(record.owner())
            .await
            .map_err(|e| ProvisionError::Internal(e.to_string()))?
            .ok_or(ProvisionError::NotFound)?
            .user;
        let request = self.request_of(&record)?;
        placement::placeable(&self.shared, &request, false, caller.is_admin()).await?;
        let (limits, _) = limits_with_source(self.shared.ports.quotas.as_ref(), &owner).await?;
        let now = self.shared.ports.clock.now();
        record
            .provision
            .apply(Event::Approve, now)
            .map_err(|_| already_decided())?;
        record.review.decided_by = Some(caller.user.id);
        record.review.decided_at = Some(now);
        record.updated_at = now;
        match self.shared.ports.store.decide_provision(&record, limits).await {
            Ok(()) => {}
            Err(DecideError::NotPending) => return Err(already_decided()),
            Err(DecideError::OverQuota(breach)) => {
                return Err(ProvisionError::ApprovalOverQuota {
                    limit: breach.limit_name(),
                    message: quota_message(&breach, Some(&owner)),
                });
            }
            Err(DecideError::Store(e)) => return Err(e.into()),
        }
        self.audit_decision(caller, &record, AuditAction::VmApproved, String::new())
            .await;
        self.shared.hub.publish(&record);
        self.runner.spawn(id);
        Ok(self.views.view(Arc::new(record)).await)
    }

    /// Denies a request with a reason the member sees.
    pub async fn deny(&self, caller: &Caller, id: InstanceId, reason: &str) -> Result<VmState, ProvisionError> {
        let reason = reason.trim();
        if reason.is_empty() || reason.chars().count() > MAX_DENIAL {
            return Err(ProvisionError::invalid(
                "reason",
                format!("Say why in 1 to {MAX_DENIAL} characters; the member sees it."),
            ));
        }
        let mut record = self.undecided(caller, id).await?;
        let now = self.shared.ports.clock.now();
        record
            .provision
            .apply(
                Event::Deny {
                    reason: reason.to_owned(),
                },
                now,
            )
            .map_err(|_| already_decided())?;
        record.review.decided_by = Some(caller.user.id);
        record.review.decided_at = Some(now);
        record.updated_at = now;
        record.finished_at = Some(now);
        let generated = (record.key.origin == KeyOrigin::Generated)
            .then(|| record.key.key_id.take())
            .flatten();
        match self.shared.ports.store.decide_provision(&record, None).await {
            Ok(()) => {}
            Err(DecideError::NotPending | DecideError::OverQuota(_)) => return Err(already_decided()),
            Err(DecideError::Store(e)) => return Err(e.into()),
        }
        if let Some(key) = generated {
            self.shared.ports.vault.discard(record.owner(), key).await;
        }
        self.audit_decision(caller, &record, AuditAction::VmDenied, reason.to_owned())
            .await;
        Ok(self.views.view(Arc::new(record)).await)
    }

    /// The checked request a stored spec stands for (to check capacity at approval).
    fn request_of(&self, record: &ProvisionRecord) -> Result<Request, ProvisionError> {
        let spec = record.provision.spec();
        let gone =
            |what: &str| ProvisionError::Conflict(format!("The request's {what} is no longer offered; deny it."));
        Ok(Request {
            hostname: Hostname::parse(spec.hostname.as_str()).map_err(|_| gone("hostname"))?,
            tier: self
                .shared
                .tiers
                .find(spec.tier.as_str())
                .map_err(|_| gone("tier"))?
                .clone(),
            os: self.shared.images.find(&spec.os).map_err(|_| gone("OS"))?.clone(),
            key: KeyChoice::Default,
            public_tunnel: spec.expose_ssh,
            reason: record.review.reason.clone(),
        })
    }

    async fn audit_decision(&self, caller: &Caller, record: &ProvisionRecord, action: AuditAction, detail: String) {
        let spec = record.provision.spec();
        let entry = self
            .shared
            .ports
            .audit
            .entry(action)
            .by(&caller.user)
            .on(
                "vm",
                record.id(),
                format!("{} ({})", spec.hostname.as_str(), spec.tier.as_str()),
            )
            .from(caller.ip.as_deref())
            .detail(detail);
        self.shared.ports.audit.record(entry).await;
    }
}

fn already_decided() -> ProvisionError {
    ProvisionError::Conflict("This request was already approved, denied or withdrawn.".into())
}
