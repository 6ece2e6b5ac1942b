//! Following a GPU job over server-sent events: its stored output from a chunk number on (`log`,
//! with the chunk number as the event id, so a reconnecting browser resumes where it was), the
//! job itself whenever it changes (`job`), and `end` once it finished and every chunk was sent.
//! The output is read back from the store, so a follower that joins late, or after a restart,
//! sees all of it; bytes that are not UTF-8 are shown as U+FFFD (the download is raw).

use std::sync::Arc;
use std::time::Duration;

use poem::Body;
use poem_openapi::types::ToJSON;
use serde_json::json;

use super::super::body_channel::channel;
use super::views::GpuJobView;
use crate::app::accounts::Caller;
use crate::app::gpu_queue::GpuQueue;
use crate::app::stream_budget::StreamGuard;
use crate::domain::gpu_queue::JobId;

/// Keep-alive interval: a quiet job still shows its stream is open.
const KEEP_ALIVE: Duration = Duration::from_secs(15);

/// Most bytes of output one `log` event carries (a large stored chunk is sent in pieces).
const MAX_EVENT_BYTES: usize = 64 * 1024;

fn event(name: &str, id: Option<u64>, data: &serde_json::Value) -> Vec<u8> {
    let id = id.map(|i| format!("id: {i}\n")).unwrap_or_default();
    format!("{id}event: {name}\ndata: {data}\n\n").into_bytes()
}

/// `log` events for one stored chunk, split on character boundaries of its lossy text.
fn log_events(seq: u64, bytes: &[u8]) -> Vec<Vec<u8>> {
    let text = String::from_utf8_lossy(bytes);
    let mut out = Vec::new();
    let mut rest: &str = &text;
    while !rest.is_empty() {
        let mut end = rest.len().min(MAX_EVENT_BYTES);
        while !rest.is_char_boundary(end) {
            end -= 1;
        }
        let (piece, tail) = rest.split_at(end);
        out.push(event("log", Some(seq), &json!({"seq": seq, "text": piece})));
        rest = tail;
    }
    out
}

/// The body of `GET /gpu/jobs/{id}/logs/stream`.
pub fn follow(queue: Arc<GpuQueue>, caller: Caller, id: JobId, from_seq: u64, mut slot: StreamGuard) -> Body {
    let (tx, answer) = channel();
    let mut changes = queue.subscribe();
    tokio::spawn(async move {
        if tx.send(b"retry: 2000\n\n".to_vec()).await.is_err() {
            return;
        }
        let mut next = from_seq;
        let mut last_job = None;
        loop {
            // Marked seen before reading, so a change during the reads wakes the next wait.
            changes.borrow_and_update();
            let job = match queue.get(&caller, id).await {
                Ok(job) => job,
                Err(e) => {
                    let data = json!({"code": e.code(), "message": e.to_string()});
                    let _ = tx.send(event("error", None, &data)).await;
                    return;
                }
            };
            let chunks = match queue.output_from(id, next).await {
                Ok(chunks) => chunks,
                Err(e) => {
                    let data = json!({"code": e.code(), "message": e.to_string()});
                    let _ = tx.send(event("error", None, &data)).await;
                    return;
                }
            };
            for (seq, bytes) in chunks {
                for piece in log_events(seq, &bytes) {
                    if tx.send(piece).await.is_err() {
                        return;
                    }
                }
                next = seq + 1;
            }
            let view = GpuJobView::new(&job, queue.now(), None).to_json().unwrap_or_default();
            let finished = job.job.state.is_terminal();
            if finished {
                let _ = tx.send(event("end", None, &view)).await;
                return;
            }
            if last_job.as_ref() != Some(&view) {
                if tx.send(event("job", None, &view)).await.is_err() {
                    return;
                }
                last_job = Some(view);
            }
            tokio::select! {
                _ = tx.closed() => return,
                _ = slot.ended() => {
                    let data = json!({"code": "stream_ended", "message": "Your account's role or standing changed, so this stream ended. Open it again to go on following the job."});
                    let _ = tx.send(event("error", None, &data)).await;
                    return;
                }
                changed = changes.changed() => if changed.is_err() { return },
                () = tokio::time::sleep(KEEP_ALIVE) => {
                    if tx.send(b": keep-alive\n\n".to_vec()).await.is_err() {
                        return;
                    }
                }
            }
        }
    });
    answer
}
