//! Signing in with GitHub and Google over HTTP: the provider list, the start and callback
//! redirects (a short-lived cookie binds the browser to its sign-in), linked identities, and
//! the providers' settings for admins.

use std::sync::Arc;

use poem::Request;
use poem::http::header;
use poem::web::Data;
use poem_openapi::param::{Path, Query};
use poem_openapi::payload::Json;
use poem_openapi::{ApiResponse, Enum, Object, OpenApi, Tags};

use super::accounts::views::Deleted;
use super::auth::{AdminOnly, MaybeCaller, SessionCookies, SignedIn, client_info, cookie, request_is_https};
use super::envelope::{Envelope, ErrorBody};
use super::errors::status::{Conflict, NotFound};
use super::errors::{ApiError, Covers, statuses};
use super::limits::{Action, RateLimits};
use crate::app::oauth::{OAuthError, OAuthService, Outcome, SettingsUpdate, SettingsView};
use crate::domain::oauth::Provider;

/// The cookie that carries a sign-in's state from start to callback.
const FLOW_COOKIE: &str = "nimbus_oauth";

#[derive(Tags)]
enum OAuthTags {
    /// Signing in with GitHub and Google.
    Providers,
}

/// The portal's public origin (APP_URL), when set; otherwise it is read off each request (the
/// scheme https only when a trusted proxy says so).
#[derive(Debug, Clone, Default)]
pub struct PublicOrigin(pub Option<String>);

#[derive(Debug, Clone, Copy, PartialEq, Eq, Enum)]
#[oai(rename = "Provider", rename_all = "lowercase")]
pub enum ProviderView {
    Github,
    Google,
}

impl From<ProviderView> for Provider {
    fn from(p: ProviderView) -> Self {
        match p {
            ProviderView::Github => Provider::GitHub,
            ProviderView::Google => Provider::Google,
        }
    }
}

impl From<Provider> for ProviderView {
    fn from(p: Provider) -> Self {
        match p {
            Provider::GitHub => ProviderView::Github,
            Provider::Google => ProviderView::Google,
        }
    }
}

/// Which providers are set up.
#[derive(Debug, Clone, Object)]
pub struct Providers {
    pub github: bool,
    pub google: bool,
}

/// A provider identity linked to the caller's account.
#[derive(Debug, Clone, Object)]
pub struct IdentityView {
    pub provider: ProviderView,
    pub login: String,
    #[oai(skip_serializing_if_is_none)]
    pub email: Option<String>,
    pub linked_at: chrono::DateTime<chrono::Utc>,
}

/// The providers' settings (secrets are never returned).
#[derive(Debug, Clone, Object)]
pub struct OAuthSettingsView {
    #[oai(skip_serializing_if_is_none)]
    pub github_client_id: Option<String>,
    pub github_configured: bool,
    #[oai(skip_serializing_if_is_none)]
    pub google_client_id: Option<String>,
    pub google_configured: bool,
    pub github_orgs: Vec<String>,
    pub google_domains: Vec<String>,
}

impl From<SettingsView> for OAuthSettingsView {
    fn from(v: SettingsView) -> Self {
        Self {
            github_client_id: v.github_client_id,
            github_configured: v.github_configured,
            google_client_id: v.google_client_id,
            google_configured: v.google_configured,
            github_orgs: v.github_orgs,
            google_domains: v.google_domains,
        }
    }
}

/// Changes to the providers' settings; omitted fields (and empty secrets) keep their value.
#[derive(Object)]
pub struct OAuthSettingsUpdate {
    pub github_client_id: Option<String>,
    pub github_client_secret: Option<String>,
    pub google_client_id: Option<String>,
    pub google_client_secret: Option<String>,
    /// Allowed GitHub organisations (empty: anyone).
    pub github_orgs: Option<Vec<String>>,
    /// Allowed Google Workspace domains: the account's `hd` claim and its email must both be in
    /// one (a personal Google account with an address there is refused). Empty: anyone.
    pub google_domains: Option<Vec<String>>,
}

crate::domain::redact::debug_redacted!(OAuthSettingsUpdate { github_client_id, google_client_id, github_orgs, google_domains } secret { github_client_secret, google_client_secret });

#[derive(ApiResponse)]
pub enum ProvidersResponse {
    /// The configured providers.
    #[oai(status = 200)]
    Ok(Json<Envelope<Providers>>),
}

#[derive(ApiResponse)]
pub enum RedirectResponse {
    /// On to the provider, or back to the portal with the outcome.
    #[oai(status = 302)]
    Found(
        #[oai(header = "Location")] String,
        #[oai(header = "Set-Cookie")] Option<String>,
    ),
}

#[derive(ApiResponse)]
pub enum IdentitiesResponse {
    /// The linked identities.
    #[oai(status = 200)]
    Ok(Json<Envelope<Vec<IdentityView>>>),
}

