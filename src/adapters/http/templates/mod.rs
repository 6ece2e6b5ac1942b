//! The template bootstrap's admin routes: `POST /admin/bootstrap-templates` starts baking the
//! missing templates (or rebuilds them with `force`) in the background and answers 202 with what
//! was queued; `GET /admin/bootstrap-status` is the nodes × OSes grid Admin → Templates shows,
//! with each bake's live phase and percent.

use std::sync::Arc;

use poem::web::Data;
use poem_openapi::payload::Json;
use poem_openapi::{ApiResponse, OpenApi, Tags};

use super::auth::AdminOnly;
use super::envelope::{Envelope, ErrorBody};
use super::errors::status::{BadRequest, Conflict, Unavailable};
use super::errors::{ApiError, Covers, statuses};
use crate::app::provisioning::bootstrap::{Bootstrap, BootstrapError};

mod views;

use self::views::{BootstrapBody, BootstrapStartedView, BootstrapStatusView};

#[derive(Tags)]
enum TemplateTags {
    /// The OS templates and their bootstrap (admins).
    Templates,
}

#[derive(ApiResponse)]
pub enum StartResponse {
    /// Started: the bakes run in the background; follow them with `GET /admin/bootstrap-status`.
    #[oai(status = 202)]
    Accepted(Json<Envelope<BootstrapStartedView>>),
}

#[derive(ApiResponse)]
pub enum StatusResponse {
    /// Every node × OS with its template and its last bake.
    #[oai(status = 200)]
    Ok(Json<Envelope<BootstrapStatusView>>),
}

impl<S> From<BootstrapError> for ApiError<S>
where
    S: Covers<BadRequest> + Covers<Conflict> + Covers<Unavailable>,
{
    fn from(e: BootstrapError) -> Self {
        let text = e.to_string();
        match e {
            BootstrapError::UnknownOs { .. } => Self::invalid("os", text),
            BootstrapError::UnknownNode { .. } => Self::invalid("nodes", text),
            BootstrapError::AlreadyRunning => Self::conflict(ErrorBody::new("bootstrap_running", text)),
            BootstrapError::NoCluster | BootstrapError::NoPool => {
                Self::unavailable(ErrorBody::new("not_configured", text))
            }
            BootstrapError::NoOnlineNode { .. } => Self::unavailable(ErrorBody::new("no_online_node", text)),
            BootstrapError::ProxmoxUnavailable(_) => Self::unavailable(ErrorBody::new("proxmox_unavailable", text)),
            BootstrapError::Store(cause) => Self::unexpected("the bake slots could not be read or written", cause),
        }
    }
}

/// What each template operation answers besides its success.
mod op {
    use super::statuses;

    statuses! {
        pub BootstrapTemplates [
            BadRequest = "`os` or `nodes` names something Nimbus does not know (`validation_failed`; `field` says which), or the body could not be read.",
            Unauthorized,
            Forbidden,
            Conflict = "`bootstrap_running`: a bootstrap is already running; wait for it to finish.",
            PayloadTooLarge,
            UnsupportedMediaType,
            Unavailable = "`not_configured` (no cluster or no IP pool), `no_online_node`, or `proxmox_unavailable`.",
        ];
        pub BootstrapStatus [
            Unauthorized,
            Forbidden,
            Unavailable = "`not_configured`: no Proxmox cluster is configured.",
        ] never [BadRequest, Conflict];
    }
}

pub struct TemplatesApi;

#[OpenApi(tag = "TemplateTags::Templates")]
impl TemplatesApi {
    /// Start the template bootstrap (admins): bake every missing template of the chosen OSes
    /// (default all) on the chosen nodes (default every online node), or rebuild them all with
    /// `force`. An empty body (`{}`) bakes everything missing. Answers at once; the bakes run
    /// in the background.
    #[oai(
        path = "/admin/bootstrap-templates",
        method = "post",
        operation_id = "bootstrap_templates"
    )]
    async fn start(
        &self,
        admin: AdminOnly,
        bootstrap: Data<&Arc<Bootstrap>>,
        body: Json<Option<BootstrapBody>>,
    ) -> Result<StartResponse, ApiError<op::BootstrapTemplates>> {
        let request = body.0.unwrap_or_default().into();
        let accepted = bootstrap.start(Some(&admin.0), request).await?;
        Ok(StartResponse::Accepted(Json(Envelope::ok(accepted.into()))))
    }

    /// The templates per node and OS (admins): present, missing, queued, baking (phase and
    /// percent) or failed (the reason), with VMID, bake version, age and the last run.
    #[oai(path = "/admin/bootstrap-status", method = "get", operation_id = "bootstrap_status")]
    async fn status(
        &self,
        _admin: AdminOnly,
        bootstrap: Data<&Arc<Bootstrap>>,
    ) -> Result<StatusResponse, ApiError<op::BootstrapStatus>> {
        let status = bootstrap.status().await?;
        // The age is counted from the wall clock: the status carries no "now" of its own.
        let view = BootstrapStatusView::new(status);
        Ok(StatusResponse::Ok(Json(Envelope::ok(view))))
    }
}
