//! Cross-cutting HTTP behaviour: request ids and access logs, security headers, the API error
//! envelope for failures below the operations, the request-body limit (on the operations that read
//! a body) and panic recovery.

use std::time::Instant;

use poem::http::StatusCode;
use poem::http::header::{self, HeaderValue};
use poem::{Endpoint, IntoResponse, Middleware, Request, Response, Result};
use tokio::io::AsyncReadExt;
use tracing::Instrument;

use super::envelope::{ErrorBody, error_response};
pub use super::routes::ApiRoutes;

tokio::task_local! {
    static REQUEST_ID: String;
}

/// The id of the request being handled on this task, if any.
pub fn current_request_id() -> Option<String> {
    REQUEST_ID.try_with(Clone::clone).ok()
}

/// Accepts a caller's `x-request-id` only when it is short and plain, so logs stay clean.
fn incoming_id(req: &Request) -> Option<String> {
    let id = req.headers().get("x-request-id")?.to_str().ok()?;
    let ok = !id.is_empty() && id.len() <= 64 && id.chars().all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_');
    ok.then(|| id.to_string())
}

/// Gives every request an id (header `x-request-id`, a tracing span field on every log line)
/// and logs one line per request with its status and duration.
pub struct RequestContext;

impl<E: Endpoint> Middleware<E> for RequestContext {
    type Output = RequestContextEndpoint<E>;
    fn transform(&self, ep: E) -> Self::Output {
        RequestContextEndpoint(ep)
    }
}

pub struct RequestContextEndpoint<E>(E);

impl<E: Endpoint> Endpoint for RequestContextEndpoint<E> {
    type Output = Response;

    async fn call(&self, req: Request) -> Result<Response> {
        let id = incoming_id(&req).unwrap_or_else(|| uuid::Uuid::new_v4().simple().to_string());
        let span = tracing::info_span!("request", request_id = %id, method = %req.method(), path = %req.uri().path());
        // A GPU worker calls every few seconds; its routine calls would drown the log.
        let routine = req.uri().path().starts_with("/api/gpu/worker/");
        let started = Instant::now();
        let outcome = REQUEST_ID
            .scope(id.clone(), self.0.call(req).instrument(span.clone()))
            .await;
        let mut resp = match outcome {
            Ok(r) => r.into_response(),
            Err(e) => e.into_response(),
        };
        if let Ok(value) = HeaderValue::from_str(&id) {
            resp.headers_mut().insert("x-request-id", value);
        }
        let status = resp.status().as_u16();
        let elapsed_ms = started.elapsed().as_secs_f64() * 1000.0;
        span.in_scope(|| {
            if status >= 500 {
                tracing::warn!(status, elapsed_ms, "request finished");
            } else if routine && status < 300 {
                tracing::debug!(status, elapsed_ms, "request finished");
            } else {
                tracing::info!(status, elapsed_ms, "request finished");
            }
        });
        Ok(resp)
    }
}

/// The content security policy for the portal: everything from this origin, nothing inline,
/// no framing. (Style properties set from script through the DOM are not affected.)
const CSP: &str = "default-src 'self'; script-src 'self'; style-src 'self'; \
img-src 'self' data:; font-src 'self'; connect-src 'self'; object-src 'none'; \
base-uri 'self'; form-action 'self'; frame-ancestors 'none'";

/// The API explorer ships its bootstrap as an inline script, so its pages get that one allowance.
const DOCS_CSP: &str = "default-src 'self'; script-src 'self' 'unsafe-inline'; style-src 'self' 'unsafe-inline'; \
img-src 'self' data:; font-src 'self' data:; connect-src 'self'; object-src 'none'; \
base-uri 'self'; form-action 'self'; frame-ancestors 'none'";

/// Adds security headers to every response; HSTS only when the portal is served over https.
pub struct SecurityHeaders {
    pub hsts: bool,
}

impl<E: Endpoint> Middleware<E> for SecurityHeaders {
    type Output = SecurityHeadersEndpoint<E>;
    fn transform(&self, ep: E) -> Self::Output {
        SecurityHeadersEndpoint {
            inner: ep,
            hsts: self.hsts,
        }
    }
}

pub struct SecurityHeadersEndpoint<E> {
    inner: E,
    hsts: bool,
}

impl<E: Endpoint> Endpoint for SecurityHeadersEndpoint<E> {
    type Output = Response;

