//! The `PasswordHasher` port: slow, salted password hashing. Calls are CPU-heavy and blocking;
//! callers run them off the async executor.

/// The hash could not be made (an internal failure, never the password's fault).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("password hashing failed: {0}")]
pub struct HashError(pub String);

#[cfg_attr(test, mockall::automock)]
pub trait PasswordHasher: Send + Sync {
    /// A PHC-format hash of `password` with a fresh random salt.
    ///
    /// Errors: [`HashError`] when the hasher fails internally.
    fn hash(&self, password: &str) -> Result<String, HashError>;

    /// Whether `password` matches `phc`. A malformed stored hash is a mismatch.
    fn verify(&self, password: &str, phc: &str) -> bool;

    /// Spends the time of one verification without a stored hash, so that signing in with an
    /// unknown email takes as long as with a wrong password.
    fn verify_nothing(&self, password: &str);
}
