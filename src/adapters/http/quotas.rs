//! Quotas: your own limits and what is left (`GET /quota`), and the admin's quota settings:
//! the defaults every member gets and per-member limits of their own.

use std::sync::Arc;

use poem::web::Data;
use poem_openapi::param::Path;
use poem_openapi::payload::Json;
use poem_openapi::{ApiResponse, Object, OpenApi, Tags};

use super::auth::{AdminOnly, SignedIn};
use super::envelope::{Envelope, ErrorBody};
use super::errors::status::{BadRequest, Conflict, Forbidden, NotFound};
use super::errors::{ApiError, Covers, statuses};
use crate::app::quotas::{MemberQuota, QuotaStatus, Quotas, QuotasError};
use crate::domain::ids::UserId;
use crate::domain::quota::{QuotaLimits, Usage};
use crate::domain::tier::TierCatalog;

#[derive(Tags)]
enum QuotaTags {
    /// Member limits: machines, vCPUs, memory, disk, and which tiers need approval.
    Quotas,
}

/// Limits; an absent (or null) limit means no limit.
#[derive(Debug, Clone, Object)]
#[oai(rename = "QuotaLimits")]
pub struct LimitsView {
    /// Machines at once (0 to 10000).
    #[oai(skip_serializing_if_is_none)]
    pub max_vms: Option<u64>,
    /// vCPUs over all machines.
    #[oai(skip_serializing_if_is_none)]
    pub max_vcpus: Option<u64>,
    /// Memory over all machines, in MiB.
    #[oai(skip_serializing_if_is_none)]
    pub max_memory_mib: Option<u64>,
    /// Disk over all machines, in GB.
    #[oai(skip_serializing_if_is_none)]
    pub max_disk_gib: Option<u64>,
    /// Tiers larger than this one need an admin's approval (xl always does); absent for none.
    #[oai(skip_serializing_if_is_none)]
    pub approval_above: Option<String>,
    /// Requests waiting for an admin's approval at once (0 to 1000).
    #[oai(skip_serializing_if_is_none)]
    pub max_pending: Option<u64>,
}

impl From<&QuotaLimits> for LimitsView {
    fn from(l: &QuotaLimits) -> Self {
        Self {
            max_vms: l.max_vms.map(u64::from),
            max_vcpus: l.max_vcpus.map(u64::from),
            max_memory_mib: l.max_memory_mib,
            max_disk_gib: l.max_disk_gib,
            approval_above: l.approval_above.as_ref().map(|t| t.as_str().to_owned()),
            max_pending: l.max_pending.map(u64::from),
        }
    }
}

impl LimitsView {
    fn checked(&self) -> Result<QuotaLimits, QuotasError> {
        QuotaLimits::checked(
            self.max_vms,
            self.max_vcpus,
            self.max_memory_mib,
            self.max_disk_gib,
            self.max_pending,
            self.approval_above.as_deref(),
            &TierCatalog::builtin(),
        )
        .map_err(QuotasError::Invalid)
    }
}

/// What the machines take up (machines that exist or are being built).
#[derive(Debug, Clone, Object)]
#[oai(rename = "QuotaUsage")]
pub struct UsageView {
    pub vms: u32,
    pub vcpus: u32,
    pub memory_mib: u64,
    pub disk_gib: u64,
}

impl From<Usage> for UsageView {
    fn from(u: Usage) -> Self {
        Self {
            vms: u.vms,
            vcpus: u.vcpus,
            memory_mib: u.memory_mib,
            disk_gib: u.disk_gib,
        }
    }
}

/// What may still be added under each limit; absent where there is no limit.
#[derive(Debug, Clone, Object)]
#[oai(rename = "QuotaHeadroom")]
pub struct HeadroomView {
    #[oai(skip_serializing_if_is_none)]
    pub vms: Option<u32>,
    #[oai(skip_serializing_if_is_none)]
    pub vcpus: Option<u32>,
    #[oai(skip_serializing_if_is_none)]
    pub memory_mib: Option<u64>,
    #[oai(skip_serializing_if_is_none)]
    pub disk_gib: Option<u64>,
}

