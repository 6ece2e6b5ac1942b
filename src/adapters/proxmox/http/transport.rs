//! One call on the wire: parameters in the query (GET, DELETE) or a form body with a length
//! (POST, PUT; a multipart body when the call carries a file), a deadline for the whole call, retries for reads only, and the answer as a
//! [`Reply`] or a classified [`ProxmoxError`].
//!
//! Only GETs are retried, and only after a transport failure or a 502/503/504: a retried write
//! could repeat an action, and a Proxmox answer (4xx, 500) is final.

use std::error::Error as _;
use std::time::Duration;

use reqwest::Method;
use reqwest::header::{CONTENT_LENGTH, CONTENT_TYPE};
use tokio::time::Instant;

use super::HttpProxmox;
use super::classify::{Endpoint, ErrorReply, classify};
use super::wire::{Params, Reply, envelope};
use crate::domain::cluster::NodeName;
use crate::ports::proxmox::{ProxmoxError, ProxmoxResult};

/// Pauses before the first, second and later retries of a read.
const RETRY_PAUSES: [Duration; 3] = [
    Duration::from_millis(100),
    Duration::from_millis(300),
    Duration::from_millis(900),
];

/// A request to `/api2/json{path}`.
#[derive(Debug, Clone)]
pub(super) struct Call {
    pub method: Method,
    /// Percent-encoded, starting with `/`.
    pub path: String,
    pub params: Params,
    /// A file to send: the body becomes `multipart/form-data` with `params` as text parts first
    /// and this as the last part.
    pub file: Option<FilePart>,
    pub endpoint: Endpoint,
    /// Sent without credentials (signing in).
    pub anonymous: bool,
}

/// The file part of a multipart upload: the form field, the file's name and its bytes.
#[derive(Debug, Clone)]
pub(super) struct FilePart {
    pub field: &'static str,
    pub file_name: String,
    pub bytes: Vec<u8>,
}

impl Call {
    fn new(method: Method, path: String) -> Self {
        Self {
            method,
            path,
            params: Params::new(),
            file: None,
            endpoint: Endpoint {
                node: None,
                agent: false,
            },
            anonymous: false,
        }
    }

    /// Sends no credentials: `POST /access/ticket` refuses API tokens.
    pub fn anonymous(mut self) -> Self {
        self.anonymous = true;
        self
    }

    pub fn get(path: String) -> Self {
        Self::new(Method::GET, path)
    }

    pub fn post(path: String) -> Self {
        Self::new(Method::POST, path)
    }

    pub fn put(path: String) -> Self {
        Self::new(Method::PUT, path)
    }

    pub fn delete(path: String) -> Self {
        Self::new(Method::DELETE, path)
    }

    pub fn params(mut self, params: Params) -> Self {
        self.params = params;
        self
    }

    /// Sends `file` in a multipart body after the parameters.
    pub fn file(mut self, file: FilePart) -> Self {
        self.file = Some(file);
        self
    }

    /// The node the call is proxied to, named by a 595/596 answer.
    pub fn on(mut self, node: &NodeName) -> Self {
        self.endpoint.node = Some(node.clone());
        self
    }

    /// A guest-agent call: "agent not running" answers are `AgentUnavailable`.
    pub fn agent(mut self) -> Self {
        self.endpoint.agent = true;
        self
    }
}

/// Why an attempt failed, and whether a read may try again.
struct Failure {
    error: ProxmoxError,
    retryable: bool,
}

/// A reqwest error with its causes (`… : invalid peer certificate: …`); never holds headers.
pub(super) fn describe(e: &reqwest::Error) -> String {
    let mut text = if e.is_timeout() {
        format!("timed out: {e}")
    } else {
        e.to_string()
    };
    let mut source = e.source();
    while let Some(cause) = source {
        let cause_text = cause.to_string();
        if !text.contains(&cause_text) {
            text.push_str(": ");
            text.push_str(&cause_text);
        }
        source = cause.source();
    }
    text
}

