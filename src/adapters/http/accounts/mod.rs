//! The account API: sign-up, sign-in, sign-out and the auth status (`/auth/*`, this file), the
//! caller's own account (`me.rs`), personal API tokens (`tokens.rs`) and the admin's user list
//! (`users.rs`). Shapes are in `views.rs`; `errors.rs` maps the use cases' refusals.

mod errors;
pub mod invitations;
pub(crate) mod me;
mod signups;
mod tokens;
mod users;
pub mod views;

use std::sync::Arc;

use poem::Request;
use poem::web::Data;
use poem_openapi::payload::Json;
use poem_openapi::{ApiResponse, Object, OpenApi, Tags};

pub use invitations::{InvitationsApi, InviteCheckApi};
pub use me::MeApi;
pub use signups::{SignupModeView, SignupsApi};
pub use tokens::TokensApi;
pub use users::UsersApi;
use views::{AuthStatus, MeView, SignedOut, UserView};

use super::auth::{MaybeCaller, SessionCookies, SignedInUngated, client_info, session_cookie};
use super::envelope::Envelope;
use super::errors::{ApiError, statuses};
use super::limits::{Action, RateLimits};
use crate::app::access_code::AccessGate;
use crate::app::accounts::{AccountError, AccountManagement, AccountService, Registration};
use crate::app::invitations::Invitations;
use crate::app::signups::SignupSwitch;

#[derive(Tags)]
pub(super) enum AccountTags {
    /// Signing up, in and out.
    Auth,
    /// The signed-in account: profile, password, sessions.
    Me,
    /// Personal API tokens for scripts and OpenAPI clients.
    Tokens,
    /// Accounts of this Nimbus (admins).
    Users,
}

/// A new account.
#[derive(Object)]
pub struct RegisterRequest {
    pub email: String,
    /// The name shown in the portal.
    pub name: String,
    /// At least 10 characters and not a common password.
    pub password: String,
    /// Only for the first account of `nimbus serve`: the one-time token from the server log.
    pub setup_token: Option<String>,
    /// The token of an invitation link (`/signup?invite=…`): lets this person in whoever may
    /// sign up, with the invitation's role.
    pub invite: Option<String>,
    /// The access code, when sign-ups need it (it may also be entered after signing up).
    pub access_code: Option<String>,
}

crate::domain::redact::debug_redacted!(RegisterRequest { email, name } secret { password, setup_token, invite, access_code });

#[derive(Object)]
pub struct LoginRequest {
    pub email: String,
    pub password: String,
}

crate::domain::redact::debug_redacted!(LoginRequest { email } secret { password });

#[derive(ApiResponse)]
pub enum RegisterResponse {
    /// The account exists and is signed in (the cookie is set).
    #[oai(status = 201)]
    Created(Json<Envelope<UserView>>, #[oai(header = "Set-Cookie")] String),
}

#[derive(ApiResponse)]
pub enum SignInResponse {
    /// Signed in (the cookie is set).
    #[oai(status = 200)]
    Ok(Json<Envelope<UserView>>, #[oai(header = "Set-Cookie")] String),
}

#[derive(ApiResponse)]
pub enum SignOutResponse {
    /// Signed out (the cookie is cleared).
    #[oai(status = 200)]
    Ok(Json<Envelope<SignedOut>>, #[oai(header = "Set-Cookie")] String),
}

#[derive(ApiResponse)]
pub enum AuthStatusResponse {
    /// The auth status.
    #[oai(status = 200)]
    Ok(Json<Envelope<AuthStatus>>),
}

/// What each auth operation answers besides its success.
mod op {
    use super::statuses;

