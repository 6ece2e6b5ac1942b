//! `GpuQueue`: the GPU training-job queue, for people and for workers. People submit, list, read
//! and cancel jobs (their own; admins every one; others' answer "no such job"); workers claim the
//! next job, renew their lease, send its output in numbered chunks and report how it ended. Every
//! rule is the domain's (`domain::gpu_queue`), every move one write of the `GpuJobStore`, and every
//! time comes from the clock, so tests move time instead of waiting. `gpu_leases.rs` is the job
//! that expires leases and prunes old output.

mod artifact;
mod gpu_error;
mod gpu_event;
mod gpu_leases;
mod gpu_plane_settings;
mod gpu_workers;
#[cfg(test)]
mod tests;

use std::sync::{Arc, RwLock};
use std::time::Duration;

pub use gpu_error::GpuError;
use gpu_event::EVENT_BACKLOG;
pub use gpu_event::GpuEvent;
pub use gpu_leases::GpuLeases;
pub use gpu_plane_settings::{GpuPlaneSettings, GpuSettingsChange, SETTING_KEY as GPU_SETTINGS_KEY};
pub use gpu_workers::{GpuWorkers, WorkerView};

use crate::app::accounts::Caller;
use crate::app::audit::Auditor;
use crate::domain::audit::AuditAction;
use crate::domain::gpu_queue::{
    CancelOutcome, HeartbeatReply, Job, JobId, JobSpec, JobState, ReportEffect, RunOutcome, WorkerId,
};
use tokio::sync::broadcast;

use crate::domain::ids::InstanceId;
use crate::ports::gpu_jobs::{GpuJobStore, GpuStoreError, LogAccepted};
use crate::ports::{Clock, Store};

/// A job with its place in the queue (queued jobs only, 1 for the next one).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QueuedJob {
    pub job: Job,
    pub position: Option<usize>,
}

pub struct GpuQueue {
    store: Arc<dyn GpuJobStore>,
    clock: Arc<dyn Clock>,
    settings: RwLock<GpuPlaneSettings>,
    /// Every change of any job, for the people following one.
    events: broadcast::Sender<GpuEvent>,
    audit: Option<Arc<Auditor>>,
    /// Where Settings → GPU is kept.
    saved: Option<Arc<dyn Store>>,
}

fn chrono(d: Duration) -> chrono::Duration {
    chrono::Duration::from_std(d).unwrap_or(chrono::Duration::MAX)
}

/// Where each queued job stands: 1 for the next one, in FIFO order `(queued_at, id)`.
fn positions(all: &[Job]) -> Vec<(JobId, usize)> {
    let mut queued: Vec<&Job> = all.iter().filter(|j| j.state == JobState::Queued).collect();
    queued.sort_by_key(|j| (j.queued_at, j.id));
    queued.iter().enumerate().map(|(n, j)| (j.id, n + 1)).collect()
}

impl GpuQueue {
    pub fn new(store: Arc<dyn GpuJobStore>, clock: Arc<dyn Clock>, settings: GpuPlaneSettings) -> Self {
        Self {
            store,
            clock,
            settings: RwLock::new(settings),
            events: broadcast::channel(EVENT_BACKLOG).0,
            audit: None,
            saved: None,
        }
    }

    /// Keeps Settings → GPU in `store` (see `load_settings` and `change_settings`).
    pub fn with_settings_store(mut self, store: Arc<dyn Store>) -> Self {
        self.saved = Some(store);
        self
    }

    fn saved(&self) -> Result<&Arc<dyn Store>, GpuError> {
        self.saved
            .as_ref()
            .ok_or_else(|| GpuError::Internal("the GPU queue has no settings store".to_owned()))
    }

    /// Records admins' cancels of other people's jobs in `audit`.
    pub fn with_audit(mut self, audit: Arc<Auditor>) -> Self {
        self.audit = Some(audit);
        self
    }

    /// The queue's clock's time (for durations of running jobs).
    pub fn now(&self) -> chrono::DateTime<chrono::Utc> {
        self.clock.now()
    }

    /// Tells everyone following a job that some job changed state.
    fn changed(&self) {
        let _ = self.events.send(GpuEvent::Changed);
    }

    /// Every change of any job from now on: output as it is kept, and state changes. A receiver
    /// that falls more than a few hundred events behind is told it lagged (and re-reads).
    pub fn subscribe(&self) -> broadcast::Receiver<GpuEvent> {
        self.events.subscribe()
    }

    /// Loads the stored settings (the defaults when none were saved) and applies them.
    ///
    /// # Errors
    /// The settings store fails.
    pub async fn load_settings(&self) -> Result<GpuPlaneSettings, GpuError> {
        let settings = match self.saved()?.get_setting(gpu_plane_settings::SETTING_KEY).await? {
            Some(text) => GpuPlaneSettings::decode(&text),
            None => GpuPlaneSettings::default(),
        };
        self.set_settings(settings.clone());
        Ok(settings)
    }

