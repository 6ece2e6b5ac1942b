//! Maintenance commands on a stopped or running installation: `nimbus rotate-key` (re-seal
//! every secret under a new master key, in one transaction, only while no server holds the data
//! dir) and `nimbus backup --out DIR` (a consistent online copy of the database and, in a
//! separate file, the key).

use std::path::{Path, PathBuf};
use std::sync::Arc;

use anyhow::{Context, bail};
use base64::Engine;
use base64::engine::general_purpose::STANDARD;

use super::config::Config;
use super::secrets::{Cipher, KEY_FILE, KeySource, PENDING_KEY_FILE, SecretBox, load_key, new_key, write_key_file};
use crate::ports::store::Reseal;
use crate::ports::{Clock, Store};

/// Creates `dir` (and missing parents) owner-only, 0700; an existing directory is left as it is.
pub fn create_private_dir(dir: &Path) -> std::io::Result<()> {
    std::os::unix::fs::DirBuilderExt::mode(std::fs::DirBuilder::new().recursive(true), 0o700).create(dir)
}

/// The lock file a running server holds in its data dir.
pub const LOCK_FILE: &str = "nimbus.lock";

/// An exclusive hold on a data dir: one server (or one rotation) at a time.
#[derive(Debug)]
pub struct DataDirLock {
    _file: std::fs::File,
}

impl DataDirLock {
    /// Takes the lock, or says who holds it.
    pub fn acquire(data_dir: &Path) -> anyhow::Result<Self> {
        create_private_dir(data_dir).with_context(|| format!("cannot create {}", data_dir.display()))?;
        let path = data_dir.join(LOCK_FILE);
        let mut options = std::fs::OpenOptions::new();
        options.create(true).truncate(false).write(true);
        std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
        let file = options
            .open(&path)
            .with_context(|| format!("cannot open {}", path.display()))?;
        match file.try_lock() {
            Ok(()) => Ok(Self { _file: file }),
            Err(std::fs::TryLockError::WouldBlock) => bail!(
                "a Nimbus server (or another maintenance command) is using {}; stop it first",
                data_dir.display()
            ),
            Err(std::fs::TryLockError::Error(e)) => Err(e).with_context(|| format!("cannot lock {}", path.display())),
        }
    }
}

/// What a rotation did, for the command's output.
pub struct Rotation {
    pub resealed: u64,
    /// The new key to put in `NIMBUS_ENCRYPTION_KEY` when the old one came from there.
    pub new_env_key: Option<String>,
    pub key_file: Option<PathBuf>,
}

crate::domain::redact::debug_redacted!(Rotation { resealed, key_file } secret { new_env_key });

/// Re-seals every secret under a new key. The new key file is written before the database
/// switches (as `nimbus.key.new`), so a crash at any point leaves a key that opens the data.
pub async fn rotate_key(
    config: &Config,
    store: Arc<dyn Store>,
    clock: Arc<dyn Clock>,
    cipher: Arc<Cipher>,
) -> anyhow::Result<Rotation> {
    let _lock = DataDirLock::acquire(&config.server.data_dir)?;
    let env_key = config.encryption_key.as_ref().map(|k| k.0);
    let (old_key, source) = load_key(env_key, &config.server.data_dir, store.as_ref(), cipher.as_ref()).await?;
    let old = cipher(&old_key);
    SecretBox::new(store.clone(), old.clone(), clock)
        .check_key(&source)
        .await?;
    let fresh_key = new_key();
    let fresh = cipher(&fresh_key);
    let pending = config.server.data_dir.join(PENDING_KEY_FILE);
    if matches!(source, KeySource::File(_)) {
        write_key_file(&pending, &fresh_key)?;
    }
    let reseal: Reseal = Arc::new(move |slot, sealed| fresh.seal(slot, &old.open(slot, sealed)?));
    let resealed = match store.reseal_all(reseal).await {
        Ok(n) => n,
        Err(e) => {
            let _ = std::fs::remove_file(&pending);
            return Err(e).context("re-sealing the secrets failed; nothing was changed");
        }
    };
    Ok(match source {
        KeySource::File(path) => {
            std::fs::rename(&pending, &path).with_context(|| format!("cannot replace {}", path.display()))?;
            Rotation {
                resealed,
                new_env_key: None,
                key_file: Some(path),
            }
        }
        KeySource::Environment => Rotation {
            resealed,
            new_env_key: Some(STANDARD.encode(fresh_key)),
            key_file: None,
        },
    })
}

/// What a backup wrote.
#[derive(Debug)]
pub struct Backup {
    pub database: PathBuf,
    /// The key file copy; `None` when the key lives in `NIMBUS_ENCRYPTION_KEY`.
    pub key: Option<PathBuf>,
}

/// Copies the database (consistently, while a server may run) and the key file into `out`.
pub async fn backup(config: &Config, store: &dyn Store, out: &Path, stamp: &str) -> anyhow::Result<Backup> {
    create_private_dir(out).with_context(|| format!("cannot create {}", out.display()))?;
    let database = out.join(format!("nimbus-{stamp}.db"));
    if database.exists() {
        bail!("{} already exists; choose another directory", database.display());
    }
    store
        .backup_to(&database)
        .await
        .with_context(|| format!("cannot write {}", database.display()))?;
    let key = if config.encryption_key.is_some() {
        None
    } else {
        let source = config.server.data_dir.join(KEY_FILE);
        let target = out.join(format!("nimbus-{stamp}.key"));
        let key = super::secrets::read_key_file(&source)?;
        write_key_file(&target, &key)?;
        Some(target)
    };
    Ok(Backup { database, key })
}
