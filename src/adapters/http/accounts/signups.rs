//! Who may sign up (admins): `open`, `access_code` or `invite_only`. The former open/closed
//! switch's `open` is still read and answered (`open: false` is invite-only).

use std::sync::Arc;

use poem::web::Data;
use poem_openapi::payload::Json;
use poem_openapi::types::Example;
use poem_openapi::{ApiResponse, Enum, Object, OpenApi};

use super::super::auth::AdminOnly;
use super::super::envelope::Envelope;
use super::super::errors::{ApiError, statuses};
use super::AccountTags;
use crate::app::access_code::AccessGate;
use crate::app::signups::SignupSwitch;
use crate::domain::account::SignupMode;

/// Who may create an account on their own.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Enum)]
#[oai(rename = "SignupMode", rename_all = "snake_case")]
pub enum SignupModeView {
    /// Anyone who can reach Nimbus.
    Open,
    /// Anyone, who then enters the access code (the access-code gate is on).
    AccessCode,
    /// Only people an admin invites.
    InviteOnly,
}

impl From<SignupMode> for SignupModeView {
    fn from(m: SignupMode) -> Self {
        match m {
            SignupMode::Open => Self::Open,
            SignupMode::AccessCode => Self::AccessCode,
            SignupMode::InviteOnly => Self::InviteOnly,
        }
    }
}

impl From<SignupModeView> for SignupMode {
    fn from(m: SignupModeView) -> Self {
        match m {
            SignupModeView::Open => Self::Open,
            SignupModeView::AccessCode => Self::AccessCode,
            SignupModeView::InviteOnly => Self::InviteOnly,
        }
    }
}

/// Who may sign up (with a password or with GitHub/Google). Invited people always may.
#[derive(Debug, Clone, Object)]
pub struct Signups {
    pub mode: SignupModeView,
    /// People may sign up without an invitation (`mode` is not `invite_only`).
    pub open: bool,
}

impl From<SignupMode> for Signups {
    fn from(mode: SignupMode) -> Self {
        Self {
            mode: mode.into(),
            open: mode.lets_anyone_sign_up(),
        }
    }
}

/// A change of who may sign up: `mode`, or the former switch's `open` (`false` is invite-only;
/// `true` opens an invite-only Nimbus and leaves the other modes as they are).
#[derive(Debug, Clone, Object)]
#[oai(example)]
pub struct SignupsChange {
    pub mode: Option<SignupModeView>,
    pub open: Option<bool>,
}

impl Example for SignupsChange {
    fn example() -> Self {
        Self {
            mode: Some(SignupModeView::InviteOnly),
            open: None,
        }
    }
}

#[derive(ApiResponse)]
pub enum SignupsResponse {
    /// The sign-up setting.
    #[oai(status = 200)]
    Ok(Json<Envelope<Signups>>),
}

/// What each sign-up setting operation answers besides its success.
mod op {
    use super::statuses;

    statuses! {
        pub GetSignups [Unauthorized, Forbidden];
        pub SetSignups [
            BadRequest = "`validation_failed`: neither `mode` nor `open` was given (`field` is `mode`), or the \
                body could not be read.",
            Unauthorized,
            Forbidden,
            PayloadTooLarge,
            UnsupportedMediaType,
        ];
    }
}

pub struct SignupsApi;

#[OpenApi(prefix_path = "/settings/signups", tag = "AccountTags::Users")]
impl SignupsApi {
    /// Who may sign up (admins).
    #[oai(path = "/", method = "get", operation_id = "get_signups")]
    async fn get(
        &self,
        _admin: AdminOnly,
        signups: Data<&Arc<SignupSwitch>>,
    ) -> Result<SignupsResponse, ApiError<op::GetSignups>> {
        Ok(SignupsResponse::Ok(Json(Envelope::ok(signups.mode().into()))))
    }

    /// Choose who may sign up (admins): `open`, `access_code` (turns the access-code gate on)
    /// or `invite_only`. Existing accounts are not affected.
    #[oai(path = "/", method = "put", operation_id = "set_signups")]
    async fn set(
        &self,
        admin: AdminOnly,
        signups: Data<&Arc<SignupSwitch>>,
        gate: Data<&Arc<AccessGate>>,
        body: Json<SignupsChange>,
    ) -> Result<SignupsResponse, ApiError<op::SetSignups>> {
        let current = signups.mode();
        let mode = match (body.mode, body.open) {
            (Some(mode), _) => mode.into(),
            (None, Some(false)) => SignupMode::InviteOnly,
            (None, Some(true)) if current == SignupMode::InviteOnly => SignupMode::Open,
            (None, Some(true)) => current,
            (None, None) => {
                return Err(ApiError::invalid(
                    "mode",
                    "Choose who may sign up: mode is one of open, access_code or invite_only.",
                ));
            }
        };
        // Through the gate, which makes the code the `access_code` mode needs.
        let mode = gate.set_signup_mode(&admin.0, mode).await?;
        Ok(SignupsResponse::Ok(Json(Envelope::ok(mode.into()))))
    }
}