    /// Checks a change, stores it and applies it at once. Nothing changes on error.
    ///
    /// # Errors
    /// `Invalid` naming the field; the settings store fails.
    pub async fn change_settings(&self, change: &GpuSettingsChange) -> Result<GpuPlaneSettings, GpuError> {
        let next = self.settings().apply(change)?;
        self.saved()?
            .put_setting(gpu_plane_settings::SETTING_KEY, &next.encode(), self.clock.now())
            .await?;
        self.set_settings(next.clone());
        self.changed();
        Ok(next)
    }

    pub fn settings(&self) -> GpuPlaneSettings {
        self.settings.read().unwrap_or_else(|p| p.into_inner()).clone()
    }

    /// Applies new settings to every call from now on.
    pub fn set_settings(&self, settings: GpuPlaneSettings) {
        *self.settings.write().unwrap_or_else(|p| p.into_inner()) = settings;
    }

    fn enabled(&self) -> Result<GpuPlaneSettings, GpuError> {
        let settings = self.settings();
        if !settings.enabled {
            return Err(GpuError::Disabled);
        }
        Ok(settings)
    }

    /// Queues a job for the caller.
    ///
    /// # Errors
    /// `Disabled`; `Invalid` naming `image`, `command` or `env`; `Refused(TooManyQueued)`.
    pub async fn submit(
        &self,
        caller: &Caller,
        image: &str,
        command: &[String],
        env: &[(String, String)],
        vm: Option<InstanceId>,
    ) -> Result<Job, GpuError> {
        let settings = self.enabled()?;
        let spec = JobSpec::new(image, command, env)?;
        let job = self
            .store
            .enqueue(caller.user.id, spec, vm, settings.limits, self.clock.now())
            .await?;
        self.changed();
        tracing::info!(job = %job.id, owner = %caller.user.id, "GPU job queued");
        Ok(job)
    }

    /// The caller's jobs, newest first (every job with `everyone`, admins only), with their
    /// places in the queue.
    ///
    /// # Errors
    /// `NotFound` when a member asks for everyone's.
    pub async fn list(&self, caller: &Caller, everyone: bool) -> Result<Vec<QueuedJob>, GpuError> {
        if everyone && !caller.is_admin() {
            return Err(GpuError::NotFound);
        }
        let all = self.store.jobs(None).await?;
        let places = positions(&all);
        Ok(all
            .into_iter()
            .filter(|j| everyone || j.owner == caller.user.id)
            .map(|job| QueuedJob {
                position: places.iter().find(|(id, _)| *id == job.id).map(|(_, p)| *p),
                job,
            })
            .collect())
    }

    /// One job, for its owner or an admin.
    ///
    /// # Errors
    /// `NotFound` for a job that does not exist or is someone else's.
    pub async fn get(&self, caller: &Caller, id: JobId) -> Result<QueuedJob, GpuError> {
        let job = self.store.job(id).await?.ok_or(GpuError::NotFound)?;
        if job.owner != caller.user.id && !caller.is_admin() {
            return Err(GpuError::NotFound);
        }
        let position = if job.state == JobState::Queued {
            let all = self.store.jobs(None).await?;
            positions(&all).into_iter().find(|(j, _)| *j == id).map(|(_, p)| p)
        } else {
            None
        };
        Ok(QueuedJob { job, position })
    }

    /// Cancels a queued job at once; a running one is stopped by its worker at its next heartbeat.
    ///
    /// # Errors
    /// `NotFound`; `Refused(AlreadyFinished)`.
    pub async fn cancel(&self, caller: &Caller, id: JobId) -> Result<CancelOutcome, GpuError> {
        let job = self.get(caller, id).await?.job;
        let outcome = self.store.cancel(id, self.clock.now()).await?;
        self.changed();
        if job.owner != caller.user.id
            && let Some(audit) = &self.audit
        {
            let entry = audit.entry(AuditAction::GpuJobCancelled).by(&caller.user);
            let label = format!("{} {}", job.spec.image().as_str(), job.spec.command().join(" "));
            let label: String = label.chars().take(120).collect();
            audit
                .record(entry.on("gpu_job", id, label).from(caller.ip.as_deref()))
                .await;
        }
        Ok(outcome)
    }

    /// The whole output of a job, raw, for its owner or an admin.
    ///
    /// # Errors
    /// `NotFound`.
    pub async fn log(&self, caller: &Caller, id: JobId) -> Result<Vec<u8>, GpuError> {
        self.get(caller, id).await?;
        Ok(self
            .output_from(id, 0)
            .await?
            .into_iter()
            .flat_map(|(_, b)| b)
            .collect())
    }

    /// Output chunks of a job from `seq` on (for a follower that already has the earlier ones).
    ///
    /// # Errors
    /// The store fails.
    pub async fn output_from(&self, id: JobId, seq: u64) -> Result<Vec<(u64, Vec<u8>)>, GpuError> {
        Ok(self.store.log_chunks(id, seq).await?)
    }