    statuses! {
        pub AuthStatus [] never [BadRequest, Unauthorized, Forbidden, NotFound, Conflict, Unavailable];
        pub Register [
            BadRequest = "`validation_failed` (`field` names it); `invite_not_found`, `invite_used`, \
                `invite_expired`, `invite_revoked` or `invite_wrong_email` (`field` is `invite`: ask an admin for \
                a new invitation); `access_code_invalid` (`field` is `access_code`).",
            Forbidden = "Refused: `signups_closed` (invite-only: sign up with an invitation link), \
                `setup_token_invalid` (the first account needs the setup token), or `csrf_rejected` (a write \
                from another site).",
            Conflict = "`email_taken`: an account with this email exists.",
            PayloadTooLarge,
            UnsupportedMediaType,
            TooManyRequests,
            Unavailable = "`busy`: too many passwords are being checked at once; retry after the seconds in `Retry-After`.",
        ] never [Unauthorized, NotFound];
        pub Login [
            BadRequest,
            Unauthorized = "`invalid_credentials`: the email or password is wrong.",
            Forbidden = "`account_disabled`, or `csrf_rejected` (a write from another site).",
            PayloadTooLarge,
            UnsupportedMediaType,
            TooManyRequests,
            Unavailable = "`busy`: too many passwords are being checked at once; retry after the seconds in `Retry-After`.",
        ] never [NotFound, Conflict];
        pub Logout [Forbidden = "`csrf_rejected`: a write from another site."]
            never [BadRequest, Unauthorized, NotFound, Conflict, Unavailable];
        pub LogoutAll [Unauthorized, Forbidden] never [BadRequest, NotFound, Conflict, Unavailable];
    }
}

pub struct AuthApi;

#[OpenApi(prefix_path = "/auth", tag = "AccountTags::Auth")]
impl AuthApi {
    /// Whether an admin exists, whether the first account needs the setup token, and who is
    /// signed in (if anyone). Never answers 401.
    #[oai(path = "/status", method = "get", operation_id = "auth_status")]
    async fn status(
        &self,
        caller: MaybeCaller,
        accounts: Data<&Arc<AccountService>>,
        gate: Data<&Arc<AccessGate>>,
        signups: Data<&Arc<SignupSwitch>>,
    ) -> Result<AuthStatusResponse, ApiError<op::AuthStatus>> {
        let has_admin = accounts.has_admin().await?;
        Ok(AuthStatusResponse::Ok(Json(Envelope::ok(AuthStatus {
            has_admin,
            setup_token_required: !has_admin && accounts.settings().setup_token_required,
            access_code_required: caller.0.as_ref().is_some_and(|c| gate.blocks(c)),
            signups_open: !has_admin || signups.is_open(),
            signup_mode: signups.mode().into(),
            user: caller.0.as_ref().map(MeView::from),
        }))))
    }

    /// Create an account and sign in. The first account becomes admin; in `nimbus serve` it
    /// needs the one-time setup token printed to the server log. After that, who may sign up
    /// decides, and an invitation's token lets its holder in with its role whatever the setting.
    #[oai(path = "/register", method = "post", operation_id = "register")]
    async fn register(
        &self,
        req: &Request,
        limits: Data<&Arc<RateLimits>>,
        cookies: SessionCookies,
        invitations: Data<&Arc<Invitations>>,
        body: Json<RegisterRequest>,
    ) -> Result<RegisterResponse, ApiError<op::Register>> {
        let client = client_info(req);
        limits
            .check(Action::Register, client.ip.as_deref(), &body.email)
            .map_err(ApiError::rate_limited)?;
        let RegisterRequest {
            email,
            name,
            password,
            setup_token,
            invite,
            access_code,
        } = body.0;
        let form = Registration {
            email,
            name,
            password,
            setup_token,
        };
        let (user, secret) = invitations
            .register(form, invite.as_deref(), access_code.as_deref(), client)
            .await?;
        Ok(RegisterResponse::Created(
            Json(Envelope::ok(UserView::from(&user))),
            cookies.set(&secret),
        ))
    }

    /// Sign in with email and password.
    #[oai(path = "/login", method = "post", operation_id = "login")]
    async fn login(
        &self,
        req: &Request,
        accounts: Data<&Arc<AccountService>>,
        limits: Data<&Arc<RateLimits>>,
        cookies: SessionCookies,
        body: Json<LoginRequest>,
    ) -> Result<SignInResponse, ApiError<op::Login>> {
        let client = client_info(req);
        let ip = client.ip.clone();
        limits
            .admit_sign_in(ip.as_deref(), &body.email)
            .map_err(ApiError::rate_limited)?;
        let (user, secret) = match accounts.login(&body.email, &body.password, client).await {
            Ok(signed_in) => signed_in,
            Err(e) => {
                if matches!(e, AccountError::InvalidCredentials) {
                    limits.sign_in_failed(ip.as_deref(), &body.email);
                }
                return Err(e.into());
            }
        };
        limits.signed_in(ip.as_deref(), &body.email);
        Ok(SignInResponse::Ok(
            Json(Envelope::ok(UserView::from(&user))),
            cookies.set(&secret),
        ))
    }

    /// Sign out of this browser session (works without one, and always clears the cookie).
    #[oai(path = "/logout", method = "post", operation_id = "logout")]
    async fn logout(
        &self,
        req: &Request,
        accounts: Data<&Arc<AccountService>>,
        cookies: SessionCookies,
    ) -> Result<SignOutResponse, ApiError<op::Logout>> {
        let ended = accounts.logout(session_cookie(req).as_deref()).await?;
        Ok(SignOutResponse::Ok(
            Json(Envelope::ok(SignedOut { sessions_ended: ended })),
            cookies.clear(),
        ))
    }

    /// Sign out everywhere: end every session of the caller, this one included.
    #[oai(path = "/logout-all", method = "post", operation_id = "logout_all")]
    async fn logout_all(
        &self,
        caller: SignedInUngated,
        accounts: Data<&Arc<AccountManagement>>,
        cookies: SessionCookies,
    ) -> Result<SignOutResponse, ApiError<op::LogoutAll>> {
        let ended = accounts.logout_all(&caller.0).await?;
        Ok(SignOutResponse::Ok(
            Json(Envelope::ok(SignedOut { sessions_ended: ended })),
            cookies.clear(),
        ))
    }
}
