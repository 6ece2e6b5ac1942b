//! What the provider-sign-in use cases outside the callback refuse (the callback itself ends in
//! an [`super::Outcome`], a code the portal explains).

use crate::ports::AccountStoreError;

/// A refused or failed operation on the caller's linked identities or the providers' settings.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum OAuthError {
    #[error("This account has no identity of that provider linked.")]
    NotLinked,
    #[error("This is the only way to sign in to this account. Link another provider first.")]
    LastSignInMethod,
    /// A dependency failed; the cause is logged, never shown.
    #[error("internal failure: {0}")]
    Internal(String),
}

impl From<AccountStoreError> for OAuthError {
    fn from(e: AccountStoreError) -> Self {
        Self::Internal(e.to_string())
    }
}

impl From<crate::ports::StoreError> for OAuthError {
    fn from(e: crate::ports::StoreError) -> Self {
        Self::Internal(e.to_string())
    }
}
