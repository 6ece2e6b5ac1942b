//! Reads over a job's stored output chunks that the store's writes need: how many bytes are kept
//! and which chunk comes next.

use sea_orm::{ConnectionTrait, DbErr};

use super::stmt;
use crate::domain::gpu_queue::JobId;

/// The bytes of output kept for job `id`, as the worker sent them.
pub(super) async fn raw_bytes(txn: &impl ConnectionTrait, id: JobId) -> Result<u64, DbErr> {
    let row = txn
        .query_one_raw(stmt(
            txn,
            "SELECT COALESCE(SUM(LENGTH(bytes)), 0) AS total FROM gpu_job_logs WHERE job_id = ?",
            vec![(id.0 as i64).into()],
        ))
        .await?;
    let total: i64 = match row {
        Some(row) => row.try_get("", "total")?,
        None => 0,
    };
    Ok(total as u64)
}

/// The first chunk number not held for job `id`.
pub(super) async fn next_seq(txn: &impl ConnectionTrait, id: JobId) -> Result<u64, DbErr> {
    let rows = txn
        .query_all_raw(stmt(
            txn,
            "SELECT seq FROM gpu_job_logs WHERE job_id = ? ORDER BY seq",
            vec![(id.0 as i64).into()],
        ))
        .await?;
    let mut next = 0u64;
    for row in rows {
        let seq: i64 = row.try_get("", "seq")?;
        if seq as u64 != next {
            break;
        }
        next += 1;
    }
    Ok(next)
}
