//! Reports how a job ended (`…/status`), retrying with backoff while Nimbus cannot be reached;
//! a refusal (the job already decided or not this worker's) ends the attempt, as does a stop
//! signal (the lease then decides).

use crate::backoff::Backoff;
use crate::client::{CallError, Client};
use crate::protocol::StatusReport;
use crate::shutdown::Shutdown;

/// Sends `report` for `job`; answers whether Nimbus accepted it.
pub async fn report(client: &Client, job: u64, report: &StatusReport, shutdown: &mut Shutdown) -> bool {
    let mut backoff = Backoff::default();
    loop {
        match client.post_status(job, report).await {
            Ok(()) => {
                tracing::info!(job, state = ?report.state, exit_code = report.exit_code, reason = report.reason.as_deref().unwrap_or(""), artifact = report.artifact.as_deref().unwrap_or(""), "reported the job's end");
                return true;
            }
            Err(e @ (CallError::NotHeld(_) | CallError::Unauthorized(_) | CallError::Refused { .. })) => {
                tracing::warn!(job, error = %e, "Nimbus did not take the job's report; leaving it to Nimbus");
                return false;
            }
            Err(e) => {
                let delay = backoff.next_delay();
                tracing::warn!(job, error = %e, retry_in_ms = delay.as_millis() as u64, "reporting the job's end failed; trying again");
                tokio::select! {
                    () = tokio::time::sleep(delay) => {}
                    () = shutdown.wait() => return false,
                }
            }
        }
    }
}
