//! The setup wizard over HTTP: `/api/setup/*`, open only in setup mode and only with the
//! one-time setup token in `X-Setup-Token` (wrong tokens are rate-limited like passwords).

use std::sync::Arc;

use poem::Request;
use poem::web::Data;
use poem_openapi::param::Header;
use poem_openapi::payload::Json;
use poem_openapi::{ApiResponse, Enum, Object, OpenApi, Tags};

use super::super::accounts::SignupModeView;
use super::super::auth::{SessionCookies, client_info};
use super::super::envelope::Envelope;
use super::super::errors::status::TooManyRequests;
use super::super::errors::{ApiError, Covers, statuses};
use super::super::limits::RateLimits;
use super::views::{
    CertificateFingerprint, CheckResponse, ClusterCheckView, FingerprintResponse, NetworkSettings, ProbeResponse,
    ProbeView, ProxmoxConnect, ProxmoxUrl, ReviewResponse,
};
use crate::app::accounts::Registration;
use crate::app::setup_wizard::{AccessChoice, ProviderApp, SetupError, SetupWizard, Step};
use crate::domain::account::SignupMode;

/// The key wrong setup tokens are counted under (with the client's address).
const TOKEN_KEY: &str = "setup-token";

#[derive(Tags)]
enum SetupTags {
    /// The first-run setup wizard (setup mode only, with the setup token).
    Setup,
}

/// The wizard's steps.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Enum)]
#[oai(rename_all = "snake_case")]
pub enum SetupStep {
    Proxmox,
    Network,
    Access,
    Admin,
}

impl From<Step> for SetupStep {
    fn from(s: Step) -> Self {
        match s {
            Step::Proxmox => Self::Proxmox,
            Step::Network => Self::Network,
            Step::Access => Self::Access,
            Step::Admin => Self::Admin,
        }
    }
}

/// The Proxmox step as saved.
#[derive(Debug, Clone, Object)]
pub struct SavedProxmoxView {
    pub url: String,
    pub fingerprint: String,
    pub token_id: String,
    pub check: ClusterCheckView,
}

/// The access step as saved (the providers' secrets only as "given").
#[derive(Debug, Clone, Object)]
pub struct AccessView {
    pub signup_mode: SignupModeView,
    pub github: bool,
    pub google: bool,
}

impl From<&AccessChoice> for AccessView {
    fn from(a: &AccessChoice) -> Self {
        Self {
            signup_mode: a.signup_mode.parse::<SignupMode>().unwrap_or_default().into(),
            github: a.github.is_some(),
            google: a.google.is_some(),
        }
    }
}

/// Where the wizard stands: resume at `step`; earlier steps are prefilled.
#[derive(Debug, Clone, Object)]
pub struct SetupState {
    pub step: SetupStep,
    /// The Proxmox address when Nimbus runs on a Proxmox node.
    #[oai(skip_serializing_if_is_none)]
    pub detected_url: Option<String>,
    #[oai(skip_serializing_if_is_none)]
    pub proxmox: Option<SavedProxmoxView>,
    #[oai(skip_serializing_if_is_none)]
    pub network: Option<NetworkSettings>,
    pub network_warnings: Vec<String>,
    #[oai(skip_serializing_if_is_none)]
    pub access: Option<AccessView>,
}

/// Who may sign up, and optionally GitHub/Google sign-in.
#[derive(Clone, Object)]
pub struct AccessRequest {
    pub signup_mode: SignupModeView,
    #[oai(default)]
    pub github_client_id: String,
    #[oai(default)]
    pub github_client_secret: String,
    #[oai(default)]
    pub google_client_id: String,
    #[oai(default)]
    pub google_client_secret: String,
}

crate::domain::redact::debug_redacted!(AccessRequest { signup_mode, github_client_id, google_client_id } secret { github_client_secret, google_client_secret });

/// The admin account.
#[derive(Clone, Object)]
pub struct FinishRequest {
    pub email: String,
    pub password: String,
    #[oai(default)]
    pub display_name: String,
}

crate::domain::redact::debug_redacted!(FinishRequest { email, display_name } secret { password });

/// Setup is done.
#[derive(Debug, Clone, Object)]
pub struct SetupDone {
    /// Where the portal goes next (the templates step).
    pub redirect: String,
}

#[derive(ApiResponse)]
pub enum StateResponse {
    /// Where the wizard stands.
    #[oai(status = 200)]
    Ok(Json<Envelope<SetupState>>),
}

#[derive(ApiResponse)]
pub enum AccessResponse {
    /// The access step, saved.
    #[oai(status = 200)]
    Ok(Json<Envelope<AccessView>>),
}

