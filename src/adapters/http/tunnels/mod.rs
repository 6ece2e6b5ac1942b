//! Tunnels over HTTP: a machine's published ports (its owner and admins only; others get 404),
//! the subdomain check as you type, whether tunnels are available, "Retry public access", the
//! admins' view of everything on Gopher, and the policy for published ports.

mod views;

use std::sync::Arc;

use poem::web::Data;
use poem_openapi::param::{Path, Query};
use poem_openapi::payload::Json;
use poem_openapi::{ApiResponse, OpenApi, Tags};

use self::views::{
    GatewayOverviewView, NewTunnelRequest, SubdomainCheckView, TunnelListView, TunnelPolicyChange, TunnelPolicyView,
    TunnelView, TunnelsInfoView,
};
use super::auth::{AdminOnly, SignedIn};
use super::envelope::{Envelope, ErrorBody};
use super::errors::status::{BadRequest, Conflict, Forbidden, NotFound, Unavailable};
use super::errors::{ApiError, Covers, statuses};
use super::vms::views::VmView;
use crate::app::provisioning::{NewTunnel, Provisioning, TunnelError};
use crate::domain::ids::InstanceId;

#[derive(Tags)]
enum TunnelTags {
    /// Public SSH and published ports through the Gopher gateway.
    Tunnels,
}

impl<S> From<TunnelError> for ApiError<S>
where
    S: Covers<BadRequest> + Covers<Forbidden> + Covers<NotFound> + Covers<Conflict> + Covers<Unavailable>,
{
    fn from(e: TunnelError) -> Self {
        let mut body = ErrorBody::new(e.code(), e.to_string());
        if let Some(field) = e.field() {
            body = body.with_field(field);
        }
        match e {
            TunnelError::Invalid { .. } => Self::bad_request(body),
            TunnelError::NotFound(_) => Self::not_found(body),
            TunnelError::AdminOnly => Self::forbidden(body),
            TunnelError::SubdomainTaken(_) | TunnelError::QuotaReached { .. } | TunnelError::NotReady(_) => {
                Self::conflict(body)
            }
            TunnelError::Off | TunnelError::GatewayUnavailable(_) => Self::unavailable(body),
            TunnelError::Internal(cause) => Self::unexpected("tunnel operation failed", cause),
        }
    }
}

mod op {
    use super::statuses;

    statuses! {
        pub TunnelInfo [Unauthorized, Forbidden] never [BadRequest, NotFound, Conflict, Unavailable];
        pub CheckSubdomain [
            BadRequest = "`validation_failed` with `field` `subdomain`: not one DNS label.",
            Unauthorized,
            Forbidden,
            Unavailable = "`gateway_unavailable`: Gopher did not answer.",
        ] never [NotFound, Conflict];
        pub ListTunnels [
            Unauthorized,
            Forbidden,
            NotFound = "No such machine of yours (`not_found`).",
        ] never [BadRequest, Conflict, Unavailable];
        pub CreateTunnel [
            BadRequest = "`validation_failed`: `field` is `target_port` or `subdomain` (not one DNS label, or \
                reserved).",
            Unauthorized,
            Forbidden,
            NotFound = "No such machine of yours (`not_found`).",
            Conflict = "`subdomain_taken` (`field` `subdomain`), `tunnel_quota_reached`, or \
                `public_access_not_ready` (the machine has no working public access through Gopher).",
            PayloadTooLarge,
            UnsupportedMediaType,
            Unavailable = "`tunnels_off` (no Gopher is set up) or `gateway_unavailable`.",
        ];
        pub DeleteTunnel [
            Unauthorized,
            Forbidden,
            NotFound = "No such machine of yours, or no such tunnel on it (`not_found`).",
            Unavailable = "`tunnels_off` or `gateway_unavailable`.",
        ] never [BadRequest, Conflict];
        pub RetryPublicSsh [
            Unauthorized,
            Forbidden,
            NotFound = "No such machine of yours (`not_found`).",
            Conflict = "The machine did not ask for public SSH, it already works, or the machine is busy.",
            Unavailable = "`not_configured`: no Gopher is set up.",
        ] never [BadRequest];
        pub GatewayOverview [Unauthorized, Forbidden] never [BadRequest, NotFound, Conflict, Unavailable];
        pub GetTunnelPolicy [Unauthorized, Forbidden] never [BadRequest, NotFound, Conflict, Unavailable];
        pub SetTunnelPolicy [
            BadRequest = "`validation_failed` with `field` `reserved`: a name that is not one DNS label.",
            Unauthorized,
            Forbidden,
            PayloadTooLarge,
            UnsupportedMediaType,
        ] never [NotFound, Conflict, Unavailable];
    }
}

