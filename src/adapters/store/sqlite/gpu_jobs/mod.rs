//! The `GpuJobStore` port on SQLite. A job lives in one JSON column beside the columns queries need
//! (owner, status, when it finished); every move is one transaction on the single writer: read the
//! jobs the rule needs, apply the domain's rule, write back what changed. Output is kept in
//! `gpu_job_logs`, one row per numbered chunk, so a retried chunk is kept once.

mod codec;
mod logs;
#[cfg(test)]
mod tests;

use async_trait::async_trait;
use chrono::{DateTime, Duration, Utc};
use sea_orm::{ConnectionTrait, DatabaseTransaction, DbErr, QueryResult, Statement, Value};

use super::SqliteStore;
use crate::domain::gpu_queue::{
    CancelOutcome, HeartbeatReply, Job, JobId, JobSpec, LeaseOutcome, LogTail, QueueLimits, ReportEffect, RunOutcome,
    WorkerId, check_enqueue, claim_next, expire_leases,
};
use crate::domain::ids::{InstanceId, UserId};
use crate::ports::StoreError;
use crate::ports::gpu_jobs::{GpuJobStore, GpuStoreError, LogAccepted};

/// A time as stored: fixed precision, so text order is time order.
fn stamp(t: DateTime<Utc>) -> String {
    t.to_rfc3339_opts(chrono::SecondsFormat::Micros, true)
}

fn stmt(txn: &impl ConnectionTrait, sql: &str, values: Vec<Value>) -> Statement {
    Statement::from_sql_and_values(txn.get_database_backend(), sql, values)
}

fn job_of(row: &QueryResult) -> Result<Result<Job, StoreError>, DbErr> {
    let id: i64 = row.try_get("", "id")?;
    let doc: String = row.try_get("", "doc")?;
    Ok(codec::decode(id, &doc))
}

fn jobs_of(rows: &[QueryResult]) -> Result<Result<Vec<Job>, StoreError>, DbErr> {
    let mut out = Vec::with_capacity(rows.len());
    for row in rows {
        match job_of(row)? {
            Ok(job) => out.push(job),
            Err(e) => return Ok(Err(e)),
        }
    }
    Ok(Ok(out))
}

/// Every job not finished yet: what the queue rules look at.
async fn open_jobs(txn: &DatabaseTransaction) -> Result<Result<Vec<Job>, StoreError>, DbErr> {
    let rows = txn
        .query_all_raw(stmt(
            txn,
            "SELECT id, doc FROM gpu_jobs WHERE finished_at IS NULL",
            vec![],
        ))
        .await?;
    jobs_of(&rows)
}

async fn one_job(txn: &DatabaseTransaction, id: JobId) -> Result<Result<Job, GpuStoreError>, DbErr> {
    let row = txn
        .query_one_raw(stmt(
            txn,
            "SELECT id, doc FROM gpu_jobs WHERE id = ?",
            vec![(id.0 as i64).into()],
        ))
        .await?;
    Ok(match row {
        None => Err(GpuStoreError::NoSuchJob(id)),
        Some(row) => job_of(&row)?.map_err(GpuStoreError::from),
    })
}

async fn save(txn: &DatabaseTransaction, job: &Job) -> Result<(), DbErr> {
    let finished = job.state.finished_at().map(stamp);
    txn.execute_raw(stmt(
        txn,
        "UPDATE gpu_jobs SET status = ?, finished_at = ?, doc = ? WHERE id = ?",
        vec![
            job.state.status_word().into(),
            finished.into(),
            codec::encode(job).into(),
            (job.id.0 as i64).into(),
        ],
    ))
    .await?;
    Ok(())
}

/// Loads job `id`, applies `change`, and saves it when the change succeeded.
async fn change<T: Send + 'static>(
    store: &SqliteStore,
    id: JobId,
    change: impl FnOnce(&mut Job) -> Result<T, GpuStoreError> + Send + 'static,
) -> Result<T, GpuStoreError> {
    store
        .write(move |txn| {
            Box::pin(async move {
                let mut job = match one_job(txn, id).await? {
                    Ok(job) => job,
                    Err(e) => return Ok(Err(e)),
                };
                let out = match change(&mut job) {
                    Ok(out) => out,
                    Err(e) => return Ok(Err(e)),
                };
                save(txn, &job).await?;
                Ok(Ok(out))
            })
        })
        .await?
}