#[derive(ApiResponse)]
pub enum UnlinkResponse {
    /// Unlinked.
    #[oai(status = 200)]
    Ok(Json<Envelope<Deleted>>),
}

#[derive(ApiResponse)]
pub enum OAuthSettingsResponse {
    /// The providers' settings.
    #[oai(status = 200)]
    Ok(Json<Envelope<OAuthSettingsView>>),
}

/// The portal's public origin: APP_URL, or this request's scheme and host.
pub(crate) fn origin(req: &Request, public: &PublicOrigin) -> String {
    if let Some(url) = &public.0 {
        return url.trim_end_matches('/').to_string();
    }
    let host = req
        .headers()
        .get(header::HOST)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("127.0.0.1");
    let scheme = if request_is_https(req) { "https" } else { "http" };
    format!("{scheme}://{host}")
}

fn back(provider: Provider, outcome: &str, next: &str) -> String {
    let next: String = url::form_urlencoded::byte_serialize(next.as_bytes()).collect();
    format!("/auth/callback?provider={}&{outcome}&next={next}", provider.as_str())
}

impl<S> From<OAuthError> for ApiError<S>
where
    S: Covers<NotFound> + Covers<Conflict>,
{
    fn from(e: OAuthError) -> Self {
        let text = e.to_string();
        match e {
            OAuthError::NotLinked => Self::not_found(ErrorBody::new("not_found", text)),
            OAuthError::LastSignInMethod => Self::conflict(ErrorBody::new("last_sign_in_method", text)),
            OAuthError::Internal(cause) => Self::unexpected("sign-in provider operation failed", cause),
        }
    }
}

/// What each provider operation answers besides its success. The redirects answer every outcome
/// of the sign-in as a redirect into the portal, so only a provider they do not know is refused.
mod op {
    use super::statuses;

    statuses! {
        pub AuthProviders [];
        pub OAuthStart [
            BadRequest = "The provider is not `github` or `google`, or `link` is not a boolean.",
            TooManyRequests = "Too many sign-ins started from this address; retry after the seconds in `Retry-After`.",
        ];
        pub OAuthCallback [BadRequest = "The provider is not `github` or `google`."];
        pub ListIdentities [Unauthorized, Forbidden] never [NotFound, Conflict];
        pub UnlinkIdentity [
            BadRequest = "The provider is not `github` or `google`.",
            Unauthorized,
            Forbidden,
            NotFound = "No identity of this provider is linked to your account.",
            Conflict = "`last_sign_in_method`: link another provider (or set a password) first.",
        ];
        pub GetOAuthSettings [Unauthorized, Forbidden];
        pub SetOAuthSettings [BadRequest, Unauthorized, Forbidden, PayloadTooLarge, UnsupportedMediaType]
            never [NotFound, Conflict];
    }
}

pub struct OAuthApi;

#[OpenApi(tag = "OAuthTags::Providers")]
impl OAuthApi {
    /// Which sign-in providers are set up (public).
    #[oai(path = "/auth/providers", method = "get", operation_id = "auth_providers")]
    async fn providers(
        &self,
        oauth: Data<&Arc<OAuthService>>,
    ) -> Result<ProvidersResponse, ApiError<op::AuthProviders>> {
        Ok(ProvidersResponse::Ok(Json(Envelope::ok(Providers {
            github: oauth.settings.app(Provider::GitHub).await.is_some(),
            google: oauth.settings.app(Provider::Google).await.is_some(),
        }))))
    }

    /// Start signing in with a provider (a browser navigation), or with `link=true` start
    /// linking it to the signed-in account.
    #[oai(path = "/auth/:provider", method = "get", operation_id = "oauth_start")]
    #[allow(clippy::too_many_arguments)] // each query parameter is an argument
    async fn start(
        &self,
        req: &Request,
        caller: MaybeCaller,
        oauth: Data<&Arc<OAuthService>>,
        public: Data<&PublicOrigin>,
        cookies: SessionCookies,
        limits: Data<&Arc<RateLimits>>,
        provider: Path<ProviderView>,
        next: Query<Option<String>>,
        link: Query<Option<bool>>,
    ) -> Result<RedirectResponse, ApiError<op::OAuthStart>> {
        // Each start leaves a pending sign-in in a bounded store: a flood from one address is
        // refused here, before it could push other people's out.
        limits
            .check(Action::OAuthStart, client_info(req).ip.as_deref(), "")
            .map_err(ApiError::rate_limited)?;
        let provider: Provider = provider.0.into();
        let next = crate::app::oauth::safe_next(next.0.as_deref());
        let linking = link.0.unwrap_or(false);
        if linking && caller.0.is_none() {
            return Ok(RedirectResponse::Found(
                back(provider, "error=not_signed_in", &next),
                None,
            ));
        }
        let link_to = if linking { caller.0.as_ref() } else { None };
        match oauth.start(provider, link_to, Some(&next), &origin(req, &public)).await {
            Ok((url, state)) => {
                let secure = if cookies.secure() { "; Secure" } else { "" };
                let flow =
                    format!("{FLOW_COOKIE}={state}; Path=/api/auth; HttpOnly; SameSite=Lax; Max-Age=600{secure}");
                Ok(RedirectResponse::Found(url, Some(flow)))
            }
            Err(code) => Ok(RedirectResponse::Found(
                back(provider, &format!("error={code}"), &next),
                None,
            )),
        }
    }

