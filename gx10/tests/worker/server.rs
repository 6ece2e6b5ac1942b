//! A fake Nimbus on 127.0.0.1:0 that speaks the worker protocol, with knobs: jobs to hand out,
//! the plane switched off, heartbeat answers, log posts that fail once (a 500, a dropped answer,
//! a 409 `not_held`). It keeps every log chunk by sequence number and notes any protocol
//! violation (a gap, a re-sent number with different bytes, an oversized chunk).

use std::collections::{HashMap, VecDeque};
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};

use http_body_util::{BodyExt, Full};
use hyper::body::{Bytes, Incoming};
use hyper::server::conn::http1;
use hyper::service::service_fn;
use hyper::{Request, Response};
use hyper_util::rt::TokioIo;
use serde_json::{Value, json};
use tokio::net::TcpListener;

pub const TOKEN: &str = "worker-token-1";

/// A log post's planned failure, used once.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Fault {
    /// Answer 500 without keeping the chunk.
    Error500,
    /// Keep the chunk, then close the connection without answering.
    DropAnswer,
    /// Answer 409 `not_held`.
    NotHeld,
}

#[derive(Default)]
pub struct State {
    pub queue: VecDeque<Value>,
    pub claims: u32,
    pub plane_off: bool,
    /// A heartbeat's answer per job: an action word, or a status code with an error code.
    pub heartbeat: HashMap<u64, Result<&'static str, (u16, &'static str)>>,
    pub heartbeats: HashMap<u64, u32>,
    pub log_faults: HashMap<(u64, u64), Fault>,
    /// Accepted chunks per job, by sequence number.
    pub chunks: HashMap<u64, Vec<Vec<u8>>>,
    /// Every log post as it arrived: (job, seq).
    pub log_posts: Vec<(u64, u64)>,
    pub violations: Vec<String>,
    pub statuses: HashMap<u64, Vec<Value>>,
    /// How many status posts to answer with a 502 before taking one.
    pub status_failures: u32,
    pub status_posts: u32,
    pub worker_ids: Vec<String>,
}

impl State {
    /// The job's log as accepted so far.
    pub fn log(&self, job: u64) -> Vec<u8> {
        self.chunks.get(&job).map(|c| c.concat()).unwrap_or_default()
    }
}

pub struct FakeNimbus {
    pub addr: SocketAddr,
    pub state: Arc<Mutex<State>>,
}

impl FakeNimbus {
    pub async fn start() -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let state = Arc::new(Mutex::new(State::default()));
        let shared = state.clone();
        tokio::spawn(async move {
            while let Ok((stream, _)) = listener.accept().await {
                let state = shared.clone();
                tokio::spawn(async move {
                    let service = service_fn(move |req| handle(req, state.clone()));
                    let _ = http1::Builder::new()
                        .serve_connection(TokioIo::new(stream), service)
                        .await;
                });
            }
        });
        Self { addr, state }
    }

    pub fn url(&self) -> String {
        format!("http://{}/", self.addr)
    }

    pub fn with<T>(&self, f: impl FnOnce(&mut State) -> T) -> T {
        f(&mut self.state.lock().unwrap())
    }

    pub fn enqueue(&self, job: Value) {
        self.with(|s| s.queue.push_back(job));
    }
}

/// A job as Nimbus hands it out, heartbeating every second.
pub fn job(id: u64, command: &[&str]) -> Value {
    json!({
        "id": id, "image": "pytorch/pytorch:2.4", "command": command, "env": {"B": "2", "A": "1"},
        "lease_seconds": 60, "heartbeat_seconds": 1, "max_runtime_seconds": 3600,
    })
}

type Answer = Result<Response<Full<Bytes>>, std::io::Error>;

fn answer(status: u16, body: Value) -> Answer {
    Ok(Response::builder()
        .status(status)
        .header("Content-Type", "application/json")
        .body(Full::new(Bytes::from(body.to_string())))
        .unwrap())
}

fn ok(data: Value) -> Answer {
    answer(200, json!({"success": true, "data": data}))
}

fn refuse(status: u16, code: &str) -> Answer {
    answer(
        status,
        json!({"success": false, "error": format!("refused: {code}"), "code": code}),
    )
}

async fn handle(req: Request<Incoming>, state: Arc<Mutex<State>>) -> Answer {
    let header = |name: &str| req.headers().get(name).and_then(|v| v.to_str().ok()).map(str::to_owned);
    let authorized = header("authorization").as_deref() == Some(&format!("Bearer {TOKEN}"));
    let worker = header("x-worker-id");
    let seq = header("x-log-seq");
    let path = req.uri().path().to_owned();
    let body = req
        .into_body()
        .collect()
        .await
        .map_err(std::io::Error::other)?
        .to_bytes();
    if !authorized {
        return refuse(401, "unauthorized");
    }
    let Some(worker) = worker else {
        return refuse(400, "missing_worker_id");
    };
    let mut s = state.lock().unwrap();
    if !s.worker_ids.contains(&worker) {
        s.worker_ids.push(worker);
    }
    let parts: Vec<&str> = path.trim_start_matches("/api/gpu/worker/").split('/').collect();
    match parts.as_slice() {
        ["claim"] => {
            s.claims += 1;
            if s.plane_off {
                return refuse(503, "gpu_disabled");
            }
            match s.queue.pop_front() {
                Some(job) => ok(job),
                None => Ok(Response::builder().status(204).body(Full::new(Bytes::new())).unwrap()),
            }
        }
        ["jobs", id, "heartbeat"] => {
            let id: u64 = id.parse().unwrap();
            *s.heartbeats.entry(id).or_default() += 1;
            match s.heartbeat.get(&id).copied().unwrap_or(Ok("continue")) {
                Ok(action) => ok(json!({"action": action, "lease_seconds": 60})),
                Err((status, code)) => refuse(status, code),
            }
        }
        ["jobs", id, "logs"] => {
            let id: u64 = id.parse().unwrap();
            let Some(seq) = seq.and_then(|v| v.parse::<u64>().ok()) else {
                s.violations.push(format!("job {id}: a log post without X-Log-Seq"));
                return refuse(400, "bad_seq");
            };
            s.log_posts.push((id, seq));
            if body.len() > 1024 * 1024 {
                s.violations.push(format!("job {id} seq {seq}: {} bytes", body.len()));
            }
            let fault = s.log_faults.remove(&(id, seq));
            match fault {
                Some(Fault::Error500) => return refuse(500, "internal"),
                Some(Fault::NotHeld) => return refuse(409, "not_held"),
                _ => {}
            }
            let chunks = s.chunks.entry(id).or_default();
            let have = chunks.len() as u64;
            if seq < have {
                if chunks[seq as usize] != body {
                    s.violations
                        .push(format!("job {id} seq {seq}: re-sent with different bytes"));
                }
            } else if seq == have {
                chunks.push(body.to_vec());
            } else {
                s.violations
                    .push(format!("job {id}: seq {seq} arrived while {have} was expected"));
                return refuse(400, "gap");
            }
            if fault == Some(Fault::DropAnswer) {
                return Err(std::io::Error::other("the answer is dropped on purpose"));
            }
            ok(json!({"next_seq": seq + 1}))
        }
        ["jobs", id, "status"] => {
            let id: u64 = id.parse().unwrap();
            s.status_posts += 1;
            if s.status_failures > 0 {
                s.status_failures -= 1;
                return refuse(502, "bad_gateway");
            }
            let report: Value = serde_json::from_slice(&body).unwrap_or(Value::Null);
            s.statuses.entry(id).or_default().push(report);
            ok(json!({}))
        }
        _ => refuse(404, "not_found"),
    }
}
