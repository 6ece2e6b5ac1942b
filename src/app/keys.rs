//! The SSH key vault: each member's keys — brought (public, optionally with its matching private
//! half) or generated (Ed25519, kept sealed unless the owner declines) — with one default, and
//! private halves readable only by their owner.

use std::sync::Arc;

use uuid::Uuid;

use super::accounts::Caller;
use super::audit::Auditor;
use crate::domain::audit::AuditAction;
use crate::domain::keys::{KeyName, KeySource, check_strength, parse_label};
use crate::ports::ssh_keys::{KeyParseError, KeyRecord, KeyStoreError, PrivateKeyInfo};
use crate::ports::{Clock, KeyCodec, KeyStore, SecretSlot, Secrets};

/// What the add/generate form sends.
#[derive(Clone, Default)]
pub struct NewKey {
    pub name: String,
    pub label: Option<String>,
    pub public_key: Option<String>,
    pub private_key: Option<String>,
    pub generate: bool,
    /// Generated keys only: keep the private half in the vault.
    pub keep_private_key: bool,
    pub set_default: bool,
}

crate::domain::redact::debug_redacted!(NewKey { name, label, public_key, generate, keep_private_key, set_default } secret { private_key });

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum KeyError {
    #[error("{message}")]
    Invalid { field: &'static str, message: String },
    #[error("You already have a key with this name. Choose another name.")]
    NameTaken,
    #[error("There is no such key.")]
    NotFound,
    #[error("This key has no private half in the vault.")]
    NoPrivateKey,
    #[error("This key already has its private half in the vault. Delete the key and add it again to replace it.")]
    PrivateKeyPresent,
    #[error("internal failure: {0}")]
    Internal(String),
}

fn invalid(field: &'static str, message: impl ToString) -> KeyError {
    KeyError::Invalid {
        field,
        message: message.to_string(),
    }
}

impl From<KeyStoreError> for KeyError {
    fn from(e: KeyStoreError) -> Self {
        match e {
            KeyStoreError::NameTaken => Self::NameTaken,
            KeyStoreError::NotFound => Self::NotFound,
            KeyStoreError::PrivateKeyPresent => Self::PrivateKeyPresent,
            KeyStoreError::Store(e) => Self::Internal(e.to_string()),
        }
    }
}

fn slot(id: Uuid) -> SecretSlot {
    SecretSlot::new("ssh_keys", "private_key", id.to_string())
}

pub struct KeyVault {
    store: Arc<dyn KeyStore>,
    codec: Arc<dyn KeyCodec>,
    secrets: Arc<dyn Secrets>,
    audit: Arc<Auditor>,
    clock: Arc<dyn Clock>,
}

impl KeyVault {
    pub fn new(
        store: Arc<dyn KeyStore>,
        codec: Arc<dyn KeyCodec>,
        secrets: Arc<dyn Secrets>,
        audit: Arc<Auditor>,
        clock: Arc<dyn Clock>,
    ) -> Self {
        Self {
            store,
            codec,
            secrets,
            audit,
            clock,
        }
    }

    pub async fn list(&self, caller: &Caller) -> Result<Vec<KeyRecord>, KeyError> {
        Ok(self.store.list_keys(caller.user.id).await?)
    }

    pub async fn get(&self, caller: &Caller, id: Uuid) -> Result<KeyRecord, KeyError> {
        self.store.get_key(caller.user.id, id).await?.ok_or(KeyError::NotFound)
    }

    /// Reads a private key and checks it belongs to `public` (when given).
    fn private_half(&self, text: &str, public_fingerprint: Option<&str>) -> Result<PrivateKeyInfo, KeyError> {
        let private = self.codec.parse_private(text).map_err(|e| invalid("private_key", e))?;
        if public_fingerprint.is_some_and(|f| f != private.public.fingerprint) {
            return Err(invalid(
                "private_key",
                "This private key does not belong to the public key. Paste the matching pair.",
            ));
        }
        Ok(private)
    }

    /// Adds or generates a key. Returns it, and the private key text when it was generated.
    pub async fn create(&self, caller: &Caller, form: NewKey) -> Result<(KeyRecord, Option<String>), KeyError> {
        let name = KeyName::parse(&form.name).map_err(|e| invalid("name", e))?;
        let label = parse_label(form.label.as_deref().unwrap_or_default()).map_err(|e| invalid("label", e))?;
        let (public, private, source) = if form.generate {
            let made = self
                .codec
                .generate_ed25519(name.as_str())
                .map_err(|e| KeyError::Internal(e.to_string()))?;
            (made.public.clone(), Some(made), KeySource::Generated)
        } else {
            let public = match form.public_key.as_deref().map(str::trim).filter(|t| !t.is_empty()) {
                Some(text) => Some(self.codec.parse_public(text).map_err(|e| invalid("public_key", e))?),
                None => None,
            };
            let private = match form.private_key.as_deref().map(str::trim).filter(|t| !t.is_empty()) {
                Some(text) => Some(self.private_half(text, public.as_ref().map(|p| p.fingerprint.as_str()))?),
                None => None,
            };
            let public = match (public, &private) {
                (Some(public), _) => public,
                (None, Some(private)) => private.public.clone(),
                (None, None) => return Err(invalid("public_key", KeyParseError::NotPublic)),
            };
            (public, private, KeySource::Imported)
        };
        check_strength(public.algorithm, public.bits).map_err(|e| invalid("public_key", e))?;
        let id = Uuid::new_v4();
        let keep = !form.generate || form.keep_private_key;
        let sealed = match (&private, keep) {
            (Some(private), true) => Some(
                self.secrets
                    .seal(&slot(id), private.openssh.as_bytes())
                    .map_err(|e| KeyError::Internal(e.to_string()))?,
            ),
            _ => None,
        };
        let record = KeyRecord {
            id,
            owner: caller.user.id,
            name: name.as_str().to_string(),
            label,
            public,
            is_default: form.set_default,
            has_private_key: sealed.is_some(),
            source,
            created_at: self.clock.now(),
        };
        let stored = self.store.insert_key(record, sealed).await?;
        let entry = self.audit.entry(AuditAction::KeyCreated).by(&caller.user);
        let entry = entry
            .on("key", stored.id, stored.name.clone())
            .from(caller.ip.as_deref());
        let detail = format!(
            "{} {}, {}{}",
            stored.public.algorithm.as_str(),
            stored.public.fingerprint,
            source.as_str(),
            if stored.has_private_key {
                ", private half kept"
            } else {
                ""
            }
        );
        self.audit.record(entry.detail(detail)).await;
        let shown = if form.generate {
            private.map(|p| p.openssh)
        } else {
            None
        };
        Ok((stored, shown))
    }

    pub async fn update(
        &self,
        caller: &Caller,
        id: Uuid,
        name: Option<&str>,
        label: Option<&str>,
    ) -> Result<KeyRecord, KeyError> {
        let name = name
            .map(|n| KeyName::parse(n).map(|n| n.as_str().to_string()))
            .transpose()
            .map_err(|e| invalid("name", e))?;
        let label = label.map(parse_label).transpose().map_err(|e| invalid("label", e))?;
        Ok(self.store.update_key(caller.user.id, id, name, label).await?)
    }

    pub async fn set_default(&self, caller: &Caller, id: Uuid) -> Result<KeyRecord, KeyError> {
        Ok(self.store.set_default_key(caller.user.id, id).await?)
    }

    /// Attaches the matching private half to a public-only key.
    pub async fn attach_private(&self, caller: &Caller, id: Uuid, text: &str) -> Result<KeyRecord, KeyError> {
        let key = self.get(caller, id).await?;
        if key.has_private_key {
            return Err(KeyError::PrivateKeyPresent);
        }
        let private = self.private_half(text, Some(&key.public.fingerprint))?;
        let sealed = self
            .secrets
            .seal(&slot(id), private.openssh.as_bytes())
            .map_err(|e| KeyError::Internal(e.to_string()))?;
        Ok(self.store.attach_private(caller.user.id, id, sealed).await?)
    }

    /// The key's name and its private half, for its owner only.
    pub async fn private_key(&self, caller: &Caller, id: Uuid) -> Result<(String, String), KeyError> {
        let key = self.get(caller, id).await?;
        let sealed = self
            .store
            .sealed_private(caller.user.id, id)
            .await?
            .ok_or(KeyError::NoPrivateKey)?;
        let bytes = self
            .secrets
            .open(&slot(id), &sealed)
            .map_err(|e| KeyError::Internal(e.to_string()))?;
        let text = String::from_utf8(bytes).map_err(|e| KeyError::Internal(e.to_string()))?;
        let entry = self.audit.entry(AuditAction::PrivateKeyRead).by(&caller.user);
        self.audit
            .record(entry.on("key", id, key.name.clone()).from(caller.ip.as_deref()))
            .await;
        Ok((key.name, text))
    }

    /// Removes a key Nimbus generated for a machine that was never built (a rolled-back
    /// provision), on the system's behalf. A key already gone is fine.
    pub async fn discard(&self, owner: crate::domain::ids::UserId, id: Uuid) {
        match self.store.delete_key(owner, id).await {
            Ok(()) | Err(KeyStoreError::NotFound) => {}
            Err(e) => tracing::warn!(key = %id, error = %e, "cannot remove a generated key"),
        }
    }

    pub async fn delete(&self, caller: &Caller, id: Uuid) -> Result<(), KeyError> {
        let key = self.get(caller, id).await?;
        self.store.delete_key(caller.user.id, id).await?;
        let entry = self.audit.entry(AuditAction::KeyDeleted).by(&caller.user);
        let entry = entry.on("key", id, key.name).from(caller.ip.as_deref());
        self.audit.record(entry.detail(key.public.fingerprint)).await;
        Ok(())
    }
}
