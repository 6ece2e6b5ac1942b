//! The master key and the sealed secrets built on it. The key comes from
//! `NIMBUS_ENCRYPTION_KEY` or from the key file in the data dir, created (mode 0600) only on a
//! database that holds no secret yet. A known value sealed at first start (the key check) proves
//! the key at every start: a missing or wrong key stops boot; a new key is never made silently.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use base64::Engine;
use base64::engine::general_purpose::STANDARD;

use crate::ports::{Clock, SecretSlot, Secrets, Store, StoreError};

/// The key file's name inside `NIMBUS_DATA_DIR`.
pub const KEY_FILE: &str = "nimbus.key";
/// A new key written during `nimbus rotate-key`, before the database switches to it.
pub const PENDING_KEY_FILE: &str = "nimbus.key.new";
/// The secret proving the key.
pub const KEY_CHECK: &str = "key_check";
const KEY_CHECK_TEXT: &[u8] = b"nimbus key check v1";

/// Makes the `Secrets` for a master key.
pub type Cipher = dyn Fn(&[u8; 32]) -> Arc<dyn Secrets> + Send + Sync;

/// Where the master key came from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum KeySource {
    Environment,
    File(PathBuf),
}

/// Why the secrets cannot be opened. Each message says what to do.
#[derive(Debug, thiserror::Error)]
pub enum KeyError {
    #[error(
        "the database holds encrypted secrets but the key file {0} is missing; restore it from your backup \
         (or set NIMBUS_ENCRYPTION_KEY to the key), never start with a new key"
    )]
    Missing(PathBuf),
    #[error(
        "the encryption key ({0}) does not decrypt this database's secrets; use the key this database was \
         written with (restore the key file from the backup made with the database, or fix NIMBUS_ENCRYPTION_KEY)"
    )]
    Wrong(String),
    #[error("the key file {0} is not a base64 32-byte key: {1}")]
    Unreadable(PathBuf, String),
    #[error("cannot write the key file {0}: {1}")]
    Write(PathBuf, String),
    #[error("cannot seal the key check: {0}")]
    Seal(String),
    #[error("cannot read the database: {0}")]
    Store(#[from] StoreError),
}

fn key_check_slot() -> SecretSlot {
    SecretSlot::new("secret_values", "sealed", KEY_CHECK)
}

/// Reads a key file (base64 of 32 bytes, surrounding whitespace ignored).
pub fn read_key_file(path: &Path) -> Result<[u8; 32], KeyError> {
    let text = std::fs::read_to_string(path).map_err(|e| KeyError::Unreadable(path.to_path_buf(), e.to_string()))?;
    let bytes = STANDARD
        .decode(text.trim())
        .map_err(|e| KeyError::Unreadable(path.to_path_buf(), e.to_string()))?;
    bytes
        .try_into()
        .map_err(|_| KeyError::Unreadable(path.to_path_buf(), "not 32 bytes".into()))
}

