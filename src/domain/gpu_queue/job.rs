//! One GPU job and the moves it can make: claim, heartbeat, cancel, report, log and lease expiry.
//! Every move checks the state first and leaves the job untouched when it refuses.

use chrono::{DateTime, Duration, Utc};

use super::{JobId, JobSpec, LogTail, QueueError, WorkerId};
use crate::domain::ids::{InstanceId, UserId};

/// How many times a job goes back to the queue after its worker vanished. One retry covers a
/// worker reboot; a job that loses two workers is more likely the cause than the victim.
const MAX_REQUEUES: u32 = 1;

/// A worker's error text is shown to the user; a runaway message must not bloat the row.
const MAX_WORKER_ERROR_BYTES: usize = 2 * 1024;

/// Why a job failed, so the portal can tell "your program exited 1" from "we could not run it".
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FailReason {
    /// The container ran and exited non-zero.
    ExitCode,
    /// The worker could not run the container (pull failed, docker missing, ...).
    WorkerError(String),
    /// The job lost its worker twice and was not retried again.
    LeaseExpired,
}

/// Where a job is in its life: `Queued`, `Running`, then exactly one of the three terminal states.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum JobState {
    Queued,
    /// A worker holds the job for as long as it renews `lease_until`. A job with
    /// `cancel_requested` is still `Running` on purpose: its container holds the GPU until the
    /// worker confirms it stopped.
    Running {
        worker: WorkerId,
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
        reason: FailReason,
    },
    Cancelled {
        finished_at: DateTime<Utc>,
    },
}

impl JobState {
    /// Terminal states are final: nothing moves a job out of one.
    pub fn is_terminal(&self) -> bool {
        matches!(
            self,
            Self::Succeeded { .. } | Self::Failed { .. } | Self::Cancelled { .. }
        )
    }

    /// The word the API and the portal show. A running job with a pending cancel shows
    /// "cancelling" so the user sees their click was heard.
    pub fn status_word(&self) -> &'static str {
        match self {
            Self::Queued => "queued",
            Self::Running {
                cancel_requested: false,
                ..
            } => "running",
            Self::Running {
                cancel_requested: true, ..
            } => "cancelling",
            Self::Succeeded { .. } => "succeeded",
            Self::Failed { .. } => "failed",
            Self::Cancelled { .. } => "cancelled",
        }
    }

    /// The worker holding the job, if it is running.
    pub fn worker(&self) -> Option<&WorkerId> {
        match self {
            Self::Running { worker, .. } => Some(worker),
            _ => None,
        }
    }

    pub fn finished_at(&self) -> Option<DateTime<Utc>> {
        match self {
            Self::Succeeded { finished_at } | Self::Failed { finished_at, .. } | Self::Cancelled { finished_at } => {
                Some(*finished_at)
            }
            Self::Queued | Self::Running { .. } => None,
        }
    }
}

/// How a run ended, as the worker saw it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RunOutcome {
    Exited { code: i32 },
    CouldNotRun { error: String },
}

/// The answer to a heartbeat. `Cancel` is how a user's cancel reaches the container: the worker
/// stops it and reports. `Abandon` tells a worker that lost its job to stop without reporting.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum HeartbeatReply {
    Continue,
    Cancel,
    Abandon,
}

/// What a worker's report (a final status or a log chunk) did. A late report about a job that has
/// already finished is `Ignored` rather than an error, so a worker retrying a report is harmless.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ReportEffect {
    Recorded,
    Ignored,
}

/// What a cancel did: a queued job is finished on the spot; a running one waits for its worker.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CancelOutcome {
    Cancelled,
    Requested,
}

/// What happened to a running job whose lease ran out.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LeaseOutcome {
    Requeued,
    Failed,
    Cancelled,
}

/// A job as the queue rules see it. Fields are public so the store can load and save a job, but
/// only the methods below move it between states; they are what keep the rules true.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Job {
    pub id: JobId,
    pub owner: UserId,
    pub spec: JobSpec,
    /// The job's place in the FIFO; kept when the job is re-queued so it goes back to the front.
    pub queued_at: DateTime<Utc>,
    pub state: JobState,
    pub requeues: u32,
    pub log: LogTail,
    /// When the job last started running, and on which worker (kept after it finishes).
    pub started_at: Option<DateTime<Utc>>,
    pub ran_on: Option<WorkerId>,
    /// Where the job said it wrote its results, on the worker's machine.
    pub artifact: Option<String>,
    /// The owner's machine the job was submitted for, if any.
    pub vm: Option<InstanceId>,
    /// Where the current run's output chunks start in the job's whole output: each run numbers
    /// its chunks from 0, after everything earlier runs (and Nimbus's own notes) wrote.
    pub log_base: u64,
    /// The first chunk number of the current run not held yet (what the worker should send next).
    pub log_next: u64,
}

