//! Invitations over HTTP: admins make, list and revoke them (`/users/invitations`); anyone holding
//! a link may ask what its token is good for (`/auth/invitations/{token}`), which the sign-up page
//! shows. The token is answered once, inside the link; only its digest is stored.

use std::sync::Arc;

use chrono::{DateTime, Utc};
use poem::Request;
use poem::web::Data;
use poem_openapi::param::Path;
use poem_openapi::payload::Json;
use poem_openapi::types::Example;
use poem_openapi::{ApiResponse, Enum, Object, OpenApi};

use super::super::auth::AdminOnly;
use super::super::envelope::{Envelope, ErrorBody};
use super::super::errors::status::{BadRequest, Conflict, Forbidden, NotFound, Unauthorized, Unavailable};
use super::super::errors::{ApiError, Covers, statuses};
use super::super::oauth::{PublicOrigin, origin};
use super::AccountTags;
use super::views::RoleView;
use crate::app::invitations::{CreatedInvitation, InvitationError, InvitationForm, InvitationView, Invitations};
use crate::domain::account::{InvitationState, InviteRefusal};

/// Where an invitation stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Enum)]
#[oai(rename = "InvitationState", rename_all = "snake_case")]
pub enum InvitationStateView {
    /// Can still be used.
    Pending,
    /// Someone created their account with it.
    Used,
    /// Its time ran out before anyone used it.
    Expired,
    /// An admin revoked it.
    Revoked,
}

impl From<InvitationState> for InvitationStateView {
    fn from(s: InvitationState) -> Self {
        match s {
            InvitationState::Pending => Self::Pending,
            InvitationState::Used => Self::Used,
            InvitationState::Expired => Self::Expired,
            InvitationState::Revoked => Self::Revoked,
        }
    }
}

/// A new invitation; every field may be left out.
#[derive(Debug, Clone, Object)]
#[oai(example)]
pub struct NewInvitation {
    /// The role the account gets (member unless set).
    pub role: Option<RoleView>,
    /// Only this address may use the invitation.
    pub email: Option<String>,
    /// How many days the link works: 1 to 30 (7 unless set).
    pub expires_in_days: Option<i64>,
}

impl Example for NewInvitation {
    fn example() -> Self {
        Self {
            role: Some(RoleView::Member),
            email: Some("grace@lab.example".into()),
            expires_in_days: Some(7),
        }
    }
}

/// An invitation as admins see it.
#[derive(Debug, Clone, Object)]
pub struct InvitationInfo {
    pub id: String,
    pub role: RoleView,
    /// Only this address may use it.
    #[oai(skip_serializing_if_is_none)]
    pub email: Option<String>,
    pub state: InvitationStateView,
    /// The admin who made it.
    pub created_by: String,
    pub created_at: DateTime<Utc>,
    pub expires_at: DateTime<Utc>,
    #[oai(skip_serializing_if_is_none)]
    pub used_at: Option<DateTime<Utc>>,
    /// The account it made.
    #[oai(skip_serializing_if_is_none)]
    pub used_by: Option<String>,
    #[oai(skip_serializing_if_is_none)]
    pub revoked_at: Option<DateTime<Utc>>,
}

impl From<&InvitationView> for InvitationInfo {
    fn from(v: &InvitationView) -> Self {
        let r = &v.record;
        Self {
            id: r.id.to_string(),
            role: r.role.into(),
            email: r.email.as_ref().map(|e| e.as_str().to_string()),
            state: v.state.into(),
            created_by: r.created_by.to_string(),
            created_at: r.created_at,
            expires_at: r.expires_at,
            used_at: r.used_at,
            used_by: r.used_by.map(|u| u.to_string()),
            revoked_at: r.revoked_at,
        }
    }
}

/// A new invitation and its one-time link, shown this once.
#[derive(Clone, Object)]
#[oai(example)]
pub struct CreatedInvitationView {
    pub invitation: InvitationInfo,
    /// The token inside the link (never shown again).
    pub token: String,
    /// `<APP_URL or this request's origin>/signup?invite=<token>`: send it to the person invited.
    pub link: String,
}

crate::domain::redact::debug_redacted!(CreatedInvitationView { invitation } secret { token, link });

