//! The run of one provision: load its record, do what its state says is next, record the event
//! (durably, before anything is awaited on its strength), publish it, repeat until it settles.
//! A run that is interrupted anywhere resumes from the stored state at the next start.

use std::sync::Arc;
use std::time::Duration;

use tokio::sync::OwnedSemaphorePermit;

use super::Provisioner;
use crate::domain::cluster::NodeName;
use crate::domain::ids::InstanceId;
use crate::domain::provisioning::{Event, Next, Phase, Step};
use crate::ports::ProxmoxError;
use crate::ports::pool::LeaseChange;
use crate::ports::provisions::{KeyOrigin, ProvisionRecord, StepDetail};

/// What one look at a provision produced.
pub(super) enum Outcome {
    Event(Event),
    /// The current step failed for good: record why (`code` for the API) and roll back.
    Fail {
        code: &'static str,
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
}

/// Transient failures tolerated per step before it fails (backoff 1, 2, 4, 8, 16 s).
const MAX_TRANSIENT: u32 = 5;

/// What a step had in hand when it completed, for the timeline.
fn detail(step: Step, record: &ProvisionRecord) -> StepDetail {
    let held = &record.provision.held;
    match step {
        Step::ReserveIp | Step::Configure | Step::WaitReady => StepDetail {
            ip: held.ip,
            ..StepDetail::default()
        },
        Step::PlaceVm => StepDetail {
            node: held.node.clone(),
            ..StepDetail::default()
        },
        Step::Clone | Step::Start => StepDetail {
            node: held.node.clone(),
            vmid: held.vmid,
            ..StepDetail::default()
        },
        _ => StepDetail::default(),
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

impl Provisioner {
    /// Starts (or restarts) the background run of a provision.
    pub(super) fn spawn(self: &Arc<Self>, id: InstanceId) {
        let me = self.clone();
        let mut runs = self.runs.lock().unwrap_or_else(|p| p.into_inner());
        if runs.get(&id).is_some_and(|h| !h.is_finished()) {
            return;
        }
        runs.insert(id, tokio::spawn(async move { me.drive(id).await }));
    }

    async fn drive(self: Arc<Self>, id: InstanceId) {
        let mut record = match self.ports.store.get_provision(id).await {
            Ok(Some(r)) => r,
            Ok(None) => {
                self.hub.close(id);
                return;
            }
            Err(e) => {
                tracing::error!(vm = %id, error = %e, "cannot load a provision; it resumes at the next start");
                self.hub.close(id);
                return;
            }
        };
        self.hub.publish(&record);
        let mut run = Run::default();
        loop {
            let word = record.provision.phase.word();
            if let Some(checkpoint) = &self.checkpoint {
                checkpoint(id, word, false).await;
            }
            let outcome = self.advance(&mut record, &mut run).await;
            if let Some(checkpoint) = &self.checkpoint
                && !matches!(outcome, Outcome::Again | Outcome::Stop)
            {
                checkpoint(id, word, true).await;
            }
            let event = match outcome {
                Outcome::Event(e) => e,
                // A power action that fails leaves the VM as it was, with a note saying why.
                Outcome::Fail { reason, .. } if matches!(record.provision.phase, Phase::Power { .. }) => {
                    Event::ActionFailed { reason }
                }
                Outcome::Fail { code, reason } => {
                    record.failure_code = Some(code.to_owned());
                    Event::StepFailed { reason }
                }
                Outcome::Again => continue,
                Outcome::Stop => break,
            };
            run.transient = 0;
            run.poll = None;
            if !self.record(&mut record, event).await {
                break;
            }
            if record.provision.phase.is_at_rest() {
                break;
            }
        }
        self.placing.lock().await.remove(&id);
        self.hub.close(id);
    }

    /// What to do next, done once.
    async fn advance(&self, record: &mut ProvisionRecord, run: &mut Run) -> Outcome {
        match record.provision.next() {
            Next::ReserveIp => self.reserve_ip(record).await,
            Next::PickNode => self.pick_node(record).await,
            Next::ChooseVmid => self.choose_vmid(record, run).await,
            Next::IssueClone => self.issue_clone(record, run).await,
            Next::ApplyConfig => self.apply_config(record, run).await,
            Next::Resize => self.resize(record, run).await,
            Next::StartVm => self.start_vm(record, run).await,
            Next::PollTask(upid) => self.poll(record, run, &upid).await,
            Next::WaitReady { since } => self.wait_ready(record, run, since).await,
            Next::ExposeTunnel | Next::InjectGpuEnv => Outcome::Event(Event::StepDone),
            Next::BeginRollback => Outcome::Event(Event::RollbackStarted),
            Next::Undo(undo) => self.undo(record, run, undo).await,
            Next::RetryAt(at) => {
                let now = self.ports.clock.now();
                if now >= at {
                    Outcome::Event(Event::RetryNow)
                } else {
                    let wait = (at - now).to_std().unwrap_or_default().min(Duration::from_secs(2));
                    self.ports.pace.pause(wait.max(Duration::from_millis(10))).await;
                    Outcome::Again
                }
            }
            Next::Power(action) => self.power_step(record, run, action).await,
            Next::AwaitApproval | Next::Idle => Outcome::Stop,
        }
    }

    /// A Proxmox failure in a forward step: transient ones are retried with backoff a few times.
    pub(super) async fn trouble(&self, run: &mut Run, step: Option<Step>, err: ProxmoxError) -> Outcome {
        let waitable = err.is_transient() || matches!(err, ProxmoxError::Locked { .. });
        if waitable && run.transient < MAX_TRANSIENT {
            run.transient += 1;
            tracing::info!(error = %err, attempt = run.transient, "Proxmox hiccup; trying again");
            self.ports
                .pace
                .pause(Duration::from_secs(1 << (run.transient - 1)))
                .await;
            return Outcome::Again;
        }
        tracing::warn!(error = %err, step = ?step, "provision step failed");
        Outcome::Fail {
            code: "provision_failed",
            reason: explain(step, &err),
        }
    }

    /// The next interval between polls of a task: from the configured one up to 1 s, so a task is
    /// seen done at most a second late.
    pub(super) async fn poll_pause(&self, run: &mut Run) {
        let wait = run.poll.unwrap_or(self.settings.poll);
        self.ports.pace.pause(wait).await;
        run.poll = Some((wait * 3 / 2).min(Duration::from_secs(1)));
    }

    /// Applies an event, stores the record and publishes it. False when the run must stop.
    async fn record(&self, record: &mut ProvisionRecord, event: Event) -> bool {
        let now = self.ports.clock.now();
        let id = record.id();
        if let Err(e) = record.provision.apply(event.clone(), now) {
            tracing::error!(vm = %id, event = event.name(), error = %e, "a provision refused an event; stopping its run");
            return false;
        }
        while record.details.len() < record.provision.steps.len() {
            let step = record.provision.steps[record.details.len()].step;
            record.details.push(detail(step, record));
        }
        record.updated_at = now;
        if record.provision.phase.is_at_rest() && record.finished_at.is_none() {
            record.finished_at = Some(now);
        }
        self.side_effects(record, &event).await;
        for attempt in 1..=3u64 {
            match self.ports.store.save_provision(record).await {
                Ok(()) => break,
                Err(e) if attempt == 3 => {
                    tracing::error!(vm = %id, error = %e, "cannot store a provision's progress; it resumes at the next start");
                    return false;
                }
                Err(_) => self.ports.pace.pause(Duration::from_millis(200 * attempt)).await,
            }
        }
        self.hub.publish(record);
        true
    }

    /// What else changes with an event: the pool, in-flight placements, kept keys.
    async fn side_effects(&self, record: &mut ProvisionRecord, event: &Event) {
        let id = record.id();
        let now = self.ports.clock.now();
        let p = &record.provision;
        if let (Some(ip), Some(step)) = (p.held.ip, p.phase.step())
            && step != Step::ReserveIp
            && let Err(e) = self.ports.pool.lease(id, ip, LeaseChange::Renew, now).await
        {
            tracing::warn!(vm = %id, error = %e, "cannot renew the address's lease");
        }
        match (&p.phase, event) {
            (Phase::Ready, _) => {
                if let (Some(ip), Some(vmid)) = (p.held.ip, p.held.vmid)
                    && let Err(e) = self.ports.pool.lease(id, ip, LeaseChange::Allocate(vmid), now).await
                {
                    tracing::error!(vm = %id, error = %e, "cannot allocate the address to the finished machine");
                }
                self.placing.lock().await.remove(&id);
                self.verify.invalidate().await;
            }
            (Phase::Failed { failure, .. }, _) => {
                tracing::warn!(vm = %id, step = failure.step.as_str(), reason = %failure.reason, "provision failed; rolling back");
                self.hub.drop_once(id);
                self.placing.lock().await.remove(&id);
            }
            (Phase::RolledBack { .. } | Phase::Deleted, _) if record.key.origin == KeyOrigin::Generated => {
                if let Some(key) = record.key.key_id.take() {
                    self.ports.vault.discard(record.owner(), key).await;
                }
            }
            _ => {}
        }
    }

    /// The background check that clears "unconfirmed": every finished VM whose readiness was not
    /// confirmed in time is checked again; the warning goes once it answers. Returns how many
    /// were confirmed.
    pub async fn recheck_unconfirmed(&self) -> usize {
        if self.ports.proxmox.is_none() {
            return 0;
        }
        let ready = match self.ports.store.ready_provisions().await {
            Ok(r) => r,
            Err(e) => {
                tracing::warn!(error = %e, "cannot list machines to re-check their readiness");
                return 0;
            }
        };
        let mut confirmed = 0;
        for mut record in ready.into_iter().filter(|r| r.provision.unconfirmed) {
            if self.answers(&record).await && self.record(&mut record, Event::ReadinessConfirmed).await {
                tracing::info!(vm = %record.id(), "a machine confirmed its readiness late; warning cleared");
                confirmed += 1;
            }
        }
        confirmed
    }

    /// The node a provision is placed on (set once placed).
    pub(super) fn node_of(record: &ProvisionRecord) -> Option<NodeName> {
        record.provision.held.node.clone()
    }
}