/// Someone's quota.
#[derive(Debug, Clone, Object)]
#[oai(rename = "QuotaStatus")]
pub struct StatusView {
    /// Admins are not limited.
    pub exempt: bool,
    /// Absent for admins.
    #[oai(skip_serializing_if_is_none)]
    pub limits: Option<LimitsView>,
    /// The limits are this member's own rather than the defaults.
    pub custom: bool,
    pub usage: UsageView,
    pub headroom: HeadroomView,
}

impl From<&QuotaStatus> for StatusView {
    fn from(s: &QuotaStatus) -> Self {
        Self {
            exempt: s.limits.is_none(),
            limits: s.limits.as_ref().map(LimitsView::from),
            custom: s.custom,
            usage: s.usage.into(),
            headroom: HeadroomView {
                vms: s.headroom.vms,
                vcpus: s.headroom.vcpus,
                memory_mib: s.headroom.memory_mib,
                disk_gib: s.headroom.disk_gib,
            },
        }
    }
}

/// One account on the admin's quota page.
#[derive(Debug, Clone, Object)]
pub struct MemberQuotaView {
    pub user_id: String,
    pub name: String,
    pub email: String,
    /// `admin` or `member`.
    pub role: String,
    pub quota: StatusView,
}

impl From<&MemberQuota> for MemberQuotaView {
    fn from(m: &MemberQuota) -> Self {
        Self {
            user_id: m.user.id.to_string(),
            name: m.user.name.clone(),
            email: m.user.email.as_str().to_owned(),
            role: m.user.role.as_str().to_owned(),
            quota: StatusView::from(&m.status),
        }
    }
}

/// The quota settings.
#[derive(Debug, Clone, Object)]
pub struct QuotaOverview {
    /// What every member without limits of their own gets.
    pub defaults: LimitsView,
    pub members: Vec<MemberQuotaView>,
}

#[derive(ApiResponse)]
pub enum MineResponse {
    /// Your limits, what your machines take up and what is left.
    #[oai(status = 200)]
    Ok(Json<Envelope<StatusView>>),
}

#[derive(ApiResponse)]
pub enum OverviewResponse {
    /// The defaults and every account's quota and usage.
    #[oai(status = 200)]
    Ok(Json<Envelope<QuotaOverview>>),
}

#[derive(ApiResponse)]
pub enum DefaultsResponse {
    /// The defaults now in force.
    #[oai(status = 200)]
    Ok(Json<Envelope<LimitsView>>),
}

#[derive(ApiResponse)]
pub enum MemberResponse {
    /// The member's quota now.
    #[oai(status = 200)]
    Ok(Json<Envelope<MemberQuotaView>>),
}

impl<S> From<QuotasError> for ApiError<S>
where
    S: Covers<BadRequest> + Covers<Forbidden> + Covers<NotFound> + Covers<Conflict>,
{
    fn from(e: QuotasError) -> Self {
        let text = e.to_string();
        match e {
            QuotasError::Invalid(q) => Self::invalid(q.field(), text),
            QuotasError::NoSuchUser => Self::not_found(ErrorBody::new("not_found", text)),
            QuotasError::AdminHasNoQuota => Self::conflict(ErrorBody::new("admin_has_no_quota", text)),
            QuotasError::AdminOnly => Self::forbidden(ErrorBody::new("admin_required", text)),
            QuotasError::Store(cause) => Self::unexpected("quota storage failed", cause),
        }
    }
}

/// What each quota operation answers besides its success.
mod op {
    use super::statuses;

