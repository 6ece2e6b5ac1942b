//! The HTTP client for the worker protocol: one method per call, each answer sorted into what the
//! worker should do next (go on, retry, or let the job go).

use reqwest::StatusCode;
use serde::de::DeserializeOwned;

use crate::config::Config;
use crate::protocol::{Envelope, HeartbeatAnswer, Job, LogAck, StatusReport};

/// Why a call did not get the answer it wanted.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CallError {
    /// 409 `not_held` or 404: the job is not (or no longer) this worker's.
    #[error("the job is no longer held by this worker: {0}")]
    NotHeld(String),
    /// 401: the worker token was refused (wrong, or revoked in Settings → GPU).
    #[error("Nimbus refused the worker token: {0}")]
    Unauthorized(String),
    /// 503 `gpu_disabled`: the GPU plane is switched off in Nimbus.
    #[error("the GPU plane is off in Nimbus")]
    GpuDisabled,
    /// Any other 4xx: retrying the same request will not help.
    #[error("Nimbus refused the call ({status}): {message}")]
    Refused { status: u16, message: String },
    /// No answer, a timeout or a 5xx: worth retrying.
    #[error("Nimbus could not be reached or failed: {0}")]
    Transient(String),
}

impl CallError {
    /// Whether the job is lost to this worker (stop it, report nothing).
    pub fn lost_job(&self) -> bool {
        matches!(self, Self::NotHeld(_) | Self::Unauthorized(_))
    }
}

/// Talks to one Nimbus as one worker.
#[derive(Clone)]
pub struct Client {
    http: reqwest::Client,
    base: String,
    token: String,
    worker_id: String,
}

impl Client {
    pub fn new(config: &Config) -> anyhow::Result<Self> {
        let http = reqwest::Client::builder()
            .timeout(config.http_timeout)
            .connect_timeout(config.http_timeout)
            .user_agent(concat!("gx10-worker/", env!("CARGO_PKG_VERSION")))
            .build()?;
        Ok(Self {
            http,
            base: format!("{}/api/gpu/worker", config.nimbus_url),
            token: config.token.clone(),
            worker_id: config.worker_id.clone(),
        })
    }

    fn post(&self, path: &str) -> reqwest::RequestBuilder {
        self.http
            .post(format!("{}{path}", self.base))
            .bearer_auth(&self.token)
            .header("X-Worker-Id", &self.worker_id)
    }

    /// The next queued job, or `None` when the queue is empty (204).
    pub async fn claim(&self) -> Result<Option<Job>, CallError> {
        let answer = send(self.post("/claim")).await?;
        if answer.0 == StatusCode::NO_CONTENT {
            return Ok(None);
        }
        data(answer).map(Some)
    }

    pub async fn heartbeat(&self, job: u64) -> Result<HeartbeatAnswer, CallError> {
        data(send(self.post(&format!("/jobs/{job}/heartbeat"))).await?)
    }

    /// Sends one log chunk; answers the sequence number Nimbus expects next.
    pub async fn post_log(&self, job: u64, seq: u64, bytes: Vec<u8>) -> Result<u64, CallError> {
        let request = self
            .post(&format!("/jobs/{job}/logs"))
            .header("Content-Type", "application/octet-stream")
            .header("X-Log-Seq", seq.to_string())
            .body(bytes);
        let ack: LogAck = data(send(request).await?)?;
        Ok(ack.next_seq)
    }

    pub async fn post_status(&self, job: u64, report: &StatusReport) -> Result<(), CallError> {
        let request = self.post(&format!("/jobs/{job}/status")).json(report);
        send(request).await.map(|_| ())
    }
}

/// A 2xx answer: its status and body.
type Answer = (StatusCode, Vec<u8>);

async fn send(request: reqwest::RequestBuilder) -> Result<Answer, CallError> {
    let response = request.send().await.map_err(|e| CallError::Transient(chain(&e)))?;
    let status = response.status();
    let body = response
        .bytes()
        .await
        .map_err(|e| CallError::Transient(chain(&e)))?
        .to_vec();
    if status.is_success() {
        return Ok((status, body));
    }
    let envelope: Option<Envelope<serde_json::Value>> = serde_json::from_slice(&body).ok();
    let code = envelope.as_ref().and_then(|e| e.code.clone()).unwrap_or_default();
    let message = envelope
        .and_then(|e| e.error)
        .unwrap_or_else(|| String::from_utf8_lossy(&body).chars().take(200).collect());
    let message = format!("{message} [{} {code}]", status.as_u16());
    Err(match status.as_u16() {
        401 => CallError::Unauthorized(message),
        404 => CallError::NotHeld(message),
        // The job is over for this worker: not its own, or failed for writing too much output.
        409 if code == "not_held" || code == "log_cap_reached" => CallError::NotHeld(message),
        503 if code == "gpu_disabled" => CallError::GpuDisabled,
        s if s >= 500 || s == 408 || s == 429 => CallError::Transient(message),
        s => CallError::Refused { status: s, message },
    })
}

fn data<T: DeserializeOwned>((status, body): Answer) -> Result<T, CallError> {
    let envelope: Envelope<T> = serde_json::from_slice(&body)
        .map_err(|e| CallError::Transient(format!("an answer ({status}) that is not the expected JSON: {e}")))?;
    envelope
        .data
        .ok_or_else(|| CallError::Transient(format!("an answer ({status}) without data")))
}

/// An error with its causes, so "connection refused" is not hidden behind "error sending request".
fn chain(error: &dyn std::error::Error) -> String {
    let mut text = error.to_string();
    let mut source = error.source();
    while let Some(cause) = source {
        text.push_str(": ");
        text.push_str(&cause.to_string());
        source = cause.source();
    }
    text
}
