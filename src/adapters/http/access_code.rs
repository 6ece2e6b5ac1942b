//! The access-code gate over HTTP: members check and enter the code; admins see it, turn the
//! gate on or off, rotate the code and make everyone enter it again.

use std::sync::Arc;

use poem::Request;
use poem::web::Data;
use poem_openapi::payload::Json;
use poem_openapi::{ApiResponse, Object, OpenApi, Tags};

use super::auth::{AdminOnly, SignedInUngated, client_info};
use super::envelope::{Envelope, ErrorBody};
use super::errors::status::BadRequest;
use super::errors::{ApiError, Covers, statuses};
use super::limits::{Action, RateLimits};
use crate::app::access_code::{AccessGate, GateError, GateState};

#[derive(Tags)]
enum GateTags {
    /// The optional access code members enter before using Nimbus.
    AccessCode,
}

/// Whether the caller may go on.
#[derive(Debug, Clone, Object)]
pub struct AccessCodeStatus {
    /// The gate is on.
    pub enabled: bool,
    /// The caller has entered the current code (admins always count as verified).
    pub verified: bool,
}

#[derive(Object)]
pub struct VerifyRequest {
    pub code: String,
}

crate::domain::redact::debug_redacted!(VerifyRequest {  } secret { code });

/// The gate as admins see it.
#[derive(Clone, Object)]
pub struct AccessCodeSettings {
    pub enabled: bool,
    /// The current code, once one exists.
    #[oai(skip_serializing_if_is_none)]
    pub code: Option<String>,
    /// Raised by every rotation: members must enter the code of the current version.
    pub version: i64,
}

crate::domain::redact::debug_redacted!(AccessCodeSettings { enabled, version } secret { code });

impl From<GateState> for AccessCodeSettings {
    fn from(s: GateState) -> Self {
        Self {
            enabled: s.enabled,
            code: s.code,
            version: s.version,
        }
    }
}

#[derive(Debug, Object)]
pub struct AccessCodeToggle {
    pub enabled: bool,
}

#[derive(ApiResponse)]
pub enum StatusResponse {
    /// The caller's standing at the gate.
    #[oai(status = 200)]
    Ok(Json<Envelope<AccessCodeStatus>>),
}

#[derive(ApiResponse)]
pub enum SettingsResponse {
    /// The gate's settings.
    #[oai(status = 200)]
    Ok(Json<Envelope<AccessCodeSettings>>),
}

impl<S: Covers<BadRequest>> From<GateError> for ApiError<S> {
    fn from(e: GateError) -> Self {
        match e {
            GateError::WrongCode => {
                Self::bad_request(ErrorBody::new("access_code_invalid", e.to_string()).with_field("code"))
            }
            GateError::Internal(cause) => Self::unexpected("access-code operation failed", cause),
        }
    }
}

/// What each gate operation answers besides its success.
mod op {
    use super::statuses;

    statuses! {
        pub AccessCodeStatus [Unauthorized, Forbidden];
        pub VerifyAccessCode [
            BadRequest = "`access_code_invalid`: not the current code (`field` is `code`), or the body could not be \
                read.",
            Unauthorized,
            Forbidden,
            PayloadTooLarge,
            UnsupportedMediaType,
            TooManyRequests,
        ];
        pub GetAccessCodeSettings [Unauthorized, Forbidden];
        pub SetAccessCodeSettings [BadRequest, Unauthorized, Forbidden, PayloadTooLarge, UnsupportedMediaType];
        /// Rotating or re-requiring the code: nothing to get wrong but being allowed.
        pub RenewAccessCode [Unauthorized, Forbidden] never [BadRequest];
    }
}

pub struct AccessCodeApi;

#[OpenApi(tag = "GateTags::AccessCode")]
impl AccessCodeApi {
    /// Whether the gate is on and whether the caller has passed it.
    #[oai(path = "/access-code/status", method = "get", operation_id = "access_code_status")]
    async fn status(
        &self,
        caller: SignedInUngated,
        gate: Data<&Arc<AccessGate>>,
    ) -> Result<StatusResponse, ApiError<op::AccessCodeStatus>> {
        Ok(StatusResponse::Ok(Json(Envelope::ok(AccessCodeStatus {
            enabled: gate.state().enabled,
            verified: !gate.blocks(&caller.0),
        }))))
    }

    /// Enter the access code. Attempts are limited per account and per address.
    #[oai(path = "/access-code/verify", method = "post", operation_id = "verify_access_code")]
    async fn verify(
        &self,
        caller: SignedInUngated,
        req: &Request,
        gate: Data<&Arc<AccessGate>>,
        limits: Data<&Arc<RateLimits>>,
        body: Json<VerifyRequest>,
    ) -> Result<StatusResponse, ApiError<op::VerifyAccessCode>> {
        let ip = client_info(req).ip;
        limits
            .check(Action::AccessCode, ip.as_deref(), &caller.0.user.id.to_string())
            .map_err(ApiError::rate_limited)?;
        if gate.blocks(&caller.0) {
            gate.verify(&caller.0, &body.code).await?;
        }
        Ok(StatusResponse::Ok(Json(Envelope::ok(AccessCodeStatus {
            enabled: gate.state().enabled,
            verified: true,
        }))))
    }

    /// The gate's settings, code included (admins).
    #[oai(
        path = "/settings/access-code",
        method = "get",
        operation_id = "get_access_code_settings"
    )]
    async fn settings(
        &self,
        _admin: AdminOnly,
        gate: Data<&Arc<AccessGate>>,
    ) -> Result<SettingsResponse, ApiError<op::GetAccessCodeSettings>> {
        Ok(SettingsResponse::Ok(Json(Envelope::ok(gate.state().into()))))
    }

    /// Turn the gate on or off (admins). Turning it on the first time makes a code.
    #[oai(
        path = "/settings/access-code",
        method = "put",
        operation_id = "set_access_code_settings"
    )]
    async fn set(
        &self,
        admin: AdminOnly,
        gate: Data<&Arc<AccessGate>>,
        body: Json<AccessCodeToggle>,
    ) -> Result<SettingsResponse, ApiError<op::SetAccessCodeSettings>> {
        let state = gate.set_enabled(&admin.0, body.enabled).await?;
        Ok(SettingsResponse::Ok(Json(Envelope::ok(state.into()))))
    }

    /// A new code; every member enters it again (admins).
    #[oai(
        path = "/settings/access-code/rotate",
        method = "post",
        operation_id = "rotate_access_code"
    )]
    async fn rotate(
        &self,
        admin: AdminOnly,
        gate: Data<&Arc<AccessGate>>,
    ) -> Result<SettingsResponse, ApiError<op::RenewAccessCode>> {
        let state = gate.rotate(&admin.0, true).await?;
        Ok(SettingsResponse::Ok(Json(Envelope::ok(state.into()))))
    }

    /// Keep the code but make every member enter it again (admins).
    #[oai(
        path = "/settings/access-code/bump",
        method = "post",
        operation_id = "bump_access_code"
    )]
    async fn bump(
        &self,
        admin: AdminOnly,
        gate: Data<&Arc<AccessGate>>,
    ) -> Result<SettingsResponse, ApiError<op::RenewAccessCode>> {
        let state = gate.rotate(&admin.0, false).await?;
        Ok(SettingsResponse::Ok(Json(Envelope::ok(state.into()))))
    }
}