    async fn call(&self, req: Request) -> Result<Response> {
        let docs = req.uri().path().starts_with("/api/docs");
        let mut resp = match self.inner.call(req).await {
            Ok(r) => r.into_response(),
            Err(e) => e.into_response(),
        };
        let h = resp.headers_mut();
        let csp = if docs { DOCS_CSP } else { CSP };
        // A response that brings its own policy (the not-built page) keeps it.
        if !h.contains_key(header::CONTENT_SECURITY_POLICY) {
            h.insert(header::CONTENT_SECURITY_POLICY, HeaderValue::from_static(csp));
        }
        h.insert(header::X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff"));
        h.insert(header::REFERRER_POLICY, HeaderValue::from_static("no-referrer"));
        h.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
        h.insert("cross-origin-opener-policy", HeaderValue::from_static("same-origin"));
        h.insert(
            "permissions-policy",
            HeaderValue::from_static("camera=(), microphone=(), geolocation=()"),
        );
        if self.hsts {
            h.insert(
                header::STRICT_TRANSPORT_SECURITY,
                HeaderValue::from_static("max-age=31536000"),
            );
        }
        Ok(resp)
    }
}

/// Converts every error below the API operations into the JSON error envelope.
pub struct ApiErrors {
    pub routes: ApiRoutes,
}

impl<E: Endpoint> Middleware<E> for ApiErrors {
    type Output = ApiErrorsEndpoint<E>;
    fn transform(&self, ep: E) -> Self::Output {
        ApiErrorsEndpoint {
            inner: ep,
            routes: self.routes.clone(),
        }
    }
}

pub struct ApiErrorsEndpoint<E> {
    inner: E,
    routes: ApiRoutes,
}

impl<E: Endpoint> Endpoint for ApiErrorsEndpoint<E> {
    type Output = Response;

    async fn call(&self, req: Request) -> Result<Response> {
        let method = req.method().to_string();
        let path = req.original_uri().path().to_string();
        match self.inner.call(req).await {
            Ok(r) => Ok(r.into_response()),
            // An operation's own refusal already is an envelope.
            Err(e) if e.is_from_response() => Ok(e.into_response()),
            Err(e) => {
                let mut resp = error_response(&e, &method, &path);
                if e.status() == StatusCode::METHOD_NOT_ALLOWED
                    && let Some(allow) = self.routes.allow(&path).and_then(|a| HeaderValue::from_str(&a).ok())
                {
                    resp.headers_mut().insert(header::ALLOW, allow);
                }
                Ok(resp)
            }
        }
    }
}

/// Refuses request bodies above `max` bytes with 413, whether or not they declare a length, on
/// the operations that read a body. The others never read one, so they answer as usual.
pub struct BodyLimit {
    pub max: usize,
    pub routes: ApiRoutes,
}

impl<E: Endpoint> Middleware<E> for BodyLimit {
    type Output = BodyLimitEndpoint<E>;
    fn transform(&self, ep: E) -> Self::Output {
        BodyLimitEndpoint {
            inner: ep,
            max: self.max,
            routes: self.routes.clone(),
        }
    }
}

pub struct BodyLimitEndpoint<E> {
    inner: E,
    max: usize,
    routes: ApiRoutes,
}

impl<E: Endpoint> Endpoint for BodyLimitEndpoint<E> {
    type Output = E::Output;

    async fn call(&self, mut req: Request) -> Result<E::Output> {
        if !self.routes.reads_body(req.method().as_str(), req.original_uri().path()) {
            return self.inner.call(req).await;
        }
        let too_large = || {
            poem::Error::from_string(
                format!("The request body is larger than the limit of {} bytes.", self.max),
                StatusCode::PAYLOAD_TOO_LARGE,
            )
        };
        let declared = req
            .headers()
            .get(header::CONTENT_LENGTH)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.parse::<u64>().ok());
        match declared {
            Some(len) if len > self.max as u64 => return Err(too_large()),
            Some(_) => {}
            None if req.headers().contains_key(header::TRANSFER_ENCODING) => {
                // A streamed body: read at most one byte past the limit to know.
                let mut buf = Vec::new();
                let limit = self.max as u64 + 1;
                req.take_body()
                    .into_async_read()
                    .take(limit)
                    .read_to_end(&mut buf)
                    .await
                    .map_err(|e| poem::Error::from_string(e.to_string(), StatusCode::BAD_REQUEST))?;
                if buf.len() > self.max {
                    return Err(too_large());
                }
                req.set_body(buf);
            }
            None => {}
        }
        self.inner.call(req).await
    }
}

/// Answers a panic in a handler with the opaque 500 envelope; the panic message goes to the log.
#[derive(Clone)]
pub struct PanicToEnvelope;

impl poem::middleware::PanicHandler for PanicToEnvelope {
    type Response = Response;

    fn get_response(&self, err: Box<dyn std::any::Any + Send + 'static>) -> Response {
        let message = err
            .downcast_ref::<&str>()
            .map(|s| s.to_string())
            .or_else(|| err.downcast_ref::<String>().cloned())
            .unwrap_or_else(|| "non-string panic".into());
        tracing::error!(panic = %message, "handler panicked");
        ErrorBody::internal().into_response(StatusCode::INTERNAL_SERVER_ERROR)
    }
}
