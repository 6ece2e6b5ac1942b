//! Waiting for a Proxmox task: poll its status, quickly at first (most tasks end within a
//! second) and then every two seconds, until it stops or the caller's timeout passes.

use std::time::Duration;

use tokio::time::Instant;

use super::HttpProxmox;
use crate::domain::upid::Upid;
use crate::ports::proxmox::{ExitStatus, Proxmox, ProxmoxError, ProxmoxResult, TaskState};

const FIRST_DELAY: Duration = Duration::from_millis(100);
const MAX_DELAY: Duration = Duration::from_secs(2);

/// How long Proxmox may answer `no such task` for a task it just handed out (the status is looked
/// up per node and can lag the POST that created it).
const NOT_FOUND_GRACE: Duration = Duration::from_secs(5);

/// 100 ms, then x1.5 each time, capped at 2 s: 100,150,225,...,2000,2000,...
pub fn poll_delays() -> impl Iterator<Item = Duration> {
    std::iter::successors(Some(FIRST_DELAY), |d| Some(d.mul_f64(1.5).min(MAX_DELAY)))
}

impl HttpProxmox {
    /// Polls `task_status` until the task stops, with the delays of [`poll_delays`]; returns the
    /// exit status (`OK` and `WARNINGS: N` are successes, see [`ExitStatus::is_success`]).
    ///
    /// Errors: `Unavailable` if `timeout` passes first; any error of `task_status`, except that
    /// `NotFound` within the first five seconds is read as "not visible yet" and polled again.
    pub async fn wait_task(&self, upid: &Upid, timeout: Duration) -> ProxmoxResult<ExitStatus> {
        let started = Instant::now();
        let deadline = started + timeout;
        let mut delays = poll_delays();
        loop {
            match self.task_status(upid).await {
                Ok(status) => {
                    if let TaskState::Stopped(exit) = status.state {
                        return Ok(exit);
                    }
                }
                Err(ProxmoxError::NotFound(_)) if started.elapsed() < NOT_FOUND_GRACE.min(timeout) => {}
                Err(e) => return Err(e),
            }
            let now = Instant::now();
            if now >= deadline {
                return Err(ProxmoxError::Unavailable(format!(
                    "task {upid} still running after {timeout:?}"
                )));
            }
            let delay = delays.next().unwrap_or(MAX_DELAY);
            tokio::time::sleep(delay.min(deadline - now)).await;
        }
    }
}