#[derive(ApiResponse)]
pub enum DoneResponse {
    /// The admin exists and is signed in (the cookie is set); setup is closed.
    #[oai(status = 201)]
    Created(Json<Envelope<SetupDone>>, #[oai(header = "Set-Cookie")] String),
}

mod op {
    use super::statuses;

    statuses! {
        pub SetupRead [
            Unauthorized = "`setup_token_required` or `setup_token_invalid`: send the setup token from the log in `X-Setup-Token`.",
            NotFound = "`setup_finished`: Nimbus is set up; the wizard is gone.",
            TooManyRequests,
        ] never [BadRequest, Forbidden, Conflict, Unavailable];
        pub SetupStepWrite [
            BadRequest = "`validation_failed` (`field` names it) or `second_factor_required`.",
            Unauthorized = "`setup_token_required` or `setup_token_invalid`: send the setup token from the log in `X-Setup-Token`.",
            NotFound = "`setup_finished`: Nimbus is set up; the wizard is gone.",
            Forbidden,
            Conflict = "`setup_incomplete`: an earlier step is not done.",
            PayloadTooLarge,
            UnsupportedMediaType,
            TooManyRequests,
        ] never [Unavailable];
        pub SetupFinish [
            BadRequest = "`validation_failed` (`field` names it).",
            Unauthorized = "`setup_token_required` or `setup_token_invalid`.",
            Forbidden,
            NotFound = "`setup_finished`: Nimbus is set up; the wizard is gone.",
            Conflict = "`setup_incomplete` (an earlier step is not done), `pool_shrink_blocked`, `email_taken`.",
            PayloadTooLarge,
            UnsupportedMediaType,
            TooManyRequests,
            Unavailable,
        ];
    }
}

/// Checks the setup token, counting wrong ones against the client's address.
fn admit<S>(
    wizard: &SetupWizard,
    limits: &RateLimits,
    req: &Request,
    token: &Header<Option<String>>,
) -> Result<(), ApiError<S>>
where
    S: Covers<TooManyRequests>,
    ApiError<S>: From<SetupError>,
{
    let ip = client_info(req).ip;
    limits
        .admit_sign_in(ip.as_deref(), TOKEN_KEY)
        .map_err(ApiError::rate_limited)?;
    match wizard.admit(token.0.as_deref()) {
        Ok(()) => Ok(()),
        Err(e) => {
            if matches!(e, SetupError::TokenInvalid) {
                limits.sign_in_failed(ip.as_deref(), TOKEN_KEY);
            }
            Err(e.into())
        }
    }
}

pub struct SetupApi;

#[OpenApi(prefix_path = "/setup", tag = "SetupTags::Setup")]
impl SetupApi {
    /// Where the wizard stands, with every step saved so far.
    #[oai(path = "/", method = "get", operation_id = "setup_state")]
    async fn state(
        &self,
        req: &Request,
        wizard: Data<&Arc<SetupWizard>>,
        limits: Data<&Arc<RateLimits>>,
        #[oai(name = "X-Setup-Token")] token: Header<Option<String>>,
    ) -> Result<StateResponse, ApiError<op::SetupRead>> {
        admit(&wizard, &limits, req, &token)?;
        let view = wizard.view().await?;
        let s = view.state;
        Ok(StateResponse::Ok(Json(Envelope::ok(SetupState {
            step: view.step.into(),
            detected_url: view.detected_url,
            proxmox: s.proxmox.map(|p| SavedProxmoxView {
                url: p.url,
                fingerprint: p.fingerprint,
                token_id: p.token_id,
                check: p.check.into(),
            }),
            network: s.network.map(Into::into),
            network_warnings: s.network_warnings,
            access: s.access.as_ref().map(AccessView::from),
        }))))
    }

