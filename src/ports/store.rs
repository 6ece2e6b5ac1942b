//! The `Store` port: Nimbus's durable state (who owns what and what Nimbus promised). Later
//! features add their own methods; every write is durable when the call returns.

use std::path::Path;
use std::sync::Arc;

use async_trait::async_trait;
use chrono::{DateTime, Utc};

use super::secrets::{SecretSlot, SecretsError};

/// Turns a value sealed for a slot into the same value sealed under another key.
pub type Reseal = Arc<dyn Fn(&SecretSlot, &str) -> Result<String, SecretsError> + Send + Sync>;

/// Failures of the store. Library errors never cross this port; adapters map them here.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum StoreError {
    /// The database could not be reached or answered with an I/O error (disk full, file gone).
    #[error("the database is unavailable: {0}")]
    Unavailable(String),
    /// A stored value broke an invariant the code relies on (corruption or a manual edit).
    #[error("the database holds an invalid value: {0}")]
    Corrupt(String),
}

/// Durable key/value settings plus a liveness check.
#[cfg_attr(test, mockall::automock)]
#[async_trait]
pub trait Store: Send + Sync {
    /// Runs a trivial query on both the read and the write path.
    ///
    /// Errors: [`StoreError::Unavailable`] when either path fails.
    async fn ping(&self) -> Result<(), StoreError>;

    /// Reads one setting, `None` when it was never written.
    ///
    /// Errors: [`StoreError::Unavailable`].
    async fn get_setting(&self, key: &str) -> Result<Option<String>, StoreError>;

    /// Writes (inserts or replaces) one setting.
    ///
    /// Errors: [`StoreError::Unavailable`].
    async fn put_setting(&self, key: &str, value: &str, now: DateTime<Utc>) -> Result<(), StoreError>;

    /// Writes `value` only when `key` has no value yet, atomically, and returns the value that is
    /// stored afterwards (the existing one or `value`).
    ///
    /// Errors: [`StoreError::Unavailable`].
    async fn put_setting_if_absent(&self, key: &str, value: &str, now: DateTime<Utc>) -> Result<String, StoreError>;

    /// The sealed value stored under `name` (slot `secret_values.sealed[name]`), if any.
    ///
    /// Errors: [`StoreError::Unavailable`].
    async fn get_secret_value(&self, name: &str) -> Result<Option<String>, StoreError>;

    /// Stores (inserts or replaces) a sealed value under `name`.
    ///
    /// Errors: [`StoreError::Unavailable`].
    async fn put_secret_value(&self, name: &str, sealed: &str, now: DateTime<Utc>) -> Result<(), StoreError>;

    /// Errors: [`StoreError::Unavailable`].
    async fn delete_secret_value(&self, name: &str) -> Result<(), StoreError>;

    /// Replaces every sealed value in the database by `reseal(slot, value)`, in one transaction:
    /// if any value fails, nothing changes. Returns how many values were re-sealed.
    ///
    /// Errors: [`StoreError::Corrupt`] when a value cannot be re-sealed; `Unavailable`.
    async fn reseal_all(&self, reseal: Reseal) -> Result<u64, StoreError>;

    /// Writes a consistent copy of the whole database to `path` (which must not exist), while
    /// the server keeps running.
    ///
    /// Errors: [`StoreError::Unavailable`] (disk full, path exists or unwritable).
    async fn backup_to(&self, path: &Path) -> Result<(), StoreError>;
}
