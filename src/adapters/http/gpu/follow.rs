//! Following a GPU job over server-sent events: its stored output from a chunk number on (`log`,
//! with the chunk number as the event id, so a reconnecting browser resumes where it was), the
//! job itself whenever it changes (`job`), and `end` once it finished and every chunk was sent.
//! A follower first catches up from the store (so one that joins late, or after a restart, sees
//! everything), then takes new output straight from the queue's events; a chunk is rendered into
//! its events once and the bytes shared by every follower (`RENDERED`), so a hundred followers
//! cost little more than one. One that falls behind catches up from the store again. Bytes that
//! are not UTF-8 are shown as U+FFFD (the download is raw).

use std::collections::{HashMap, VecDeque};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use poem::Body;
use poem_openapi::types::ToJSON;
use serde_json::json;

use super::super::body_channel::channel;
use super::views::GpuJobView;
use crate::app::accounts::Caller;
use crate::app::gpu_queue::{GpuEvent, GpuQueue};
use crate::app::stream_budget::StreamGuard;
use crate::domain::gpu_queue::JobId;
use tokio::sync::{broadcast, mpsc};

/// Keep-alive interval: a quiet job still shows its stream is open.
const KEEP_ALIVE: Duration = Duration::from_secs(15);

/// How many rendered chunks are kept for followers (a few MiB at the worker's 64 KiB chunks).
const RENDERED_KEPT: usize = 64;

/// Chunks already rendered into events, by job and chunk number, newest last: one per running
/// API (so two Nimbus instances in one process never share one).
#[derive(Default)]
pub struct RenderedChunks(Mutex<Rendered>);

/// The rendered chunks, and their keys oldest first.
type Rendered = (HashMap<ChunkKey, Arc<Vec<u8>>>, VecDeque<ChunkKey>);

/// A job's id and a chunk's number.
type ChunkKey = (u64, u64);

impl RenderedChunks {
    /// The events of chunk `seq` of job `job`, rendered once for every follower.
    fn get(&self, job: JobId, seq: u64, bytes: &[u8]) -> Arc<Vec<u8>> {
        let key = (job.0, seq);
        if let Some(hit) = self.0.lock().unwrap_or_else(|p| p.into_inner()).0.get(&key) {
            return hit.clone();
        }
        let events = Arc::new(log_events(seq, bytes));
        let mut guard = self.0.lock().unwrap_or_else(|p| p.into_inner());
        let (map, order) = &mut *guard;
        if map.insert(key, events.clone()).is_none() {
            order.push_back(key);
        }
        while order.len() > RENDERED_KEPT {
            if let Some(old) = order.pop_front() {
                map.remove(&old);
            }
        }
        events
    }
}

/// Most bytes of output one `log` event carries (a large stored chunk is sent in pieces).
const MAX_EVENT_BYTES: usize = 64 * 1024;

fn event(name: &str, id: Option<u64>, data: &serde_json::Value) -> Vec<u8> {
    let id = id.map(|i| format!("id: {i}\n")).unwrap_or_default();
    format!("{id}event: {name}\ndata: {data}\n\n").into_bytes()
}

/// `log` events for one stored chunk, split on character boundaries of its lossy text.
fn log_events(seq: u64, bytes: &[u8]) -> Vec<u8> {
    let text = String::from_utf8_lossy(bytes);
    let mut out = Vec::new();
    let mut rest: &str = &text;
    while !rest.is_empty() {
        let mut end = rest.len().min(MAX_EVENT_BYTES);
        while !rest.is_char_boundary(end) {
            end -= 1;
        }
        let (piece, tail) = rest.split_at(end);
        out.extend(event("log", Some(seq), &json!({"seq": seq, "text": piece})));
        rest = tail;
    }
    out
}

/// What a follower sends next, and where it is.
struct Follow {
    queue: Arc<GpuQueue>,
    rendered: Arc<RenderedChunks>,
    caller: Caller,
    id: JobId,
    tx: mpsc::Sender<Vec<u8>>,
    next: u64,
    last_job: Option<serde_json::Value>,
}

