//! System operations: health (public and cheap: strangers get the status only, signed-in callers
//! the version, admins the Proxmox details)
//! and the background jobs with their last reports (admins).

use std::sync::Arc;

use poem::web::Data;
use poem_openapi::payload::Json;
use poem_openapi::{ApiResponse, Enum, Object, OpenApi, Tags};

use super::auth::{AdminOnly, MaybeCaller};
use super::envelope::{Envelope, ErrorBody};
use super::errors::status::Unavailable;
use super::errors::{ApiError, Covers, statuses};
use crate::app::health::{HealthError, HealthService, ProxmoxReach};
use crate::app::jobs::{JobBoard, JobOutcome, JobStatus};

#[derive(Tags)]
enum ApiTags {
    /// Liveness and version of the portal.
    System,
}

/// Overall state of the portal.
#[derive(Debug, Enum)]
#[oai(rename_all = "lowercase")]
pub enum HealthStatus {
    /// Nimbus answers, its database works and Proxmox answers.
    Ok,
    /// Nimbus answers and its database works, but Proxmox does not answer (or is not configured):
    /// pages and records work, cluster actions do not.
    Degraded,
}

/// Whether Proxmox answers.
#[derive(Debug, Enum)]
#[oai(rename_all = "snake_case")]
pub enum ProxmoxState {
    /// Proxmox answered the probe.
    Reachable,
    /// Proxmox did not answer, or refused the API token.
    Unreachable,
    /// No cluster is configured.
    NotConfigured,
}

/// The Proxmox cluster as the health probe (`GET /version`) saw it.
#[derive(Debug, Object)]
pub struct ProxmoxHealth {
    pub state: ProxmoxState,
    /// The Proxmox VE release, e.g. `8.4.1`, when it answered.
    #[oai(skip_serializing_if_is_none)]
    pub version: Option<String>,
    /// Why it is unreachable.
    #[oai(skip_serializing_if_is_none)]
    pub message: Option<String>,
    /// True when Nimbus accepts any certificate from Proxmox (`PROXMOX_TLS_INSECURE=true`): anyone
    /// who can answer for its address could read the API token. Pin the certificate with
    /// `PROXMOX_TLS_FINGERPRINT` or set `PROXMOX_CA_FILE`.
    pub insecure_tls: bool,
}

/// What `GET /api/health` reports.
#[derive(Debug, Object)]
pub struct Health {
    pub status: HealthStatus,
    /// The running Nimbus version; shown to signed-in callers only (a stranger learns nothing
    /// to match against known flaws).
    #[oai(skip_serializing_if_is_none)]
    pub version: Option<String>,
    /// The cluster as the probe saw it; shown to admins only.
    #[oai(skip_serializing_if_is_none)]
    pub proxmox: Option<ProxmoxHealth>,
}

#[derive(ApiResponse)]
pub enum HealthResponse {
    /// Nimbus is up and its database answers.
    #[oai(status = 200)]
    Ok(Json<Envelope<Health>>),
}

impl<S: Covers<Unavailable>> From<HealthError> for ApiError<S> {
    fn from(e: HealthError) -> Self {
        tracing::warn!(error = %e, "health check failed");
        Self::unavailable(ErrorBody::new(
            "dependency_down",
            "Nimbus cannot reach its database. Check the disk and the server log.",
        ))
    }
}

/// What the health check answers besides its success.
mod op {
    use super::statuses;

    statuses! {
        pub Health [Unavailable = "`dependency_down`: the database does not answer."];
        pub ListJobs [Unauthorized, Forbidden];
    }
}

/// How a job's last run went.
#[derive(Debug, Enum)]
#[oai(rename_all = "lowercase")]
pub enum JobOutcomeView {
    /// It did its work.
    Ok,
    /// It ran, but found something to look at or did only part of its work.
    Warning,
    /// It could not do its work; it tries again at its next run.
    Failed,
}

impl From<JobOutcome> for JobOutcomeView {
    fn from(o: JobOutcome) -> Self {
        match o {
            JobOutcome::Ok => Self::Ok,
            JobOutcome::Warning => Self::Warning,
            JobOutcome::Failed => Self::Failed,
        }
    }
}

