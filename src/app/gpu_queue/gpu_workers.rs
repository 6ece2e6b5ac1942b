//! `GpuWorkers`: the GPU workers an admin added (Settings → GPU → Workers). Adding one mints a
//! worker token shown once (only its digest is kept); every worker call presents it and is
//! answered as that worker; revoking stops the token at once and puts the worker's running job
//! back in the queue. Tokens are looked up in memory (loaded at start, changed only here), and
//! "last heard from" is written at most once a minute per worker.

use std::collections::HashMap;
use std::sync::{Arc, RwLock};

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use chrono::{DateTime, Duration, Utc};

use super::{GpuError, GpuQueue};
use crate::app::accounts::Caller;
use crate::app::accounts::secrets::digest;
use crate::app::audit::Auditor;
use crate::domain::audit::AuditAction;
use crate::domain::gpu_queue::{JobId, WorkerId};
use crate::ports::Clock;
use crate::ports::gpu_workers::{GpuWorkerStore, WorkerRecord, WorkerStoreError};

/// Every worker token starts with this, so a leaked one is recognisable.
pub const WORKER_TOKEN_PREFIX: &str = "nimbus_worker_";

/// How often "last heard from" is written for a worker that keeps calling.
const TOUCH_EVERY: Duration = Duration::seconds(60);

/// A worker as Settings → GPU shows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WorkerView {
    pub id: WorkerId,
    pub created_at: DateTime<Utc>,
    pub last_seen_at: Option<DateTime<Utc>>,
    /// Heard from within the last lease (or two heartbeats, whichever is longer).
    pub online: bool,
    pub current_job: Option<JobId>,
    pub stand_in: bool,
}

/// A worker token as it was just made: the only time it is seen.
#[derive(Debug, Clone)]
pub struct MintedWorker {
    pub worker: WorkerView,
    pub token: String,
}

struct Known {
    id: WorkerId,
    seen: Option<DateTime<Utc>>,
    written: Option<DateTime<Utc>>,
}

pub struct GpuWorkers {
    store: Arc<dyn GpuWorkerStore>,
    queue: Arc<GpuQueue>,
    audit: Arc<Auditor>,
    clock: Arc<dyn Clock>,
    tokens: RwLock<HashMap<[u8; 32], Known>>,
}

fn new_token() -> String {
    let mut bytes = [0u8; 32];
    getrandom::fill(&mut bytes).expect("the operating system has no randomness to give");
    format!("{WORKER_TOKEN_PREFIX}{}", URL_SAFE_NO_PAD.encode(bytes))
}

impl GpuWorkers {
    /// The registry over `store`, its tokens loaded.
    ///
    /// # Errors
    /// The store fails.
    pub async fn load(
        store: Arc<dyn GpuWorkerStore>,
        queue: Arc<GpuQueue>,
        audit: Arc<Auditor>,
        clock: Arc<dyn Clock>,
    ) -> Result<Self, GpuError> {
        let tokens = store
            .workers()
            .await?
            .into_iter()
            .map(|w| {
                let known = Known {
                    id: w.id,
                    seen: w.last_seen_at,
                    written: w.last_seen_at,
                };
                (w.token_digest, known)
            })
            .collect();
        Ok(Self {
            store,
            queue,
            audit,
            clock,
            tokens: RwLock::new(tokens),
        })
    }

    /// The worker a token belongs to, noting that it was heard from; `None` for any other token.
    pub async fn authenticate(&self, token: &str) -> Option<WorkerId> {
        let key = digest(token);
        let now = self.clock.now();
        let (id, write) = {
            let mut tokens = self.tokens.write().unwrap_or_else(|p| p.into_inner());
            let known = tokens.get_mut(&key)?;
            known.seen = Some(now);
            let write = known.written.is_none_or(|w| now - w >= TOUCH_EVERY);
            if write {
                known.written = Some(now);
            }
            (known.id.clone(), write)
        };
        if write && let Err(e) = self.store.touch_worker(&id, now).await {
            tracing::warn!(worker = %id, error = %e, "could not record when a GPU worker was last heard from");
        }
        Some(id)
    }