#[derive(ApiResponse)]
pub enum InfoResponse {
    /// Whether tunnels are available, where, and your share.
    #[oai(status = 200)]
    Ok(Json<Envelope<TunnelsInfoView>>),
}

#[derive(ApiResponse)]
pub enum CheckResponse {
    /// Whether the subdomain can be asked for, and why not.
    #[oai(status = 200)]
    Ok(Json<Envelope<SubdomainCheckView>>),
}

#[derive(ApiResponse)]
pub enum ListResponse {
    /// The machine's published ports.
    #[oai(status = 200)]
    Ok(Json<Envelope<TunnelListView>>),
}

#[derive(ApiResponse)]
pub enum CreatedResponse {
    /// The port is published.
    #[oai(status = 201)]
    Created(Json<Envelope<TunnelView>>),
}

#[derive(ApiResponse)]
pub enum DeletedResponse {
    /// The published port is removed.
    #[oai(status = 204)]
    Deleted,
}

#[derive(ApiResponse)]
pub enum RetryResponse {
    /// Accepted: the machine shows public SSH `exposing`; follow it with `GET /vms/{id}`.
    #[oai(status = 202)]
    Accepted(Json<Envelope<VmView>>),
}

#[derive(ApiResponse)]
pub enum OverviewResponse {
    /// Every machine and tunnel on Gopher, joined to Nimbus's machines.
    #[oai(status = 200)]
    Ok(Json<Envelope<GatewayOverviewView>>),
}

#[derive(ApiResponse)]
pub enum PolicyResponse {
    /// The policy for published ports.
    #[oai(status = 200)]
    Ok(Json<Envelope<TunnelPolicyView>>),
}

fn vm_id(id: &str) -> Result<InstanceId, TunnelError> {
    id.parse().map_err(|_| TunnelError::NotFound("machine"))
}

pub struct TunnelsApi;

#[OpenApi(tag = "TunnelTags::Tunnels")]
impl TunnelsApi {
    /// Whether tunnels are available (a Gopher gateway is set up), its host and domain, and how
    /// many published ports you hold of your quota.
    #[oai(path = "/tunnels/info", method = "get", operation_id = "tunnels_info")]
    async fn info(
        &self,
        caller: SignedIn,
        vms: Data<&Arc<Provisioning>>,
    ) -> Result<InfoResponse, ApiError<op::TunnelInfo>> {
        let info = vms.tunnels.info(&caller.0).await?;
        Ok(InfoResponse::Ok(Json(Envelope::ok(info.into()))))
    }

    /// Whether a subdomain can be asked for: one DNS label, not reserved, not in use on Gopher.
    #[oai(path = "/tunnels/check", method = "get", operation_id = "check_subdomain")]
    async fn check(
        &self,
        _caller: SignedIn,
        vms: Data<&Arc<Provisioning>>,
        /// The subdomain to check.
        subdomain: Query<Option<String>>,
    ) -> Result<CheckResponse, ApiError<op::CheckSubdomain>> {
        let check = vms.tunnels.check(subdomain.0.as_deref().unwrap_or("")).await?;
        Ok(CheckResponse::Ok(Json(Envelope::ok(check.into()))))
    }

    /// Every machine and tunnel on Gopher, each joined to its Nimbus machine and owner; machines
    /// no Nimbus machine holds are marked `foreign` (admins).
    #[oai(path = "/tunnels", method = "get", operation_id = "gateway_overview")]
    async fn overview(
        &self,
        admin: AdminOnly,
        vms: Data<&Arc<Provisioning>>,
    ) -> Result<OverviewResponse, ApiError<op::GatewayOverview>> {
        let overview = vms.tunnel_watch.overview(&admin.0).await?;
        Ok(OverviewResponse::Ok(Json(Envelope::ok(overview.into()))))
    }