impl Job {
    /// A freshly queued job with the default log cap.
    pub fn new(id: JobId, owner: UserId, spec: JobSpec, queued_at: DateTime<Utc>) -> Self {
        Self {
            id,
            owner,
            spec,
            queued_at,
            state: JobState::Queued,
            requeues: 0,
            log: LogTail::default(),
            started_at: None,
            ran_on: None,
            artifact: None,
            vm: None,
            log_base: 0,
            log_next: 0,
        }
    }

    /// Hands a queued job to `worker` until `now + lease`. Whether the worker may take a job at
    /// all is [`super::next_for`]'s question; this only checks the job.
    pub fn claim(&mut self, worker: WorkerId, now: DateTime<Utc>, lease: Duration) -> Result<(), QueueError> {
        if self.state != JobState::Queued {
            return Err(QueueError::NotQueued {
                id: self.id,
                status: self.state.status_word(),
            });
        }
        self.started_at = Some(now);
        self.ran_on = Some(worker.clone());
        self.state = JobState::Running {
            worker,
            started_at: now,
            lease_until: lease_end(now, lease),
            cancel_requested: false,
        };
        Ok(())
    }

    /// Renews the holder's lease and tells it whether to keep going. A heartbeat that arrives after
    /// the lease passed but before [`Job::expire_lease`] ran still counts: the worker is alive.
    pub fn heartbeat(
        &mut self,
        worker: &WorkerId,
        now: DateTime<Utc>,
        lease: Duration,
    ) -> Result<HeartbeatReply, QueueError> {
        match &mut self.state {
            JobState::Queued => Err(QueueError::NotRunning { id: self.id }),
            JobState::Running {
                worker: holder,
                lease_until,
                cancel_requested,
                ..
            } => {
                if holder != worker {
                    return Err(self.not_yours(worker));
                }
                *lease_until = lease_end(now, lease);
                Ok(if *cancel_requested {
                    HeartbeatReply::Cancel
                } else {
                    HeartbeatReply::Continue
                })
            }
            _ => Ok(HeartbeatReply::Abandon),
        }
    }

    /// A queued job is cancelled at once. A running one only gets `cancel_requested`: the GPU is
    /// busy until the worker, told through its next heartbeat, stops the container and reports (or
    /// its lease runs out). The Go server marked it cancelled while the container ran on.
    pub fn cancel(&mut self, now: DateTime<Utc>) -> Result<CancelOutcome, QueueError> {
        match &mut self.state {
            JobState::Queued => {
                self.state = JobState::Cancelled { finished_at: now };
                Ok(CancelOutcome::Cancelled)
            }
            JobState::Running { cancel_requested, .. } => {
                *cancel_requested = true;
                Ok(CancelOutcome::Requested)
            }
            finished => Err(QueueError::AlreadyFinished {
                id: self.id,
                status: finished.status_word(),
            }),
        }
    }

    /// Records how the holder's run ended. A requested cancel wins over the outcome: the user asked
    /// for it and the container was most likely stopped because of it.
    pub fn report(
        &mut self,
        worker: &WorkerId,
        outcome: RunOutcome,
        now: DateTime<Utc>,
    ) -> Result<ReportEffect, QueueError> {
        let cancel_requested = match &self.state {
            JobState::Queued => return Err(QueueError::NotRunning { id: self.id }),
            JobState::Running { worker: holder, .. } if holder != worker => return Err(self.not_yours(worker)),
            JobState::Running { cancel_requested, .. } => *cancel_requested,
            _ => return Ok(ReportEffect::Ignored),
        };
        self.state = match outcome {
            _ if cancel_requested => JobState::Cancelled { finished_at: now },
            RunOutcome::Exited { code: 0 } => JobState::Succeeded { finished_at: now },
            RunOutcome::Exited { code } => JobState::Failed {
                finished_at: now,
                exit_code: Some(code),
                reason: FailReason::ExitCode,
            },
            RunOutcome::CouldNotRun { error } => JobState::Failed {
                finished_at: now,
                exit_code: None,
                reason: FailReason::WorkerError(cap_text(error, MAX_WORKER_ERROR_BYTES)),
            },
        };
        Ok(ReportEffect::Recorded)
    }

