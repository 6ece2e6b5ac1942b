//! The bodies of the worker protocol (`/api/gpu/worker/…`): what Nimbus sends and what the worker
//! reports. The wire shapes are fixed by the contract both sides are built to.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

/// A claimed job, as `POST /api/gpu/worker/claim` hands it out.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct Job {
    pub id: u64,
    pub image: String,
    pub command: Vec<String>,
    /// Sorted by name, which is also the order of the `-e` flags.
    #[serde(default)]
    pub env: BTreeMap<String, String>,
    pub lease_seconds: u64,
    pub heartbeat_seconds: u64,
    pub max_runtime_seconds: u64,
}

/// What Nimbus wants done with a running job.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Action {
    Continue,
    /// Stop the container and report the job failed ("cancelled").
    Cancel,
    /// Stop the container and report nothing: the job is no longer this worker's.
    Abandon,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
pub struct HeartbeatAnswer {
    pub action: Action,
    #[serde(default)]
    pub lease_seconds: u64,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
pub struct LogAck {
    pub next_seq: u64,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum State {
    Succeeded,
    Failed,
}

/// The body of `POST /api/gpu/worker/jobs/{id}/status`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct StatusReport {
    pub state: State,
    pub exit_code: i64,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub artifact: Option<String>,
}

impl StatusReport {
    pub fn succeeded(artifact: Option<String>) -> Self {
        Self {
            state: State::Succeeded,
            exit_code: 0,
            reason: None,
            artifact,
        }
    }

    pub fn failed(exit_code: i64, reason: impl Into<String>, artifact: Option<String>) -> Self {
        Self {
            state: State::Failed,
            exit_code,
            reason: Some(reason.into()),
            artifact,
        }
    }
}

/// Every answer's envelope: `{"success":true,"data":…}` or `{"success":false,"error":…,"code":…}`.
#[derive(Debug, Deserialize)]
pub struct Envelope<T> {
    // A missing field reads as `None`.
    pub data: Option<T>,
    pub error: Option<String>,
    pub code: Option<String>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_claimed_job_reads_from_the_contract_example() {
        let job: Envelope<Job> = serde_json::from_str(
            r#"{"success":true,"data":{"id":123,"image":"pytorch/pytorch:2.4",
            "command":["python","train.py"],"env":{"K":"V"},"lease_seconds":60,
            "heartbeat_seconds":15,"max_runtime_seconds":86400}}"#,
        )
        .unwrap();
        let job = job.data.unwrap();
        assert_eq!(job.id, 123);
        assert_eq!(job.command, ["python", "train.py"]);
        assert_eq!(job.env["K"], "V");
    }

    #[test]
    fn a_failed_report_carries_its_reason_and_a_success_does_not() {
        let failed = serde_json::to_value(StatusReport::failed(3, "exited with code 3", None)).unwrap();
        assert_eq!(
            failed,
            serde_json::json!({"state":"failed","exit_code":3,"reason":"exited with code 3"})
        );
        let ok = serde_json::to_value(StatusReport::succeeded(Some("/o/1".into()))).unwrap();
        assert_eq!(
            ok,
            serde_json::json!({"state":"succeeded","exit_code":0,"artifact":"/o/1"})
        );
    }
}
