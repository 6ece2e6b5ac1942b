//! Background jobs. A job is a type with `tick(now) -> JobReport`: it never reads the clock,
//! so tests call `tick` directly with any time. One generic loop (`spawn`) calls it every
//! interval with the clock's time, logs each report at the level its outcome calls for, and
//! keeps the last report of every job on the `JobBoard`, which admins read
//! (`GET /api/system/jobs`).

use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use tokio::task::JoinHandle;

use crate::ports::Clock;

/// How a run of a job went.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum JobOutcome {
    /// It did its work (possibly nothing was due).
    Ok,
    /// It ran, but found something an admin should look at, or could do only part of its work.
    Warning,
    /// It could not do its work; it tries again at its next run.
    Failed,
}

impl JobOutcome {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Ok => "ok",
            Self::Warning => "warning",
            Self::Failed => "failed",
        }
    }
}

/// What one run of a job did, in a line of words.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct JobReport {
    pub outcome: JobOutcome,
    pub summary: String,
    /// Whether the run changed something worth an info line (quiet runs log at debug).
    pub changed: bool,
}

impl JobReport {
    /// A run that found nothing to do.
    pub fn quiet(summary: impl Into<String>) -> Self {
        Self {
            outcome: JobOutcome::Ok,
            summary: summary.into(),
            changed: false,
        }
    }

    /// A run that changed something.
    pub fn changed(summary: impl Into<String>) -> Self {
        Self {
            outcome: JobOutcome::Ok,
            summary: summary.into(),
            changed: true,
        }
    }

    pub fn warning(summary: impl Into<String>) -> Self {
        Self {
            outcome: JobOutcome::Warning,
            summary: summary.into(),
            changed: true,
        }
    }

    pub fn failed(summary: impl Into<String>) -> Self {
        Self {
            outcome: JobOutcome::Failed,
            summary: summary.into(),
            changed: true,
        }
    }
}

/// A background job.
#[async_trait]
pub trait Job: Send + Sync {
    /// A stable identifier (`ip_reconcile`), used in logs and the API.
    fn name(&self) -> &'static str;
    /// What it does, for people ("Reconcile the IP pool").
    fn title(&self) -> &'static str;
    /// One run at `now`.
    async fn tick(&self, now: DateTime<Utc>) -> JobReport;
}

/// The last run of a job.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LastRun {
    pub at: DateTime<Utc>,
    pub took: Duration,
    pub report: JobReport,
}

/// A job as admins see it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct JobStatus {
    pub name: &'static str,
    pub title: &'static str,
    pub interval: Duration,
    pub last: Option<LastRun>,
}

/// Every job this process runs, with its last report, in the order they were started.
#[derive(Debug, Default)]
pub struct JobBoard {
    jobs: Mutex<Vec<JobStatus>>,
}

impl JobBoard {
    fn register(&self, job: &dyn Job, interval: Duration) {
        let mut jobs = self.jobs.lock().unwrap_or_else(|p| p.into_inner());
        jobs.retain(|j| j.name != job.name());
        jobs.push(JobStatus {
            name: job.name(),
            title: job.title(),
            interval,
            last: None,
        });
    }

    fn record(&self, name: &str, run: LastRun) {
        let mut jobs = self.jobs.lock().unwrap_or_else(|p| p.into_inner());
        if let Some(job) = jobs.iter_mut().find(|j| j.name == name) {
            job.last = Some(run);
        }
    }

    /// Every job with its last run.
    pub fn list(&self) -> Vec<JobStatus> {
        self.jobs.lock().unwrap_or_else(|p| p.into_inner()).clone()
    }
}

/// Runs `job` once at `now`, logs its report and keeps it on the board.
pub async fn run_once(job: &dyn Job, board: &JobBoard, now: DateTime<Utc>) -> JobReport {
    let started = Instant::now();
    let report = job.tick(now).await;
    let took = started.elapsed();
    let (name, summary, ms) = (job.name(), report.summary.as_str(), took.as_millis() as u64);
    match report.outcome {
        JobOutcome::Ok if report.changed => tracing::info!(job = name, ms, "{summary}"),
        JobOutcome::Ok => tracing::debug!(job = name, ms, "{summary}"),
        JobOutcome::Warning => tracing::warn!(job = name, ms, "{summary}"),
        JobOutcome::Failed => tracing::error!(job = name, ms, "{summary}"),
    }
    board.record(
        name,
        LastRun {
            at: now,
            took,
            report: report.clone(),
        },
    );
    report
}

