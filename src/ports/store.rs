//! The `Store` port: Nimbus's durable state (who owns what and what Nimbus promised). Later
//! features add their own methods; every write is durable when the call returns.

use async_trait::async_trait;
use chrono::{DateTime, Utc};

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
}