impl Example for CreatedInvitationView {
    fn example() -> Self {
        let at = DateTime::from_timestamp(1_800_000_000, 0).unwrap_or_default();
        let token = "q3Vw0o2Xb8n1f5rTcY7kLm9sZa4eHj6gPd0uWxNiBvE".to_string();
        Self {
            invitation: InvitationInfo {
                id: "5b0a6c1e-7d2f-4f7e-9a51-2c8d3e4f5a6b".into(),
                role: RoleView::Member,
                email: Some("grace@lab.example".into()),
                state: InvitationStateView::Pending,
                created_by: "0c2f9e4a-1b3d-4e5f-8a7b-6c5d4e3f2a1b".into(),
                created_at: at,
                expires_at: at + chrono::Duration::days(7),
                used_at: None,
                used_by: None,
                revoked_at: None,
            },
            link: format!("https://nimbus.lab.example/signup?invite={token}"),
            token,
        }
    }
}

/// What the sign-up page may know about an invitation link.
#[derive(Debug, Clone, Object)]
pub struct InviteCheckView {
    /// Only `pending` can be used.
    pub state: InvitationStateView,
    /// The role the account would get.
    pub role: RoleView,
    pub expires_at: DateTime<Utc>,
    /// Only one address may use it (which one is not told).
    pub email_bound: bool,
    /// Why it cannot be used, in words for the person holding it (absent while pending).
    #[oai(skip_serializing_if_is_none)]
    pub reason: Option<String>,
}

#[derive(ApiResponse)]
pub enum CreatedResponse {
    /// The invitation and its link (shown once).
    #[oai(status = 201)]
    Created(Json<Envelope<CreatedInvitationView>>),
}

#[derive(ApiResponse)]
pub enum ListResponse {
    /// Every invitation, newest first.
    #[oai(status = 200)]
    Ok(Json<Envelope<Vec<InvitationInfo>>>),
}

#[derive(ApiResponse)]
pub enum InvitationResponse {
    /// The invitation as changed.
    #[oai(status = 200)]
    Ok(Json<Envelope<InvitationInfo>>),
}

#[derive(ApiResponse)]
pub enum CheckResponse {
    /// What the link is good for.
    #[oai(status = 200)]
    Ok(Json<Envelope<InviteCheckView>>),
}

/// The stable code of each refusal of an invitation.
pub(super) fn refusal_code(refusal: InviteRefusal) -> &'static str {
    match refusal {
        InviteRefusal::Unknown => "invite_not_found",
        InviteRefusal::Used => "invite_used",
        InviteRefusal::Expired => "invite_expired",
        InviteRefusal::Revoked => "invite_revoked",
        InviteRefusal::WrongEmail => "invite_wrong_email",
    }
}

impl<S> From<InvitationError> for ApiError<S>
where
    S: Covers<BadRequest>
        + Covers<Unauthorized>
        + Covers<Forbidden>
        + Covers<NotFound>
        + Covers<Conflict>
        + Covers<Unavailable>,
{
    fn from(e: InvitationError) -> Self {
        let text = e.to_string();
        match e {
            InvitationError::Invite(refusal) => {
                Self::bad_request(ErrorBody::new(refusal_code(refusal), text).with_field("invite"))
            }
            InvitationError::NotFound => Self::not_found(ErrorBody::new("not_found", text)),
            InvitationError::NotPending(_) => Self::conflict(ErrorBody::new("invitation_not_pending", text)),
            InvitationError::SignupsClosed => Self::forbidden(ErrorBody::new("signups_closed", text)),
            InvitationError::WrongAccessCode => {
                Self::bad_request(ErrorBody::new("access_code_invalid", text).with_field("access_code"))
            }
            InvitationError::Account(e) => e.into(),
        }
    }
}

/// What each invitation operation answers besides its success.
mod op {
    use super::statuses;

