//! `HttpOAuth`: the `OAuthClient` port with the `oauth2` crate (authorization code, PKCE S256,
//! state) over reqwest, and the providers' profile APIs: GitHub's `/user`, `/user/emails` and
//! `/user/orgs`, Google's OpenID userinfo. Every endpoint is configurable, so tests run the whole
//! flow against a provider they start on loopback.

use std::time::Duration;

use async_trait::async_trait;
use oauth2::basic::BasicClient;
use oauth2::{
    AuthUrl, AuthorizationCode, ClientId, ClientSecret, CsrfToken, PkceCodeChallenge, PkceCodeVerifier, RedirectUrl,
    Scope, TokenResponse, TokenUrl,
};
use serde::Deserialize;

use crate::domain::oauth::{Provider, ProviderIdentity};
use crate::ports::oauth::{Authorization, OAuthClient, OAuthError, ProviderApp};

/// The providers' endpoints.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OAuthEndpoints {
    pub github_authorize: String,
    pub github_token: String,
    /// Base of GitHub's REST API (`/user`, `/user/emails`, `/user/orgs`).
    pub github_api: String,
    pub google_authorize: String,
    pub google_token: String,
    pub google_userinfo: String,
}

impl Default for OAuthEndpoints {
    fn default() -> Self {
        Self {
            github_authorize: "https://github.com/login/oauth/authorize".into(),
            github_token: "https://github.com/login/oauth/access_token".into(),
            github_api: "https://api.github.com".into(),
            google_authorize: "https://accounts.google.com/o/oauth2/v2/auth".into(),
            google_token: "https://oauth2.googleapis.com/token".into(),
            google_userinfo: "https://openidconnect.googleapis.com/v1/userinfo".into(),
        }
    }
}

pub struct HttpOAuth {
    endpoints: OAuthEndpoints,
    http: reqwest::Client,
}

impl HttpOAuth {
    pub fn new(endpoints: OAuthEndpoints) -> Result<Self, OAuthError> {
        let http = reqwest::Client::builder()
            // The token endpoint must not be followed through redirects (oauth2's advice).
            .redirect(reqwest::redirect::Policy::none())
            .timeout(Duration::from_secs(15))
            .user_agent(concat!("nimbus/", env!("CARGO_PKG_VERSION")))
            .build()
            .map_err(|e| OAuthError::Misconfigured(e.to_string()))?;
        Ok(Self { endpoints, http })
    }

    fn urls(&self, provider: Provider) -> (&str, &str) {
        match provider {
            Provider::GitHub => (&self.endpoints.github_authorize, &self.endpoints.github_token),
            Provider::Google => (&self.endpoints.google_authorize, &self.endpoints.google_token),
        }
    }

    async fn get<T: for<'de> Deserialize<'de>>(&self, url: &str, token: &str) -> Result<T, OAuthError> {
        let resp = self
            .http
            .get(url)
            .bearer_auth(token)
            .header("accept", "application/json")
            .send()
            .await
            .map_err(|e| OAuthError::Unavailable(format!("{url}: {e}")))?;
        if !resp.status().is_success() {
            return Err(OAuthError::Unavailable(format!("{url} answered {}", resp.status())));
        }
        resp.json()
            .await
            .map_err(|e| OAuthError::Unavailable(format!("{url}: unreadable answer: {e}")))
    }

    async fn github(&self, token: &str, want_orgs: bool) -> Result<ProviderIdentity, OAuthError> {
        #[derive(Deserialize)]
        struct User {
            id: u64,
            login: String,
            name: Option<String>,
        }
        #[derive(Deserialize)]
        struct Email {
            email: String,
            primary: bool,
            verified: bool,
        }
        #[derive(Deserialize)]
        struct Org {
            login: String,
        }
        let api = self.endpoints.github_api.trim_end_matches('/');
        let user: User = self.get(&format!("{api}/user"), token).await?;
        let emails: Vec<Email> = self.get(&format!("{api}/user/emails"), token).await?;
        let primary = emails.into_iter().find(|e| e.primary);
        let orgs: Vec<Org> = if want_orgs {
            self.get(&format!("{api}/user/orgs?per_page=100"), token).await?
        } else {
            Vec::new()
        };
        Ok(ProviderIdentity {
            provider: Provider::GitHub,
            subject: user.id.to_string(),
            login: user.login,
            name: user.name,
            email_verified: primary.as_ref().is_some_and(|e| e.verified),
            email: primary.map(|e| e.email),
            orgs: orgs.into_iter().map(|o| o.login.to_lowercase()).collect(),
            hosted_domain: None,
        })
    }

