//! A job's output as one ordered stream of chunks: stdout and stderr are read at the same time,
//! merged in the order they arrive, and cut into chunks at the flush size or after the flush
//! delay. Memory is bounded: once the bytes read but not yet acknowledged by Nimbus reach the
//! budget, the pipes are not read again until acknowledgements free room (the job then blocks on
//! its own writes, as it would on a slow terminal).

use std::sync::Arc;
use std::time::Duration;

use tokio::io::{AsyncRead, AsyncReadExt};
use tokio::sync::{Semaphore, mpsc};
use tokio::time::Instant;

/// Bytes read from the pipes and not yet acknowledged, at most.
pub const UNACKED_BUDGET: usize = 8 * 1024 * 1024;

/// The largest single read from a pipe.
const READ_SIZE: usize = 64 * 1024;

/// Room for unacknowledged bytes, shared by the readers (who take) and the sender (who gives
/// back when Nimbus acknowledges a chunk).
#[derive(Clone)]
pub struct Budget(Arc<Semaphore>);

impl Budget {
    pub fn new(bytes: usize) -> Self {
        Self(Arc::new(Semaphore::new(bytes)))
    }

    async fn take(&self, bytes: usize) {
        // Acquiring fails only once the budget is closed; then the piece goes on unaccounted.
        if let Ok(permit) = self.0.acquire_many(bytes as u32).await {
            permit.forget();
        }
    }

    /// Gives back the room of `bytes` acknowledged bytes.
    pub fn release(&self, bytes: usize) {
        self.0.add_permits(bytes);
    }

    /// Lets the readers run to the end of their pipes without waiting for room, once nobody
    /// sends their output any more.
    pub fn close(&self) {
        self.0.close();
    }
}

/// Reads both pipes into one stream of chunks. The returned receiver ends after the last chunk,
/// once both pipes are closed.
pub fn chunks<O, E>(
    stdout: O,
    stderr: E,
    budget: Budget,
    flush_bytes: usize,
    flush_delay: Duration,
) -> mpsc::UnboundedReceiver<Vec<u8>>
where
    O: AsyncRead + Unpin + Send + 'static,
    E: AsyncRead + Unpin + Send + 'static,
{
    let (piece_tx, piece_rx) = mpsc::unbounded_channel();
    let read_size = READ_SIZE.min(budget.0.available_permits().max(1));
    tokio::spawn(read(stdout, piece_tx.clone(), budget.clone(), read_size));
    tokio::spawn(read(stderr, piece_tx, budget, read_size));
    let (chunk_tx, chunk_rx) = mpsc::unbounded_channel();
    tokio::spawn(cut(piece_rx, chunk_tx, flush_bytes, flush_delay));
    chunk_rx
}

/// Reads one pipe until it closes, taking budget for each piece before handing it on.
async fn read<R: AsyncRead + Unpin>(
    mut pipe: R,
    pieces: mpsc::UnboundedSender<Vec<u8>>,
    budget: Budget,
    read_size: usize,
) {
    let mut buf = vec![0u8; read_size];
    loop {
        let n = match pipe.read(&mut buf).await {
            Ok(0) => return,
            Ok(n) => n,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
            Err(e) => {
                tracing::warn!(error = %e, "reading the job's output failed; the rest of this stream is lost");
                return;
            }
        };
        budget.take(n).await;
        if pieces.send(buf[..n].to_vec()).is_err() {
            return;
        }
    }
}

/// Cuts the merged pieces into chunks: a full `flush_bytes` at once, and whatever is pending
/// `flush_delay` after the first byte of it arrived (so no byte waits longer than the delay),
/// and the rest at the end.
async fn cut(
    mut pieces: mpsc::UnboundedReceiver<Vec<u8>>,
    chunks: mpsc::UnboundedSender<Vec<u8>>,
    flush_bytes: usize,
    flush_delay: Duration,
) {
    let mut pending: Vec<u8> = Vec::new();
    let mut deadline: Option<Instant> = None;
    loop {
        let flush_at = deadline;
        tokio::select! {
            piece = pieces.recv() => match piece {
                Some(piece) => {
                    if pending.is_empty() {
                        deadline = Some(Instant::now() + flush_delay);
                    }
                    pending.extend_from_slice(&piece);
                    while pending.len() >= flush_bytes {
                        let rest = pending.split_off(flush_bytes);
                        let _ = chunks.send(std::mem::replace(&mut pending, rest));
                    }
                    if pending.is_empty() {
                        deadline = None;
                    }
                }
                None => break,
            },
            () = sleep_until(flush_at), if flush_at.is_some() => {
                let _ = chunks.send(std::mem::take(&mut pending));
                deadline = None;
            }
        }
    }
    if !pending.is_empty() {
        let _ = chunks.send(pending);
    }
}