/// A background job and its last run.
#[derive(Debug, Object)]
pub struct JobView {
    /// Stable identifier, e.g. `ip_reconcile`.
    pub name: String,
    /// What the job does.
    pub title: String,
    /// Seconds between runs.
    pub interval_seconds: u64,
    /// When it last ran; absent until its first run.
    #[oai(skip_serializing_if_is_none)]
    pub last_run_at: Option<chrono::DateTime<chrono::Utc>>,
    /// How long the last run took, in milliseconds.
    #[oai(skip_serializing_if_is_none)]
    pub duration_ms: Option<u64>,
    #[oai(skip_serializing_if_is_none)]
    pub outcome: Option<JobOutcomeView>,
    /// What the last run did, in words.
    #[oai(skip_serializing_if_is_none)]
    pub summary: Option<String>,
}

impl From<JobStatus> for JobView {
    fn from(j: JobStatus) -> Self {
        Self {
            name: j.name.to_owned(),
            title: j.title.to_owned(),
            interval_seconds: j.interval.as_secs(),
            last_run_at: j.last.as_ref().map(|l| l.at),
            duration_ms: j.last.as_ref().map(|l| l.took.as_millis() as u64),
            outcome: j.last.as_ref().map(|l| l.report.outcome.into()),
            summary: j.last.map(|l| l.report.summary),
        }
    }
}

/// Every background job this Nimbus runs.
#[derive(Debug, Object)]
pub struct JobsView {
    /// In the order they were started.
    pub jobs: Vec<JobView>,
}

#[derive(ApiResponse)]
pub enum JobsResponse {
    /// The jobs.
    #[oai(status = 200)]
    Ok(Json<Envelope<JobsView>>),
}

/// System routes.
pub struct SystemApi;

#[OpenApi]
impl SystemApi {
    /// Report whether Nimbus is up; signed-in callers also see its version, and admins whether
    /// Proxmox answers.
    #[oai(path = "/health", method = "get", operation_id = "health", tag = "ApiTags::System")]
    async fn health(
        &self,
        caller: MaybeCaller,
        health: Data<&Arc<HealthService>>,
    ) -> Result<HealthResponse, ApiError<op::Health>> {
        let signed_in = caller.0.is_some();
        let admin = caller.0.as_ref().is_some_and(|c| c.is_admin());
        let report = health.check().await?;
        let (status, proxmox) = match report.proxmox {
            ProxmoxReach::Reachable { version } => (
                HealthStatus::Ok,
                ProxmoxHealth {
                    state: ProxmoxState::Reachable,
                    version: Some(version),
                    message: None,
                    insecure_tls: report.insecure_tls,
                },
            ),
            ProxmoxReach::Unreachable { reason } => (
                HealthStatus::Degraded,
                ProxmoxHealth {
                    state: ProxmoxState::Unreachable,
                    version: None,
                    message: Some(reason),
                    insecure_tls: report.insecure_tls,
                },
            ),
            ProxmoxReach::NotConfigured => (
                HealthStatus::Degraded,
                ProxmoxHealth {
                    state: ProxmoxState::NotConfigured,
                    version: None,
                    message: Some("set PROXMOX_HOST, PROXMOX_TOKEN_ID and PROXMOX_TOKEN_SECRET".into()),
                    insecure_tls: report.insecure_tls,
                },
            ),
        };
        Ok(HealthResponse::Ok(Json(Envelope::ok(Health {
            status,
            version: signed_in.then(|| report.version.to_string()),
            proxmox: admin.then_some(proxmox),
        }))))
    }

    /// The background jobs (IP reconcile, drift detection, LAN sweep, ...) with when each last
    /// ran, how long it took and what it did (admins).
    #[oai(
        path = "/system/jobs",
        method = "get",
        operation_id = "list_jobs",
        tag = "ApiTags::System"
    )]
    async fn jobs(
        &self,
        _admin: AdminOnly,
        board: Data<&Arc<JobBoard>>,
    ) -> Result<JobsResponse, ApiError<op::ListJobs>> {
        Ok(JobsResponse::Ok(Json(Envelope::ok(JobsView {
            jobs: board.list().into_iter().map(JobView::from).collect(),
        }))))
    }
}
