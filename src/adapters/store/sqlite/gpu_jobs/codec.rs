//! A GPU job as the JSON document kept in `gpu_jobs.doc`. The domain stays free of serde: these
//! mirror types are the stored format, and reading one back re-validates the spec and the worker
//! id through the domain's constructors.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::domain::gpu_queue::{FailReason, Job, JobId, JobSpec, JobState, LogTail, WorkerId};
use crate::domain::ids::{InstanceId, UserId};
use crate::ports::StoreError;

fn corrupt(what: &str, value: impl std::fmt::Display) -> StoreError {
    StoreError::Corrupt(format!("GPU job {what}: {value}"))
}

#[derive(Serialize, Deserialize)]
struct Doc {
    owner: Uuid,
    image: String,
    command: Vec<String>,
    env: Vec<(String, String)>,
    queued_at: DateTime<Utc>,
    state: StateDoc,
    requeues: u32,
    tail: String,
    total_bytes: u64,
    tail_cap: usize,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    started_at: Option<DateTime<Utc>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    artifact: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    vm: Option<Uuid>,
    #[serde(default)]
    log_base: u64,
    #[serde(default)]
    log_next: u64,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    ran_on: Option<String>,
}

#[derive(Serialize, Deserialize)]
#[serde(tag = "status", rename_all = "snake_case")]
enum StateDoc {
    Queued,
    Running {
        worker: String,
        started_at: DateTime<Utc>,
        lease_until: DateTime<Utc>,
        cancel_requested: bool,
    },
    Succeeded {
        finished_at: DateTime<Utc>,
    },
    Failed {
        finished_at: DateTime<Utc>,
        exit_code: Option<i32>,
        /// `exit_code`, `worker_error` or `lease_expired`.
        reason: String,
        #[serde(default)]
        error: Option<String>,
    },
    Cancelled {
        finished_at: DateTime<Utc>,
    },
}

pub(super) fn encode(job: &Job) -> String {
    let state = match &job.state {
        JobState::Queued => StateDoc::Queued,
        JobState::Running {
            worker,
            started_at,
            lease_until,
            cancel_requested,
        } => StateDoc::Running {
            worker: worker.as_str().to_owned(),
            started_at: *started_at,
            lease_until: *lease_until,
            cancel_requested: *cancel_requested,
        },
        JobState::Succeeded { finished_at } => StateDoc::Succeeded {
            finished_at: *finished_at,
        },
        JobState::Failed {
            finished_at,
            exit_code,
            reason,
        } => {
            let (reason, error) = match reason {
                FailReason::ExitCode => ("exit_code", None),
                FailReason::WorkerError(e) => ("worker_error", Some(e.clone())),
                FailReason::LeaseExpired => ("lease_expired", None),
            };
            StateDoc::Failed {
                finished_at: *finished_at,
                exit_code: *exit_code,
                reason: reason.to_owned(),
                error,
            }
        }
        JobState::Cancelled { finished_at } => StateDoc::Cancelled {
            finished_at: *finished_at,
        },
    };
    let doc = Doc {
        owner: job.owner.as_uuid(),
        image: job.spec.image().as_str().to_owned(),
        command: job.spec.command().to_vec(),
        env: job
            .spec
            .env()
            .iter()
            .map(|(k, v)| (k.as_str().to_owned(), v.clone()))
            .collect(),
        queued_at: job.queued_at,
        state,
        requeues: job.requeues,
        tail: job.log.text().to_owned(),
        total_bytes: job.log.total_bytes(),
        tail_cap: job.log.cap(),
        started_at: job.started_at,
        artifact: job.artifact.clone(),
        vm: job.vm.map(|vm| vm.as_uuid()),
        log_base: job.log_base,
        log_next: job.log_next,
        ran_on: job.ran_on.as_ref().map(|w| w.as_str().to_owned()),
    };
    serde_json::to_string(&doc).expect("a GPU job document always serialises")
}

pub(super) fn decode(id: i64, text: &str) -> Result<Job, StoreError> {
    let doc: Doc = serde_json::from_str(text).map_err(|e| corrupt("document", e))?;
    let spec = JobSpec::new(&doc.image, &doc.command, &doc.env).map_err(|e| corrupt("spec", e))?;
    let state = match doc.state {
        StateDoc::Queued => JobState::Queued,
        StateDoc::Running {
            worker,
            started_at,
            lease_until,
            cancel_requested,
        } => JobState::Running {
            worker: WorkerId::parse(&worker).map_err(|e| corrupt("worker", e))?,
            started_at,
            lease_until,
            cancel_requested,
        },
        StateDoc::Succeeded { finished_at } => JobState::Succeeded { finished_at },
        StateDoc::Failed {
            finished_at,
            exit_code,
            reason,
            error,
        } => JobState::Failed {
            finished_at,
            exit_code,
            reason: match reason.as_str() {
                "exit_code" => FailReason::ExitCode,
                "lease_expired" => FailReason::LeaseExpired,
                _ => FailReason::WorkerError(error.unwrap_or_default()),
            },
        },
        StateDoc::Cancelled { finished_at } => JobState::Cancelled { finished_at },
    };
    Ok(Job {
        id: JobId(u64::try_from(id).map_err(|_| corrupt("id", id))?),
        owner: UserId::from_uuid(doc.owner),
        spec,
        queued_at: doc.queued_at,
        state,
        requeues: doc.requeues,
        log: LogTail::from_parts(doc.tail, doc.total_bytes, doc.tail_cap),
        started_at: doc.started_at,
        artifact: doc.artifact,
        vm: doc.vm.map(InstanceId::from_uuid),
        log_base: doc.log_base,
        log_next: doc.log_next,
        ran_on: doc
            .ran_on
            .map(|w| WorkerId::parse(&w).map_err(|e| corrupt("worker", e)))
            .transpose()?,
    })
}
