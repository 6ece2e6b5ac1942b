//! The `OAuthClient` port: the network half of signing in with GitHub or Google — the URL to
//! send the browser to (authorization code with PKCE and state) and, at the callback, the code
//! exchanged for the person's identity.

use async_trait::async_trait;

use crate::domain::oauth::{Provider, ProviderIdentity};

/// The OAuth app an admin registered at the provider.
#[derive(Clone, PartialEq, Eq)]
pub struct ProviderApp {
    pub client_id: String,
    pub client_secret: String,
}

crate::domain::redact::debug_redacted!(ProviderApp { client_id } secret { client_secret });

/// Where to send the browser, and the PKCE verifier to keep until the callback.
#[derive(Clone, PartialEq, Eq)]
pub struct Authorization {
    pub url: String,
    pub pkce_verifier: String,
}

crate::domain::redact::debug_redacted!(Authorization { url } secret { pkce_verifier });

/// Why the provider did not tell who signed in.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum OAuthError {
    /// The provider refused the code (expired, replayed, wrong verifier or client secret).
    #[error("the provider refused the sign-in code: {0}")]
    CodeRefused(String),
    /// The provider could not be reached or answered something unreadable.
    #[error("the provider did not answer as expected: {0}")]
    Unavailable(String),
    #[error("invalid provider settings: {0}")]
    Misconfigured(String),
}

#[cfg_attr(test, mockall::automock)]
#[async_trait]
pub trait OAuthClient: Send + Sync {
    /// The provider's authorization URL for `state`, with a fresh PKCE (S256) challenge.
    /// `want_orgs` adds GitHub's `read:org` scope.
    ///
    /// Errors: [`OAuthError::Misconfigured`] for unusable URLs or ids.
    fn authorize(
        &self,
        provider: Provider,
        app: &ProviderApp,
        redirect_uri: &str,
        state: &str,
        want_orgs: bool,
    ) -> Result<Authorization, OAuthError>;

    /// Exchanges the callback's code (with the PKCE verifier) and reads the identity: profile,
    /// verified primary email, and GitHub organisations when `want_orgs`.
    ///
    /// Errors: `CodeRefused`, `Unavailable`, `Misconfigured`.
    async fn identity(
        &self,
        provider: Provider,
        app: &ProviderApp,
        redirect_uri: &str,
        code: &str,
        pkce_verifier: &str,
        want_orgs: bool,
    ) -> Result<ProviderIdentity, OAuthError>;
}
