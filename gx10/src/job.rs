//! Runs one claimed job to its end: starts the container, streams its output, heartbeats, stops
//! it when Nimbus cancels or abandons it, when it runs past its maximum runtime or when the worker
//! is stopped, and reports how it ended once every chunk of output was acknowledged.

use std::path::Path;
use std::process::ExitStatus;
use std::time::Duration;

use tokio::task::JoinHandle;

use crate::client::{CallError, Client};
use crate::config::Config;
use crate::heartbeat::{self, Verdict};
use crate::output::{self, Budget, UNACKED_BUDGET};
use crate::protocol::{Job, StatusReport};
use crate::report::report;
use crate::runtime::{Runtime, container_name, output_dir};
use crate::ship::{Shipped, ship};
use crate::shutdown::Shutdown;

/// What the worker needs to run jobs.
#[derive(Clone)]
pub struct Context {
    pub client: Client,
    pub runtime: Runtime,
    pub config: Config,
}

/// Why the worker stopped a container before it ended by itself.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Cause {
    Cancelled,
    TooLong,
}

/// Runs `job` to its end and reports it (unless the job was lost or the worker is stopping).
pub async fn run(ctx: &Context, job: Job, shutdown: &mut Shutdown) {
    let id = job.id;
    let name = container_name(id);
    let out = output_dir(&ctx.config.output_dir, id);
    tracing::info!(job = id, image = %job.image, container = %name, command = ?job.command, lease_seconds = job.lease_seconds, max_runtime_seconds = job.max_runtime_seconds, "running the job");
    if let Err(e) = std::fs::create_dir_all(&out) {
        let reason = format!("the output folder {} could not be created: {e}", out.display());
        tracing::error!(job = id, %reason, "the job could not start");
        report(&ctx.client, id, &StatusReport::failed(-1, reason, None), shutdown).await;
        return;
    }
    let mut child = match ctx.runtime.spawn_run(&job, &out) {
        Ok(child) => child,
        Err(e) => {
            let reason = format!(
                "the container runtime ({}) could not be started: {e}",
                ctx.config.runtime.join(" ")
            );
            tracing::error!(job = id, %reason, "the job could not start");
            report(&ctx.client, id, &StatusReport::failed(-1, reason, None), shutdown).await;
            return;
        }
    };
    let (mut verdicts, beats) = heartbeat::spawn(ctx.client.clone(), id, Duration::from_secs(job.heartbeat_seconds));
    let budget = Budget::new(UNACKED_BUDGET);
    let chunks = output::chunks(
        child.stdout.take().expect("stdout is piped"),
        child.stderr.take().expect("stderr is piped"),
        budget.clone(),
        ctx.config.log_flush_bytes,
        ctx.config.log_flush_delay,
    );
    let mut shipper = tokio::spawn(ship(ctx.client.clone(), id, chunks, budget.clone()));
    let too_long = tokio::time::sleep(Duration::from_secs(job.max_runtime_seconds));
    tokio::pin!(too_long);

    let mut cause: Option<Cause> = None;
    let mut lost: Option<String> = None;
    let mut stopping = false;
    let mut stopper: Option<JoinHandle<()>> = None;
    let mut shipped: Option<Shipped> = None;
    let status = loop {
        let stop_now = tokio::select! {
            status = child.wait() => break status,
            Some(verdict) = verdicts.recv() => match verdict {
                Verdict::Cancel => { cause.get_or_insert(Cause::Cancelled); true }
                Verdict::Abandon(why) => { lost.get_or_insert(why); true }
            },
            () = &mut too_long, if cause.is_none() => {
                tracing::warn!(job = id, max_runtime_seconds = job.max_runtime_seconds, "the job ran past its maximum runtime; stopping it");
                cause = Some(Cause::TooLong);
                true
            }
            () = shutdown.wait(), if !stopping => { stopping = true; true }
            result = &mut shipper, if shipped.is_none() => {
                let result = result.unwrap_or_else(|e| Shipped::Lost(CallError::Transient(e.to_string())));
                let gone = matches!(result, Shipped::Lost(_));
                if let Shipped::Lost(e) = &result {
                    lost.get_or_insert(e.to_string());
                }
                shipped = Some(result);
                gone
            }
        };
        if stop_now && stopper.is_none() {
            stopper = Some(tokio::spawn(stop(
                ctx.runtime.clone(),
                name.clone(),
                ctx.config.stop_grace,
            )));
        }
    };
    if let Some(stopper) = stopper {
        stopper.abort();
    }
    let status = match status {
        Ok(status) => status,
        Err(e) => {
            tracing::error!(job = id, error = %e, "waiting for the container runtime failed");
            ExitStatus::default()
        }
    };
    tracing::info!(job = id, exit = %status, "the container ended");

    if let Some(why) = lost {
        tracing::info!(job = id, %why, "the job is no longer this worker's; not reporting it");
        shipper.abort();
        budget.close();
        beats.abort();
        return;
    }
    if stopping || shutdown.requested() {
        // Send what was read, for as long as one call may take, and leave the rest to the lease.
        if shipped.is_none() {
            let _ = tokio::time::timeout(ctx.config.http_timeout, &mut shipper).await;
            shipper.abort();
            budget.close();
        }
        beats.abort();
        tracing::info!(
            job = id,
            "stopped for shutdown; Nimbus hands the job out again when its lease runs out"
        );
        return;
    }
    let shipped = match shipped {
        Some(done) => done,
        None => {
            let mut beating = true;
            loop {
                tokio::select! {
                    result = &mut shipper => break result.unwrap_or_else(|e| Shipped::Lost(CallError::Transient(e.to_string()))),
                    verdict = verdicts.recv(), if beating => match verdict {
                        Some(Verdict::Abandon(why)) => break Shipped::Lost(CallError::NotHeld(why)),
                        // The container has ended by itself: its own ending is reported.
                        Some(Verdict::Cancel) => {}
                        None => beating = false,
                    },
                    () = shutdown.wait() => {
                        shipper.abort();
                        budget.close();
                        beats.abort();
                        return;
                    }
                }
            }
        }
    };
    if let Shipped::Lost(e) = shipped {
        tracing::info!(job = id, error = %e, "the job is no longer this worker's; not reporting it");
        budget.close();
        beats.abort();
        return;
    }
    let end = ending(cause, status, &job, artifact(&out));
    report(&ctx.client, id, &end, shutdown).await;
    beats.abort();
}

