//! The `GpuWorkerStore` port on SQLite: one row per registered GPU worker, keyed by its id, with
//! the digest of its token (unique, so one token can never name two workers).

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use sea_orm::{ConnectionTrait, DbErr, QueryResult, Statement, Value};

use super::{SqliteStore, unavailable};
use crate::domain::gpu_queue::WorkerId;
use crate::domain::ids::UserId;
use crate::ports::StoreError;
use crate::ports::gpu_workers::{GpuWorkerStore, WorkerRecord, WorkerStoreError};

fn stmt(db: &impl ConnectionTrait, sql: &str, values: Vec<Value>) -> Statement {
    Statement::from_sql_and_values(db.get_database_backend(), sql, values)
}

fn corrupt(what: &str, value: impl std::fmt::Display) -> StoreError {
    StoreError::Corrupt(format!("GPU worker {what}: {value}"))
}

fn when(text: Option<String>) -> Result<Option<DateTime<Utc>>, StoreError> {
    text.map(|t| {
        DateTime::parse_from_rfc3339(&t)
            .map(|t| t.with_timezone(&Utc))
            .map_err(|e| corrupt("time", e))
    })
    .transpose()
}

fn record(row: &QueryResult) -> Result<WorkerRecord, StoreError> {
    let get = |e: DbErr| unavailable(e);
    let id: String = row.try_get("", "id").map_err(get)?;
    let digest: Vec<u8> = row.try_get("", "token_digest").map_err(get)?;
    let created_at: String = row.try_get("", "created_at").map_err(get)?;
    let created_by: Option<String> = row.try_get("", "created_by").map_err(get)?;
    let last_seen_at: Option<String> = row.try_get("", "last_seen_at").map_err(get)?;
    let stand_in: i64 = row.try_get("", "stand_in").map_err(get)?;
    Ok(WorkerRecord {
        id: WorkerId::parse(&id).map_err(|e| corrupt("id", e))?,
        token_digest: digest.try_into().map_err(|_| corrupt("token digest", "not 32 bytes"))?,
        created_at: when(Some(created_at))?.unwrap_or_default(),
        created_by: created_by
            .map(|u| u.parse::<UserId>().map_err(|e| corrupt("creator", e)))
            .transpose()?,
        last_seen_at: when(last_seen_at)?,
        stand_in: stand_in != 0,
    })
}

#[async_trait]
impl GpuWorkerStore for SqliteStore {
    async fn add_worker(&self, worker: WorkerRecord) -> Result<(), WorkerStoreError> {
        let id = worker.id.clone();
        let made = self
            .writer()
            .execute_raw(stmt(
                self.writer(),
                "INSERT OR IGNORE INTO gpu_workers (id, token_digest, created_at, created_by, last_seen_at, stand_in) \
                 VALUES (?, ?, ?, ?, ?, ?)",
                vec![
                    worker.id.as_str().into(),
                    worker.token_digest.to_vec().into(),
                    worker.created_at.to_rfc3339().into(),
                    worker.created_by.map(|u| u.to_string()).into(),
                    worker.last_seen_at.map(|t| t.to_rfc3339()).into(),
                    i64::from(worker.stand_in).into(),
                ],
            ))
            .await
            .map_err(unavailable)?;
        if made.rows_affected() == 0 {
            return Err(WorkerStoreError::Exists(id));
        }
        Ok(())
    }

    async fn workers(&self) -> Result<Vec<WorkerRecord>, StoreError> {
        let db = self.reader();
        let rows = db
            .query_all_raw(stmt(db, "SELECT * FROM gpu_workers ORDER BY id", vec![]))
            .await
            .map_err(unavailable)?;
        rows.iter().map(record).collect()
    }

    async fn remove_worker(&self, id: &WorkerId) -> Result<bool, StoreError> {
        let gone = self
            .writer()
            .execute_raw(stmt(
                self.writer(),
                "DELETE FROM gpu_workers WHERE id = ?",
                vec![id.as_str().into()],
            ))
            .await
            .map_err(unavailable)?;
        Ok(gone.rows_affected() > 0)
    }

    async fn touch_worker(&self, id: &WorkerId, at: DateTime<Utc>) -> Result<(), StoreError> {
        self.writer()
            .execute_raw(stmt(
                self.writer(),
                "UPDATE gpu_workers SET last_seen_at = ? WHERE id = ?",
                vec![at.to_rfc3339().into(), id.as_str().into()],
            ))
            .await
            .map_err(unavailable)?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use chrono::TimeZone;

    use super::*;

    fn worker(id: &str, digest: u8) -> WorkerRecord {
        WorkerRecord {
            id: WorkerId::parse(id).unwrap(),
            token_digest: [digest; 32],
            created_at: Utc.with_ymd_and_hms(2026, 12, 7, 9, 0, 0).unwrap(),
            created_by: None,
            last_seen_at: None,
            stand_in: digest == 9,
        }
    }

    #[tokio::test]
    async fn workers_are_added_once_listed_touched_and_removed() {
        let dir = tempfile::tempdir().unwrap();
        let store = SqliteStore::open(&dir.path().join("nimbus.db")).await.unwrap();
        store.add_worker(worker("gx10-b", 2)).await.unwrap();
        store.add_worker(worker("gx10-a", 9)).await.unwrap();
        assert_eq!(
            store.add_worker(worker("gx10-a", 3)).await,
            Err(WorkerStoreError::Exists(WorkerId::parse("gx10-a").unwrap()))
        );
        assert!(
            store.add_worker(worker("gx10-c", 2)).await.is_err(),
            "a token digest names one worker"
        );
        let seen = Utc.with_ymd_and_hms(2026, 12, 7, 10, 0, 0).unwrap();
        store
            .touch_worker(&WorkerId::parse("gx10-a").unwrap(), seen)
            .await
            .unwrap();
        let all = store.workers().await.unwrap();
        assert_eq!(all.len(), 2);
        assert_eq!(
            all[0],
            WorkerRecord {
                last_seen_at: Some(seen),
                ..worker("gx10-a", 9)
            }
        );
        assert_eq!(all[1], worker("gx10-b", 2));
        assert!(store.remove_worker(&WorkerId::parse("gx10-b").unwrap()).await.unwrap());
        assert!(!store.remove_worker(&WorkerId::parse("gx10-b").unwrap()).await.unwrap());
        assert_eq!(store.workers().await.unwrap().len(), 1);
    }
}
