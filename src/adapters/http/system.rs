//! System operations: health. Public and cheap; the Proxmox details are shown to admins only.

use std::sync::Arc;

use poem::web::Data;
use poem_openapi::payload::Json;
use poem_openapi::{ApiResponse, Enum, Object, OpenApi, Tags};

use super::auth::MaybeCaller;
use super::envelope::{Envelope, ErrorBody};
use crate::app::health::{HealthService, ProxmoxReach};

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
}

/// What `GET /api/health` reports.
#[derive(Debug, Object)]
pub struct Health {
    pub status: HealthStatus,
    /// The running Nimbus version.
    pub version: String,
    /// The cluster as the probe saw it; shown to admins only.
    #[oai(skip_serializing_if_is_none)]
    pub proxmox: Option<ProxmoxHealth>,
}

#[derive(ApiResponse)]
pub enum HealthResponse {
    /// Nimbus is up and its database answers.
    #[oai(status = 200)]
    Ok(Json<Envelope<Health>>),
    /// A dependency (the database) does not answer.
    #[oai(status = 503)]
    Unavailable(Json<ErrorBody>),
    /// An unexpected failure; the body carries the request id.
    #[oai(status = 500)]
    #[allow(dead_code)] // produced by the error middleware, listed here so the spec documents it
    Internal(Json<ErrorBody>),
}

/// System routes.
pub struct SystemApi;

#[OpenApi]
impl SystemApi {
    /// Report whether Nimbus is up and its version; admins also see whether Proxmox answers.
    #[oai(path = "/health", method = "get", operation_id = "health", tag = "ApiTags::System")]
    async fn health(&self, caller: MaybeCaller, health: Data<&Arc<HealthService>>) -> HealthResponse {
        let admin = caller.0.as_ref().is_some_and(|c| c.is_admin());
        match health.check().await {
            Ok(report) => {
                let (status, proxmox) = match report.proxmox {
                    ProxmoxReach::Reachable { version } => (
                        HealthStatus::Ok,
                        ProxmoxHealth {
                            state: ProxmoxState::Reachable,
                            version: Some(version),
                            message: None,
                        },
                    ),
                    ProxmoxReach::Unreachable { reason } => (
                        HealthStatus::Degraded,
                        ProxmoxHealth {
                            state: ProxmoxState::Unreachable,
                            version: None,
                            message: Some(reason),
                        },
                    ),
                    ProxmoxReach::NotConfigured => (
                        HealthStatus::Degraded,
                        ProxmoxHealth {
                            state: ProxmoxState::NotConfigured,
                            version: None,
                            message: Some("set PROXMOX_HOST, PROXMOX_TOKEN_ID and PROXMOX_TOKEN_SECRET".into()),
                        },
                    ),
                };
                HealthResponse::Ok(Json(Envelope::ok(Health {
                    status,
                    version: report.version.to_string(),
                    proxmox: admin.then_some(proxmox),
                })))
            }
            Err(e) => {
                tracing::warn!(error = %e, "health check failed");
                HealthResponse::Unavailable(Json(ErrorBody::new(
                    "dependency_down",
                    "Nimbus cannot reach its database. Check the disk and the server log.",
                )))
            }
        }
    }
}