/// Writes a key file with mode 0600, durably (written, synced, then renamed into place).
pub fn write_key_file(path: &Path, key: &[u8; 32]) -> Result<(), KeyError> {
    let err = |e: std::io::Error| KeyError::Write(path.to_path_buf(), e.to_string());
    let tmp = path.with_extension("tmp");
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create(true).truncate(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    let mut file = options.open(&tmp).map_err(err)?;
    file.write_all(format!("{}\n", STANDARD.encode(key)).as_bytes())
        .map_err(err)?;
    file.sync_all().map_err(err)?;
    std::fs::rename(&tmp, path).map_err(err)?;
    Ok(())
}

/// A fresh random key.
pub fn new_key() -> [u8; 32] {
    let mut key = [0u8; 32];
    getrandom::fill(&mut key).expect("the operating system has no randomness to give");
    key
}

/// Named secrets, sealed before they reach the store.
pub struct SecretBox {
    store: Arc<dyn Store>,
    secrets: Arc<dyn Secrets>,
    clock: Arc<dyn Clock>,
}

impl SecretBox {
    pub fn new(store: Arc<dyn Store>, secrets: Arc<dyn Secrets>, clock: Arc<dyn Clock>) -> Self {
        Self { store, secrets, clock }
    }

    /// The cipher itself, for secrets stored outside `secret_values` (each in its own slot).
    pub fn sealer(&self) -> Arc<dyn Secrets> {
        self.secrets.clone()
    }

    /// Proves the key against the key check, or seals the key check on a database without one.
    pub async fn check_key(&self, source: &KeySource) -> Result<(), KeyError> {
        match self.store.get_secret_value(KEY_CHECK).await? {
            Some(sealed) => match self.secrets.open(&key_check_slot(), &sealed) {
                Ok(text) if text == KEY_CHECK_TEXT => Ok(()),
                _ => Err(KeyError::Wrong(describe(source))),
            },
            None => {
                let sealed = self
                    .secrets
                    .seal(&key_check_slot(), KEY_CHECK_TEXT)
                    .map_err(|e| KeyError::Seal(e.to_string()))?;
                self.store
                    .put_secret_value(KEY_CHECK, &sealed, self.clock.now())
                    .await?;
                Ok(())
            }
        }
    }

    /// The secret stored under `name`, decrypted. A value that does not decrypt is an error,
    /// never an absent value.
    pub async fn get(&self, name: &str) -> anyhow::Result<Option<String>> {
        let Some(sealed) = self.store.get_secret_value(name).await? else {
            return Ok(None);
        };
        let bytes = self
            .secrets
            .open(&SecretSlot::new("secret_values", "sealed", name), &sealed)?;
        Ok(Some(String::from_utf8(bytes)?))
    }

    pub async fn put(&self, name: &str, value: &str) -> anyhow::Result<()> {
        let sealed = self
            .secrets
            .seal(&SecretSlot::new("secret_values", "sealed", name), value.as_bytes())?;
        self.store.put_secret_value(name, &sealed, self.clock.now()).await?;
        Ok(())
    }

    pub async fn delete(&self, name: &str) -> anyhow::Result<()> {
        self.store.delete_secret_value(name).await?;
        Ok(())
    }
}

pub fn describe(source: &KeySource) -> String {
    match source {
        KeySource::Environment => "NIMBUS_ENCRYPTION_KEY".into(),
        KeySource::File(path) => format!("key file {}", path.display()),
    }
}

/// Finds the master key: the environment's, the key file, or (on a database without secrets)
/// a new key file. A key file left by an interrupted rotation is finished first.
/// `cipher` makes the `Secrets` for a key (the wiring passes the AES-GCM adapter).
pub async fn load_key(
    env_key: Option<[u8; 32]>,
    data_dir: &Path,
    store: &dyn Store,
    cipher: &Cipher,
) -> Result<([u8; 32], KeySource), KeyError> {
    if let Some(key) = env_key {
        return Ok((key, KeySource::Environment));
    }
    let path = data_dir.join(KEY_FILE);
    let pending = data_dir.join(PENDING_KEY_FILE);
    if pending.exists() {
        finish_interrupted_rotation(&path, &pending, store, cipher).await?;
    }
    if path.exists() {
        return Ok((read_key_file(&path)?, KeySource::File(path)));
    }
    if store.get_secret_value(KEY_CHECK).await?.is_some() {
        return Err(KeyError::Missing(path));
    }
    std::fs::create_dir_all(data_dir).map_err(|e| KeyError::Write(path.clone(), e.to_string()))?;
    let key = new_key();
    write_key_file(&path, &key)?;
    tracing::info!(path = %path.display(), "created the encryption key file; back it up apart from the database");
    Ok((key, KeySource::File(path)))
}

/// A rotation wrote the new key, then may or may not have committed: whichever key opens the
/// key check is the database's key and becomes the key file.
async fn finish_interrupted_rotation(
    path: &Path,
    pending: &Path,
    store: &dyn Store,
    cipher: &Cipher,
) -> Result<(), KeyError> {
    let new = read_key_file(pending)?;
    let sealed = store.get_secret_value(KEY_CHECK).await?;
    let opens = |key: &[u8; 32]| {
        sealed
            .as_deref()
            .is_some_and(|s| cipher(key).open(&key_check_slot(), s).is_ok())
    };
    if opens(&new) {
        std::fs::rename(pending, path).map_err(|e| KeyError::Write(path.to_path_buf(), e.to_string()))?;
        tracing::warn!("finished an interrupted key rotation: the new key is now the key file");
    } else {
        let _ = std::fs::remove_file(pending);
        tracing::warn!("discarded the new key of a key rotation that did not commit");
    }
    Ok(())
}
