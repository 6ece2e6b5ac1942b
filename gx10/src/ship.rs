//! Sends a job's chunks to Nimbus strictly in order, numbering them 0, 1, 2, …. A chunk is kept
//! until Nimbus acknowledges it: a failed post is re-sent with the same number after a backoff
//! (Nimbus answers a number it already has with 200 again), so nothing is dropped, duplicated or
//! renumbered. Only a refusal saying the job is no longer this worker's ends the sending early.

use tokio::sync::mpsc;

use crate::backoff::Backoff;
use crate::client::{CallError, Client};
use crate::output::Budget;

/// How sending ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Shipped {
    /// Every chunk was acknowledged; `chunks` is how many there were.
    All { chunks: u64 },
    /// Nimbus says the job is not this worker's any more.
    Lost(CallError),
}

/// Sends every chunk `chunks` yields, in order, until it ends.
pub async fn ship(client: Client, job: u64, mut chunks: mpsc::UnboundedReceiver<Vec<u8>>, budget: Budget) -> Shipped {
    let mut seq = 0u64;
    while let Some(chunk) = chunks.recv().await {
        let len = chunk.len();
        let mut backoff = Backoff::default();
        loop {
            match client.post_log(job, seq, chunk.clone()).await {
                Ok(next) => {
                    if next != seq + 1 {
                        tracing::warn!(
                            job,
                            seq,
                            next_seq = next,
                            "Nimbus expects a different next chunk; keeping this worker's numbering"
                        );
                    }
                    break;
                }
                Err(e) if e.lost_job() => {
                    tracing::warn!(job, seq, error = %e, "log chunk refused: the job is no longer this worker's");
                    return Shipped::Lost(e);
                }
                Err(e) => {
                    let delay = backoff.next_delay();
                    tracing::warn!(job, seq, bytes = len, error = %e, retry_in_ms = delay.as_millis() as u64, "log chunk not accepted; sending it again");
                    tokio::time::sleep(delay).await;
                }
            }
        }
        budget.release(len);
        seq += 1;
    }
    Shipped::All { chunks: seq }
}
