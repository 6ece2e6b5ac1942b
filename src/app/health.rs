//! The health use case: is Nimbus up, can it reach its database, and does Proxmox answer?
//! Health is public and polled, so Proxmox is asked at most once per age window however often
//! it is called: the probe's answer (or failure) is shared by every check within the window.

use std::sync::Arc;
use std::time::Duration;

use crate::app::single_flight::SingleFlight;
use crate::ports::{Clock, Proxmox, Store, StoreError};

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
    insecure_tls: std::sync::atomic::AtomicBool,
    /// How long one probe's answer is reused.
    max_age: chrono::Duration,
    /// The probe's answer: the release, or why Proxmox did not answer.
    probe: SingleFlight<String, String>,
}

impl HealthService {
    /// A probe's answer is reused for `max_age` (the cluster snapshot's age bound).
    pub fn new(
        store: Arc<dyn Store>,
        proxmox: Option<Arc<dyn Proxmox>>,
        clock: Arc<dyn Clock>,
        max_age: Duration,
    ) -> Self {
        Self {
            store,
            proxmox,
            probe_timeout: PROXMOX_PROBE_TIMEOUT,
            insecure_tls: false.into(),
            max_age: chrono::Duration::from_std(max_age).unwrap_or(chrono::Duration::MAX),
            probe: SingleFlight::new(clock, true),
        }
    }

    /// Reports that Proxmox's certificate is not checked (the operator's opt-out), so admins see it.
    pub fn with_insecure_tls(self, insecure: bool) -> Self {
        self.insecure_tls.store(insecure, std::sync::atomic::Ordering::Relaxed);
        self
    }

    /// The connection was replaced (setup wizard, Settings → Cluster): the next check asks the
    /// new one, and reports whether its certificate is checked.
    pub fn cluster_changed(&self, insecure: bool) {
        self.insecure_tls.store(insecure, std::sync::atomic::Ordering::Relaxed);
        self.probe.invalidate();
    }

    /// Errors: [`HealthError::Store`] when the database does not answer. An unreachable Proxmox is
    /// reported in the result, not as an error: Nimbus still serves its pages and records.
    pub async fn check(&self) -> Result<HealthReport, HealthError> {
        self.store.ping().await?;
        let proxmox = match self.proxmox.as_ref().filter(|p| p.is_configured()) {
            None => ProxmoxReach::NotConfigured,
            Some(p) => match self.probe.get(self.max_age, || self.ask(p.as_ref())).await {
                Ok(answer) => ProxmoxReach::Reachable { version: answer.value },
                Err(reason) => ProxmoxReach::Unreachable { reason },
            },
        };
        Ok(HealthReport {
            version: env!("CARGO_PKG_VERSION"),
            proxmox,
            insecure_tls: self.insecure_tls.load(std::sync::atomic::Ordering::Relaxed),
        })
    }
}

