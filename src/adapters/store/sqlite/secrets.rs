//! Sealed secrets on SQLite: the named values, the re-sealing of every secret column in one
//! transaction (key rotation), and the consistent online copy (backup).

use std::path::Path;

use chrono::{DateTime, Utc};
use sea_orm::sea_query::OnConflict;
use sea_orm::{ConnectionTrait, DbErr, EntityTrait, Set, Statement};

use super::SqliteStore;
use super::entities::secret_value;
use crate::ports::store::Reseal;
use crate::ports::{SecretSlot, StoreError};

/// Every column that holds sealed values: (table, column, primary-key column). Key rotation
/// re-seals all of them; a feature that adds a secret column adds it here.
pub const SEALED_COLUMNS: &[(&str, &str, &str)] =
    &[("secret_values", "sealed", "name"), ("ssh_keys", "private_key", "id")];

fn unavailable(e: DbErr) -> StoreError {
    StoreError::Unavailable(e.to_string())
}

impl SqliteStore {
    pub(super) async fn get_secret_row(&self, name: &str) -> Result<Option<String>, StoreError> {
        let row = secret_value::Entity::find_by_id(name.to_string())
            .one(self.reader())
            .await
            .map_err(unavailable)?;
        Ok(row.map(|r| r.sealed))
    }

    pub(super) async fn put_secret_row(&self, name: &str, sealed: &str, now: DateTime<Utc>) -> Result<(), StoreError> {
        secret_value::Entity::insert(secret_value::ActiveModel {
            name: Set(name.to_string()),
            sealed: Set(sealed.to_string()),
            updated_at: Set(now),
        })
        .on_conflict(
            OnConflict::column(secret_value::Column::Name)
                .update_columns([secret_value::Column::Sealed, secret_value::Column::UpdatedAt])
                .to_owned(),
        )
        .exec_without_returning(self.writer())
        .await
        .map_err(unavailable)?;
        Ok(())
    }

    pub(super) async fn delete_secret_row(&self, name: &str) -> Result<(), StoreError> {
        secret_value::Entity::delete_by_id(name.to_string())
            .exec(self.writer())
            .await
            .map_err(unavailable)?;
        Ok(())
    }

    /// Re-seals every value of every sealed column in one transaction: all or nothing.
    pub(super) async fn reseal_rows(&self, reseal: Reseal) -> Result<u64, StoreError> {
        self.write(move |txn| {
            Box::pin(async move {
                let mut count = 0u64;
                for (table, column, key) in SEALED_COLUMNS {
                    let backend = txn.get_database_backend();
                    let select = format!("SELECT {key}, {column} FROM {table} WHERE {column} IS NOT NULL");
                    let rows = txn.query_all_raw(Statement::from_string(backend, select)).await?;
                    for row in rows {
                        let id: String = row.try_get("", key)?;
                        let sealed: String = row.try_get("", column)?;
                        let slot = SecretSlot::new(table, column, id.clone());
                        let fresh = match reseal(&slot, &sealed) {
                            Ok(fresh) => fresh,
                            Err(e) => return Ok(Err(StoreError::Corrupt(e.to_string()))),
                        };
                        let update = Statement::from_sql_and_values(
                            backend,
                            format!("UPDATE {table} SET {column} = ? WHERE {key} = ?"),
                            [fresh.into(), id.into()],
                        );
                        txn.execute_raw(update).await?;
                        count += 1;
                    }
                }
                Ok(Ok(count))
            })
        })
        .await?
    }

    /// Writes a consistent copy of the database to `path` (SQLite's `VACUUM INTO`), safe while
    /// the server runs. The file must not exist yet.
    pub(super) async fn backup_rows(&self, path: &Path) -> Result<(), StoreError> {
        // Made owner-only before SQLite writes a byte into it.
        super::files::create_private_file(path)
            .map_err(|e| StoreError::Unavailable(format!("cannot create {}: {e}", path.display())))?;
        let target = path.display().to_string().replace('\'', "''");
        if let Err(e) = self
            .reader()
            .execute_unprepared(&format!("VACUUM INTO '{target}'"))
            .await
        {
            let _ = std::fs::remove_file(path);
            return Err(unavailable(e));
        }
        Ok(())
    }
}
