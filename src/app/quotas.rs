//! Member quotas: the limits that apply to someone (their override, else the admin's defaults,
//! else the built-in defaults; admins have none), what they use and have left, and the admin's
//! edits, each written to the audit log. The check itself happens in the provision store's write
//! that admits a machine (see `ProvisionStore::create_provision`).

use std::collections::BTreeMap;
use std::sync::Arc;

use super::accounts::Caller;
use super::audit::Auditor;
use crate::domain::audit::AuditAction;
use crate::domain::ids::UserId;
use crate::domain::quota::{Headroom, QuotaError, QuotaLimits, Usage};
use crate::domain::role::Role;
use crate::ports::accounts::User;
use crate::ports::{AccountStore, ProvisionStore, QuotaStore, StoreError};

/// The limits a fresh Nimbus starts with, until an admin saves defaults of their own.
pub fn builtin_defaults() -> QuotaLimits {
    QuotaLimits {
        max_vms: Some(10),
        max_vcpus: Some(16),
        max_memory_mib: Some(32 * 1024),
        max_disk_gib: Some(500),
        approval_above: None,
        max_pending: Some(3),
    }
}

/// One person's quota as an admin or the member sees it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QuotaStatus {
    /// `None` for admins: they are not limited.
    pub limits: Option<QuotaLimits>,
    /// The limits are the member's own rather than the defaults.
    pub custom: bool,
    pub usage: Usage,
    pub headroom: Headroom,
}

/// A member's row on the admin's quota page.
#[derive(Debug, Clone)]
pub struct MemberQuota {
    pub user: User,
    pub status: QuotaStatus,
}

/// A refused or failed quota operation.
#[derive(Debug, Clone, thiserror::Error)]
pub enum QuotasError {
    #[error("{0}")]
    Invalid(QuotaError),
    #[error("There is no such account.")]
    NoSuchUser,
    #[error("Admins have no quota; only members are limited.")]
    AdminHasNoQuota,
    #[error("Only admins can change quotas.")]
    AdminOnly,
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// Resolves and edits quotas.
pub struct Quotas {
    store: Arc<dyn QuotaStore>,
    provisions: Arc<dyn ProvisionStore>,
    accounts: Arc<dyn AccountStore>,
    audit: Arc<Auditor>,
}

impl Quotas {
    pub fn new(
        store: Arc<dyn QuotaStore>,
        provisions: Arc<dyn ProvisionStore>,
        accounts: Arc<dyn AccountStore>,
        audit: Arc<Auditor>,
    ) -> Self {
        Self {
            store,
            provisions,
            accounts,
            audit,
        }
    }

    /// The defaults in force.
    pub async fn defaults(&self) -> Result<QuotaLimits, StoreError> {
        Ok(self.store.quota_defaults().await?.unwrap_or_else(builtin_defaults))
    }

    /// The caller's own quota, with what they use and have left. Errors: [`QuotasError::Store`].
    pub async fn mine(&self, caller: &Caller) -> Result<QuotaStatus, QuotasError> {
        let usage = self.provisions.usage_of(caller.user.id).await?;
        let (limits, custom) = limits_with_source(self.store.as_ref(), &caller.user).await?;
        Ok(status(limits, custom, usage))
    }

    /// Every account with its quota and usage, and the defaults (admins only).
    pub async fn overview(&self, caller: &Caller) -> Result<(QuotaLimits, Vec<MemberQuota>), QuotasError> {
        admin(caller)?;
        let defaults = self.defaults().await?;
        let overrides: BTreeMap<UserId, QuotaLimits> = self.store.quota_overrides().await?.into_iter().collect();
        let mut usage: BTreeMap<UserId, Usage> = BTreeMap::new();
        for r in self.provisions.all_provisions().await? {
            let p = &r.provision;
            if p.phase().counts_toward_quota() {
                let used = usage.entry(p.spec().owner).or_default();
                *used = used.plus(Usage::one(p.spec().vcpus, p.spec().memory_mib, p.spec().disk_gib));
            }
        }
        let users = self
            .accounts
            .list_users()
            .await
            .map_err(|e| StoreError::Unavailable(e.to_string()))?;
        let rows = users
            .into_iter()
            .map(|user| {
                let own = overrides.get(&user.id).cloned();
                let custom = own.is_some();
                let limits = (user.role != Role::Admin).then(|| own.unwrap_or_else(|| defaults.clone()));
                let used = usage.get(&user.id).copied().unwrap_or_default();
                MemberQuota {
                    status: status(limits, custom, used),
                    user,
                }
            })
            .collect();
        Ok((defaults, rows))
    }

