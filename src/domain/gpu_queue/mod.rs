//! The GPU job queue rules: which job a worker gets next, how a job moves from queued to a final
//! state, how a cancel reaches a running container, and what happens when a worker stops answering.
//!
//! The Go implementation this replaces had no lease and no heartbeat (a vanished worker left its
//! job "running" until the server restarted), let a cancel mark a job finished while its container
//! kept running, let one worker claim a second job, ordered the queue without a tie-break, and cut
//! the log tail in the middle of UTF-8 characters. Each of those is a rule here: the worker holds a
//! job only while it keeps renewing a lease, a cancel is delivered through the heartbeat reply, a
//! busy worker cannot claim, the queue is ordered by `(queued_at, id)`, and the tail is cut on a
//! character boundary.

mod job;
mod log_tail;
mod queue;
mod spec;

#[cfg(test)]
mod job_tests;
#[cfg(test)]
mod props;
#[cfg(test)]
mod queue_tests;
#[cfg(test)]
mod test_support;

use std::fmt;

pub use job::{CancelOutcome, FailReason, HeartbeatReply, Job, JobState, LeaseOutcome, ReportEffect, RunOutcome};
pub use log_tail::{DEFAULT_LOG_CAP, LogTail};
pub use queue::{QueueLimits, QueueLimitsError, check_enqueue, claim_next, expire_leases, next_for};
pub use spec::{EnvName, ImageRef, JobSpec, JobSpecError};

/// A job's number. The store assigns it, increasing with every enqueue, which is why it can break
/// ties between jobs queued in the same instant.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct JobId(pub u64);

impl fmt::Display for JobId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.fmt(f)
    }
}

/// The name a GPU worker gives itself. It appears in logs, job views and the `[nimbus]` markers of
/// a job's output, so it is kept to a short, shell- and URL-safe alphabet.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct WorkerId(String);

impl WorkerId {
    pub const MAX_LEN: usize = 64;

    /// 1 to 64 characters of `[A-Za-z0-9._-]`. Nothing is trimmed: two ids that print the same
    /// must be the same worker.
    pub fn parse(raw: &str) -> Result<Self, WorkerIdError> {
        if raw.is_empty() {
            return Err(WorkerIdError::Empty);
        }
        if let Some(ch) = raw
            .chars()
            .find(|c| !(c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-')))
        {
            return Err(WorkerIdError::BadChar { ch });
        }
        // Only ASCII is left, so bytes are characters.
        if raw.len() > Self::MAX_LEN {
            return Err(WorkerIdError::TooLong { len: raw.len() });
        }
        Ok(Self(raw.to_owned()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for WorkerId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// Why a worker id was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum WorkerIdError {
    #[error("the worker id is empty; give the worker a name of letters, digits, '.', '_' or '-'")]
    Empty,
    #[error("the worker id contains {ch:?}; use only letters, digits, '.', '_' and '-'")]
    BadChar { ch: char },
    #[error("the worker id is {len} characters long; use at most 64")]
    TooLong { len: usize },
}

/// Why a queue operation was refused. Every message tells the caller (a user or a worker) what to
/// do next, because the HTTP adapter passes it through as the human-readable part of the answer.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum QueueError {
    #[error("job {id} is {status}, not queued, so it cannot be claimed; ask for the next job instead")]
    NotQueued { id: JobId, status: &'static str },
    #[error("job {id} is queued, not running, so there is nothing to report on; claim it first")]
    NotRunning { id: JobId },
    #[error("job {id} is not assigned to worker {worker}; stop working on it and ask for the next job")]
    NotYourJob { id: JobId, worker: WorkerId },
    #[error("job {id} has already finished ({status}); there is nothing left to cancel")]
    AlreadyFinished { id: JobId, status: &'static str },
    #[error("this worker is still running job {running}; report how it ended before claiming another")]
    WorkerBusy { running: JobId },
    #[error("you already have {limit} queued jobs; wait for one to finish or cancel one")]
    TooManyQueued { limit: u32 },
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn worker_id_accepts_the_documented_alphabet_up_to_64_characters() {
        assert_eq!(
            WorkerId::parse("gx10-lab_1.local").unwrap().as_str(),
            "gx10-lab_1.local"
        );
        assert!(WorkerId::parse(&"a".repeat(64)).is_ok());
    }

    #[test]
    fn worker_id_rejects_empty_long_and_foreign_characters() {
        assert_eq!(WorkerId::parse(""), Err(WorkerIdError::Empty));
        assert_eq!(
            WorkerId::parse(&"a".repeat(65)),
            Err(WorkerIdError::TooLong { len: 65 })
        );
        assert_eq!(WorkerId::parse(" gx10"), Err(WorkerIdError::BadChar { ch: ' ' }));
        assert_eq!(WorkerId::parse("gx10/a"), Err(WorkerIdError::BadChar { ch: '/' }));
        assert_eq!(WorkerId::parse("gpü"), Err(WorkerIdError::BadChar { ch: 'ü' }));
    }

    #[test]
    fn job_ids_print_as_their_number_and_order_numerically() {
        assert_eq!(JobId(42).to_string(), "42");
        assert!(JobId(9) < JobId(10));
    }

    #[test]
    fn the_queued_limit_message_tells_the_user_what_to_do() {
        let message = QueueError::TooManyQueued { limit: 10 }.to_string();
        assert_eq!(
            message,
            "you already have 10 queued jobs; wait for one to finish or cancel one"
        );
    }
}