    statuses! {
        pub CreateInvitation [
            BadRequest = "`validation_failed`: `email` is not an address, or `expires_in_days` is not 1 to 30.",
            Unauthorized,
            Forbidden,
            PayloadTooLarge,
            UnsupportedMediaType,
        ] never [NotFound, Conflict, Unavailable];
        pub ListInvitations [Unauthorized, Forbidden] never [BadRequest, NotFound, Conflict, Unavailable];
        pub RevokeInvitation [
            Unauthorized,
            Forbidden,
            NotFound,
            Conflict = "`invitation_not_pending`: it was used, has expired or was revoked already.",
        ] never [BadRequest, Unavailable];
        pub CheckInvitation [
            NotFound = "`invite_not_found`: no invitation has this token (mistyped, or never made).",
        ] never [BadRequest, Unauthorized, Forbidden, Conflict, Unavailable];
    }
}

pub struct InvitationsApi;

#[OpenApi(prefix_path = "/users/invitations", tag = "AccountTags::Users")]
impl InvitationsApi {
    /// Invite someone (admins): the answer's link lets one person create an account with the
    /// role, even when sign-ups are invite-only or need the access code. It is shown once.
    #[oai(path = "/", method = "post", operation_id = "create_invitation")]
    async fn create(
        &self,
        admin: AdminOnly,
        req: &Request,
        invitations: Data<&Arc<Invitations>>,
        public: Data<&PublicOrigin>,
        body: Json<NewInvitation>,
    ) -> Result<CreatedResponse, ApiError<op::CreateInvitation>> {
        let form = InvitationForm {
            role: body.0.role.map(Into::into),
            email: body.0.email,
            expires_in_days: body.0.expires_in_days,
        };
        let CreatedInvitation { invitation, token } = invitations.create(&admin.0, form).await?;
        let link = format!("{}/signup?invite={token}", origin(req, &public));
        Ok(CreatedResponse::Created(Json(Envelope::ok(CreatedInvitationView {
            invitation: InvitationInfo::from(&invitation),
            token,
            link,
        }))))
    }

    /// Every invitation with its state (pending, used, expired, revoked), newest first (admins).
    #[oai(path = "/", method = "get", operation_id = "list_invitations")]
    async fn list(
        &self,
        _admin: AdminOnly,
        invitations: Data<&Arc<Invitations>>,
    ) -> Result<ListResponse, ApiError<op::ListInvitations>> {
        let all = invitations.list().await?;
        Ok(ListResponse::Ok(Json(Envelope::ok(
            all.iter().map(InvitationInfo::from).collect(),
        ))))
    }

    /// Revoke a pending invitation (admins): its link stops working.
    #[oai(path = "/:id/revoke", method = "post", operation_id = "revoke_invitation")]
    async fn revoke(
        &self,
        admin: AdminOnly,
        invitations: Data<&Arc<Invitations>>,
        id: Path<String>,
    ) -> Result<InvitationResponse, ApiError<op::RevokeInvitation>> {
        let id = uuid::Uuid::parse_str(&id).map_err(|_| ApiError::no_such("invitation"))?;
        let revoked = invitations.revoke(&admin.0, id).await?;
        Ok(InvitationResponse::Ok(Json(Envelope::ok(InvitationInfo::from(
            &revoked,
        )))))
    }
}

pub struct InviteCheckApi;

#[OpenApi(prefix_path = "/auth/invitations", tag = "AccountTags::Auth")]
impl InviteCheckApi {
    /// What an invitation link is good for (anyone holding it): whether it can still be used,
    /// the role it gives and when it expires, or why it cannot be used. Nothing else is told.
    #[oai(path = "/:token", method = "get", operation_id = "check_invitation")]
    async fn check(
        &self,
        invitations: Data<&Arc<Invitations>>,
        token: Path<String>,
    ) -> Result<CheckResponse, ApiError<op::CheckInvitation>> {
        let check = match invitations.check(&token).await {
            Ok(check) => check,
            Err(InvitationError::Invite(InviteRefusal::Unknown)) => {
                let text = InviteRefusal::Unknown.to_string();
                return Err(ApiError::not_found(
                    ErrorBody::new("invite_not_found", text).with_field("invite"),
                ));
            }
            Err(e) => return Err(e.into()),
        };
        Ok(CheckResponse::Ok(Json(Envelope::ok(InviteCheckView {
            state: check.state.into(),
            role: check.role.into(),
            expires_at: check.expires_at,
            email_bound: check.email_bound,
            reason: InviteRefusal::of(check.state).map(|r| r.to_string()),
        }))))
    }
}