    async fn google(&self, token: &str) -> Result<ProviderIdentity, OAuthError> {
        #[derive(Deserialize)]
        struct UserInfo {
            sub: String,
            email: Option<String>,
            #[serde(default)]
            email_verified: bool,
            name: Option<String>,
            hd: Option<String>,
        }
        let info: UserInfo = self.get(&self.endpoints.google_userinfo, token).await?;
        Ok(ProviderIdentity {
            provider: Provider::Google,
            login: info.email.clone().unwrap_or_else(|| info.sub.clone()),
            subject: info.sub,
            name: info.name,
            email: info.email,
            email_verified: info.email_verified,
            orgs: Vec::new(),
            hosted_domain: info.hd,
        })
    }
}

fn scopes(provider: Provider, want_orgs: bool) -> Vec<&'static str> {
    match provider {
        Provider::GitHub if want_orgs => vec!["read:user", "user:email", "read:org"],
        Provider::GitHub => vec!["read:user", "user:email"],
        Provider::Google => vec!["openid", "email", "profile"],
    }
}

#[async_trait]
impl OAuthClient for HttpOAuth {
    fn authorize(
        &self,
        provider: Provider,
        app: &ProviderApp,
        redirect_uri: &str,
        state: &str,
        want_orgs: bool,
    ) -> Result<Authorization, OAuthError> {
        let (auth, token) = self.urls(provider);
        let bad = |e: oauth2::url::ParseError| OAuthError::Misconfigured(e.to_string());
        let client = BasicClient::new(ClientId::new(app.client_id.clone()))
            .set_auth_uri(AuthUrl::new(auth.to_string()).map_err(bad)?)
            .set_token_uri(TokenUrl::new(token.to_string()).map_err(bad)?)
            .set_redirect_uri(RedirectUrl::new(redirect_uri.to_string()).map_err(bad)?);
        let (challenge, verifier) = PkceCodeChallenge::new_random_sha256();
        let state = state.to_string();
        let mut request = client.authorize_url(move || CsrfToken::new(state));
        for scope in scopes(provider, want_orgs) {
            request = request.add_scope(Scope::new(scope.to_string()));
        }
        let (url, _) = request.set_pkce_challenge(challenge).url();
        Ok(Authorization {
            url: url.to_string(),
            pkce_verifier: verifier.secret().clone(),
        })
    }

    async fn identity(
        &self,
        provider: Provider,
        app: &ProviderApp,
        redirect_uri: &str,
        code: &str,
        pkce_verifier: &str,
        want_orgs: bool,
    ) -> Result<ProviderIdentity, OAuthError> {
        let (auth, token) = self.urls(provider);
        let bad = |e: oauth2::url::ParseError| OAuthError::Misconfigured(e.to_string());
        let client = BasicClient::new(ClientId::new(app.client_id.clone()))
            .set_client_secret(ClientSecret::new(app.client_secret.clone()))
            .set_auth_uri(AuthUrl::new(auth.to_string()).map_err(bad)?)
            .set_token_uri(TokenUrl::new(token.to_string()).map_err(bad)?)
            .set_redirect_uri(RedirectUrl::new(redirect_uri.to_string()).map_err(bad)?);
        let http = self.http.clone();
        let adapter = move |req: oauth2::HttpRequest| {
            let http = http.clone();
            async move {
                let (parts, body) = req.into_parts();
                let resp = http
                    .request(parts.method, parts.uri.to_string())
                    .headers(parts.headers)
                    .body(body)
                    .send()
                    .await?;
                let mut builder = oauth2::http::Response::builder().status(resp.status());
                for (k, v) in resp.headers() {
                    builder = builder.header(k, v);
                }
                let bytes = resp.bytes().await?.to_vec();
                Ok::<_, reqwest::Error>(builder.body(bytes).expect("a response from its parts"))
            }
        };
        let token = client
            .exchange_code(AuthorizationCode::new(code.to_string()))
            .set_pkce_verifier(PkceCodeVerifier::new(pkce_verifier.to_string()))
            .request_async(&adapter)
            .await
            .map_err(|e| match e {
                oauth2::RequestTokenError::ServerResponse(r) => OAuthError::CodeRefused(r.error().to_string()),
                other => OAuthError::Unavailable(other.to_string()),
            })?;
        let token = token.access_token().secret();
        match provider {
            Provider::GitHub => self.github(token, want_orgs).await,
            Provider::Google => self.google(token).await,
        }
    }
}