    /// Adds a worker and mints its token (`by` is `None` for the demo's stand-in).
    ///
    /// # Errors
    /// `Invalid` naming `id`; `WorkerExists`.
    pub async fn add(&self, by: Option<&Caller>, id: &str, stand_in: bool) -> Result<MintedWorker, GpuError> {
        let id = WorkerId::parse(id.trim()).map_err(|e| GpuError::Invalid {
            field: "id",
            message: e.to_string(),
        })?;
        let token = new_token();
        let record = WorkerRecord {
            id: id.clone(),
            token_digest: digest(&token),
            created_at: self.clock.now(),
            created_by: by.map(|c| c.user.id),
            last_seen_at: None,
            stand_in,
        };
        match self.store.add_worker(record.clone()).await {
            Err(WorkerStoreError::Exists(id)) => return Err(GpuError::WorkerExists(id.to_string())),
            other => other.map_err(|e| GpuError::Internal(e.to_string()))?,
        }
        self.tokens.write().unwrap_or_else(|p| p.into_inner()).insert(
            record.token_digest,
            Known {
                id: id.clone(),
                seen: None,
                written: None,
            },
        );
        if let Some(admin) = by {
            let entry = self.audit.entry(AuditAction::GpuWorkerAdded).by(&admin.user);
            self.audit
                .record(entry.on("gpu_worker", &id, id.to_string()).from(admin.ip.as_deref()))
                .await;
        }
        tracing::info!(worker = %id, stand_in, "GPU worker added");
        let worker = self.view(record, None).await?;
        Ok(MintedWorker { worker, token })
    }

    /// Every worker, by id, with what it is running.
    ///
    /// # Errors
    /// The store fails.
    pub async fn list(&self) -> Result<Vec<WorkerView>, GpuError> {
        let records = self.store.workers().await?;
        let seen: HashMap<WorkerId, DateTime<Utc>> = {
            let tokens = self.tokens.read().unwrap_or_else(|p| p.into_inner());
            tokens.values().filter_map(|k| Some((k.id.clone(), k.seen?))).collect()
        };
        let mut out = Vec::with_capacity(records.len());
        for record in records {
            let last = seen.get(&record.id).copied().or(record.last_seen_at);
            out.push(self.view(record, last).await?);
        }
        Ok(out)
    }

    async fn view(&self, record: WorkerRecord, seen: Option<DateTime<Utc>>) -> Result<WorkerView, GpuError> {
        let settings = self.queue.settings();
        let window = settings.lease.max(settings.heartbeat * 2);
        let window = Duration::from_std(window).unwrap_or(Duration::MAX);
        let now = self.clock.now();
        Ok(WorkerView {
            current_job: self.queue.current_job(&record.id).await?,
            online: seen.is_some_and(|s| now - s <= window),
            id: record.id,
            created_at: record.created_at,
            last_seen_at: seen,
            stand_in: record.stand_in,
        })
    }

    /// Forgets a worker without a trace in the audit log (the demo replacing its stand-in): its
    /// token stops and its running job goes back to the queue. How many jobs went back; `NotFound`
    /// for no such worker.
    ///
    /// # Errors
    /// `NotFound`; the store fails.
    pub async fn forget(&self, id: &str) -> Result<usize, GpuError> {
        let id = WorkerId::parse(id).map_err(|_| GpuError::NotFound)?;
        if !self.store.remove_worker(&id).await? {
            return Err(GpuError::NotFound);
        }
        self.tokens
            .write()
            .unwrap_or_else(|p| p.into_inner())
            .retain(|_, k| k.id != id);
        self.queue.release_worker(&id).await
    }

    /// Revokes a worker: its token stops at once and its running job goes back to the queue.
    ///
    /// # Errors
    /// `NotFound` for no such worker.
    pub async fn revoke(&self, admin: &Caller, id: &str) -> Result<(), GpuError> {
        let released = self.forget(id).await?;
        let entry = self.audit.entry(AuditAction::GpuWorkerRevoked).by(&admin.user);
        let detail = format!("{released} running job(s) put back in the queue");
        self.audit
            .record(
                entry
                    .on("gpu_worker", id, id.to_owned())
                    .from(admin.ip.as_deref())
                    .detail(detail),
            )
            .await;
        Ok(())
    }
}
