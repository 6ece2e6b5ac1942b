//! Setup mode at the door: while the setup wizard is open, every API route but `/api/health`
//! and `/api/setup/*` answers 503 `setup_required` (the portal then shows the wizard). Pages and
//! assets are served as usual, so the browser can load the wizard.

use std::sync::Arc;

use poem::http::StatusCode;
use poem::{Endpoint, IntoResponse, Middleware, Request, Response, Result};

use super::super::envelope::ErrorBody;
use crate::app::setup_wizard::SetupWizard;

/// Routes that answer in setup mode.
fn open_in_setup(path: &str) -> bool {
    !path.starts_with("/api/") && path != "/api"
        || path == "/api/health"
        || path == "/api/setup"
        || path.starts_with("/api/setup/")
}

pub struct SetupGate {
    pub wizard: Arc<SetupWizard>,
}

impl<E: Endpoint> Middleware<E> for SetupGate {
    type Output = SetupGateEndpoint<E>;
    fn transform(&self, ep: E) -> Self::Output {
        SetupGateEndpoint {
            inner: ep,
            wizard: self.wizard.clone(),
        }
    }
}

pub struct SetupGateEndpoint<E> {
    inner: E,
    wizard: Arc<SetupWizard>,
}

impl<E: Endpoint> Endpoint for SetupGateEndpoint<E> {
    type Output = Response;

    async fn call(&self, req: Request) -> Result<Response> {
        if self.wizard.is_active() && !open_in_setup(req.uri().path()) {
            return Ok(ErrorBody::new(
                "setup_required",
                "Nimbus is not set up yet: an admin finishes the setup wizard at /setup, with the one-time setup \
                 token from Nimbus's log (journalctl -u nimbus | grep 'setup token')",
            )
            .into_response(StatusCode::SERVICE_UNAVAILABLE));
        }
        self.inner.call(req).await.map(IntoResponse::into_response)
    }
}

#[cfg(test)]
mod tests {
    use super::open_in_setup;

    #[test]
    fn only_the_wizard_health_and_pages_are_open_in_setup_mode() {
        for open in [
            "/",
            "/setup",
            "/assets/index.js",
            "/api/health",
            "/api/setup",
            "/api/setup/proxmox",
        ] {
            assert!(open_in_setup(open), "{open}");
        }
        for closed in [
            "/api/me",
            "/api/auth/register",
            "/api/setupx",
            "/api/docs",
            "/api/openapi.json",
            "/api",
        ] {
            assert!(!open_in_setup(closed), "{closed}");
        }
    }
}