    /// Where the provider sends the browser back; answers with a redirect into the portal.
    #[oai(path = "/auth/:provider/callback", method = "get", operation_id = "oauth_callback")]
    #[allow(clippy::too_many_arguments)] // each query parameter is an argument
    async fn callback(
        &self,
        req: &Request,
        caller: MaybeCaller,
        oauth: Data<&Arc<OAuthService>>,
        cookies: SessionCookies,
        provider: Path<ProviderView>,
        code: Query<Option<String>>,
        state: Query<Option<String>>,
        error: Query<Option<String>>,
    ) -> Result<RedirectResponse, ApiError<op::OAuthCallback>> {
        let provider: Provider = provider.0.into();
        let flow = cookie(req, FLOW_COOKIE);
        let (outcome, next) = oauth
            .callback(
                provider,
                state.0.as_deref(),
                flow.as_deref(),
                code.0.as_deref(),
                error.0.as_deref(),
                caller.0.as_ref(),
                client_info(req),
            )
            .await;
        Ok(match outcome {
            Outcome::SignedIn { session } => {
                RedirectResponse::Found(back(provider, "result=signed_in", &next), Some(cookies.set(&session)))
            }
            Outcome::Linked => RedirectResponse::Found(back(provider, "result=linked", &next), None),
            Outcome::Refused(code) => RedirectResponse::Found(back(provider, &format!("error={code}"), &next), None),
        })
    }

    /// The GitHub and Google identities linked to the caller's account.
    #[oai(path = "/me/identities", method = "get", operation_id = "list_identities")]
    async fn identities(
        &self,
        caller: SignedIn,
        oauth: Data<&Arc<OAuthService>>,
    ) -> Result<IdentitiesResponse, ApiError<op::ListIdentities>> {
        let list = oauth.identities(&caller.0).await?;
        Ok(IdentitiesResponse::Ok(Json(Envelope::ok(
            list.into_iter()
                .map(|i| IdentityView {
                    provider: i.provider.into(),
                    login: i.login,
                    email: i.email,
                    linked_at: i.linked_at,
                })
                .collect(),
        ))))
    }

    /// Unlink a provider from the caller's account (not the last way to sign in).
    #[oai(
        path = "/me/identities/:provider",
        method = "delete",
        operation_id = "unlink_identity"
    )]
    async fn unlink(
        &self,
        caller: SignedIn,
        oauth: Data<&Arc<OAuthService>>,
        provider: Path<ProviderView>,
    ) -> Result<UnlinkResponse, ApiError<op::UnlinkIdentity>> {
        oauth.unlink(&caller.0, provider.0.into()).await?;
        Ok(UnlinkResponse::Ok(Json(Envelope::ok(Deleted {
            id: Provider::from(provider.0).as_str().to_string(),
        }))))
    }

    /// The sign-in providers' settings (admins).
    #[oai(path = "/settings/oauth", method = "get", operation_id = "get_oauth_settings")]
    async fn settings(
        &self,
        _admin: AdminOnly,
        oauth: Data<&Arc<OAuthService>>,
    ) -> Result<OAuthSettingsResponse, ApiError<op::GetOAuthSettings>> {
        Ok(OAuthSettingsResponse::Ok(Json(Envelope::ok(
            oauth.settings.view().await.into(),
        ))))
    }

    /// Change the sign-in providers' settings (admins); changes apply at once.
    #[oai(path = "/settings/oauth", method = "put", operation_id = "set_oauth_settings")]
    async fn update(
        &self,
        admin: AdminOnly,
        oauth: Data<&Arc<OAuthService>>,
        body: Json<OAuthSettingsUpdate>,
    ) -> Result<OAuthSettingsResponse, ApiError<op::SetOAuthSettings>> {
        let b = body.0;
        let update = SettingsUpdate {
            github_client_id: b.github_client_id,
            github_client_secret: b.github_client_secret,
            google_client_id: b.google_client_id,
            google_client_secret: b.google_client_secret,
            github_orgs: b.github_orgs,
            google_domains: b.google_domains,
        };
        let view = oauth.settings.update(&admin.0, update).await?;
        Ok(OAuthSettingsResponse::Ok(Json(Envelope::ok(view.into()))))
    }
}
