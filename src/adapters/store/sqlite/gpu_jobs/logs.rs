//! Reads and writes over a job's stored output chunks that the store's moves need: which chunk
//! comes next, where a new run starts, and Nimbus's own notes between runs.

use sea_orm::{ConnectionTrait, DbErr};

use super::stmt;
use crate::domain::gpu_queue::{JobId, LeaseOutcome};

/// The first chunk number at or after `base` not held for job `id`.
pub(super) async fn next_seq(txn: &impl ConnectionTrait, id: JobId, base: u64) -> Result<u64, DbErr> {
    let row = txn
        .query_one_raw(stmt(
            txn,
            "SELECT CASE WHEN NOT EXISTS (SELECT 1 FROM gpu_job_logs WHERE job_id = ?1 AND seq = ?2) THEN ?2 \
             ELSE (SELECT MIN(a.seq) + 1 FROM gpu_job_logs a WHERE a.job_id = ?1 AND a.seq >= ?2 AND NOT EXISTS \
             (SELECT 1 FROM gpu_job_logs b WHERE b.job_id = ?1 AND b.seq = a.seq + 1)) END AS next",
            vec![(id.0 as i64).into(), (base as i64).into()],
        ))
        .await?;
    let next: i64 = match row {
        Some(row) => row.try_get("", "next")?,
        None => base as i64,
    };
    Ok(next as u64)
}

/// The first chunk number after every chunk held for job `id` (where a new run starts).
pub(super) async fn end_seq(txn: &impl ConnectionTrait, id: JobId) -> Result<u64, DbErr> {
    let row = txn
        .query_one_raw(stmt(
            txn,
            "SELECT COALESCE(MAX(seq) + 1, 0) AS next FROM gpu_job_logs WHERE job_id = ?",
            vec![(id.0 as i64).into()],
        ))
        .await?;
    let next: i64 = match row {
        Some(row) => row.try_get("", "next")?,
        None => 0,
    };
    Ok(next as u64)
}

/// Appends a line of Nimbus's own to job `id`'s output (after every chunk held), on a line of
/// its own.
pub(super) async fn note(txn: &impl ConnectionTrait, id: JobId, text: &str) -> Result<(), DbErr> {
    let end = end_seq(txn, id).await?;
    let last = txn
        .query_one_raw(stmt(
            txn,
            "SELECT bytes FROM gpu_job_logs WHERE job_id = ? AND seq = ?",
            vec![(id.0 as i64).into(), (end as i64 - 1).into()],
        ))
        .await?;
    let ends_line = match last {
        Some(row) => row.try_get::<Vec<u8>>("", "bytes")?.last().is_none_or(|b| *b == b'\n'),
        None => true,
    };
    let line = format!("{}[nimbus] {text}\n", if ends_line { "" } else { "\n" });
    txn.execute_raw(stmt(
        txn,
        "INSERT INTO gpu_job_logs (job_id, seq, bytes) VALUES (?, ?, ?)",
        vec![(id.0 as i64).into(), (end as i64).into(), line.into_bytes().into()],
    ))
    .await?;
    Ok(())
}

/// Nimbus's note when a job's worker went away (`how`): what became of the job.
pub(super) fn lost_worker(worker: &str, outcome: LeaseOutcome, how: &str) -> String {
    let what = match outcome {
        LeaseOutcome::Requeued => "job re-queued",
        LeaseOutcome::Failed => "job failed after its retry",
        LeaseOutcome::Cancelled => "job cancelled as asked",
    };
    format!("worker {worker} {how}; {what}")
}