/// Why a follower stops.
enum Stop {
    /// The client went away.
    Gone,
    /// The job ended (its `end` was sent) or cannot be read (an `error` was sent).
    Done,
}

impl Follow {
    async fn send(&self, bytes: Vec<u8>) -> Result<(), Stop> {
        self.tx.send(bytes).await.map_err(|_| Stop::Gone)
    }

    async fn fail(&self, code: &str, message: String) -> Stop {
        let _ = self
            .send(event("error", None, &json!({"code": code, "message": message})))
            .await;
        Stop::Done
    }

    /// Sends every stored chunk from `next` on.
    async fn catch_up(&mut self) -> Result<(), Stop> {
        let chunks = match self.queue.output_from(self.id, self.next).await {
            Ok(chunks) => chunks,
            Err(e) => return Err(self.fail(e.code(), e.to_string()).await),
        };
        for (seq, bytes) in chunks {
            self.send(self.rendered.get(self.id, seq, &bytes).as_ref().clone())
                .await?;
            self.next = seq + 1;
        }
        Ok(())
    }

    /// Re-reads the job: a `job` event when it changed; `end` (after the last output) when it
    /// finished.
    async fn job(&mut self) -> Result<(), Stop> {
        let job = match self.queue.get(&self.caller, self.id).await {
            Ok(job) => job,
            Err(e) => return Err(self.fail(e.code(), e.to_string()).await),
        };
        let view = GpuJobView::new(&job, self.queue.now(), None)
            .to_json()
            .unwrap_or_default();
        if job.job.state.is_terminal() {
            self.catch_up().await?;
            self.send(event("end", None, &view)).await?;
            return Err(Stop::Done);
        }
        if self.last_job.as_ref() != Some(&view) {
            self.send(event("job", None, &view)).await?;
            self.last_job = Some(view);
        }
        Ok(())
    }

    /// One event of the queue.
    async fn on(&mut self, heard: Result<GpuEvent, broadcast::error::RecvError>) -> Result<(), Stop> {
        match heard {
            Ok(GpuEvent::Output { job, seq, bytes }) if job == self.id => {
                if seq > self.next {
                    // A chunk before it is not here yet (or was missed): read what is stored.
                    return self.catch_up().await;
                }
                if seq == self.next {
                    self.send(self.rendered.get(job, seq, &bytes).as_ref().clone()).await?;
                    self.next = seq + 1;
                }
                Ok(())
            }
            Ok(GpuEvent::Output { .. }) => Ok(()),
            Ok(GpuEvent::Changed) => self.job().await,
            Err(broadcast::error::RecvError::Lagged(_)) => {
                self.catch_up().await?;
                self.job().await
            }
            Err(broadcast::error::RecvError::Closed) => Err(Stop::Gone),
        }
    }
}

/// The body of `GET /gpu/jobs/{id}/logs/stream`.
pub fn follow(
    queue: Arc<GpuQueue>,
    rendered: Arc<RenderedChunks>,
    caller: Caller,
    id: JobId,
    from_seq: u64,
    mut slot: StreamGuard,
) -> Body {
    let (tx, answer) = channel();
    // Subscribed before catching up, so nothing kept in between is missed.
    let mut events = queue.subscribe();
    let mut f = Follow {
        queue,
        rendered,
        caller,
        id,
        tx,
        next: from_seq,
        last_job: None,
    };
    tokio::spawn(async move {
        if f.send(b"retry: 2000\n\n".to_vec()).await.is_err() {
            return;
        }
        if f.catch_up().await.is_err() || f.job().await.is_err() {
            return;
        }
        loop {
            let step = tokio::select! {
                _ = f.tx.closed() => return,
                _ = slot.ended() => {
                    let message = "Your account's role or standing changed, so this stream ended. Open it again to go on following the job.";
                    f.fail("stream_ended", message.to_owned()).await;
                    return;
                }
                heard = events.recv() => f.on(heard).await,
                () = tokio::time::sleep(KEEP_ALIVE) => f.send(b": keep-alive\n\n".to_vec()).await,
            };
            if step.is_err() {
                return;
            }
        }
    });
    answer
}