/// `<runtime> stop --time <grace>`, then `<runtime> kill` if the container still runs
/// grace + 5 s later (this task is aborted as soon as the container ends).
async fn stop(runtime: Runtime, name: String, grace: u64) {
    tracing::info!(container = %name, grace_seconds = grace, "stopping the container");
    match runtime.stop(&name, grace).await {
        Ok(out) if !out.status.success() => {
            tracing::warn!(container = %name, error = %String::from_utf8_lossy(&out.stderr).trim(), "`stop` failed")
        }
        Err(e) => tracing::warn!(container = %name, error = %e, "`stop` could not be run"),
        Ok(_) => {}
    }
    tokio::time::sleep(Duration::from_secs(grace + 5)).await;
    tracing::warn!(container = %name, "the container still runs after the grace period; killing it");
    if let Err(e) = runtime.kill(&name).await {
        tracing::warn!(container = %name, error = %e, "`kill` could not be run");
    }
}

/// The output folder, when the job left something in it.
fn artifact(out: &Path) -> Option<String> {
    let mut entries = std::fs::read_dir(out).ok()?;
    entries.next().is_some().then(|| out.display().to_string())
}

/// The report for a container that ended with `status`, stopped for `cause` if any.
fn ending(cause: Option<Cause>, status: ExitStatus, job: &Job, artifact: Option<String>) -> StatusReport {
    use std::os::unix::process::ExitStatusExt;
    let code = status.code().map_or(-1, i64::from);
    match cause {
        Some(Cause::Cancelled) => StatusReport::failed(code, "cancelled", artifact),
        Some(Cause::TooLong) => StatusReport::failed(
            code,
            format!(
                "ran longer than the maximum runtime ({})",
                span(job.max_runtime_seconds)
            ),
            artifact,
        ),
        None => match (status.code(), status.signal()) {
            (Some(0), _) => StatusReport::succeeded(artifact),
            (Some(n), _) => StatusReport::failed(i64::from(n), format!("exited with code {n}"), artifact),
            (None, Some(sig)) => StatusReport::failed(
                -1,
                format!("the container runtime was killed by signal {sig}"),
                artifact,
            ),
            (None, None) => StatusReport::failed(-1, "the container runtime ended without an exit code", artifact),
        },
    }
}

/// A number of seconds in the largest whole unit: `24h`, `90m`, `45s`.
fn span(seconds: u64) -> String {
    match seconds {
        s if s > 0 && s % 3600 == 0 => format!("{}h", s / 3600),
        s if s > 0 && s % 60 == 0 => format!("{}m", s / 60),
        s => format!("{s}s"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::os::unix::process::ExitStatusExt;

    fn job(max: u64) -> Job {
        Job {
            id: 1,
            image: "i".into(),
            command: vec![],
            env: Default::default(),
            lease_seconds: 60,
            heartbeat_seconds: 15,
            max_runtime_seconds: max,
        }
    }

    #[test]
    fn each_ending_is_reported_with_its_exit_code_and_reason() {
        let exit = |code: i32| ExitStatus::from_raw(code << 8);
        assert_eq!(ending(None, exit(0), &job(60), None), StatusReport::succeeded(None));
        assert_eq!(
            ending(None, exit(3), &job(60), Some("/o/1".into())),
            StatusReport::failed(3, "exited with code 3", Some("/o/1".into()))
        );
        assert_eq!(
            ending(Some(Cause::Cancelled), exit(143), &job(60), None),
            StatusReport::failed(143, "cancelled", None)
        );
        assert_eq!(
            ending(Some(Cause::TooLong), exit(143), &job(86400), None)
                .reason
                .unwrap(),
            "ran longer than the maximum runtime (24h)"
        );
        assert_eq!(ending(None, ExitStatus::from_raw(9), &job(60), None).exit_code, -1);
    }

    #[test]
    fn spans_use_the_largest_whole_unit() {
        assert_eq!(span(86400), "24h");
        assert_eq!(span(5400), "90m");
        assert_eq!(span(45), "45s");
        assert_eq!(span(0), "0s");
    }
}
