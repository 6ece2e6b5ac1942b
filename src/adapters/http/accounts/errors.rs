//! `ApiError`: the refusals account operations answer with, each status documented once, and the
//! mapping from the use cases' errors.

use std::time::Duration;

use poem_openapi::ApiResponse;
use poem_openapi::payload::Json;

use super::super::envelope::ErrorBody;
use super::super::limits::retry_after_secs;
use crate::app::accounts::AccountError;

#[derive(Debug, ApiResponse)]
pub enum ApiError {
    /// A field is invalid (`field` names it) or the body could not be read.
    #[oai(status = 400)]
    BadRequest(Json<ErrorBody>),
    /// Not signed in, the session ended, the token is invalid or expired, or the credentials
    /// are wrong.
    #[oai(status = 401)]
    Unauthorized(Json<ErrorBody>),
    /// Signed in but not allowed: `admin_required`, `read_only_token`, `session_required`,
    /// `account_disabled`, `setup_token_invalid` or `csrf_rejected`.
    #[oai(status = 403)]
    Forbidden(Json<ErrorBody>),
    /// No such record (other users' records answer this too).
    #[oai(status = 404)]
    NotFound(Json<ErrorBody>),
    /// The request conflicts with what exists (`email_taken`, `token_name_taken`, `last_admin`).
    #[oai(status = 409)]
    Conflict(Json<ErrorBody>),
    /// The body is larger than the API accepts.
    #[oai(status = 413)]
    #[allow(dead_code)] // answered by the body-limit middleware, listed so the spec documents it
    PayloadTooLarge(Json<ErrorBody>),
    /// The body is not JSON (`Content-Type: application/json`).
    #[oai(status = 415)]
    #[allow(dead_code)] // answered by the request parser, listed so the spec documents it
    UnsupportedMediaType(Json<ErrorBody>),
    /// Too many attempts; retry after the number of seconds in `Retry-After`.
    #[oai(status = 429)]
    TooManyRequests(Json<ErrorBody>, #[oai(header = "Retry-After")] u64),
    /// An unexpected failure; the body carries the request id.
    #[oai(status = 500)]
    Internal(Json<ErrorBody>),
    /// Nimbus cannot do it right now: no capacity, the IP pool is exhausted, no template, or a
    /// dependency (Proxmox) is down.
    #[oai(status = 503)]
    Unavailable(Json<ErrorBody>),
}

impl ApiError {
    pub fn rate_limited(wait: Duration) -> Self {
        let secs = retry_after_secs(wait);
        Self::TooManyRequests(
            Json(ErrorBody::new(
                "rate_limited",
                format!("Too many attempts. Try again in {secs} seconds."),
            )),
            secs,
        )
    }

    pub fn not_found(what: &str) -> Self {
        Self::NotFound(Json(ErrorBody::new("not_found", format!("There is no such {what}."))))
    }
}

impl From<AccountError> for ApiError {
    fn from(e: AccountError) -> Self {
        let text = e.to_string();
        let body = |code: &str| ErrorBody::new(code, text.clone());
        match e {
            AccountError::Invalid { field, .. } => Self::BadRequest(Json(body("validation_failed").with_field(field))),
            AccountError::EmailTaken => Self::Conflict(Json(body("email_taken").with_field("email"))),
            AccountError::SetupTokenInvalid => {
                Self::Forbidden(Json(body("setup_token_invalid").with_field("setup_token")))
            }
            AccountError::InvalidCredentials => Self::Unauthorized(Json(body("invalid_credentials"))),
            AccountError::WrongCurrentPassword => {
                Self::Unauthorized(Json(body("invalid_credentials").with_field("current_password")))
            }
            AccountError::AccountDisabled => Self::Forbidden(Json(body("account_disabled"))),
            AccountError::NotFound(_) => Self::NotFound(Json(body("not_found"))),
            AccountError::LastAdmin => Self::Conflict(Json(body("last_admin"))),
            AccountError::TokenNameTaken => Self::Conflict(Json(body("token_name_taken").with_field("name"))),
            AccountError::SessionRequired(_) => Self::Forbidden(Json(body("session_required"))),
            AccountError::Internal(cause) => {
                tracing::error!(error = %cause, "account operation failed");
                Self::Internal(Json(ErrorBody::internal()))
            }
        }
    }
}
