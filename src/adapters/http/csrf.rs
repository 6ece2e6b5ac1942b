//! The CSRF guard: cross-site browser writes are refused before any handler runs.

use poem::http::{Method, StatusCode, header};
use poem::{Endpoint, Middleware, Request, Response, Result};

use super::auth::bearer;
use super::envelope::ErrorBody;

/// Refuses cross-site browser writes: an unsafe method without a bearer token must come from
/// this origin (`Sec-Fetch-Site`, or else `Origin`, matches) or from an allowed CORS origin.
/// Requests without either header are not from a browser and pass.
pub struct CsrfGuard {
    pub allowed_origins: Vec<String>,
}

impl<E: Endpoint> Middleware<E> for CsrfGuard {
    type Output = CsrfGuardEndpoint<E>;
    fn transform(&self, ep: E) -> Self::Output {
        CsrfGuardEndpoint {
            inner: ep,
            allowed: self.allowed_origins.clone(),
        }
    }
}

pub struct CsrfGuardEndpoint<E> {
    inner: E,
    allowed: Vec<String>,
}

impl<E: Endpoint> CsrfGuardEndpoint<E> {
    fn cross_site(&self, req: &Request) -> bool {
        let origin = req.headers().get(header::ORIGIN).and_then(|v| v.to_str().ok());
        if let Some(origin) = origin
            && self.allowed.iter().any(|a| a == origin)
        {
            return false;
        }
        let site = req.headers().get("sec-fetch-site").and_then(|v| v.to_str().ok());
        if let Some(site) = site {
            return !matches!(site, "same-origin" | "none");
        }
        match origin {
            None => false,
            Some(origin) => {
                let host = req.headers().get(header::HOST).and_then(|v| v.to_str().ok());
                let authority = origin.split_once("://").map(|(_, rest)| rest);
                host.is_none() || authority != host
            }
        }
    }
}

impl<E: Endpoint> Endpoint for CsrfGuardEndpoint<E> {
    type Output = Response;

    async fn call(&self, req: Request) -> Result<Response> {
        let safe = matches!(*req.method(), Method::GET | Method::HEAD | Method::OPTIONS);
        if !safe && bearer(&req).is_none() && self.cross_site(&req) {
            return Ok(ErrorBody::new(
                "csrf_rejected",
                "This request came from another site, so Nimbus refused it. Use the Nimbus portal itself.",
            )
            .into_response(StatusCode::FORBIDDEN));
        }
        self.inner.call(req).await.map(poem::IntoResponse::into_response)
    }
}
