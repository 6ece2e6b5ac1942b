//! The production `TunnelGateway`: a client of Gopher's external API v1 over HTTP(S).
//!
//! `transport.rs` sends one call (bearer key, JSON, a deadline) and opens the `{success, data,
//! error}` envelope; `classify.rs` turns Gopher's status codes into errors by kind; `wire.rs`
//! holds Gopher's JSON shapes; `port.rs` implements the port, following every page of a list.

mod classify;
mod port;
mod transport;
mod wire;

use std::time::Duration;

use crate::ports::tunnel_gateway::GatewayError;

/// How long one call may take unless told otherwise.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(15);
/// Items asked for per page of a list: Gopher's maximum.
pub const DEFAULT_PAGE_SIZE: u32 = 200;

/// Where Gopher is and how to call it.
#[derive(Clone)]
pub struct HttpGopherOptions {
    /// Gopher's URL, e.g. `https://router.example.com` (the API lives under `/api/v1`).
    pub base_url: url::Url,
    pub api_key: String,
    /// The deadline of each call, connection included.
    pub timeout: Duration,
    /// Items per page when reading a list (Gopher caps it at 200).
    pub page_size: u32,
}

crate::domain::redact::debug_redacted!(HttpGopherOptions { base_url, timeout, page_size } secret { api_key });

impl HttpGopherOptions {
    pub fn new(base_url: url::Url, api_key: impl Into<String>) -> Self {
        Self {
            base_url,
            api_key: api_key.into(),
            timeout: DEFAULT_TIMEOUT,
            page_size: DEFAULT_PAGE_SIZE,
        }
    }
}

/// A Gopher gateway reached over HTTP(S).
pub struct HttpGopher {
    client: reqwest::Client,
    options: HttpGopherOptions,
}

impl std::fmt::Debug for HttpGopher {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("HttpGopher").field("options", &self.options).finish()
    }
}

impl HttpGopher {
    /// A client of the gateway at `options.base_url`.
    ///
    /// # Errors
    /// `Invalid` when the URL is not `http(s)://host…`, the key is empty or the page size is 0.
    pub fn new(options: HttpGopherOptions) -> Result<Self, GatewayError> {
        let url = &options.base_url;
        if !matches!(url.scheme(), "http" | "https") || url.host_str().is_none_or(str::is_empty) {
            return Err(GatewayError::Invalid(format!(
                "GOPHER_API_URL {url} is not an http:// or https:// URL with a host; give Gopher's address, e.g. https://router.example.com"
            )));
        }
        if options.api_key.trim().is_empty() {
            return Err(GatewayError::Invalid(
                "GOPHER_API_KEY is empty; create a key on Gopher's Access Control page".into(),
            ));
        }
        if options.page_size == 0 {
            return Err(GatewayError::Invalid("the page size must be at least 1".into()));
        }
        let client = reqwest::Client::builder()
            .timeout(options.timeout)
            .connect_timeout(options.timeout)
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .map_err(|e| GatewayError::Invalid(format!("cannot build the HTTP client: {e}")))?;
        Ok(Self { client, options })
    }
}
