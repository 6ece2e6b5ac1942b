//! One run's working state and what every step shares: the outcome of a look at a provision,
//! the per-run state rebuilt after a restart (clone permit, transient-failure count, poll
//! interval), the backoff on Proxmox hiccups, and the words for a Proxmox failure.

use std::time::Duration;

use tokio::sync::OwnedSemaphorePermit;

use super::shared::Shared;
use crate::domain::provisioning::{Event, FailureCode, Step};
use crate::ports::ProxmoxError;

/// What one look at a provision produced.
pub(super) enum Outcome {
    Event(Event),
    /// The current step failed for good: record why (`code` for the API) and roll back.
    Fail {
        code: FailureCode,
        reason: String,
    },
    /// Nothing to record yet; look again.
    Again,
    /// Nothing more to do now.
    Stop,
}

/// Per-run state that is not worth storing: it is rebuilt after a restart.
#[derive(Default)]
pub(super) struct Run {
    pub clone_permit: Option<OwnedSemaphorePermit>,
    /// Consecutive transient failures of the current step.
    pub transient: u32,
    pub poll: Option<Duration>,
    /// Gopher machines registered by this run (a failed or vanished one is replaced, boundedly).
    pub registrations: u32,
}

/// Transient failures tolerated per step before it fails (backoff 1, 2, 4, 8, 16 s).
const MAX_TRANSIENT: u32 = 5;

impl Run {
    /// A Proxmox failure in a forward step: transient ones are retried with backoff a few times.
    pub(super) async fn trouble(&mut self, s: &Shared, step: Option<Step>, err: ProxmoxError) -> Outcome {
        let waitable = err.is_transient() || matches!(err, ProxmoxError::Locked { .. });
        if waitable && self.transient < MAX_TRANSIENT {
            self.transient += 1;
            tracing::info!(error = %err, attempt = self.transient, "Proxmox hiccup; trying again");
            s.ports.pace.pause(Duration::from_secs(1 << (self.transient - 1))).await;
            return Outcome::Again;
        }
        tracing::warn!(error = %err, step = ?step, "provision step failed");
        Outcome::Fail {
            code: FailureCode::ProvisionFailed,
            reason: explain(step, &err),
        }
    }

    /// The next interval between polls of a task: from the configured one up to 1 s, so a task is
    /// seen done at most a second late.
    pub(super) async fn poll_pause(&mut self, s: &Shared) {
        let wait = self.poll.unwrap_or(s.settings().poll);
        s.ports.pace.pause(wait).await;
        self.poll = Some((wait * 3 / 2).min(Duration::from_secs(1)));
    }
}

/// What Nimbus was doing at `step`, for messages.
fn doing(step: Option<Step>) -> &'static str {
    match step {
        Some(Step::ReserveIp) => "checking the machine's address",
        Some(Step::PlaceVm) => "choosing a node",
        Some(Step::Clone) => "cloning the template",
        Some(Step::Configure) => "configuring the machine",
        Some(Step::Resize) => "resizing the disk",
        Some(Step::Start) => "starting the machine",
        Some(Step::WaitReady) => "waiting for the machine to answer",
        _ => "building the machine",
    }
}

/// A human explanation of a Proxmox failure; Proxmox's own words go to the log only.
pub(super) fn explain(step: Option<Step>, err: &ProxmoxError) -> String {
    let doing = doing(step);
    match err {
        ProxmoxError::NodeOffline { node, .. } => format!(
            "The node {node} stopped answering while Nimbus was {doing}. Try again; if it keeps happening, an admin should check that node."
        ),
        ProxmoxError::Unavailable(_) => format!(
            "Proxmox did not answer while Nimbus was {doing} (it may be overloaded or without quorum). Try again in a few minutes."
        ),
        ProxmoxError::TaskFailed { .. } => format!(
            "Proxmox reported an error while Nimbus was {doing}. Try again; an admin can read the task's log in Proxmox."
        ),
        ProxmoxError::Locked { .. } | ProxmoxError::LockTimeout { .. } => {
            format!("The machine stayed locked by another Proxmox operation while Nimbus was {doing}. Try again.")
        }
        ProxmoxError::Unauthorized | ProxmoxError::Forbidden(_) => format!(
            "Proxmox refused Nimbus's API token while Nimbus was {doing}. An admin must check the token and its permissions."
        ),
        _ => format!(
            "Proxmox refused a request while Nimbus was {doing}. An admin can find the details in the Nimbus log."
        ),
    }
}