    /// Replaces the defaults every member without limits of their own gets.
    pub async fn set_defaults(&self, caller: &Caller, limits: QuotaLimits) -> Result<QuotaLimits, QuotasError> {
        admin(caller)?;
        self.store.set_quota_defaults(&limits).await?;
        let entry = self
            .audit
            .entry(AuditAction::QuotaChanged)
            .by(&caller.user)
            .from(caller.ip.as_deref())
            .detail(format!("defaults: {}", describe(&limits)));
        self.audit.record(entry).await;
        Ok(limits)
    }

    /// Gives a member limits of their own (`Some`), or puts them back on the defaults (`None`).
    pub async fn set_member(
        &self,
        caller: &Caller,
        user: UserId,
        limits: Option<QuotaLimits>,
    ) -> Result<MemberQuota, QuotasError> {
        admin(caller)?;
        let target = self
            .accounts
            .get_user(user)
            .await
            .map_err(|e| StoreError::Unavailable(e.to_string()))?
            .ok_or(QuotasError::NoSuchUser)?
            .user;
        if target.role == Role::Admin {
            return Err(QuotasError::AdminHasNoQuota);
        }
        let detail = match &limits {
            Some(l) => {
                self.store.set_quota_override(user, l).await?;
                describe(l)
            }
            None => {
                self.store.clear_quota_override(user).await?;
                "back to the defaults".to_owned()
            }
        };
        let entry = self
            .audit
            .entry(AuditAction::QuotaChanged)
            .by(&caller.user)
            .on("user", user, target.email.as_str())
            .from(caller.ip.as_deref())
            .detail(detail);
        self.audit.record(entry).await;
        let usage = self.provisions.usage_of(user).await?;
        let (limits, custom) = limits_with_source(self.store.as_ref(), &target).await?;
        Ok(MemberQuota {
            status: status(limits, custom, usage),
            user: target,
        })
    }
}

fn admin(caller: &Caller) -> Result<(), QuotasError> {
    if caller.user.role == Role::Admin {
        Ok(())
    } else {
        Err(QuotasError::AdminOnly)
    }
}

fn status(limits: Option<QuotaLimits>, custom: bool, usage: Usage) -> QuotaStatus {
    let headroom = limits.as_ref().map(|l| l.headroom(usage)).unwrap_or_default();
    QuotaStatus {
        limits,
        custom,
        usage,
        headroom,
    }
}

/// The limits that apply to `user` (`None` for admins) and whether they are the user's own.
pub async fn limits_with_source(
    store: &dyn QuotaStore,
    user: &User,
) -> Result<(Option<QuotaLimits>, bool), StoreError> {
    if user.role == Role::Admin {
        return Ok((None, false));
    }
    if let Some(own) = store.quota_override(user.id).await? {
        return Ok((Some(own), true));
    }
    Ok((
        Some(store.quota_defaults().await?.unwrap_or_else(builtin_defaults)),
        false,
    ))
}

fn describe(l: &QuotaLimits) -> String {
    let show = |v: Option<u64>| v.map_or_else(|| "no limit".to_owned(), |v| v.to_string());
    format!(
        "machines {}, vCPUs {}, memory MiB {}, disk GB {}, waiting requests {}, approval above {}",
        show(l.max_vms.map(u64::from)),
        show(l.max_vcpus.map(u64::from)),
        show(l.max_memory_mib),
        show(l.max_disk_gib),
        show(l.max_pending.map(u64::from)),
        l.approval_above.as_ref().map_or("xl only", |t| t.as_str()),
    )
}
