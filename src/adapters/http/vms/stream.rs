//! Following a provision over HTTP: the NDJSON stream of `POST /vms`, the server-sent events of
//! `GET /vms/{id}/events`, and the plain request that waits. All three read the same published
//! states, so a dropped connection loses nothing: the run goes on and can be joined again.
//!
//! A stream holds a slot of its account's stream budget until it ends: when it is done, when
//! the client goes away (noticed at once: the body's channel closes), or when an admin changes
//! the account's role or standing.

use std::sync::Arc;
use std::time::Duration;

use poem::Body;
use serde_json::json;
use tokio::sync::watch;

use super::super::body_channel::channel;
use super::views::{ResultView, VmView, body};
use crate::app::accounts::Caller;
use crate::app::provisioning::{ProvisionError, Snapshot, Views};
use crate::app::stream_budget::StreamGuard;
use crate::domain::ids::InstanceId;

/// Keep-alive interval of long-lived streams.
const HEARTBEAT: Duration = Duration::from_secs(15);

/// What a stream says when an admin's change to the account ended it.
const ENDED: &str = "Your account's role or standing changed, so this stream ended. Open it again to go on \
    following the machine; its build goes on either way.";

/// Yields the states of one provision as they change.
pub struct Follower {
    views: Arc<Views>,
    caller: Caller,
    id: InstanceId,
    rx: Option<watch::Receiver<Snapshot>>,
    last: Option<Snapshot>,
}

/// What a follower saw.
pub enum Seen {
    State(Snapshot),
    /// Nothing changed for a while (send a keep-alive).
    Quiet,
}

impl Follower {
    pub fn new(views: Arc<Views>, caller: Caller, id: InstanceId) -> Self {
        Self {
            views,
            caller,
            id,
            rx: None,
            last: None,
        }
    }

    async fn load(&mut self) -> Result<Snapshot, ProvisionError> {
        let (snapshot, rx) = self.views.follow(&self.caller, self.id).await?;
        self.rx = rx;
        Ok(snapshot)
    }

    /// The current state first, then each change.
    pub async fn next(&mut self) -> Result<Seen, ProvisionError> {
        if self.last.is_none() {
            let s = self.load().await?;
            self.last = Some(s.clone());
            return Ok(Seen::State(s));
        }
        let waited = match &mut self.rx {
            Some(rx) => match tokio::time::timeout(HEARTBEAT, rx.changed()).await {
                Ok(Ok(())) => Some(rx.borrow_and_update().clone()),
                Ok(Err(_)) => Some(self.load().await?),
                Err(_) => None,
            },
            None => {
                // The run is not in this process (or has ended): read the store now and then.
                tokio::time::sleep(Duration::from_secs(1)).await;
                let s = self.load().await?;
                let same = self.last.as_ref().is_some_and(|l| l.updated_at == s.updated_at);
                (!same).then_some(s)
            }
        };
        match waited {
            Some(s) => {
                self.last = Some(s.clone());
                Ok(Seen::State(s))
            }
            None => Ok(Seen::Quiet),
        }
    }

    pub fn caller(&self) -> &Caller {
        &self.caller
    }

    pub fn views(&self) -> &Arc<Views> {
        &self.views
    }
}

fn line(value: serde_json::Value) -> Vec<u8> {
    let mut bytes = serde_json::to_vec(&value).expect("JSON values serialise");
    bytes.push(b'\n');
    bytes
}

fn to_json<T: poem_openapi::types::ToJSON>(v: &T) -> serde_json::Value {
    v.to_json().unwrap_or(serde_json::Value::Null)
}

