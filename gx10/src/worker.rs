//! The worker's loop: clean up after an earlier run, then claim a job, run it to its end, and
//! claim again; sleep the poll interval while the queue is empty, and longer while the GPU plane
//! is off or the token is refused. A stop signal ends the loop.

use std::time::Duration;

use crate::backoff::Backoff;
use crate::client::{CallError, Client};
use crate::config::Config;
use crate::job::{self, Context};
use crate::recover;
use crate::runtime::Runtime;
use crate::shutdown::Shutdown;

/// How often to ask while the plane is off or the token refused: seldom, but the worker comes
/// back by itself once an admin turns the plane on.
const SLOW_POLL: Duration = Duration::from_secs(30);

/// Runs the worker until a stop signal.
pub async fn serve(config: Config) -> anyhow::Result<()> {
    let mut shutdown = Shutdown::listen()?;
    let client = Client::new(&config)?;
    let runtime = Runtime::new(config.runtime.clone());
    tracing::info!(
        version = env!("CARGO_PKG_VERSION"),
        nimbus = %config.nimbus_url,
        worker_id = %config.worker_id,
        runtime = %config.runtime.join(" "),
        output_dir = %config.output_dir.display(),
        "gx10-worker started"
    );
    recover::leftovers(&client, &runtime, &mut shutdown).await;
    let ctx = Context {
        client: client.clone(),
        runtime,
        config,
    };
    let mut backoff = Backoff::default();
    let mut quiet_reason: Option<&'static str> = None;
    while !shutdown.requested() {
        let wait = tokio::select! {
            claimed = client.claim() => match claimed {
                Ok(Some(job)) => {
                    backoff = Backoff::default();
                    quiet_reason = None;
                    job::run(&ctx, job, &mut shutdown).await;
                    continue;
                }
                Ok(None) => {
                    backoff = Backoff::default();
                    if quiet_reason.take().is_some() {
                        tracing::info!("Nimbus answers claims again; the queue is empty");
                    }
                    ctx.config.poll_interval
                }
                Err(CallError::GpuDisabled) => {
                    if quiet_reason.replace("plane off") != Some("plane off") {
                        tracing::warn!(poll_seconds = SLOW_POLL.as_secs(), "the GPU plane is off in Nimbus (Admin → Settings → GPU); polling slowly until it is on");
                    }
                    SLOW_POLL
                }
                Err(e @ CallError::Unauthorized(_)) => {
                    if quiet_reason.replace("token refused") != Some("token refused") {
                        tracing::error!(error = %e, poll_seconds = SLOW_POLL.as_secs(), "check NIMBUS_WORKER_TOKEN (Admin → Settings → GPU → Add worker); polling slowly");
                    }
                    SLOW_POLL
                }
                Err(e) => {
                    let delay = backoff.next_delay().max(ctx.config.poll_interval);
                    tracing::warn!(error = %e, retry_in_ms = delay.as_millis() as u64, "claiming a job failed");
                    delay
                }
            },
            () = shutdown.wait() => break,
        };
        tokio::select! {
            () = tokio::time::sleep(wait) => {}
            () = shutdown.wait() => break,
        }
    }
    tracing::info!("gx10-worker stopped");
    Ok(())
}