#[async_trait]
impl GpuJobStore for SqliteStore {
    async fn enqueue(
        &self,
        owner: UserId,
        spec: JobSpec,
        vm: Option<InstanceId>,
        limits: QueueLimits,
        now: DateTime<Utc>,
    ) -> Result<Job, GpuStoreError> {
        self.write(move |txn| {
            Box::pin(async move {
                let open = match open_jobs(txn).await? {
                    Ok(open) => open,
                    Err(e) => return Ok(Err(e.into())),
                };
                if let Err(e) = check_enqueue(&open, owner, limits) {
                    return Ok(Err(e.into()));
                }
                // The id is the row's; the document is written once it is known.
                let mut job = Job::new(JobId(0), owner, spec, now);
                job.vm = vm;
                let made = txn
                    .execute_raw(stmt(
                        txn,
                        "INSERT INTO gpu_jobs (owner_id, status, finished_at, doc) VALUES (?, 'queued', NULL, '{}')",
                        vec![owner.to_string().into()],
                    ))
                    .await?;
                job.id = JobId(made.last_insert_id());
                save(txn, &job).await?;
                Ok(Ok(job))
            })
        })
        .await?
    }

    async fn job(&self, id: JobId) -> Result<Option<Job>, StoreError> {
        let db = self.reader();
        let row = db
            .query_one_raw(stmt(
                db,
                "SELECT id, doc FROM gpu_jobs WHERE id = ?",
                vec![(id.0 as i64).into()],
            ))
            .await
            .map_err(super::unavailable)?;
        match row {
            None => Ok(None),
            Some(row) => job_of(&row).map_err(super::unavailable)?.map(Some),
        }
    }

    async fn jobs(&self, owner: Option<UserId>) -> Result<Vec<Job>, StoreError> {
        let db = self.reader();
        let query = match owner {
            Some(owner) => stmt(
                db,
                "SELECT id, doc FROM gpu_jobs WHERE owner_id = ? ORDER BY id DESC",
                vec![owner.to_string().into()],
            ),
            None => stmt(db, "SELECT id, doc FROM gpu_jobs ORDER BY id DESC", vec![]),
        };
        let rows = db.query_all_raw(query).await.map_err(super::unavailable)?;
        jobs_of(&rows).map_err(super::unavailable)?
    }

    async fn claim(
        &self,
        worker: &WorkerId,
        limits: QueueLimits,
        now: DateTime<Utc>,
        lease: Duration,
    ) -> Result<Option<Job>, GpuStoreError> {
        let worker = worker.clone();
        self.write(move |txn| {
            Box::pin(async move {
                let mut open = match open_jobs(txn).await? {
                    Ok(open) => open,
                    Err(e) => return Ok(Err(e.into())),
                };
                let id = match claim_next(&mut open, &worker, limits, now, lease) {
                    Ok(Some(id)) => id,
                    Ok(None) => return Ok(Ok(None)),
                    Err(e) => return Ok(Err(e.into())),
                };
                let mut job = open.into_iter().find(|j| j.id == id).expect("the claimed job is open");
                job.log_base = logs::end_seq(txn, id).await?;
                job.log_next = 0;
                save(txn, &job).await?;
                Ok(Ok(Some(job)))
            })
        })
        .await?
    }

    async fn heartbeat(
        &self,
        id: JobId,
        worker: &WorkerId,
        now: DateTime<Utc>,
        lease: Duration,
    ) -> Result<HeartbeatReply, GpuStoreError> {
        let worker = worker.clone();
        change(self, id, move |job| Ok(job.heartbeat(&worker, now, lease)?)).await
    }

    async fn cancel(&self, id: JobId, now: DateTime<Utc>) -> Result<CancelOutcome, GpuStoreError> {
        change(self, id, move |job| Ok(job.cancel(now)?)).await
    }

    async fn report(
        &self,
        id: JobId,
        worker: &WorkerId,
        outcome: RunOutcome,
        artifact: Option<String>,
        now: DateTime<Utc>,
    ) -> Result<ReportEffect, GpuStoreError> {
        let worker = worker.clone();
        change(self, id, move |job| {
            let effect = job.report(&worker, outcome, now)?;
            if effect == ReportEffect::Recorded {
                job.artifact = artifact;
            }
            Ok(effect)
        })
        .await
    }

    async fn release_worker(
        &self,
        worker: &WorkerId,
        now: DateTime<Utc>,
    ) -> Result<Vec<(JobId, LeaseOutcome)>, StoreError> {
        let worker = worker.clone();
        self.write(move |txn| {
            Box::pin(async move {
                let mut open = match open_jobs(txn).await? {
                    Ok(open) => open,
                    Err(e) => return Ok(Err(e)),
                };
                let mut changed = Vec::new();
                for job in &mut open {
                    if let Some(outcome) = job.release(&worker, now) {
                        save(txn, job).await?;
                        let text = logs::lost_worker(worker.as_str(), outcome, "was removed by an admin");
                        logs::note(txn, job.id, &text).await?;
                        changed.push((job.id, outcome));
                    }
                }
                Ok(Ok(changed))
            })
        })
        .await?
    }