impl HttpProxmox {
    /// Sends `call`, retrying a read on transport trouble while the call's deadline allows.
    pub(super) async fn send(&self, call: Call) -> ProxmoxResult<Reply> {
        let deadline = Instant::now() + self.call_timeout;
        let mut retries = 0;
        loop {
            let failure = match self.attempt(&call, deadline).await {
                Ok(reply) => return Ok(reply),
                Err(failure) => failure,
            };
            let pause = RETRY_PAUSES[(retries as usize).min(RETRY_PAUSES.len() - 1)];
            let may_retry = call.method == Method::GET
                && failure.retryable
                && retries < self.read_retries
                && Instant::now() + pause < deadline;
            if !may_retry {
                return Err(failure.error);
            }
            retries += 1;
            tracing::debug!(method = %call.method, path = %call.path, retry = retries, "retrying a read");
            tokio::time::sleep(pause).await;
        }
    }

    async fn attempt(&self, call: &Call, deadline: Instant) -> Result<Reply, Failure> {
        let started = Instant::now();
        let transport = |e: reqwest::Error| {
            let error = ProxmoxError::Unavailable(describe(&e));
            tracing::debug!(method = %call.method, path = %call.path, error = %error, "Proxmox call failed");
            Failure { error, retryable: true }
        };
        let remaining = deadline.saturating_duration_since(started);
        if remaining.is_zero() {
            return Err(Failure {
                error: ProxmoxError::Unavailable(format!("no answer within {:?}", self.call_timeout)),
                retryable: false,
            });
        }
        let mut url = format!("{}{}", self.api, call.path);
        let mut request = if call.method == Method::GET || call.method == Method::DELETE {
            if !call.params.is_empty() {
                url.push('?');
                url.push_str(&call.params.encode());
            }
            self.client.request(call.method.clone(), url)
        } else if let Some(file) = &call.file {
            // Every part has a known length, so reqwest states the body's length: Proxmox
            // refuses chunked requests, uploads included.
            self.client
                .request(call.method.clone(), url)
                .multipart(call.params.multipart(file))
        } else {
            // A body of known length, stated even when empty: Proxmox refuses chunked requests.
            let body = call.params.encode();
            self.client
                .request(call.method.clone(), url)
                .header(CONTENT_TYPE, "application/x-www-form-urlencoded")
                .header(CONTENT_LENGTH, body.len())
                .body(body)
        };
        if !call.anonymous {
            if let Some((name, value)) = &self.auth {
                request = request.header(name.clone(), value.clone());
            }
            if let Some(csrf) = self.csrf.as_ref().filter(|_| call.method != Method::GET) {
                request = request.header("CSRFPreventionToken", csrf.clone());
            }
        }
        request = request.timeout(remaining);
        let response = request.send().await.map_err(transport)?;
        let status = response.status();
        let reason = response
            .extensions()
            .get::<hyper::ext::ReasonPhrase>()
            .map(|r| String::from_utf8_lossy(r.as_bytes()).into_owned())
            .or_else(|| status.canonical_reason().map(str::to_owned))
            .unwrap_or_default();
        let body = response.bytes().await.map_err(transport)?;
        let elapsed_ms = started.elapsed().as_millis() as u64;
        tracing::debug!(
            method = %call.method,
            path = %call.path,
            status = status.as_u16(),
            elapsed_ms,
            "Proxmox call"
        );
        if status.is_success() {
            return envelope(&body).map_err(|error| Failure {
                error,
                retryable: false,
            });
        }
        let reply = ErrorReply::read(status.as_u16(), &reason, &body);
        let error = classify(&reply, &call.endpoint);
        tracing::debug!(
            method = %call.method,
            path = %call.path,
            status = status.as_u16(),
            reason = %reply.reason,
            error = %error,
            "Proxmox refused the call"
        );
        Err(Failure {
            error,
            retryable: matches!(status.as_u16(), 502..=504),
        })
    }
}