    /// Adds the holder's output to the tail. Output that arrives after the job finished (the
    /// worker flushing after a lease expiry) is dropped: the job's story is already told.
    pub fn append_log(&mut self, worker: &WorkerId, chunk: &str) -> Result<ReportEffect, QueueError> {
        match &self.state {
            JobState::Queued => Err(QueueError::NotRunning { id: self.id }),
            JobState::Running { worker: holder, .. } if holder != worker => Err(self.not_yours(worker)),
            JobState::Running { .. } => {
                self.log.append(chunk);
                Ok(ReportEffect::Recorded)
            }
            _ => Ok(ReportEffect::Ignored),
        }
    }

    /// Deals with a running job whose worker stopped renewing its lease (`now >= lease_until`).
    /// The first time, the job goes back to the front of the queue; the second time it fails.
    /// A job whose cancel was pending is simply cancelled: nobody wants it run again.
    pub fn expire_lease(&mut self, now: DateTime<Utc>) -> Option<LeaseOutcome> {
        let JobState::Running {
            worker,
            lease_until,
            cancel_requested,
            ..
        } = &self.state
        else {
            return None;
        };
        if now < *lease_until {
            return None;
        }
        let worker = worker.clone();
        if *cancel_requested {
            self.state = JobState::Cancelled { finished_at: now };
            return Some(LeaseOutcome::Cancelled);
        }
        if self.requeues < MAX_REQUEUES {
            self.requeues += 1;
            self.state = JobState::Queued;
            self.log_marker(&format!("worker {worker} stopped answering; job re-queued"));
            Some(LeaseOutcome::Requeued)
        } else {
            self.state = JobState::Failed {
                finished_at: now,
                exit_code: None,
                reason: FailReason::LeaseExpired,
            };
            self.log_marker(&format!(
                "worker {worker} stopped answering; job failed after {MAX_REQUEUES} retry"
            ));
            Some(LeaseOutcome::Failed)
        }
    }

    /// Takes the job back from `worker`, whose token an admin revoked: back to its place in the
    /// queue without counting as a retry (the job did nothing wrong), or cancelled when a cancel
    /// was pending. `None` when the worker does not hold it.
    pub fn release(&mut self, worker: &WorkerId, now: DateTime<Utc>) -> Option<LeaseOutcome> {
        let JobState::Running {
            worker: holder,
            cancel_requested,
            ..
        } = &self.state
        else {
            return None;
        };
        if holder != worker {
            return None;
        }
        if *cancel_requested {
            self.state = JobState::Cancelled { finished_at: now };
            return Some(LeaseOutcome::Cancelled);
        }
        self.state = JobState::Queued;
        self.log_marker(&format!("worker {worker} was removed by an admin; job re-queued"));
        Some(LeaseOutcome::Requeued)
    }

    /// A line Nimbus itself writes into the job's output, on a line of its own.
    fn log_marker(&mut self, message: &str) {
        let newline = if self.log.text().is_empty() || self.log.text().ends_with('\n') {
            ""
        } else {
            "\n"
        };
        self.log.append(&format!("{newline}[nimbus] {message}\n"));
    }

    fn not_yours(&self, worker: &WorkerId) -> QueueError {
        QueueError::NotYourJob {
            id: self.id,
            worker: worker.clone(),
        }
    }
}

/// `now + lease`, saturating instead of panicking on an absurd lease.
fn lease_end(now: DateTime<Utc>, lease: Duration) -> DateTime<Utc> {
    now.checked_add_signed(lease).unwrap_or(if lease < Duration::zero() {
        DateTime::<Utc>::MIN_UTC
    } else {
        DateTime::<Utc>::MAX_UTC
    })
}

/// Keeps the first `max` bytes of `text` (fewer if that would split a character) and marks the cut.
fn cap_text(mut text: String, max: usize) -> String {
    if text.len() > max {
        let mut end = max;
        while !text.is_char_boundary(end) {
            end -= 1;
        }
        text.truncate(end);
        text.push('…');
    }
    text
}
