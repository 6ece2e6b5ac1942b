//! The `Secrets` port: authenticated encryption of secrets at rest. Every ciphertext is bound to
//! the place it is stored (table, column, row), so a ciphertext copied to another row, or
//! edited, fails to open instead of yielding someone else's secret.

use std::fmt;

/// Where a sealed value is stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SecretSlot {
    pub table: &'static str,
    pub column: &'static str,
    pub row: String,
}

impl SecretSlot {
    pub fn new(table: &'static str, column: &'static str, row: impl Into<String>) -> Self {
        Self {
            table,
            column,
            row: row.into(),
        }
    }
}

impl fmt::Display for SecretSlot {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}.{}[{}]", self.table, self.column, self.row)
    }
}

/// A sealed value could not be opened, or a value could not be sealed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SecretsError {
    /// Wrong key, tampered bytes, or a ciphertext moved from another slot.
    #[error(
        "the secret in {0} cannot be decrypted with this key (wrong key, or the stored value was altered or moved)"
    )]
    Undecryptable(String),
    /// The stored text is not a sealed value at all.
    #[error("the secret in {0} is not in Nimbus's sealed format")]
    Malformed(String),
    #[error("encryption failed: {0}")]
    Internal(String),
}

#[cfg_attr(test, mockall::automock)]
pub trait Secrets: Send + Sync {
    /// Encrypts `plaintext` for `slot` with a fresh random nonce. Returns printable text.
    ///
    /// Errors: [`SecretsError::Internal`] when no randomness is available.
    fn seal(&self, slot: &SecretSlot, plaintext: &[u8]) -> Result<String, SecretsError>;

    /// Decrypts a value sealed for exactly this `slot`.
    ///
    /// Errors: [`SecretsError::Malformed`], [`SecretsError::Undecryptable`].
    fn open(&self, slot: &SecretSlot, sealed: &str) -> Result<Vec<u8>, SecretsError>;
}