async fn sleep_until(at: Option<Instant>) {
    match at {
        Some(at) => tokio::time::sleep_until(at).await,
        None => std::future::pending().await,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use tokio::io::AsyncWriteExt;

    async fn all(mut rx: mpsc::UnboundedReceiver<Vec<u8>>) -> Vec<Vec<u8>> {
        let mut out = Vec::new();
        while let Some(c) = rx.recv().await {
            out.push(c);
        }
        out
    }

    #[tokio::test]
    async fn chunks_are_cut_at_the_flush_size_and_the_rest_comes_at_the_end() {
        let stdout: &[u8] = &[7u8; 2500];
        let rx = chunks(
            stdout,
            tokio::io::empty(),
            Budget::new(UNACKED_BUDGET),
            1000,
            Duration::from_secs(60),
        );
        let got = all(rx).await;
        let sizes: Vec<usize> = got.iter().map(Vec::len).collect();
        assert_eq!(sizes, [1000, 1000, 500]);
    }

    #[tokio::test(start_paused = true)]
    async fn pending_output_is_sent_after_the_flush_delay() {
        let (mut w, r) = tokio::io::duplex(1024);
        let mut rx = chunks(
            r,
            tokio::io::empty(),
            Budget::new(UNACKED_BUDGET),
            1000,
            Duration::from_millis(500),
        );
        w.write_all(b"epoch 1/5\n").await.unwrap();
        // Paused time advances only when every task waits, so this is the delay, not a race.
        let chunk = rx.recv().await.unwrap();
        assert_eq!(chunk, b"epoch 1/5\n");
        drop(w);
        assert!(rx.recv().await.is_none());
    }

    #[tokio::test]
    async fn both_pipes_end_up_in_the_stream_whole() {
        let out: &[u8] = b"out-line\n";
        let err: &[u8] = b"err-line\n";
        let got = all(chunks(
            out,
            err,
            Budget::new(UNACKED_BUDGET),
            4096,
            Duration::from_secs(60),
        ))
        .await;
        let joined: Vec<u8> = got.concat();
        assert_eq!(joined.len(), 18);
        assert!(joined.windows(9).any(|w| w == b"out-line\n"));
        assert!(joined.windows(9).any(|w| w == b"err-line\n"));
    }

    #[tokio::test]
    async fn reading_stops_while_unacknowledged_bytes_fill_the_budget() {
        let (mut w, r) = tokio::io::duplex(64);
        let budget = Budget::new(256);
        let mut rx = chunks(r, tokio::io::empty(), budget.clone(), 128, Duration::from_secs(60));
        let writer = tokio::spawn(async move {
            let mut written = 0usize;
            while w.write_all(&[1u8; 16]).await.is_ok() {
                written += 16;
                if written >= 4096 {
                    break;
                }
            }
            written
        });
        // Two chunks fill the budget; nothing more is read until one is acknowledged.
        let first = rx.recv().await.unwrap();
        let second = rx.recv().await.unwrap();
        assert_eq!(first.len() + second.len(), 256);
        for _ in 0..50 {
            tokio::task::yield_now().await;
        }
        assert!(rx.try_recv().is_err(), "read past the budget");
        assert!(!writer.is_finished(), "the writer should be blocked by the full pipe");
        budget.release(first.len());
        let third = rx.recv().await.unwrap();
        assert_eq!(third.len(), 128);
        budget.release(usize::MAX >> 8);
        let rest: usize = {
            let mut n = 0;
            while n < 4096 - 384 {
                n += rx.recv().await.unwrap().len();
            }
            n
        };
        assert_eq!(rest, 4096 - 384);
        assert_eq!(writer.await.unwrap(), 4096);
    }
}
