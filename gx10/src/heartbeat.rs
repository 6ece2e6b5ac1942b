//! Heartbeats for the running job, every `heartbeat_seconds`, for as long as the job is being
//! run or reported. Nimbus's answer may ask the worker to cancel the job or to let it go.

use std::time::Duration;

use tokio::sync::mpsc;
use tokio::task::JoinHandle;

use crate::client::Client;
use crate::protocol::Action;

/// What a heartbeat told the worker to do.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Verdict {
    /// Stop the container and report the job failed ("cancelled").
    Cancel,
    /// Stop the container and report nothing; the words say why.
    Abandon(String),
}

/// Heartbeats `job` until the handle is aborted or Nimbus says the job is not this worker's.
pub fn spawn(client: Client, job: u64, every: Duration) -> (mpsc::UnboundedReceiver<Verdict>, JoinHandle<()>) {
    let (tx, rx) = mpsc::unbounded_channel();
    let every = every.max(Duration::from_secs(1));
    let task = tokio::spawn(async move {
        loop {
            tokio::time::sleep(every).await;
            match client.heartbeat(job).await {
                Ok(answer) => match answer.action {
                    Action::Continue => tracing::debug!(job, lease_seconds = answer.lease_seconds, "heartbeat"),
                    Action::Cancel => {
                        tracing::info!(job, "heartbeat: Nimbus asks to cancel the job");
                        let _ = tx.send(Verdict::Cancel);
                    }
                    Action::Abandon => {
                        tracing::info!(job, "heartbeat: Nimbus asks to abandon the job");
                        let _ = tx.send(Verdict::Abandon("Nimbus asked to abandon it".into()));
                        return;
                    }
                },
                Err(e) if e.lost_job() => {
                    tracing::warn!(job, error = %e, "heartbeat refused: the job is no longer this worker's");
                    let _ = tx.send(Verdict::Abandon(e.to_string()));
                    return;
                }
                Err(e) => tracing::warn!(job, error = %e, "heartbeat failed; trying again at the next one"),
            }
        }
    });
    (rx, task)
}
