//! `SqliteStore`: the `Store` port on one SQLite file through sea-orm.
//!
//! Durability and concurrency rules live here: WAL journal with `synchronous=FULL`, foreign keys
//! on, a busy timeout for other processes (backup, key rotation), and every write through a
//! single-connection writer pool, so two requests never race to upgrade a read transaction into
//! a write and fail with "database is locked". Reads use a separate small pool and never block
//! behind the writer (WAL readers see the last committed state).

mod accounts;
mod accounts_schema;
mod audit;
mod audit_schema;
mod bakes;
mod bakes_schema;
mod email_proof_schema;
mod entities;
pub mod files;
mod gpu_jobs;
mod gpu_jobs_schema;
mod gpu_workers;
mod identities_schema;
mod invitations_schema;
mod keys;
mod keys_schema;
mod migration_copy;
mod migrations;
mod pool;
mod provisions;
mod provisions_schema;
mod quotas;
mod quotas_schema;
mod secrets;
mod secrets_schema;

use std::future::Future;
use std::path::{Path, PathBuf};
use std::pin::Pin;
use std::time::Duration;

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use sea_orm::sea_query::OnConflict;
use sea_orm::sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous};
use sea_orm::{
    ConnectionTrait, DatabaseConnection, DatabaseTransaction, DbErr, EntityTrait, Set, SqlxSqliteConnector, Statement,
    TransactionError, TransactionTrait,
};
use sea_orm_migration::MigratorTrait;

use crate::ports::{Store, StoreError};
use entities::setting;
pub use migrations::Migrator;

/// How long a connection waits for another process's write lock before giving up.
const BUSY_TIMEOUT: Duration = Duration::from_secs(15);
/// Concurrent readers. SQLite readers are cheap; a handful covers a portal's request fan-out.
const READERS: u32 = 4;

/// Why the database could not be opened. Each message says what to check.
#[derive(Debug, thiserror::Error)]
pub enum OpenStoreError {
    #[error("cannot create the directory {dir} for the database: {reason}")]
    CreateDir { dir: PathBuf, reason: String },
    #[error("cannot open the database {path}: {reason}")]
    Open { path: PathBuf, reason: String },
    #[error(
        "the database {path} was last used by a newer Nimbus (it has schema step '{unknown}', which this \
         version {version} does not know); run the newer nimbus binary or restore a backup"
    )]
    NewerSchema {
        path: PathBuf,
        unknown: String,
        version: &'static str,
    },
    #[error("cannot bring the database {path} up to date: {reason}")]
    Migrate { path: PathBuf, reason: String },
}

/// The SQLite-backed store. Cheap to clone (pools are shared).
#[derive(Clone)]
pub struct SqliteStore {
    reader: DatabaseConnection,
    writer: DatabaseConnection,
    path: PathBuf,
    /// The copy this open wrote before migrating, if it migrated an existing database.
    pre_migration_copy: Option<PathBuf>,
}

impl std::fmt::Debug for SqliteStore {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SqliteStore").field("path", &self.path).finish()
    }
}

pub(super) type TxFuture<'c, T> = Pin<Box<dyn Future<Output = Result<T, DbErr>> + Send + 'c>>;

impl SqliteStore {
    /// Opens (creating if needed, owner-only: see [`files`]) the database at `path`, refuses a
    /// schema newer than this binary, and applies pending migrations.
    pub async fn open(path: &Path) -> Result<Self, OpenStoreError> {
        if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
            files::create_private_dir(dir).map_err(|e| OpenStoreError::CreateDir {
                dir: dir.to_path_buf(),
                reason: e.to_string(),
            })?;
        }
        let open_err = |e: &dyn std::fmt::Display| OpenStoreError::Open {
            path: path.to_path_buf(),
            reason: e.to_string(),
        };
        files::make_database_private(path).map_err(|e| open_err(&e))?;
        let options = SqliteConnectOptions::new()
            .filename(path)
            .create_if_missing(true)
            .journal_mode(SqliteJournalMode::Wal)
            .synchronous(SqliteSynchronous::Full)
            .foreign_keys(true)
            .busy_timeout(BUSY_TIMEOUT);
        // The writer is opened first: it creates the file and switches it to WAL.
        let writer_pool = SqlitePoolOptions::new()
            .max_connections(1)
            .min_connections(1)
            .connect_with(options.clone())
            .await
            .map_err(|e| open_err(&e))?;
        let writer = SqlxSqliteConnector::from_sqlx_sqlite_pool(writer_pool);

        let version = check_schema_not_newer(&writer, path).await?;
        let target = Migrator::migrations().len();
        let pre_migration_copy = if version > 0 && version < target {
            let copy = migration_copy::write(&writer, path, version).await?;
            tracing::info!(
                copy = %copy.display(),
                "the database is at schema v{version} and this Nimbus needs v{target}: copied it before migrating \
                 (put the copy back to undo; it is removed at the next successful start)"
            );
            Some(copy)
        } else {
            None
        };
        Migrator::up(&writer, None).await.map_err(|e| OpenStoreError::Migrate {
            path: path.to_path_buf(),
            reason: e.to_string(),
        })?;

        let reader_pool = SqlitePoolOptions::new()
            .max_connections(READERS)
            .connect_with(options)
            .await
            .map_err(|e| open_err(&e))?;
        let reader = SqlxSqliteConnector::from_sqlx_sqlite_pool(reader_pool);
        Ok(Self {
            reader,
            writer,
            path: path.to_path_buf(),
            pre_migration_copy,
        })
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Removes the copies earlier starts wrote before migrating (see `migration_copy`), keeping
    /// the one this open wrote; call it once the start has succeeded. Returns the ones removed.
    pub fn remove_earlier_pre_migration_copies(&self) -> std::io::Result<Vec<PathBuf>> {
        migration_copy::remove_all_but(&self.path, self.pre_migration_copy.as_deref())
    }

