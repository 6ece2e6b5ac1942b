//! The GPU API's shapes: jobs as people see them, the plane's state, Settings → GPU with its
//! workers, and the worker protocol's bodies (fixed by the contract `gx10-worker` is built to).

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use poem_openapi::{Enum, Object};

use crate::app::gpu_queue::{GpuPlaneSettings, QueuedJob, WorkerView};
use crate::domain::gpu_queue::{FailReason, HeartbeatReply, Job, JobState};

/// One environment variable of a job.
#[derive(Debug, Clone, Object)]
#[oai(rename = "GpuEnvVar")]
pub struct EnvVarView {
    pub name: String,
    pub value: String,
}

/// A GPU training job.
#[derive(Debug, Clone, Object)]
#[oai(rename = "GpuJob")]
pub struct GpuJobView {
    pub id: u64,
    pub owner_id: String,
    /// The owner's email (admins' lists of everyone's jobs).
    #[oai(skip_serializing_if_is_none)]
    pub owner_email: Option<String>,
    pub image: String,
    /// The command, one argument per item (no shell in between).
    pub command: Vec<String>,
    pub env: Vec<EnvVarView>,
    /// The owner's machine the job was submitted for.
    #[oai(skip_serializing_if_is_none)]
    pub vm_id: Option<String>,
    /// `queued`, `running`, `cancelling`, `succeeded`, `failed` or `cancelled`.
    pub status: String,
    /// Its place in the queue, 1 for the next job (queued jobs only).
    #[oai(skip_serializing_if_is_none)]
    pub position: Option<u64>,
    pub queued_at: DateTime<Utc>,
    #[oai(skip_serializing_if_is_none)]
    pub started_at: Option<DateTime<Utc>>,
    #[oai(skip_serializing_if_is_none)]
    pub finished_at: Option<DateTime<Utc>>,
    /// How long it ran (so far, while it runs).
    #[oai(skip_serializing_if_is_none)]
    pub duration_seconds: Option<u64>,
    /// The worker running it (or that ran it last).
    #[oai(skip_serializing_if_is_none)]
    pub worker: Option<String>,
    #[oai(skip_serializing_if_is_none)]
    pub exit_code: Option<i32>,
    /// Why it failed or was cancelled, in words.
    #[oai(skip_serializing_if_is_none)]
    pub reason: Option<String>,
    /// Where the job wrote its results, on the GPU machine.
    #[oai(skip_serializing_if_is_none)]
    pub artifact: Option<String>,
    /// How many times it went back to the queue after its worker stopped answering.
    pub requeues: u32,
    /// Bytes of output kept.
    pub log_bytes: u64,
}

fn reason(state: &JobState) -> Option<String> {
    match state {
        JobState::Failed { exit_code, reason, .. } => Some(match reason {
            FailReason::ExitCode => format!("The job's program exited with code {}.", exit_code.unwrap_or_default()),
            FailReason::WorkerError(e) => e.clone(),
            FailReason::LeaseExpired => "The GPU worker running it stopped answering twice, so it was not tried \
                again. Check the worker, then submit the job again."
                .to_owned(),
        }),
        JobState::Cancelled { .. } => Some("Cancelled.".to_owned()),
        JobState::Running {
            cancel_requested: true, ..
        } => Some("Cancel requested: the worker is stopping the container.".to_owned()),
        _ => None,
    }
}

impl GpuJobView {
    pub fn new(q: &QueuedJob, now: DateTime<Utc>, owner_email: Option<String>) -> Self {
        let job: &Job = &q.job;
        let finished_at = job.state.finished_at();
        let running = matches!(job.state, JobState::Running { .. });
        let started_at = job.started_at.filter(|_| running || finished_at.is_some());
        let duration_seconds = started_at.map(|s| (finished_at.unwrap_or(now) - s).num_seconds().max(0) as u64);
        let exit_code = match &job.state {
            JobState::Failed { exit_code, .. } => *exit_code,
            JobState::Succeeded { .. } => Some(0),
            _ => None,
        };
        Self {
            id: job.id.0,
            owner_id: job.owner.to_string(),
            owner_email,
            image: job.spec.image().as_str().to_owned(),
            command: job.spec.command().to_vec(),
            env: job
                .spec
                .env()
                .iter()
                .map(|(k, v)| EnvVarView {
                    name: k.as_str().to_owned(),
                    value: v.clone(),
                })
                .collect(),
            vm_id: job.vm.map(|v| v.to_string()),
            status: job.state.status_word().to_owned(),
            position: q.position.map(|p| p as u64),
            queued_at: job.queued_at,
            started_at,
            finished_at,
            duration_seconds,
            worker: job.state.worker().or(job.ran_on.as_ref()).map(|w| w.to_string()),
            exit_code,
            reason: reason(&job.state),
            artifact: job.artifact.clone(),
            requeues: job.requeues,
            log_bytes: job.log.total_bytes(),
        }
    }
}

