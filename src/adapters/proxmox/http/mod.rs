//! `HttpProxmox`: the production `Proxmox` and `ProxmoxAccess` adapter, talking to a Proxmox VE
//! cluster's REST API (`/api2/json`) over HTTPS with an API token, or with a ticket from a
//! password sign-in (cookie `PVEAuthCookie`, `CSRFPreventionToken` header on writes).
//!
//! - `tls`: which server certificates to trust (any, a CA, or a pinned fingerprint);
//! - `fingerprint`: reading the fingerprint of the certificate a node presents, to pin it;
//! - `transport`: one call on the wire — auth header, parameters, timeouts, read retries, logging;
//! - `wire`: form encoding, path segments, the `{"data": …}` envelope;
//! - `classify`: Proxmox's error answers as [`ProxmoxError`]s;
//! - `decode` and `shapes`: lenient JSON readers and the port's types built from them;
//! - `port`: the `Proxmox` methods, one endpoint each; `wait`: polling a task until it stops;
//! - `access` and `access_shapes`: the `ProxmoxAccess` methods and their answers.

mod access;
mod access_shapes;
mod classify;
mod decode;
mod fingerprint;
mod port;
mod shapes;
mod tls;
mod transport;
mod wait;
mod wire;

#[cfg(test)]
mod tests;

use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use reqwest::header::{AUTHORIZATION, COOKIE, HeaderName, HeaderValue};

pub use fingerprint::{DEFAULT_PORT, FingerprintError, ProxmoxAddress, fetch_fingerprint};
pub use tls::TlsTrust;
pub use wait::poll_delays;
pub use wire::encode_sshkeys;

use crate::ports::proxmox::{ProxmoxError, PveSession};

/// How the client proves who it is.
#[derive(Clone)]
pub enum Credentials {
    /// An API token: `user@realm!tokenid` and its secret.
    Token { id: String, secret: String },
    /// A ticket from `POST /access/ticket`.
    Session(PveSession),
    /// Nothing: only signing in works.
    None,
}

/// Leaves the secrets out.
impl fmt::Debug for Credentials {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Token { id, secret } => f
                .debug_struct("Token")
                .field("id", id)
                .field("secret", &crate::domain::redact::Redacted(secret))
                .finish(),
            Self::Session(session) => f.debug_tuple("Session").field(session).finish(),
            Self::None => f.write_str("None"),
        }
    }
}

/// Where the cluster is and how to reach it.
#[derive(Clone)]
pub struct HttpProxmoxOptions {
    /// e.g. https://127.0.0.1:8006 ; requests go to {base_url}/api2/json/...
    pub base_url: url::Url,
    pub credentials: Credentials,
    pub tls: TlsTrust,
    /// Whole-call timeout (default 30 s): every attempt of a call, retries included, ends by then.
    pub call_timeout: Duration,
    /// Connect timeout (default 5 s).
    pub connect_timeout: Duration,
    /// Extra attempts for idempotent reads after transport errors (default 2).
    pub read_retries: u32,
}

impl HttpProxmoxOptions {
    /// Options with the defaults: any certificate accepted, 30 s per call, 5 s to connect, two
    /// read retries.
    pub fn new(base_url: url::Url, token_id: impl Into<String>, token_secret: impl Into<String>) -> Self {
        Self {
            base_url,
            credentials: Credentials::Token {
                id: token_id.into(),
                secret: token_secret.into(),
            },
            tls: TlsTrust::AcceptAny,
            call_timeout: Duration::from_secs(30),
            connect_timeout: Duration::from_secs(5),
            read_retries: 2,
        }
    }

    /// The same options, signed in with `session` instead.
    pub fn with_session(mut self, session: PveSession) -> Self {
        self.credentials = Credentials::Session(session);
        self
    }

    /// The same options without credentials, for signing in with a password.
    pub fn anonymous(mut self) -> Self {
        self.credentials = Credentials::None;
        self
    }
}

/// Leaves the token secret out, so options can be logged.
impl fmt::Debug for HttpProxmoxOptions {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("HttpProxmoxOptions")
            .field("base_url", &self.base_url.as_str())
            .field("credentials", &self.credentials)
            .field("tls", &self.tls)
            .field("call_timeout", &self.call_timeout)
            .field("connect_timeout", &self.connect_timeout)
            .field("read_retries", &self.read_retries)
            .finish()
    }
}

/// A Proxmox VE cluster over its REST API. Cheap to clone; clones share one connection pool.
#[derive(Clone)]
pub struct HttpProxmox {
    client: reqwest::Client,
    /// `{base_url}/api2/json`, without a trailing slash.
    api: Arc<str>,
    call_timeout: Duration,
    read_retries: u32,
    /// The header that proves who calls (the token, or the ticket's cookie); none when anonymous.
    auth: Option<(HeaderName, HeaderValue)>,
    /// The session's `CSRFPreventionToken`, sent on every write.
    csrf: Option<HeaderValue>,
    /// To build a signed-in client with the same address, trust and timeouts.
    options: Arc<HttpProxmoxOptions>,
}

impl fmt::Debug for HttpProxmox {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("HttpProxmox")
            .field("api", &self.api)
            .finish_non_exhaustive()
    }
}

impl HttpProxmox {
    /// Builds the client. A base URL that is not http(s), a token that cannot go in a header or a
    /// CA PEM that holds no usable certificate is [`ProxmoxError::Unavailable`] naming the problem.
    pub fn new(options: HttpProxmoxOptions) -> Result<Self, ProxmoxError> {
        let setup = |what: String| ProxmoxError::Unavailable(format!("cannot set up the Proxmox client: {what}"));
        let url = &options.base_url;
        if !matches!(url.scheme(), "https" | "http") || url.host().is_none() {
            return Err(setup(format!("base URL {url} is not an http(s) URL with a host")));
        }
        if url.query().is_some() || url.fragment().is_some() {
            return Err(setup(format!("base URL {url} must not have a query or fragment")));
        }
        let sensitive = |text: String, what: &str| {
            let mut value = HeaderValue::from_str(&text)
                .map_err(|_| setup(format!("the {what} holds characters an HTTP header cannot carry")))?;
            value.set_sensitive(true);
            Ok::<_, ProxmoxError>(value)
        };
        let (auth, csrf) = match &options.credentials {
            Credentials::Token { id, secret } => {
                let value = sensitive(format!("PVEAPIToken={id}={secret}"), "API token")?;
                (Some((AUTHORIZATION, value)), None)
            }
            Credentials::Session(session) => {
                let cookie = sensitive(format!("PVEAuthCookie={}", session.ticket), "ticket")?;
                let csrf = sensitive(session.csrf_token.clone(), "CSRF token")?;
                (Some((COOKIE, cookie)), Some(csrf))
            }
            Credentials::None => (None, None),
        };
        let tls = tls::client_config(&options.tls).map_err(setup)?;
        let client = reqwest::Client::builder()
            .tls_backend_preconfigured(tls)
            .http1_only()
            .connect_timeout(options.connect_timeout)
            .no_proxy()
            // A redirect would carry the API token to wherever it points; Proxmox never sends one.
            .redirect(reqwest::redirect::Policy::none())
            .user_agent(concat!("nimbus/", env!("CARGO_PKG_VERSION")))
            .build()
            .map_err(|e| setup(transport::describe(&e)))?;
        let api = format!("{}/api2/json", url.as_str().trim_end_matches('/'));
        Ok(Self {
            client,
            api: api.into(),
            call_timeout: options.call_timeout,
            read_retries: options.read_retries,
            auth,
            csrf,
            options: Arc::new(options),
        })
    }
}
