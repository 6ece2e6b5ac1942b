//! The health use case: is Nimbus up, can it reach its database, and does Proxmox answer?

use std::sync::Arc;
use std::time::Duration;

use crate::ports::{Proxmox, Store, StoreError};

/// How long the Proxmox probe may take before Proxmox counts as unreachable.
pub const PROXMOX_PROBE_TIMEOUT: Duration = Duration::from_secs(3);

/// What a successful health check reports.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HealthReport {
    pub version: &'static str,
    pub proxmox: ProxmoxReach,
    /// Proxmox's certificate is not checked (`PROXMOX_TLS_INSECURE=true`).
    pub insecure_tls: bool,
}

/// Whether Proxmox answered the probe (`GET /version`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ProxmoxReach {
    /// No cluster is configured yet.
    NotConfigured,
    /// Proxmox answered; `version` is its release, e.g. `8.4.1`.
    Reachable { version: String },
    /// Proxmox did not answer or refused; `reason` says why, for admins.
    Unreachable { reason: String },
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
    proxmox: Option<Arc<dyn Proxmox>>,
    probe_timeout: Duration,
    insecure_tls: bool,
}

impl HealthService {
    pub fn new(store: Arc<dyn Store>, proxmox: Option<Arc<dyn Proxmox>>) -> Self {
        Self {
            store,
            proxmox,
            probe_timeout: PROXMOX_PROBE_TIMEOUT,
            insecure_tls: false,
        }
    }

    /// Reports that Proxmox's certificate is not checked (the operator's opt-out), so admins see it.
    pub fn with_insecure_tls(mut self, insecure: bool) -> Self {
        self.insecure_tls = insecure;
        self
    }

    /// Errors: [`HealthError::Store`] when the database does not answer. An unreachable Proxmox is
    /// reported in the result, not as an error: Nimbus still serves its pages and records.
    pub async fn check(&self) -> Result<HealthReport, HealthError> {
        self.store.ping().await?;
        let proxmox = match &self.proxmox {
            None => ProxmoxReach::NotConfigured,
            Some(p) => match tokio::time::timeout(self.probe_timeout, p.version()).await {
                Ok(Ok(v)) => ProxmoxReach::Reachable { version: v.version },
                Ok(Err(e)) => ProxmoxReach::Unreachable { reason: e.to_string() },
                Err(_) => ProxmoxReach::Unreachable {
                    reason: format!("no answer within {} s", self.probe_timeout.as_secs()),
                },
            },
        };
        Ok(HealthReport {
            version: env!("CARGO_PKG_VERSION"),
            proxmox,
            insecure_tls: self.insecure_tls,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ports::proxmox::{MockProxmox, ProxmoxError, PveVersion};
    use crate::ports::store::MockStore;

    fn store_ok() -> Arc<dyn Store> {
        let mut store = MockStore::new();
        store.expect_ping().returning(|| Ok(()));
        Arc::new(store)
    }

    #[tokio::test]
    async fn reports_the_version_and_the_proxmox_release_when_both_answer() {
        let mut proxmox = MockProxmox::new();
        proxmox.expect_version().times(1).returning(|| {
            Ok(PveVersion {
                version: "8.4.1".into(),
                release: "8.4".into(),
                repoid: "x".into(),
            })
        });
        let report = HealthService::new(store_ok(), Some(Arc::new(proxmox)))
            .check()
            .await
            .unwrap();
        assert_eq!(report.version, env!("CARGO_PKG_VERSION"));
        assert_eq!(
            report.proxmox,
            ProxmoxReach::Reachable {
                version: "8.4.1".into()
            }
        );
    }

    #[tokio::test]
    async fn an_unreachable_proxmox_is_reported_not_failed() {
        let mut proxmox = MockProxmox::new();
        proxmox
            .expect_version()
            .returning(|| Err(ProxmoxError::Unavailable("connection refused".into())));
        let report = HealthService::new(store_ok(), Some(Arc::new(proxmox)))
            .check()
            .await
            .unwrap();
        assert!(
            matches!(&report.proxmox, ProxmoxReach::Unreachable { reason } if reason.contains("connection refused")),
            "{report:?}"
        );
    }

    #[tokio::test]
    async fn reports_that_proxmox_certificates_are_not_checked_only_when_told() {
        assert!(!HealthService::new(store_ok(), None).check().await.unwrap().insecure_tls);
        let insecure = HealthService::new(store_ok(), None).with_insecure_tls(true);
        assert!(insecure.check().await.unwrap().insecure_tls);
    }

    #[tokio::test]
    async fn without_a_cluster_proxmox_is_not_configured() {
        let report = HealthService::new(store_ok(), None).check().await.unwrap();
        assert_eq!(report.proxmox, ProxmoxReach::NotConfigured);
    }

    #[tokio::test]
    async fn fails_when_the_store_is_unavailable() {
        let mut store = MockStore::new();
        store
            .expect_ping()
            .returning(|| Err(StoreError::Unavailable("disk I/O error".into())));
        let err = HealthService::new(Arc::new(store), None).check().await.unwrap_err();
        assert!(matches!(err, HealthError::Store(StoreError::Unavailable(_))));
    }
}