/// Whether the GPU plane takes jobs, and who runs them.
#[derive(Debug, Clone, Object)]
#[oai(rename = "GpuPlane")]
pub struct GpuPlaneView {
    pub enabled: bool,
    /// When off: what it means, in words.
    #[oai(skip_serializing_if_is_none)]
    pub message: Option<String>,
    /// Workers heard from within their lease.
    pub workers_online: u32,
    /// The worker is the demo's stand-in GX10 (no real GPU).
    pub stand_in: bool,
}

/// Jobs and the plane's state.
#[derive(Debug, Clone, Object)]
#[oai(rename = "GpuJobList")]
pub struct GpuJobListView {
    pub plane: GpuPlaneView,
    /// Newest first.
    pub jobs: Vec<GpuJobView>,
}

/// A job to queue.
#[derive(Debug, Clone, Object)]
#[oai(rename = "NewGpuJob")]
pub struct NewGpuJobRequest {
    /// A container image, e.g. `pytorch/pytorch:2.4.0-cuda12.4-cudnn9-runtime`.
    pub image: String,
    /// The command, one argument per item, e.g. `["python", "train.py", "--epochs", "5"]`.
    #[oai(default)]
    pub command: Vec<String>,
    #[oai(default)]
    pub env: Vec<EnvVarView>,
    /// One of your machines this job belongs to.
    pub vm_id: Option<String>,
}

/// Settings → GPU, with the workers.
#[derive(Debug, Clone, Object)]
#[oai(rename = "GpuSettings")]
pub struct GpuSettingsView {
    pub enabled: bool,
    pub max_queued_per_user: u32,
    pub max_running_per_user: u32,
    pub lease_seconds: u64,
    pub heartbeat_seconds: u64,
    pub max_runtime_hours: u64,
    pub log_cap_mib: u64,
    pub log_retention_days: u64,
    pub workers: Vec<GpuWorkerView>,
}

impl GpuSettingsView {
    pub fn new(s: &GpuPlaneSettings, workers: Vec<GpuWorkerView>) -> Self {
        let c = s.as_change();
        Self {
            enabled: s.enabled,
            max_queued_per_user: c.max_queued_per_user.unwrap_or_default(),
            max_running_per_user: c.max_running_per_user.unwrap_or_default(),
            lease_seconds: c.lease_seconds.unwrap_or_default(),
            heartbeat_seconds: c.heartbeat_seconds.unwrap_or_default(),
            max_runtime_hours: c.max_runtime_hours.unwrap_or_default(),
            log_cap_mib: c.log_cap_mib.unwrap_or_default(),
            log_retention_days: c.log_retention_days.unwrap_or_default(),
            workers,
        }
    }
}

/// A change to Settings → GPU; absent fields keep their value.
#[derive(Debug, Clone, Object)]
#[oai(rename = "GpuSettingsChange")]
pub struct GpuSettingsChangeRequest {
    /// The plane takes jobs.
    pub enabled: Option<bool>,
    /// Jobs one person may have waiting (1–1000).
    pub max_queued_per_user: Option<u32>,
    /// Jobs one person may have running at once (1–1000).
    pub max_running_per_user: Option<u32>,
    /// How long a worker holds a job without a heartbeat (5–3600 s).
    pub lease_seconds: Option<u64>,
    /// How often a worker renews its lease (at most a third of the lease).
    pub heartbeat_seconds: Option<u64>,
    /// The longest a job may run before it is stopped (1–720 h).
    pub max_runtime_hours: Option<u64>,
    /// The most output kept per job (1–65536 MiB); past it the job is failed.
    pub log_cap_mib: Option<u64>,
    /// How long a finished job's output is kept (1–3650 days).
    pub log_retention_days: Option<u64>,
}