    /// The next job for `worker`, held by it until its lease runs out.
    ///
    /// # Errors
    /// `Disabled`; `Refused(WorkerBusy)` while it holds another job.
    pub async fn claim(&self, worker: &WorkerId) -> Result<Option<Job>, GpuError> {
        let settings = self.enabled()?;
        let job = self
            .store
            .claim(worker, settings.limits, self.clock.now(), chrono(settings.lease))
            .await?;
        if let Some(job) = &job {
            tracing::info!(job = %job.id, %worker, "GPU job claimed");
            self.changed();
        }
        Ok(job)
    }

    /// Renews `worker`'s lease on job `id`: keep going, stop for a cancel, or let go. A job past
    /// its maximum runtime is cancelled here, so its worker stops it.
    ///
    /// # Errors
    /// `Disabled`; `NotFound`; `Refused` when the worker does not hold the job.
    pub async fn heartbeat(&self, worker: &WorkerId, id: JobId) -> Result<HeartbeatReply, GpuError> {
        let settings = self.enabled()?;
        let now = self.clock.now();
        let reply = self.store.heartbeat(id, worker, now, chrono(settings.lease)).await?;
        if reply == HeartbeatReply::Continue
            && let Some(job) = self.store.job(id).await?
            && let JobState::Running { started_at, .. } = job.state
            && now - started_at > chrono(settings.max_runtime)
        {
            tracing::warn!(job = %id, %worker, "a GPU job passed its maximum runtime; stopping it");
            let hours = settings.max_runtime.as_secs_f64() / 3600.0;
            let error = format!(
                "The job ran longer than the maximum runtime of {hours:.1} h (Settings → GPU), so it was stopped."
            );
            self.store
                .report(id, worker, RunOutcome::CouldNotRun { error }, None, now)
                .await?;
            self.changed();
            // The job is over: the worker stops the container and reports nothing.
            return Ok(HeartbeatReply::Abandon);
        }
        Ok(reply)
    }

    /// Keeps chunk `seq` of job `id`'s output. Output past the cap fails the job, whose worker is
    /// then told to let go.
    ///
    /// # Errors
    /// `Disabled`; `NotFound`; `Refused`; `LogCapReached` (the job is failed).
    pub async fn append_log(
        &self,
        worker: &WorkerId,
        id: JobId,
        seq: u64,
        bytes: &[u8],
    ) -> Result<LogAccepted, GpuError> {
        let settings = self.enabled()?;
        match self.store.append_log(id, worker, seq, bytes, settings.log_cap).await {
            Err(GpuStoreError::LogCapReached { cap, .. }) => {
                let why = format!(
                    "the job wrote more than {} MiB of output, the most Nimbus keeps; it was stopped",
                    cap / (1024 * 1024)
                );
                let outcome = RunOutcome::CouldNotRun { error: why.clone() };
                self.store.report(id, worker, outcome, None, self.clock.now()).await?;
                self.changed();
                Err(GpuError::LogCapReached(why))
            }
            other => {
                let accepted = other?;
                if accepted.kept {
                    let _ = self.events.send(GpuEvent::Output {
                        job: id,
                        seq: accepted.stored_seq,
                        bytes: Arc::from(bytes),
                    });
                }
                Ok(accepted)
            }
        }
    }

    /// Records how `worker`'s run of job `id` ended; a late report about a finished job is ignored.
    ///
    /// # Errors
    /// `Disabled`; `NotFound`; `Refused` when the worker does not hold the job.
    pub async fn report(
        &self,
        worker: &WorkerId,
        id: JobId,
        outcome: RunOutcome,
        artifact: Option<String>,
    ) -> Result<ReportEffect, GpuError> {
        self.enabled()?;
        let artifact = artifact.map(artifact::checked).transpose()?;
        let effect = self
            .store
            .report(id, worker, outcome, artifact, self.clock.now())
            .await?;
        tracing::info!(job = %id, %worker, ?effect, "GPU job reported");
        self.changed();
        Ok(effect)
    }

    /// Takes back every job `worker` holds (its token was revoked); how many.
    ///
    /// # Errors
    /// The store fails.
    pub async fn release_worker(&self, worker: &WorkerId) -> Result<usize, GpuError> {
        let changed = self.store.release_worker(worker, self.clock.now()).await?;
        if !changed.is_empty() {
            tracing::info!(%worker, jobs = changed.len(), "a revoked worker's GPU jobs were taken back");
            self.changed();
        }
        Ok(changed.len())
    }

    /// The job `worker` is running, if any.
    ///
    /// # Errors
    /// The store fails.
    pub async fn current_job(&self, worker: &WorkerId) -> Result<Option<JobId>, GpuError> {
        let all = self.store.jobs(None).await?;
        Ok(all.iter().find(|j| j.state.worker() == Some(worker)).map(|j| j.id))
    }
}
