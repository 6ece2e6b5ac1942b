//! Whether new people may sign up (admins).

use std::sync::Arc;

use poem::web::Data;
use poem_openapi::payload::Json;
use poem_openapi::{ApiResponse, Object, OpenApi};

use super::super::auth::AdminOnly;
use super::super::envelope::{Envelope, ErrorBody};
use super::{AccountTags, ApiError};
use crate::app::signups::SignupSwitch;

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

pub struct SignupsApi;

#[OpenApi(prefix_path = "/settings/signups", tag = "AccountTags::Users")]
impl SignupsApi {
    /// Whether new people may sign up (admins).
    #[oai(path = "/", method = "get", operation_id = "get_signups")]
    async fn get(&self, _admin: AdminOnly, signups: Data<&Arc<SignupSwitch>>) -> Result<SignupsResponse, ApiError> {
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
    ) -> Result<SignupsResponse, ApiError> {
        let open = signups.set(&admin.0, body.open).await.map_err(|e| {
            tracing::error!(error = %e, "saving the sign-up setting failed");
            ApiError::Internal(Json(ErrorBody::internal()))
        })?;
        Ok(SignupsResponse::Ok(Json(Envelope::ok(Signups { open }))))
    }
}
