//! The `QuotaStore` port: the member limits an admin set, as defaults and per-member overrides.
//! Usage is not stored here: it is counted from the provisions themselves, inside the write that
//! admits a new one (see `ProvisionStore::create_provision`).

use async_trait::async_trait;

use super::store::StoreError;
use crate::domain::ids::UserId;
use crate::domain::quota::QuotaLimits;

#[cfg_attr(test, mockall::automock)]
#[async_trait]
pub trait QuotaStore: Send + Sync {
    /// The defaults an admin saved; `None` until they first do.
    ///
    /// Errors: [`StoreError`].
    async fn quota_defaults(&self) -> Result<Option<QuotaLimits>, StoreError>;

    /// Errors: [`StoreError::Unavailable`].
    async fn set_quota_defaults(&self, limits: &QuotaLimits) -> Result<(), StoreError>;

    /// Every member with limits of their own.
    ///
    /// Errors: [`StoreError`].
    async fn quota_overrides(&self) -> Result<Vec<(UserId, QuotaLimits)>, StoreError>;

    /// Errors: [`StoreError`].
    async fn quota_override(&self, user: UserId) -> Result<Option<QuotaLimits>, StoreError>;

    /// Errors: [`StoreError::Unavailable`].
    async fn set_quota_override(&self, user: UserId, limits: &QuotaLimits) -> Result<(), StoreError>;

    /// Puts the member back on the defaults; whether they had an override.
    ///
    /// Errors: [`StoreError::Unavailable`].
    async fn clear_quota_override(&self, user: UserId) -> Result<bool, StoreError>;
}
