//! System operations: health. Public and cheap; later features add admin-only details.

use std::sync::Arc;

use poem::web::Data;
use poem_openapi::payload::Json;
use poem_openapi::{ApiResponse, Enum, Object, OpenApi, Tags};

use super::envelope::{Envelope, ErrorBody};
use crate::app::health::HealthService;

#[derive(Tags)]
enum ApiTags {
    /// Liveness and version of the portal.
    System,
}

/// Overall state of the portal.
#[derive(Debug, Enum)]
#[oai(rename_all = "lowercase")]
pub enum HealthStatus {
    /// Nimbus answers and its database works.
    Ok,
}

/// What `GET /api/health` reports to everyone.
#[derive(Debug, Object)]
pub struct Health {
    pub status: HealthStatus,
    /// The running Nimbus version.
    pub version: String,
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
    /// Report whether Nimbus is up, and its version.
    #[oai(path = "/health", method = "get", operation_id = "health", tag = "ApiTags::System")]
    async fn health(&self, health: Data<&Arc<HealthService>>) -> HealthResponse {
        match health.check().await {
            Ok(report) => HealthResponse::Ok(Json(Envelope::ok(Health {
                status: HealthStatus::Ok,
                version: report.version.to_string(),
            }))),
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
