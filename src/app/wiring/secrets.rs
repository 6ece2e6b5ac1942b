//! Wiring of the secrets: AES-256-GCM under the master key, found (environment, key file or
//! database) and proved before anything is unsealed.

use std::sync::Arc;

use crate::adapters::secrets::AesGcmSecrets;
use crate::adapters::store::sqlite::SqliteStore;
use crate::app::config::Config;
use crate::app::secrets::{Cipher, SecretBox, load_key};
use crate::ports::{Clock, Secrets, Store};

/// AES-256-GCM under a master key.
pub(super) fn cipher() -> Arc<Cipher> {
    Arc::new(|key: &[u8; 32]| Arc::new(AesGcmSecrets::new(key)) as Arc<dyn Secrets>)
}

/// Finds and proves the master key, and the sealed secrets on it.
pub(super) async fn open_secrets(
    config: &Config,
    store: &SqliteStore,
    clock: Arc<dyn Clock>,
) -> anyhow::Result<SecretBox> {
    let env_key = config.encryption_key.as_ref().map(|k| k.0);
    let cipher = cipher();
    let (key, source) = load_key(env_key, &config.server.data_dir, store, cipher.as_ref()).await?;
    let shared: Arc<dyn Store> = Arc::new(store.clone());
    let secrets = SecretBox::new(shared, cipher(&key), clock);
    secrets.check_key(&source).await?;
    Ok(secrets)
}
