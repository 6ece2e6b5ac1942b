//! Admin → Settings → Gopher over HTTP: the tunnel gateway's URL and API key (write-only: the key
//! is shown only as configured), saved and applied without a restart, cleared to turn tunnels
//! off, and a connection test that says what Gopher answered.

use std::sync::Arc;

use poem::web::Data;
use poem_openapi::payload::Json;
use poem_openapi::{ApiResponse, Object, OpenApi, Tags};

use super::auth::AdminOnly;
use super::envelope::Envelope;
use super::errors::status::BadRequest;
use super::errors::{ApiError, Covers, statuses};
use crate::app::gopher_settings::{
    GopherProbe, GopherProbeResult, GopherSettings, GopherSettingsError, GopherUpdate, GopherView,
};

#[derive(Tags)]
enum GopherTags {
    /// The Gopher tunnel gateway's settings (admins).
    GopherSettings,
}

/// The gateway settings; the key is never returned.
#[derive(Debug, Clone, Object)]
pub struct GopherSettingsView {
    /// Gopher's URL (absent when none is set).
    #[oai(skip_serializing_if_is_none)]
    pub url: Option<String>,
    /// An API key is stored.
    pub key_configured: bool,
    /// A gateway is in use: tunnels are available.
    pub enabled: bool,
}

impl From<GopherView> for GopherSettingsView {
    fn from(v: GopherView) -> Self {
        Self {
            url: v.url,
            key_configured: v.key_configured,
            enabled: v.enabled,
        }
    }
}

/// A change: the URL and a key (empty keeps the stored one), or `clear` to turn tunnels off.
#[derive(Clone, Object)]
pub struct GopherSettingsUpdate {
    /// Gopher's address, e.g. `https://router.example.com` (required unless `clear`).
    pub url: Option<String>,
    /// A key from Gopher's Access Control page; empty or absent keeps the stored key.
    pub api_key: Option<String>,
    /// `true` forgets the URL and key: tunnels are off.
    pub clear: Option<bool>,
}

crate::domain::redact::debug_redacted!(GopherSettingsUpdate { url, clear } secret { api_key });

/// Values to try; each absent or empty one is taken from the stored settings.
#[derive(Clone, Object)]
pub struct GopherTestRequest {
    pub url: Option<String>,
    pub api_key: Option<String>,
}

crate::domain::redact::debug_redacted!(GopherTestRequest { url } secret { api_key });

/// What Gopher answered.
#[derive(Debug, Clone, Object)]
pub struct GopherTestResult {
    /// Gopher accepted the key and answered.
    pub ok: bool,
    /// When not ok: `unauthorized`, `unavailable`, `failed`, `invalid` or `not_found`.
    #[oai(skip_serializing_if_is_none)]
    pub kind: Option<String>,
    /// Gopher's answer in words (its machine count, or what went wrong and what to do).
    pub message: String,
}

impl From<GopherProbeResult> for GopherTestResult {
    fn from(r: GopherProbeResult) -> Self {
        Self {
            ok: r.ok,
            kind: r.kind,
            message: r.message,
        }
    }
}

#[derive(ApiResponse)]
pub enum SettingsResponse {
    /// The Gopher settings.
    #[oai(status = 200)]
    Ok(Json<Envelope<GopherSettingsView>>),
}

#[derive(ApiResponse)]
pub enum TestResponse {
    /// What Gopher answered (a refused key or an unreachable gateway is an answer, not an
    /// error of this call).
    #[oai(status = 200)]
    Ok(Json<Envelope<GopherTestResult>>),
}

impl<S: Covers<BadRequest>> From<GopherSettingsError> for ApiError<S> {
    fn from(e: GopherSettingsError) -> Self {
        match e {
            GopherSettingsError::Field { field, message } => Self::invalid(field, message),
            GopherSettingsError::Internal(cause) => Self::unexpected("Gopher settings operation failed", cause),
        }
    }
}

mod op {
    use super::statuses;

    statuses! {
        pub GetGopherSettings [Unauthorized, Forbidden] never [BadRequest];
        pub SetGopherSettings [
            BadRequest = "`validation_failed`: `field` is `url` (not an http(s) URL with a host) or `api_key` (none \
                given and none stored).",
            Unauthorized,
            Forbidden,
            PayloadTooLarge,
            UnsupportedMediaType,
        ];
    }
}

pub struct GopherSettingsApi;

#[OpenApi(prefix_path = "/settings/gopher", tag = "GopherTags::GopherSettings")]
impl GopherSettingsApi {
    /// The Gopher settings (the key only as configured or not).
    #[oai(path = "/", method = "get", operation_id = "get_gopher_settings")]
    async fn get(
        &self,
        _admin: AdminOnly,
        gopher: Data<&Arc<GopherSettings>>,
    ) -> Result<SettingsResponse, ApiError<op::GetGopherSettings>> {
        Ok(SettingsResponse::Ok(Json(Envelope::ok(gopher.view().await?.into()))))
    }

    /// Saves the URL and key (or clears them) and applies them at once.
    #[oai(path = "/", method = "put", operation_id = "set_gopher_settings")]
    async fn set(
        &self,
        admin: AdminOnly,
        gopher: Data<&Arc<GopherSettings>>,
        body: Json<GopherSettingsUpdate>,
    ) -> Result<SettingsResponse, ApiError<op::SetGopherSettings>> {
        let b = body.0;
        let view = gopher
            .update(
                &admin.0,
                GopherUpdate {
                    url: b.url,
                    api_key: b.api_key,
                    clear: b.clear.unwrap_or(false),
                },
            )
            .await?;
        Ok(SettingsResponse::Ok(Json(Envelope::ok(view.into()))))
    }

    /// Calls Gopher with the given values (or the stored ones) and says what it answered.
    /// Nothing is saved.
    #[oai(path = "/test", method = "post", operation_id = "test_gopher_settings")]
    async fn test(
        &self,
        _admin: AdminOnly,
        gopher: Data<&Arc<GopherSettings>>,
        body: Json<GopherTestRequest>,
    ) -> Result<TestResponse, ApiError<op::SetGopherSettings>> {
        let b = body.0;
        let result = gopher
            .probe(GopherProbe {
                url: b.url,
                api_key: b.api_key,
            })
            .await?;
        Ok(TestResponse::Ok(Json(Envelope::ok(result.into()))))
    }
}
