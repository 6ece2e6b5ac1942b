//! The approval queue (admins): requests that wait for an admin (`GET /approvals`), approving one
//! (it is then built like any machine) and denying one with a reason the member sees.

use std::sync::Arc;

use poem::web::Data;
use poem_openapi::param::Path;
use poem_openapi::payload::Json;
use poem_openapi::{ApiResponse, Object, OpenApi, Tags};

use super::auth::AdminOnly;
use super::envelope::Envelope;
use super::errors::{ApiError, statuses};
use super::vms::VmView;
use crate::app::provisioning::{ProvisionError, Provisioning};
use crate::domain::ids::InstanceId;

#[derive(Tags)]
enum ApprovalTags {
    /// Machine requests waiting for an admin's approval.
    Approvals,
}

/// Why the request is denied.
#[derive(Debug, Clone, Object)]
pub struct DenyRequest {
    /// 1 to 500 characters; the member sees it on the machine.
    pub reason: String,
}

#[derive(ApiResponse)]
pub enum QueueResponse {
    /// Requests waiting for approval, oldest first, with their owners and reasons.
    #[oai(status = 200)]
    Ok(Json<Envelope<Vec<VmView>>>),
}

#[derive(ApiResponse)]
pub enum ApprovedResponse {
    /// Approved: the machine is being built (status `provisioning`); follow it by its id.
    #[oai(status = 202)]
    Accepted(Json<Envelope<VmView>>),
}

#[derive(ApiResponse)]
pub enum DeniedResponse {
    /// Denied: the machine's status is `denied`, with the reason.
    #[oai(status = 200)]
    Ok(Json<Envelope<VmView>>),
}

/// What each approval operation answers besides its success.
mod op {
    use super::statuses;

    statuses! {
        pub ListApprovals [Unauthorized, Forbidden] never [BadRequest, NotFound, Conflict, Unavailable];
        pub ApproveVm [
            Unauthorized,
            Forbidden,
            NotFound,
            Conflict = "Already approved, denied or withdrawn; its tier or OS is no longer offered; or \
                `quota_exceeded`: the owner's quota has no room.",
            Unavailable = "No node has room, or no template, right now (`no_capacity`, `no_template`); the \
                request keeps waiting.",
        ] never [BadRequest];
        pub DenyVm [
            BadRequest,
            Unauthorized,
            Forbidden,
            NotFound,
            Conflict = "Already approved, denied or withdrawn.",
            PayloadTooLarge,
            UnsupportedMediaType,
        ] never [Unavailable];
    }
}

fn request_id(id: &str) -> Result<InstanceId, ProvisionError> {
    id.parse().map_err(|_| ProvisionError::NotFound)
}

pub struct ApprovalsApi;

#[OpenApi(tag = "ApprovalTags::Approvals")]
impl ApprovalsApi {
    /// The approval queue (admins).
    #[oai(path = "/approvals", method = "get", operation_id = "list_approvals")]
    async fn list(
        &self,
        admin: AdminOnly,
        vms: Data<&Arc<Provisioning>>,
    ) -> Result<QueueResponse, ApiError<op::ListApprovals>> {
        let waiting = vms.approvals.pending(&admin.0).await?;
        Ok(QueueResponse::Ok(Json(Envelope::ok(
            waiting.iter().map(VmView::from).collect(),
        ))))
    }

    /// Approve a request (admins): the owner's quota and the cluster's capacity are checked, then
    /// the machine is built. 409 when it was already decided or the quota has no room; 503 when
    /// no node has room right now (the request keeps waiting).
    #[oai(path = "/approvals/:id/approve", method = "post", operation_id = "approve_vm")]
    async fn approve(
        &self,
        admin: AdminOnly,
        vms: Data<&Arc<Provisioning>>,
        id: Path<String>,
    ) -> Result<ApprovedResponse, ApiError<op::ApproveVm>> {
        let state = vms.approvals.approve(&admin.0, request_id(&id.0)?).await?;
        Ok(ApprovedResponse::Accepted(Json(Envelope::ok(VmView::from(&state)))))
    }

    /// Deny a request with a reason the member sees (admins).
    #[oai(path = "/approvals/:id/deny", method = "post", operation_id = "deny_vm")]
    async fn deny(
        &self,
        admin: AdminOnly,
        vms: Data<&Arc<Provisioning>>,
        id: Path<String>,
        body: Json<DenyRequest>,
    ) -> Result<DeniedResponse, ApiError<op::DenyVm>> {
        let state = vms.approvals.deny(&admin.0, request_id(&id.0)?, &body.reason).await?;
        Ok(DeniedResponse::Ok(Json(Envelope::ok(VmView::from(&state)))))
    }
}