    /// Runs `f` in one transaction on the single writer connection. Transactions queue for the
    /// writer instead of failing with "database is locked".
    pub async fn write<T, F>(&self, f: F) -> Result<T, StoreError>
    where
        T: Send + 'static,
        F: for<'c> FnOnce(&'c DatabaseTransaction) -> TxFuture<'c, T> + Send + 'static,
    {
        self.writer.transaction::<_, T, DbErr>(f).await.map_err(|e| match e {
            TransactionError::Connection(e) | TransactionError::Transaction(e) => unavailable(e),
        })
    }

    /// Closes both pools, flushing the WAL into the main file where SQLite can.
    pub async fn close(self) {
        let _ = self.reader.close().await;
        let _ = self.writer.close().await;
    }

    /// The read pool, for adapter-level tests and queries.
    pub fn reader(&self) -> &DatabaseConnection {
        &self.reader
    }

    /// The single-connection write pool: one statement at a time, no transaction needed.
    pub(crate) fn writer(&self) -> &DatabaseConnection {
        &self.writer
    }
}

/// Refuses a database with a migration this binary does not know; returns its schema version
/// (how many migrations it has applied, 0 for a new database).
async fn check_schema_not_newer(db: &DatabaseConnection, path: &Path) -> Result<usize, OpenStoreError> {
    let open_err = |e: DbErr| OpenStoreError::Open {
        path: path.to_path_buf(),
        reason: e.to_string(),
    };
    let has_table = db
        .query_one_raw(Statement::from_string(
            db.get_database_backend(),
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name = 'seaql_migrations'",
        ))
        .await
        .map_err(open_err)?
        .is_some();
    if !has_table {
        return Ok(0);
    }
    let rows = db
        .query_all_raw(Statement::from_string(
            db.get_database_backend(),
            "SELECT version FROM seaql_migrations ORDER BY version",
        ))
        .await
        .map_err(open_err)?;
    let known: Vec<String> = Migrator::migrations().iter().map(|m| m.name().to_string()).collect();
    let version = rows.len();
    for row in rows {
        let version: String = row.try_get("", "version").map_err(open_err)?;
        if !known.contains(&version) {
            return Err(OpenStoreError::NewerSchema {
                path: path.to_path_buf(),
                unknown: version,
                version: env!("CARGO_PKG_VERSION"),
            });
        }
    }
    Ok(version)
}

fn unavailable(e: DbErr) -> StoreError {
    StoreError::Unavailable(e.to_string())
}

#[async_trait]
impl Store for SqliteStore {
    async fn ping(&self) -> Result<(), StoreError> {
        for db in [&self.reader, &self.writer] {
            db.execute_unprepared("SELECT 1").await.map_err(unavailable)?;
        }
        Ok(())
    }

    async fn get_setting(&self, key: &str) -> Result<Option<String>, StoreError> {
        let row = setting::Entity::find_by_id(key.to_string())
            .one(&self.reader)
            .await
            .map_err(unavailable)?;
        Ok(row.map(|r| r.value))
    }

    async fn put_setting(&self, key: &str, value: &str, now: DateTime<Utc>) -> Result<(), StoreError> {
        let row = setting::ActiveModel {
            key: Set(key.to_string()),
            value: Set(value.to_string()),
            updated_at: Set(now),
        };
        setting::Entity::insert(row)
            .on_conflict(
                OnConflict::column(setting::Column::Key)
                    .update_columns([setting::Column::Value, setting::Column::UpdatedAt])
                    .to_owned(),
            )
            .exec_without_returning(&self.writer)
            .await
            .map_err(unavailable)?;
        Ok(())
    }

    async fn get_secret_value(&self, name: &str) -> Result<Option<String>, StoreError> {
        self.get_secret_row(name).await
    }

    async fn put_secret_value(&self, name: &str, sealed: &str, now: DateTime<Utc>) -> Result<(), StoreError> {
        self.put_secret_row(name, sealed, now).await
    }

    async fn delete_secret_value(&self, name: &str) -> Result<(), StoreError> {
        self.delete_secret_row(name).await
    }

    async fn reseal_all(&self, reseal: crate::ports::store::Reseal) -> Result<u64, StoreError> {
        self.reseal_rows(reseal).await
    }

    async fn backup_to(&self, path: &Path) -> Result<(), StoreError> {
        self.backup_rows(path).await
    }

    async fn put_setting_if_absent(&self, key: &str, value: &str, now: DateTime<Utc>) -> Result<String, StoreError> {
        let (key, value) = (key.to_string(), value.to_string());
        self.write(move |txn| {
            Box::pin(async move {
                let row = setting::ActiveModel {
                    key: Set(key.clone()),
                    value: Set(value),
                    updated_at: Set(now),
                };
                setting::Entity::insert(row)
                    .on_conflict(OnConflict::column(setting::Column::Key).do_nothing().to_owned())
                    .exec_without_returning(txn)
                    .await?;
                let stored = setting::Entity::find_by_id(key).one(txn).await?;
                stored
                    .map(|r| r.value)
                    .ok_or_else(|| DbErr::RecordNotFound("setting vanished inside its transaction".into()))
            })
        })
        .await
    }
}

#[cfg(test)]
mod tests;
