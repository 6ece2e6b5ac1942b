//! `nimbus rotate-key` and `nimbus backup`: the maintenance commands over the store they open
//! themselves, with the same cipher the running app uses; and the cleanup of the copies kept
//! before a migration once a start succeeded.

use std::sync::Arc;

use super::cipher;
use crate::adapters::clock::SystemClock;
use crate::adapters::store::sqlite::SqliteStore;
use crate::app::config::Config;
use crate::app::maintenance::{self, Backup, Rotation};
use crate::ports::Store;

/// `nimbus rotate-key`: every secret re-sealed under a new key.
pub async fn rotate_key(config: &Config) -> anyhow::Result<Rotation> {
    let store = SqliteStore::open(&config.server.db_path).await?;
    let shared: Arc<dyn Store> = Arc::new(store.clone());
    let rotation = maintenance::rotate_key(config, shared, Arc::new(SystemClock), cipher()).await;
    store.close().await;
    rotation
}

/// `nimbus backup --out DIR`: the database and the key file, copied apart.
pub async fn backup(config: &Config, out: &std::path::Path) -> anyhow::Result<Backup> {
    let store = SqliteStore::open(&config.server.db_path).await?;
    let stamp = chrono::Utc::now().format("%Y%m%dT%H%M%SZ").to_string();
    let done = maintenance::backup(config, &store, out, &stamp).await;
    store.close().await;
    done
}

/// Removes the copies earlier starts kept before migrating, once this start has succeeded.
pub(super) fn remove_pre_migration_copies(store: &SqliteStore) {
    match store.remove_earlier_pre_migration_copies() {
        Ok(removed) => {
            for copy in removed {
                tracing::info!(copy = %copy.display(), "removed the copy kept from before the last migration");
            }
        }
        Err(e) => tracing::warn!(error = %e, "cannot remove the copies kept from before the last migration"),
    }
}