/// The NDJSON stream of a provision: `accepted`, one `step` per completed step, then exactly one
/// `result` or `error` (`stream_ended` when an admin's change to the account ended it).
pub fn ndjson(mut follower: Follower, mut slot: StreamGuard) -> Body {
    let (tx, answer) = channel();
    tokio::spawn(async move {
        let id = follower.id;
        let mut out = vec![line(json!({"type": "accepted", "id": id.to_string()}))];
        let mut sent = 0usize;
        loop {
            let seen = tokio::select! {
                _ = tx.closed() => return,
                _ = slot.ended() => {
                    out.push(line(json!({"type": "error", "code": "stream_ended", "message": ENDED, "step": null})));
                    break;
                }
                seen = follower.next() => seen,
            };
            let snapshot = match seen {
                Ok(Seen::State(s)) => s,
                Ok(Seen::Quiet) => continue,
                Err(e) => {
                    let b = body(&e);
                    out.push(line(
                        json!({"type": "error", "code": b.code, "message": b.error, "step": null}),
                    ));
                    break;
                }
            };
            let view = VmView::from(&follower.views().view(snapshot.clone()).await);
            for step in view.steps.iter().skip(sent) {
                let mut detail = json!({"elapsed_ms": step.elapsed_ms});
                for (k, v) in [
                    ("ip", to_json(&step.ip)),
                    ("node", to_json(&step.node)),
                    ("vmid", to_json(&step.vmid)),
                ] {
                    if !v.is_null() {
                        detail[k] = v;
                    }
                }
                if step.step == "wait_ready" {
                    detail["unconfirmed"] = json!(view.unconfirmed);
                }
                out.push(line(
                    json!({"type": "step", "step": step.step, "status": "done", "detail": detail}),
                ));
            }
            sent = view.steps.len();
            let outcome = follower.views().outcome(follower.caller(), &snapshot).await;
            let done = match outcome {
                Some(Ok(result)) => {
                    out.push(line(
                        json!({"type": "result", "data": to_json(&ResultView::from(result))}),
                    ));
                    true
                }
                Some(Err(e)) => {
                    let b = body(&e);
                    let step = match &e {
                        ProvisionError::Failed { step, .. } => json!(step),
                        _ => serde_json::Value::Null,
                    };
                    out.push(line(
                        json!({"type": "error", "code": b.code, "message": b.error, "step": step}),
                    ));
                    true
                }
                None => false,
            };
            for chunk in out.drain(..) {
                if tx.send(chunk).await.is_err() {
                    return;
                }
            }
            if done {
                break;
            }
        }
        for chunk in out.drain(..) {
            if tx.send(chunk).await.is_err() {
                return;
            }
        }
    });
    answer
}

/// The NDJSON answer to a request that waits for approval: `accepted`, then `pending_approval`
/// with the machine; nothing more follows on this connection.
pub fn pending(view: VmView) -> Body {
    let id = view.id.clone();
    let mut bytes = line(json!({"type": "accepted", "id": id}));
    bytes.extend(line(json!({"type": "pending_approval", "data": to_json(&view)})));
    Body::from_bytes(bytes.into())
}

/// Server-sent events: `event: vm` with the whole VM on every change, until it settles (or
/// `event: error` with `stream_ended` when an admin's change to the account ended it).
pub fn events(mut follower: Follower, mut slot: StreamGuard) -> Body {
    let (tx, answer) = channel();
    tokio::spawn(async move {
        if tx.send(b"retry: 2000\n\n".to_vec()).await.is_err() {
            return;
        }
        loop {
            let seen = tokio::select! {
                _ = tx.closed() => return,
                _ = slot.ended() => Err(None),
                seen = follower.next() => seen.map_err(Some),
            };
            let (chunk, end) = match seen {
                Ok(Seen::State(s)) => {
                    let view = VmView::from(&follower.views().view(s.clone()).await);
                    let data = serde_json::to_string(&to_json(&view)).unwrap_or_default();
                    let end = s.provision.phase().is_at_rest();
                    (format!("event: vm\ndata: {data}\n\n"), end)
                }
                Ok(Seen::Quiet) => (": keep-alive\n\n".to_owned(), false),
                Err(e) => {
                    let (code, message) = match e {
                        Some(e) => {
                            let b = body(&e);
                            (b.code, b.error)
                        }
                        None => ("stream_ended".to_owned(), ENDED.to_owned()),
                    };
                    let data = json!({"code": code, "message": message});
                    (format!("event: error\ndata: {data}\n\n"), true)
                }
            };
            if tx.send(chunk.into_bytes()).await.is_err() || end {
                break;
            }
        }
    });
    answer
}

/// Waits for the provision's end, as the plain JSON request does.
pub async fn wait(mut follower: Follower) -> Result<ResultView, ProvisionError> {
    loop {
        let Seen::State(s) = follower.next().await? else {
            continue;
        };
        if let Some(outcome) = follower.views().outcome(follower.caller(), &s).await {
            return outcome.map(ResultView::from);
        }
    }
}