    async fn append_log(
        &self,
        id: JobId,
        worker: &WorkerId,
        seq: u64,
        bytes: &[u8],
        cap: u64,
    ) -> Result<LogAccepted, GpuStoreError> {
        let (worker, bytes) = (worker.clone(), bytes.to_vec());
        self.write(move |txn| {
            Box::pin(async move {
                let mut job = match one_job(txn, id).await? {
                    Ok(job) => job,
                    Err(e) => return Ok(Err(e)),
                };
                // The holder check, on a copy: the chunk may be one already held.
                let mut probe = job.clone();
                match probe.append_log(&worker, "") {
                    Ok(ReportEffect::Recorded) => {}
                    Ok(ReportEffect::Ignored) => {
                        return Ok(Ok(LogAccepted {
                            next_seq: job.log_next,
                            kept: false,
                            stored_seq: job.log_base + seq,
                        }));
                    }
                    Err(e) => return Ok(Err(e.into())),
                }
                let total = job.log.total_bytes();
                if total + bytes.len() as u64 > cap {
                    return Ok(Err(GpuStoreError::LogCapReached { id, cap }));
                }
                let len = bytes.len() as u64;
                let put = txn
                    .execute_raw(stmt(
                        txn,
                        "INSERT OR IGNORE INTO gpu_job_logs (job_id, seq, bytes) VALUES (?, ?, ?)",
                        vec![(id.0 as i64).into(), ((job.log_base + seq) as i64).into(), bytes.into()],
                    ))
                    .await?;
                let kept = put.rows_affected() == 1;
                if kept {
                    // The document counts the output; the output itself is only in its chunks
                    // (rewriting a copy of it on every chunk is what made ingest slow).
                    job.log = LogTail::from_parts(job.log.text().to_owned(), total + len, job.log.cap());
                    if seq == job.log_next {
                        job.log_next = logs::next_seq(txn, id, job.log_base + seq + 1).await? - job.log_base;
                    }
                    save(txn, &job).await?;
                }
                Ok(Ok(LogAccepted {
                    next_seq: job.log_next,
                    kept,
                    stored_seq: job.log_base + seq,
                }))
            })
        })
        .await?
    }

    async fn log_chunks(&self, id: JobId, from_seq: u64) -> Result<Vec<(u64, Vec<u8>)>, StoreError> {
        let db = self.reader();
        let rows = db
            .query_all_raw(stmt(
                db,
                "SELECT seq, bytes FROM gpu_job_logs WHERE job_id = ? AND seq >= ? ORDER BY seq",
                vec![(id.0 as i64).into(), (from_seq as i64).into()],
            ))
            .await
            .map_err(super::unavailable)?;
        rows.iter()
            .map(|row| {
                let seq: i64 = row.try_get("", "seq")?;
                let bytes: Vec<u8> = row.try_get("", "bytes")?;
                Ok((seq as u64, bytes))
            })
            .collect::<Result<_, DbErr>>()
            .map_err(super::unavailable)
    }

    async fn expire_leases(&self, now: DateTime<Utc>) -> Result<Vec<(JobId, LeaseOutcome)>, StoreError> {
        self.write(move |txn| {
            Box::pin(async move {
                let mut open = match open_jobs(txn).await? {
                    Ok(open) => open,
                    Err(e) => return Ok(Err(e)),
                };
                let holders: Vec<(JobId, String)> = open
                    .iter()
                    .filter_map(|j| Some((j.id, j.state.worker()?.to_string())))
                    .collect();
                let changed = expire_leases(&mut open, now);
                for (id, outcome) in &changed {
                    if let Some(job) = open.iter().find(|j| j.id == *id) {
                        save(txn, job).await?;
                    }
                    let worker = holders.iter().find(|(j, _)| j == id).map_or("?", |(_, w)| w.as_str());
                    let text = logs::lost_worker(worker, *outcome, "stopped answering");
                    logs::note(txn, *id, &text).await?;
                }
                Ok(Ok(changed))
            })
        })
        .await?
    }

    async fn prune_logs(&self, before: DateTime<Utc>) -> Result<u64, StoreError> {
        self.write(move |txn| {
            Box::pin(async move {
                let gone = txn
                    .execute_raw(stmt(
                        txn,
                        "DELETE FROM gpu_job_logs WHERE job_id IN \
                         (SELECT id FROM gpu_jobs WHERE finished_at IS NOT NULL AND finished_at < ?)",
                        vec![stamp(before).into()],
                    ))
                    .await?;
                Ok(gone.rows_affected())
            })
        })
        .await
    }
}