impl HealthService {
    /// `GET /version`, bounded by the probe timeout.
    async fn ask(&self, proxmox: &dyn Proxmox) -> Result<String, String> {
        match tokio::time::timeout(self.probe_timeout, proxmox.version()).await {
            Ok(Ok(v)) => Ok(v.version),
            Ok(Err(e)) => Err(e.to_string()),
            Err(_) => Err(format!("no answer within {} s", self.probe_timeout.as_secs())),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::adapters::clock::ManualClock;
    use crate::ports::proxmox::{MockProxmox, ProxmoxError, PveVersion};
    use crate::ports::store::MockStore;

    fn clock() -> Arc<ManualClock> {
        Arc::new(ManualClock::new(
            chrono::DateTime::from_timestamp(1_800_000_000, 0).unwrap(),
        ))
    }

    fn health(store: Arc<dyn Store>, proxmox: Option<MockProxmox>, clock: Arc<ManualClock>) -> HealthService {
        let proxmox = proxmox.map(|mut p| {
            p.expect_is_configured().return_const(true);
            Arc::new(p) as Arc<dyn Proxmox>
        });
        HealthService::new(store, proxmox, clock, Duration::from_secs(5))
    }

    fn pve() -> PveVersion {
        PveVersion {
            version: "8.4.1".into(),
            release: "8.4".into(),
            repoid: "x".into(),
        }
    }

    #[tokio::test]
    async fn polled_a_hundred_times_proxmox_is_asked_once_per_age_window() {
        let mut proxmox = MockProxmox::new();
        proxmox.expect_version().times(2).returning(|| Ok(pve()));
        let clock = clock();
        let health = health(store_ok(), Some(proxmox), clock.clone());
        for _ in 0..100 {
            let report = health.check().await.unwrap();
            assert!(matches!(report.proxmox, ProxmoxReach::Reachable { .. }));
        }
        clock.advance(chrono::Duration::seconds(5));
        health.check().await.unwrap();
        clock.advance(chrono::Duration::seconds(1));
        for _ in 0..100 {
            health.check().await.unwrap();
        }
    }

    #[tokio::test]
    async fn a_proxmox_that_is_down_is_also_asked_once_per_age_window() {
        let mut proxmox = MockProxmox::new();
        proxmox
            .expect_version()
            .times(1)
            .returning(|| Err(ProxmoxError::Unavailable("connection refused".into())));
        let health = health(store_ok(), Some(proxmox), clock());
        for _ in 0..100 {
            let report = health.check().await.unwrap();
            assert!(matches!(report.proxmox, ProxmoxReach::Unreachable { .. }));
        }
    }

    #[tokio::test]
    async fn concurrent_checks_share_one_probe() {
        let mut proxmox = MockProxmox::new();
        proxmox.expect_version().times(1).returning(|| Ok(pve()));
        let health = Arc::new(health(store_ok(), Some(proxmox), clock()));
        let checks: Vec<_> = (0..20)
            .map(|_| {
                let health = health.clone();
                tokio::spawn(async move { health.check().await })
            })
            .collect();
        for c in checks {
            c.await.unwrap().unwrap();
        }
    }

    fn store_ok() -> Arc<dyn Store> {
        let mut store = MockStore::new();
        store.expect_ping().returning(|| Ok(()));
        Arc::new(store)
    }

    #[tokio::test]
    async fn reports_the_version_and_the_proxmox_release_when_both_answer() {
        let mut proxmox = MockProxmox::new();
        proxmox.expect_version().times(1).returning(|| Ok(pve()));
        let report = health(store_ok(), Some(proxmox), clock()).check().await.unwrap();
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
        let report = health(store_ok(), Some(proxmox), clock()).check().await.unwrap();
        assert!(
            matches!(&report.proxmox, ProxmoxReach::Unreachable { reason } if reason.contains("connection refused")),
            "{report:?}"
        );
    }

    #[tokio::test]
    async fn reports_that_proxmox_certificates_are_not_checked_only_when_told() {
        assert!(!health(store_ok(), None, clock()).check().await.unwrap().insecure_tls);
        let insecure = health(store_ok(), None, clock()).with_insecure_tls(true);
        assert!(insecure.check().await.unwrap().insecure_tls);
    }

    #[tokio::test]
    async fn without_a_cluster_proxmox_is_not_configured() {
        let report = health(store_ok(), None, clock()).check().await.unwrap();
        assert_eq!(report.proxmox, ProxmoxReach::NotConfigured);
    }

    #[tokio::test]
    async fn fails_when_the_store_is_unavailable() {
        let mut store = MockStore::new();
        store
            .expect_ping()
            .returning(|| Err(StoreError::Unavailable("disk I/O error".into())));
        let err = health(Arc::new(store), None, clock()).check().await.unwrap_err();
        assert!(matches!(err, HealthError::Store(StoreError::Unavailable(_))));
    }
}