    /// The machine's published ports (its owner and admins).
    #[oai(path = "/vms/:id/tunnels", method = "get", operation_id = "list_tunnels")]
    async fn list(
        &self,
        caller: SignedIn,
        vms: Data<&Arc<Provisioning>>,
        id: Path<String>,
    ) -> Result<ListResponse, ApiError<op::ListTunnels>> {
        let ports = vms.tunnels.list(&caller.0, vm_id(&id.0)?).await?;
        let items = ports.iter().map(TunnelView::from).collect();
        Ok(ListResponse::Ok(Json(Envelope::ok(TunnelListView { items }))))
    }

    /// Publishes a port of the machine as `<subdomain>.<domain>` through Gopher.
    #[oai(path = "/vms/:id/tunnels", method = "post", operation_id = "create_tunnel")]
    async fn create(
        &self,
        caller: SignedIn,
        vms: Data<&Arc<Provisioning>>,
        id: Path<String>,
        body: Json<NewTunnelRequest>,
    ) -> Result<CreatedResponse, ApiError<op::CreateTunnel>> {
        let b = body.0;
        let new = NewTunnel {
            target_port: b.target_port,
            subdomain: b.subdomain,
            private: b.private.unwrap_or(false),
            tls: b.tls.unwrap_or(true),
        };
        let port = vms.tunnels.create(&caller.0, vm_id(&id.0)?, new).await?;
        Ok(CreatedResponse::Created(Json(Envelope::ok(TunnelView::from(&port)))))
    }

    /// Removes a published port of the machine.
    #[oai(
        path = "/vms/:id/tunnels/:tunnel_id",
        method = "delete",
        operation_id = "delete_tunnel"
    )]
    async fn delete(
        &self,
        caller: SignedIn,
        vms: Data<&Arc<Provisioning>>,
        id: Path<String>,
        tunnel_id: Path<String>,
    ) -> Result<DeletedResponse, ApiError<op::DeleteTunnel>> {
        vms.tunnels.delete(&caller.0, vm_id(&id.0)?, &tunnel_id.0).await?;
        Ok(DeletedResponse::Deleted)
    }

    /// Tries public SSH through Gopher again, for a machine whose public access failed.
    #[oai(
        path = "/vms/:id/public-ssh/retry",
        method = "post",
        operation_id = "retry_public_ssh"
    )]
    async fn retry(
        &self,
        caller: SignedIn,
        vms: Data<&Arc<Provisioning>>,
        id: Path<String>,
    ) -> Result<RetryResponse, ApiError<op::RetryPublicSsh>> {
        let id: InstanceId = id.0.parse().map_err(|_| TunnelError::NotFound("machine"))?;
        let state = vms.lifecycle.retry_public_ssh(&caller.0, id).await?;
        Ok(RetryResponse::Accepted(Json(Envelope::ok(VmView::from(&state)))))
    }

    /// The policy for published ports: reserved subdomains and the per-member quota (admins).
    #[oai(path = "/settings/tunnels", method = "get", operation_id = "get_tunnel_policy")]
    async fn policy(
        &self,
        _admin: AdminOnly,
        vms: Data<&Arc<Provisioning>>,
    ) -> Result<PolicyResponse, ApiError<op::GetTunnelPolicy>> {
        Ok(PolicyResponse::Ok(Json(Envelope::ok(
            vms.tunnels.policy().await?.into(),
        ))))
    }

    /// Changes the policy for published ports (admins); absent fields keep their value.
    #[oai(path = "/settings/tunnels", method = "put", operation_id = "set_tunnel_policy")]
    async fn set_policy(
        &self,
        admin: AdminOnly,
        vms: Data<&Arc<Provisioning>>,
        body: Json<TunnelPolicyChange>,
    ) -> Result<PolicyResponse, ApiError<op::SetTunnelPolicy>> {
        let b = body.0;
        let policy = vms.tunnels.set_policy(&admin.0, b.reserved, b.per_member_quota).await?;
        Ok(PolicyResponse::Ok(Json(Envelope::ok(policy.into()))))
    }
}