    /// The certificate fingerprint of a Proxmox node, to compare with its UI and pin.
    #[oai(
        path = "/proxmox/fingerprint",
        method = "post",
        operation_id = "setup_proxmox_fingerprint"
    )]
    async fn fingerprint(
        &self,
        req: &Request,
        wizard: Data<&Arc<SetupWizard>>,
        limits: Data<&Arc<RateLimits>>,
        #[oai(name = "X-Setup-Token")] token: Header<Option<String>>,
        body: Json<ProxmoxUrl>,
    ) -> Result<FingerprintResponse, ApiError<op::SetupStepWrite>> {
        admit(&wizard, &limits, req, &token)?;
        let (url, fingerprint) = wizard.fingerprint(&body.url).await?;
        Ok(FingerprintResponse::Ok(Json(Envelope::ok(CertificateFingerprint {
            url: url.to_string(),
            fingerprint,
        }))))
    }

    /// The Proxmox step: connect with a token (or make one with the root password), check it
    /// live, and save it.
    #[oai(path = "/proxmox", method = "post", operation_id = "setup_proxmox")]
    async fn proxmox(
        &self,
        req: &Request,
        wizard: Data<&Arc<SetupWizard>>,
        limits: Data<&Arc<RateLimits>>,
        #[oai(name = "X-Setup-Token")] token: Header<Option<String>>,
        body: Json<ProxmoxConnect>,
    ) -> Result<CheckResponse, ApiError<op::SetupStepWrite>> {
        admit(&wizard, &limits, req, &token)?;
        let check = wizard.proxmox(body.0.into()).await?;
        Ok(CheckResponse::Ok(Json(Envelope::ok(check.into()))))
    }

    /// The network step: checked against the cluster's nodes, and saved.
    #[oai(path = "/network", method = "post", operation_id = "setup_network")]
    async fn network(
        &self,
        req: &Request,
        wizard: Data<&Arc<SetupWizard>>,
        limits: Data<&Arc<RateLimits>>,
        #[oai(name = "X-Setup-Token")] token: Header<Option<String>>,
        body: Json<NetworkSettings>,
    ) -> Result<ReviewResponse, ApiError<op::SetupStepWrite>> {
        admit(&wizard, &limits, req, &token)?;
        let review = wizard.network(body.0.into()).await?;
        Ok(ReviewResponse::Ok(Json(Envelope::ok(review.into()))))
    }

    /// Probes the pool on the LAN: addresses a host already answers on.
    #[oai(path = "/network/probe", method = "post", operation_id = "setup_network_probe")]
    async fn probe(
        &self,
        req: &Request,
        wizard: Data<&Arc<SetupWizard>>,
        limits: Data<&Arc<RateLimits>>,
        #[oai(name = "X-Setup-Token")] token: Header<Option<String>>,
        body: Json<NetworkSettings>,
    ) -> Result<ProbeResponse, ApiError<op::SetupStepWrite>> {
        admit(&wizard, &limits, req, &token)?;
        let probed = wizard.probe(body.0.into()).await?;
        Ok(ProbeResponse::Ok(Json(Envelope::ok(ProbeView::new(probed)))))
    }

    /// The access step: who may sign up, and optional GitHub/Google sign-in.
    #[oai(path = "/access", method = "post", operation_id = "setup_access")]
    async fn access(
        &self,
        req: &Request,
        wizard: Data<&Arc<SetupWizard>>,
        limits: Data<&Arc<RateLimits>>,
        #[oai(name = "X-Setup-Token")] token: Header<Option<String>>,
        body: Json<AccessRequest>,
    ) -> Result<AccessResponse, ApiError<op::SetupStepWrite>> {
        admit(&wizard, &limits, req, &token)?;
        let app = |id: &str, secret: &str| {
            (!id.trim().is_empty() || !secret.trim().is_empty()).then(|| ProviderApp {
                client_id: id.trim().to_owned(),
                client_secret: secret.trim().to_owned(),
            })
        };
        let b = body.0;
        let choice = AccessChoice {
            signup_mode: SignupMode::from(b.signup_mode).as_str().to_owned(),
            github: app(&b.github_client_id, &b.github_client_secret),
            google: app(&b.google_client_id, &b.google_client_secret),
        };
        let saved = wizard.access(choice).await?;
        Ok(AccessResponse::Ok(Json(Envelope::ok(AccessView::from(&saved)))))
    }

    /// Finish: save and apply the cluster settings, create the admin (signed in), close setup.
    #[oai(path = "/finish", method = "post", operation_id = "setup_finish")]
    async fn finish(
        &self,
        req: &Request,
        wizard: Data<&Arc<SetupWizard>>,
        limits: Data<&Arc<RateLimits>>,
        cookies: SessionCookies,
        #[oai(name = "X-Setup-Token")] token: Header<Option<String>>,
        body: Json<FinishRequest>,
    ) -> Result<DoneResponse, ApiError<op::SetupFinish>> {
        admit(&wizard, &limits, req, &token)?;
        let b = body.0;
        let name = match b.display_name.trim() {
            "" => b.email.split('@').next().unwrap_or("Admin").to_owned(),
            n => n.to_owned(),
        };
        let form = Registration {
            email: b.email,
            name,
            password: b.password,
            setup_token: None,
        };
        let (_, secret) = wizard.finish(form, client_info(req)).await?;
        Ok(DoneResponse::Created(
            Json(Envelope::ok(SetupDone {
                redirect: "/admin/templates".into(),
            })),
            cookies.set(&secret),
        ))
    }
}
