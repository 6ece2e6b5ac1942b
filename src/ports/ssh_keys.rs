//! SSH key ports: `KeyCodec` reads and makes OpenSSH keys (parsing, fingerprints, Ed25519
//! generation); `KeyStore` keeps each owner's keys, private halves only sealed.

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use uuid::Uuid;

use super::StoreError;
use crate::domain::ids::UserId;
use crate::domain::keys::{KeyAlgorithm, KeySource};

/// A public key as read from an authorized_keys line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PublicKeyInfo {
    pub algorithm: KeyAlgorithm,
    pub bits: u32,
    /// `SHA256:…` as `ssh-keygen -l` prints it.
    pub fingerprint: String,
    /// The canonical line: algorithm, base64 key and the comment, if any.
    pub line: String,
    pub comment: String,
}

/// A private key and the public key it belongs to.
#[derive(Clone, PartialEq, Eq)]
pub struct PrivateKeyInfo {
    pub public: PublicKeyInfo,
    /// The private key in OpenSSH format (unencrypted).
    pub openssh: String,
}

crate::domain::redact::debug_redacted!(PrivateKeyInfo { public } secret { openssh });

/// Why a key text was not accepted. `Display` is the sentence the form shows.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum KeyParseError {
    #[error("This is not an SSH public key. Paste one line such as 'ssh-ed25519 AAAA… you@laptop' (the .pub file).")]
    NotPublic,
    #[error("This is a private key. Paste the public key (the .pub file) here; the private key goes in its own field.")]
    PrivateInPublicField,
    #[error(
        "This is a public key. The private key is the file without .pub, starting with -----BEGIN OPENSSH PRIVATE KEY-----."
    )]
    PublicInPrivateField,
    #[error(
        "This is not an OpenSSH private key. Keys start with -----BEGIN OPENSSH PRIVATE KEY-----; convert an older one with ssh-keygen -p -f FILE."
    )]
    NotPrivate,
    #[error(
        "This private key is protected by a passphrase. Nimbus can only keep unprotected keys: remove the passphrase on a copy (ssh-keygen -p -f COPY) or keep only the public key here."
    )]
    Encrypted,
    #[error(
        "The key's comment holds a control character (such as a carriage return or an escape). Paste the key as one line with a plain comment, for example 'ssh-ed25519 AAAA… you@laptop'."
    )]
    ControlCharacter,
    #[error("{0} keys are not accepted. Use Ed25519 (recommended), ECDSA or RSA of at least 3072 bits.")]
    Unsupported(String),
    #[error("The key could not be made: {0}")]
    Internal(String),
}

#[cfg_attr(test, mockall::automock)]
pub trait KeyCodec: Send + Sync {
    /// Reads an authorized_keys line. Errors: `NotPublic`, `PrivateInPublicField`, `Unsupported`,
    /// `ControlCharacter` (a comment with a carriage return, an escape or any other control
    /// character, which would break the line it is written into).
    fn parse_public(&self, text: &str) -> Result<PublicKeyInfo, KeyParseError>;

    /// Reads an OpenSSH private key. Errors: `NotPrivate`, `PublicInPrivateField`, `Encrypted`,
    /// `Unsupported`.
    fn parse_private(&self, text: &str) -> Result<PrivateKeyInfo, KeyParseError>;

    /// A new Ed25519 key pair with `comment`. Errors: `Internal`.
    fn generate_ed25519(&self, comment: &str) -> Result<PrivateKeyInfo, KeyParseError>;
}

/// A stored key (the private half only as "kept or not").
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KeyRecord {
    pub id: Uuid,
    pub owner: UserId,
    pub name: String,
    pub label: Option<String>,
    pub public: PublicKeyInfo,
    pub is_default: bool,
    pub has_private_key: bool,
    pub source: KeySource,
    pub created_at: DateTime<Utc>,
}

/// Refusals of key writes.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum KeyStoreError {
    #[error("you already have a key with this name")]
    NameTaken,
    #[error("no such key")]
    NotFound,
    #[error("the key already has a private half")]
    PrivateKeyPresent,
    #[error(transparent)]
    Store(#[from] StoreError),
}

#[cfg_attr(test, mockall::automock)]
#[async_trait]
pub trait KeyStore: Send + Sync {
    /// The owner's keys, default first, then newest. Errors: `Store`.
    async fn list_keys(&self, owner: UserId) -> Result<Vec<KeyRecord>, KeyStoreError>;

    /// One of the owner's keys. Errors: `Store`.
    async fn get_key(&self, owner: UserId, id: Uuid) -> Result<Option<KeyRecord>, KeyStoreError>;

    /// Stores a key with its sealed private half (sealed for slot `ssh_keys.private_key[id]`),
    /// making it the default when asked (or when it is the owner's first key).
    /// Errors: `NameTaken`, `Store`.
    async fn insert_key(&self, key: KeyRecord, sealed_private: Option<String>) -> Result<KeyRecord, KeyStoreError>;

    /// Renames and/or relabels. Errors: `NotFound`, `NameTaken`, `Store`.
    async fn update_key(
        &self,
        owner: UserId,
        id: Uuid,
        name: Option<String>,
        label: Option<Option<String>>,
    ) -> Result<KeyRecord, KeyStoreError>;

    /// Makes the key the owner's only default. Errors: `NotFound`, `Store`.
    async fn set_default_key(&self, owner: UserId, id: Uuid) -> Result<KeyRecord, KeyStoreError>;

    /// Attaches a sealed private half to a public-only key. Errors: `NotFound`,
    /// `PrivateKeyPresent`, `Store`.
    async fn attach_private(&self, owner: UserId, id: Uuid, sealed: String) -> Result<KeyRecord, KeyStoreError>;

    /// The sealed private half, if kept. Errors: `NotFound`, `Store`.
    async fn sealed_private(&self, owner: UserId, id: Uuid) -> Result<Option<String>, KeyStoreError>;

    /// Deletes the key. Errors: `NotFound`, `Store`.
    async fn delete_key(&self, owner: UserId, id: Uuid) -> Result<(), KeyStoreError>;
}
