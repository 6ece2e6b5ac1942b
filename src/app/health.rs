//! The health use case: is Nimbus up and can it reach its database?

use std::sync::Arc;

use crate::ports::{Store, StoreError};

/// What a successful health check reports.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HealthReport {
    pub version: &'static str,
}

/// Why Nimbus is not healthy.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum HealthError {
    #[error("the database does not answer: {0}")]
    Store(#[from] StoreError),
}

/// Checks the dependencies every request needs.
pub struct HealthService {
    store: Arc<dyn Store>,
}

impl HealthService {
    pub fn new(store: Arc<dyn Store>) -> Self {
        Self { store }
    }

    /// Errors: [`HealthError::Store`] when the database does not answer.
    pub async fn check(&self) -> Result<HealthReport, HealthError> {
        self.store.ping().await?;
        Ok(HealthReport {
            version: env!("CARGO_PKG_VERSION"),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ports::store::MockStore;

    #[tokio::test]
    async fn reports_the_version_when_the_store_answers() {
        let mut store = MockStore::new();
        store.expect_ping().times(1).returning(|| Ok(()));
        let report = HealthService::new(Arc::new(store)).check().await.unwrap();
        assert_eq!(report.version, env!("CARGO_PKG_VERSION"));
    }

    #[tokio::test]
    async fn fails_when_the_store_is_unavailable() {
        let mut store = MockStore::new();
        store
            .expect_ping()
            .returning(|| Err(StoreError::Unavailable("disk I/O error".into())));
        let err = HealthService::new(Arc::new(store)).check().await.unwrap_err();
        assert!(matches!(err, HealthError::Store(StoreError::Unavailable(_))));
    }
}
