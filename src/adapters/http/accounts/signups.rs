//! Whether new people may sign up (admins).

use std::sync::Arc;

use poem::web::Data;
use poem_openapi::payload::Json;
use poem_openapi::{ApiResponse, Object, OpenApi};

use super::super::auth::AdminOnly;
use super::super::envelope::Envelope;
use super::super::errors::{ApiError, StatusSet, statuses};
use super::AccountTags;
use crate::app::signups::{SignupSwitch, SignupsError};

/// Whether new people may create accounts (with a password or with GitHub/Google).
#[derive(Debug, Clone, Object)]
pub struct Signups {
    pub open: bool,
}

#[derive(ApiResponse)]
pub enum SignupsResponse {
    /// The sign-up setting.
    #[oai(status = 200)]
    Ok(Json<Envelope<Signups>>),
}

impl<S: StatusSet> From<SignupsError> for ApiError<S> {
    fn from(e: SignupsError) -> Self {
        match e {
            SignupsError::Internal(cause) => Self::unexpected("saving the sign-up setting failed", cause),
        }
    }
}

/// What each sign-up setting operation answers besides its success.
mod op {
    use super::statuses;

    statuses! {
        pub GetSignups [Unauthorized, Forbidden];
        pub SetSignups [BadRequest, Unauthorized, Forbidden, PayloadTooLarge, UnsupportedMediaType];
    }
}

pub struct SignupsApi;

#[OpenApi(prefix_path = "/settings/signups", tag = "AccountTags::Users")]
impl SignupsApi {
    /// Whether new people may sign up (admins).
    #[oai(path = "/", method = "get", operation_id = "get_signups")]
    async fn get(
        &self,
        _admin: AdminOnly,
        signups: Data<&Arc<SignupSwitch>>,
    ) -> Result<SignupsResponse, ApiError<op::GetSignups>> {
        Ok(SignupsResponse::Ok(Json(Envelope::ok(Signups {
            open: signups.is_open(),
        }))))
    }

    /// Open or close sign-ups (admins). Existing accounts are not affected.
    #[oai(path = "/", method = "put", operation_id = "set_signups")]
    async fn set(
        &self,
        admin: AdminOnly,
        signups: Data<&Arc<SignupSwitch>>,
        body: Json<Signups>,
    ) -> Result<SignupsResponse, ApiError<op::SetSignups>> {
        let open = signups.set(&admin.0, body.open).await?;
        Ok(SignupsResponse::Ok(Json(Envelope::ok(Signups { open }))))
    }
}