/// Registers `job` on the board and runs it every `interval` with the clock's time (the first
/// run one interval after start), until the returned handle is aborted. A slow run delays the
/// next instead of piling up.
pub fn spawn(job: Arc<dyn Job>, interval: Duration, clock: Arc<dyn Clock>, board: Arc<JobBoard>) -> JoinHandle<()> {
    board.register(job.as_ref(), interval);
    tokio::spawn(async move {
        let mut timer = tokio::time::interval_at(tokio::time::Instant::now() + interval, interval);
        timer.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            timer.tick().await;
            run_once(job.as_ref(), &board, clock.now()).await;
        }
    })
}

#[cfg(test)]
mod tests {
    use chrono::Duration as Span;

    use super::*;
    use crate::adapters::clock::ManualClock;

    /// Remembers the times it was given and answers with a fixed report.
    struct Recorder {
        seen: Mutex<Vec<DateTime<Utc>>>,
        report: JobReport,
    }

    #[async_trait]
    impl Job for Recorder {
        fn name(&self) -> &'static str {
            "recorder"
        }
        fn title(&self) -> &'static str {
            "Record the time"
        }
        async fn tick(&self, now: DateTime<Utc>) -> JobReport {
            self.seen.lock().unwrap().push(now);
            self.report.clone()
        }
    }

    fn recorder(report: JobReport) -> Arc<Recorder> {
        Arc::new(Recorder {
            seen: Mutex::new(Vec::new()),
            report,
        })
    }

    #[tokio::test(start_paused = true)]
    async fn a_job_ticks_once_per_interval_with_the_clocks_time() {
        let start = DateTime::from_timestamp(1_800_000_000, 0).unwrap();
        let clock = Arc::new(ManualClock::new(start));
        let job = recorder(JobReport::quiet("nothing to do"));
        let board = Arc::new(JobBoard::default());
        let handle = spawn(job.clone(), Duration::from_secs(60), clock.clone(), board.clone());
        let ticks = || job.seen.lock().unwrap().clone();
        tokio::time::sleep(Duration::from_secs(59)).await;
        assert!(ticks().is_empty(), "no run before the first interval");
        clock.advance(Span::hours(1));
        tokio::time::sleep(Duration::from_secs(2)).await;
        assert_eq!(ticks(), [start + Span::hours(1)]);
        clock.advance(Span::hours(1));
        tokio::time::sleep(Duration::from_secs(60)).await;
        assert_eq!(ticks(), [start + Span::hours(1), start + Span::hours(2)]);
        handle.abort();
    }

    #[tokio::test(start_paused = true)]
    async fn the_board_lists_a_job_before_its_first_run_and_keeps_its_last_report() {
        let start = DateTime::from_timestamp(1_800_000_000, 0).unwrap();
        let clock = Arc::new(ManualClock::new(start));
        let board = Arc::new(JobBoard::default());
        let job = recorder(JobReport::warning("1 conflict found"));
        let handle = spawn(job, Duration::from_secs(30), clock.clone(), board.clone());
        let listed = board.list();
        assert_eq!(listed.len(), 1);
        assert_eq!(
            (listed[0].name, listed[0].interval),
            ("recorder", Duration::from_secs(30))
        );
        assert_eq!(listed[0].last, None, "never run yet");
        clock.advance(Span::minutes(5));
        tokio::time::sleep(Duration::from_secs(31)).await;
        let last = board.list()[0].last.clone().expect("ran once");
        assert_eq!(last.at, start + Span::minutes(5));
        assert_eq!(last.report, JobReport::warning("1 conflict found"));
        handle.abort();
    }

    #[tokio::test]
    async fn run_once_records_a_failed_run_with_its_summary() {
        let board = JobBoard::default();
        let job = recorder(JobReport::failed("Proxmox did not answer"));
        board.register(job.as_ref(), Duration::from_secs(10));
        let at = DateTime::from_timestamp(1_800_000_000, 0).unwrap();
        let report = run_once(job.as_ref(), &board, at).await;
        assert_eq!(report.outcome, JobOutcome::Failed);
        let last = board.list()[0].last.clone().unwrap();
        assert_eq!((last.at, last.report.summary.as_str()), (at, "Proxmox did not answer"));
    }
}