/// A GPU worker.
#[derive(Debug, Clone, Object)]
#[oai(rename = "GpuWorker")]
pub struct GpuWorkerView {
    pub id: String,
    pub created_at: DateTime<Utc>,
    /// When it last called Nimbus.
    #[oai(skip_serializing_if_is_none)]
    pub last_seen_at: Option<DateTime<Utc>>,
    /// Heard from within its lease.
    pub online: bool,
    #[oai(skip_serializing_if_is_none)]
    pub current_job: Option<u64>,
    /// The demo's stand-in GX10 (no real GPU).
    pub stand_in: bool,
}

impl From<WorkerView> for GpuWorkerView {
    fn from(w: WorkerView) -> Self {
        Self {
            id: w.id.to_string(),
            created_at: w.created_at,
            last_seen_at: w.last_seen_at,
            online: w.online,
            current_job: w.current_job.map(|j| j.0),
            stand_in: w.stand_in,
        }
    }
}

/// A worker to add.
#[derive(Debug, Clone, Object)]
#[oai(rename = "NewGpuWorker")]
pub struct NewGpuWorkerRequest {
    /// Its name: 1 to 64 of `A-Z a-z 0-9 . _ -`, e.g. `gx10-lab1`.
    pub id: String,
}

/// A worker just added, with its token: shown this once.
#[derive(Debug, Clone, Object)]
#[oai(rename = "GpuWorkerCreated")]
pub struct GpuWorkerCreatedView {
    pub worker: GpuWorkerView,
    /// The worker's token (`nimbus_worker_…`); Nimbus keeps only its digest.
    pub token: String,
    /// The lines for the worker's environment file.
    pub env: String,
}

/// A job handed to a worker.
#[derive(Debug, Clone, Object)]
#[oai(rename = "GpuClaimedJob")]
pub struct ClaimedJobView {
    pub id: u64,
    pub image: String,
    pub command: Vec<String>,
    pub env: BTreeMap<String, String>,
    /// The worker holds the job this long after each heartbeat.
    pub lease_seconds: u64,
    /// How often to send a heartbeat.
    pub heartbeat_seconds: u64,
    /// Stop the container after this long.
    pub max_runtime_seconds: u64,
}

/// What the worker should do with the job.
#[derive(Debug, Clone, Copy, Enum)]
#[oai(rename = "GpuWorkerAction", rename_all = "lowercase")]
pub enum ActionView {
    /// Keep running it.
    Continue,
    /// Stop the container and report.
    Cancel,
    /// Stop the container and report nothing: the job is no longer this worker's.
    Abandon,
}

impl From<HeartbeatReply> for ActionView {
    fn from(r: HeartbeatReply) -> Self {
        match r {
            HeartbeatReply::Continue => Self::Continue,
            HeartbeatReply::Cancel => Self::Cancel,
            HeartbeatReply::Abandon => Self::Abandon,
        }
    }
}

/// The answer to a heartbeat.
#[derive(Debug, Clone, Object)]
#[oai(rename = "GpuHeartbeat")]
pub struct HeartbeatView {
    pub action: ActionView,
    pub lease_seconds: u64,
}

/// The answer to a log chunk.
#[derive(Debug, Clone, Object)]
#[oai(rename = "GpuLogAck")]
pub struct LogAckView {
    /// The first chunk number Nimbus does not hold yet.
    pub next_seq: u64,
}

/// How a run ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Enum)]
#[oai(rename = "GpuRunState", rename_all = "lowercase")]
pub enum RunStateView {
    Succeeded,
    Failed,
}

/// A worker's report of how a run ended.
#[derive(Debug, Clone, Object)]
#[oai(rename = "GpuStatusReport")]
pub struct StatusReportRequest {
    pub state: RunStateView,
    /// The container's exit code (-1 when it could not run).
    pub exit_code: i64,
    /// Why it failed, in words.
    pub reason: Option<String>,
    /// Where the job wrote its results, on the GPU machine.
    pub artifact: Option<String>,
}
