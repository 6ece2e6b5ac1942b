//! `ApiError`: the one-size refusal the VM, approval, IP-pool and fleet operations still answer with
//! (every status listed on every operation), until they get status sets of their own.

use std::time::Duration;

use poem_openapi::ApiResponse;
use poem_openapi::payload::Json;

use super::envelope::ErrorBody;
use super::limits::retry_after_secs;

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