    statuses! {
        pub GetMyQuota [Unauthorized, Forbidden] never [BadRequest, NotFound, Conflict];
        pub ListQuotas [Unauthorized, Forbidden] never [BadRequest, NotFound, Conflict];
        pub SetQuotaDefaults [BadRequest, Unauthorized, Forbidden, PayloadTooLarge, UnsupportedMediaType]
            never [NotFound, Conflict];
        pub SetMemberQuota [
            BadRequest,
            Unauthorized,
            Forbidden,
            NotFound = "No such account.",
            Conflict = "`admin_has_no_quota`: admins are not limited.",
            PayloadTooLarge,
            UnsupportedMediaType,
        ];
        pub ResetMemberQuota [
            Unauthorized,
            Forbidden,
            NotFound = "No such account.",
            Conflict = "`admin_has_no_quota`: admins are not limited.",
        ] never [BadRequest];
    }
}

fn user_id(id: &str) -> Result<UserId, QuotasError> {
    id.parse().map_err(|_| QuotasError::NoSuchUser)
}

pub struct QuotasApi;

#[OpenApi(tag = "QuotaTags::Quotas")]
impl QuotasApi {
    /// Your quota: limits, use and what is left (admins are exempt).
    #[oai(path = "/quota", method = "get", operation_id = "get_my_quota")]
    async fn mine(
        &self,
        caller: SignedIn,
        quotas: Data<&Arc<Quotas>>,
    ) -> Result<MineResponse, ApiError<op::GetMyQuota>> {
        let status = quotas.mine(&caller.0).await?;
        Ok(MineResponse::Ok(Json(Envelope::ok(StatusView::from(&status)))))
    }

    /// The quota defaults and every account's quota and usage (admins).
    #[oai(path = "/quotas", method = "get", operation_id = "list_quotas")]
    async fn overview(
        &self,
        admin: AdminOnly,
        quotas: Data<&Arc<Quotas>>,
    ) -> Result<OverviewResponse, ApiError<op::ListQuotas>> {
        let (defaults, members) = quotas.overview(&admin.0).await?;
        Ok(OverviewResponse::Ok(Json(Envelope::ok(QuotaOverview {
            defaults: LimitsView::from(&defaults),
            members: members.iter().map(MemberQuotaView::from).collect(),
        }))))
    }

    /// Set the defaults every member without limits of their own gets (admins). Machines that
    /// exist are never removed; the limits apply to new requests.
    #[oai(path = "/quotas/defaults", method = "put", operation_id = "set_quota_defaults")]
    async fn set_defaults(
        &self,
        admin: AdminOnly,
        quotas: Data<&Arc<Quotas>>,
        body: Json<LimitsView>,
    ) -> Result<DefaultsResponse, ApiError<op::SetQuotaDefaults>> {
        let limits = body.checked()?;
        let saved = quotas.set_defaults(&admin.0, limits).await?;
        Ok(DefaultsResponse::Ok(Json(Envelope::ok(LimitsView::from(&saved)))))
    }

    /// Give a member limits of their own (admins).
    #[oai(path = "/quotas/users/:id", method = "put", operation_id = "set_member_quota")]
    async fn set_member(
        &self,
        admin: AdminOnly,
        quotas: Data<&Arc<Quotas>>,
        id: Path<String>,
        body: Json<LimitsView>,
    ) -> Result<MemberResponse, ApiError<op::SetMemberQuota>> {
        let user = user_id(&id.0)?;
        let limits = body.checked()?;
        let m = quotas.set_member(&admin.0, user, Some(limits)).await?;
        Ok(MemberResponse::Ok(Json(Envelope::ok(MemberQuotaView::from(&m)))))
    }

    /// Put a member back on the defaults (admins).
    #[oai(path = "/quotas/users/:id", method = "delete", operation_id = "reset_member_quota")]
    async fn reset_member(
        &self,
        admin: AdminOnly,
        quotas: Data<&Arc<Quotas>>,
        id: Path<String>,
    ) -> Result<MemberResponse, ApiError<op::ResetMemberQuota>> {
        let user = user_id(&id.0)?;
        let m = quotas.set_member(&admin.0, user, None).await?;
        Ok(MemberResponse::Ok(Json(Envelope::ok(MemberQuotaView::from(&m)))))
    }
}
