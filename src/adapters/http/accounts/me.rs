//! The caller's own account: who am I, rename, change the password, sessions.

use std::sync::Arc;

use poem::Request;
use poem::web::Data;
use poem_openapi::param::Path;
use poem_openapi::payload::Json;
use poem_openapi::{ApiResponse, Object, OpenApi};

use super::super::auth::{SessionCookies, SignedIn, SignedInUngated, client_info};
use super::super::envelope::Envelope;
use super::super::errors::{ApiError, statuses};
use super::super::limits::{Action, RateLimits};
use super::AccountTags;
use super::views::{Deleted, MeView, PasswordChangedView, SessionInfo};
use crate::app::accounts::{AccountManagement, Caller};

#[derive(Debug, Object)]
pub struct RenameRequest {
    pub name: String,
}

#[derive(Object)]
pub struct PasswordChange {
    /// Required when the account has a password (`Me.has_password`).
    pub current_password: Option<String>,
    /// At least 10 characters and not a common password.
    pub new_password: String,
    /// Also revoke every API token of the account (default `true`: a leaked password may have
    /// made some).
    pub revoke_tokens: Option<bool>,
}

crate::domain::redact::debug_redacted!(PasswordChange { revoke_tokens } secret { current_password, new_password });

#[derive(ApiResponse)]
pub enum MeResponse {
    /// The signed-in account.
    #[oai(status = 200)]
    Ok(Json<Envelope<MeView>>),
}

#[derive(ApiResponse)]
pub enum PasswordResponse {
    /// Changed; other sessions ended (and, unless kept, API tokens revoked) and this one
    /// continues under a new cookie.
    #[oai(status = 200)]
    Ok(
        Json<Envelope<PasswordChangedView>>,
        #[oai(header = "Set-Cookie")] String,
    ),
}

#[derive(ApiResponse)]
pub enum SessionsResponse {
    /// The sessions.
    #[oai(status = 200)]
    Ok(Json<Envelope<Vec<SessionInfo>>>),
}

#[derive(ApiResponse)]
pub enum DeletedResponse {
    /// Deleted; it no longer works.
    #[oai(status = 200)]
    Ok(Json<Envelope<Deleted>>),
}

/// What each operation on the caller's account answers besides its success.
mod op {
    use super::statuses;

    statuses! {
        pub Me [Unauthorized, Forbidden];
        pub UpdateMe [BadRequest, Unauthorized, Forbidden, PayloadTooLarge, UnsupportedMediaType]
            never [NotFound, Conflict, Unavailable];
        pub ChangePassword [
            BadRequest,
            Unauthorized = "Not signed in, the session ended, or `invalid_credentials`: the current password is wrong \
                (`field` is `current_password`).",
            Forbidden = "Not allowed: `session_required` (API tokens cannot change the password), `read_only_token`, \
                `access_code_required`, `account_disabled` or `csrf_rejected`.",
            PayloadTooLarge,
            UnsupportedMediaType,
            TooManyRequests,
            Unavailable = "`busy`: too many passwords are being checked at once; retry after the seconds in `Retry-After`.",
        ] never [NotFound, Conflict];
        pub ListSessions [Unauthorized, Forbidden] never [BadRequest, NotFound, Conflict, Unavailable];
        pub EndSession [Unauthorized, Forbidden, NotFound = "No such session of yours."]
            never [BadRequest, Conflict, Unavailable];
    }
}

pub struct MeApi;

fn me(caller: &Caller) -> MeResponse {
    MeResponse::Ok(Json(Envelope::ok(MeView::from(caller))))
}

#[OpenApi(prefix_path = "/me", tag = "AccountTags::Me")]
impl MeApi {
    /// The signed-in account.
    #[oai(path = "/", method = "get", operation_id = "me")]
    async fn me(&self, caller: SignedInUngated) -> Result<MeResponse, ApiError<op::Me>> {
        Ok(me(&caller.0))
    }

    /// Change the name shown in the portal.
    #[oai(path = "/", method = "patch", operation_id = "update_me")]
    async fn update(
        &self,
        caller: SignedIn,
        accounts: Data<&Arc<AccountManagement>>,
        body: Json<RenameRequest>,
    ) -> Result<MeResponse, ApiError<op::UpdateMe>> {
        let user = accounts.rename(&caller.0, &body.name).await?;
        Ok(me(&Caller { user, ..caller.0 }))
    }

    /// Change the password (browser sessions only). Every other session ends and, unless
    /// `revoke_tokens` is `false`, every API token is revoked. Limited per account.
    #[oai(path = "/password", method = "post", operation_id = "change_password")]
    async fn change_password(
        &self,
        caller: SignedIn,
        req: &Request,
        accounts: Data<&Arc<AccountManagement>>,
        limits: Data<&Arc<RateLimits>>,
        cookies: SessionCookies,
        body: Json<PasswordChange>,
    ) -> Result<PasswordResponse, ApiError<op::ChangePassword>> {
        let client = client_info(req);
        limits
            .check(
                Action::ChangePassword,
                client.ip.as_deref(),
                &caller.0.user.id.to_string(),
            )
            .map_err(ApiError::rate_limited)?;
        let changed = accounts
            .change_password(
                &caller.0,
                body.current_password.as_deref(),
                &body.new_password,
                body.revoke_tokens.unwrap_or(true),
                client,
            )
            .await?;
        Ok(PasswordResponse::Ok(
            Json(Envelope::ok(PasswordChangedView {
                sessions_ended: changed.sessions_ended,
                tokens_revoked: changed.tokens_revoked,
            })),
            cookies.set(&changed.secret),
        ))
    }

    /// The caller's browser sessions, newest first.
    #[oai(path = "/sessions", method = "get", operation_id = "list_sessions")]
    async fn sessions(
        &self,
        caller: SignedIn,
        accounts: Data<&Arc<AccountManagement>>,
    ) -> Result<SessionsResponse, ApiError<op::ListSessions>> {
        let current = caller.0.session_id();
        let list = accounts
            .list_sessions(&caller.0)
            .await?
            .iter()
            .map(|s| SessionInfo::new(s, accounts.session_ends_at(s), current))
            .collect();
        Ok(SessionsResponse::Ok(Json(Envelope::ok(list))))
    }

    /// End one of the caller's sessions (sign a device out).
    #[oai(path = "/sessions/:id", method = "delete", operation_id = "end_session")]
    async fn end_session(
        &self,
        caller: SignedIn,
        accounts: Data<&Arc<AccountManagement>>,
        id: Path<String>,
    ) -> Result<DeletedResponse, ApiError<op::EndSession>> {
        let uuid = uuid::Uuid::parse_str(&id).map_err(|_| ApiError::no_such("session"))?;
        accounts.end_session(&caller.0, uuid).await?;
        Ok(DeletedResponse::Ok(Json(Envelope::ok(Deleted {
            id: uuid.to_string(),
        }))))
    }
}
