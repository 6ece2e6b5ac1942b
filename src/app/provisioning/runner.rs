//! `Runner`: the run of each provision. A run loads its record, does what its state says is next
//! (`Provision::next`), records the event (durably, before anything is awaited on its strength),
//! publishes it, and repeats until the provision is at rest. A run that is interrupted anywhere
//! resumes from the stored state at the next start. The steps themselves live in `steps.rs`,
//! `placement.rs`, `teardown.rs` and `lifecycle.rs`.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use chrono::{DateTime, Utc};
use tokio::task::JoinHandle;

use super::provision_error::ProvisionError;
use super::run::{Outcome, Run};
use super::shared::Shared;
use super::{Checkpoint, exposure, lifecycle, placement, steps, teardown};
use crate::domain::ids::InstanceId;
use crate::domain::provisioning::{Event, Next, Phase, Step};
use crate::domain::scoring::InFlight;
use crate::ports::pool::LeaseChange;
use crate::ports::provisions::{KeyOrigin, ProvisionRecord, StepDetail};

pub struct Runner {
    shared: Arc<Shared>,
    runs: Mutex<HashMap<InstanceId, JoinHandle<()>>>,
    checkpoint: Option<Checkpoint>,
}

/// What a step had in hand when it completed, for the timeline.
fn detail(step: Step, record: &ProvisionRecord) -> StepDetail {
    let held = record.provision.held();
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

impl Runner {
    pub fn new(shared: Arc<Shared>, checkpoint: Option<Checkpoint>) -> Self {
        Self {
            shared,
            runs: Mutex::new(HashMap::new()),
            checkpoint,
        }
    }

    /// Seeds the pool and discovers templates; then resumes every unfinished provision.
    pub async fn start(self: &Arc<Self>) -> Result<usize, ProvisionError> {
        let s = &self.shared;
        if let Some(plan) = &s.settings().network {
            let (added, removed) = s.ports.pool.seed_pool(plan).await?;
            if added + removed > 0 {
                tracing::info!(added, removed, "IP pool brought in line with the configured range");
            }
        }
        let _ = s.refresh_templates().await;
        self.resume_all().await
    }

    /// Starts a run for every provision that has not settled (after a restart).
    pub async fn resume_all(self: &Arc<Self>) -> Result<usize, ProvisionError> {
        let s = &self.shared;
        let open = s.ports.store.unsettled_provisions().await?;
        let n = open.len();
        let mut placing = s.placing.lock().await;
        for record in &open {
            let p = &record.provision;
            if let (Some(node), Some(_)) = (&p.held().node, p.phase().step()) {
                placing.insert(
                    record.id(),
                    InFlight {
                        node: node.clone(),
                        vmid: p.held().vmid,
                        vcpus: p.spec().vcpus,
                        mem_bytes: p.spec().memory_mib * crate::domain::cluster::MIB,
                        disk_bytes: p.spec().disk_gib * crate::domain::cluster::GIB,
                    },
                );
            }
        }
        drop(placing);
        for record in open {
            tracing::info!(vm = %record.id(), phase = record.provision.phase().word(), "resuming a provision");
            s.hub.publish(&record);
            self.spawn(record.id());
        }
        Ok(n)
    }

    /// Stops every run (the process is going down; they resume at the next start).
    pub fn shut_down(&self) {
        for (_, run) in self.runs.lock().unwrap_or_else(|p| p.into_inner()).drain() {
            run.abort();
        }
    }

    /// Whether a run for `id` is active in this process.
    pub fn is_running(&self, id: InstanceId) -> bool {
        self.runs
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .get(&id)
            .is_some_and(|h| !h.is_finished())
    }

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
        let s = &self.shared;
        let mut record = match s.ports.store.get_provision(id).await {
            Ok(Some(r)) => r,
            Ok(None) => {
                s.hub.close(id);
                return;
            }
            Err(e) => {
                tracing::error!(vm = %id, error = %e, "cannot load a provision; it resumes at the next start");
                s.hub.close(id);
                return;
            }
        };
        s.hub.publish(&record);
        let mut run = Run::default();
        loop {
            let word = record.provision.phase().word();
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
                Outcome::Fail { reason, .. } if matches!(record.provision.phase(), Phase::Power { .. }) => {
                    Event::ActionFailed { reason }
                }
                Outcome::Fail { code, reason } => {
                    record.failure_code = Some(code);
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
            if record.provision.phase().is_at_rest() {
                break;
            }
        }
        s.placing.lock().await.remove(&id);
        s.hub.close(id);
    }

    /// What to do next, done once.
    async fn advance(&self, record: &mut ProvisionRecord, run: &mut Run) -> Outcome {
        let s = self.shared.as_ref();
        match record.provision.next() {
            Next::ReserveIp => steps::reserve_ip(s, record).await,
            Next::PickNode => placement::pick_node(s, record).await,
            Next::ChooseVmid => placement::choose_vmid(s, record, run).await,
            Next::IssueClone => steps::issue_clone(s, record, run).await,
            Next::ApplyConfig => steps::apply_config(s, record, run).await,
            Next::Resize => steps::resize(s, record, run).await,
            Next::StartVm => steps::start_vm(s, record, run).await,
            Next::PollTask(upid) => teardown::poll(s, record, run, &upid).await,
            Next::WaitReady { since } => steps::wait_ready(s, record, run, since).await,
            Next::ExposeTunnel => exposure::expose(s, record, run).await,
            Next::InjectGpuEnv => Outcome::Event(Event::StepDone),
            Next::BeginRollback => Outcome::Event(Event::RollbackStarted),
            Next::Undo(undo) => teardown::undo(s, record, run, undo).await,
            Next::RetryAt(at) => {
                let now = s.ports.clock.now();
                if now >= at {
                    Outcome::Event(Event::RetryNow)
                } else {
                    let wait = (at - now).to_std().unwrap_or_default().min(Duration::from_secs(2));
                    s.ports.pace.pause(wait.max(Duration::from_millis(10))).await;
                    Outcome::Again
                }
            }
            Next::Power(action) => lifecycle::power_step(s, record, run, action).await,
            Next::AwaitApproval | Next::Idle => Outcome::Stop,
        }
    }

    /// Applies an event, stores the record and publishes it. False when the run must stop.
    pub(super) async fn record(&self, record: &mut ProvisionRecord, event: Event) -> bool {
        let now = self.shared.ports.clock.now();
        self.record_at(record, event, now).await
    }

    /// As [`Runner::record`], for an event that happened at `now` (a job's tick).
    pub(super) async fn record_at(&self, record: &mut ProvisionRecord, event: Event, now: DateTime<Utc>) -> bool {
        let s = &self.shared;
        let id = record.id();
        if let Err(e) = record.provision.apply(event.clone(), now) {
            tracing::error!(vm = %id, event = event.name(), error = %e, "a provision refused an event; stopping its run");
            return false;
        }
        while record.details.len() < record.provision.steps().len() {
            let step = record.provision.steps()[record.details.len()].step;
            record.details.push(detail(step, record));
        }
        record.updated_at = now;
        if record.provision.phase().is_at_rest() && record.finished_at.is_none() {
            record.finished_at = Some(now);
        }
        self.side_effects(record, &event, now).await;
        for attempt in 1..=3u64 {
            match s.ports.store.save_provision(record).await {
                Ok(()) => break,
                Err(e) if attempt == 3 => {
                    tracing::error!(vm = %id, error = %e, "cannot store a provision's progress; it resumes at the next start");
                    return false;
                }
                Err(_) => s.ports.pace.pause(Duration::from_millis(200 * attempt)).await,
            }
        }
        // A step's event follows its Proxmox call (a clone, a config, a start, a stop, a
        // delete...): whoever reads the cluster next must see what it changed. Marking steps that
        // changed nothing stale too costs one read.
        s.cluster.invalidate();
        s.hub.publish(record);
        true
    }

    /// What else changes with an event: the pool, in-flight placements, kept keys.
    async fn side_effects(&self, record: &mut ProvisionRecord, event: &Event, now: DateTime<Utc>) {
        let s = &self.shared;
        let id = record.id();
        let p = &record.provision;
        if let (Some(ip), Some(step)) = (p.held().ip, p.phase().step())
            && step != Step::ReserveIp
            && let Err(e) = s.ports.pool.lease(id, ip, LeaseChange::Renew, now).await
        {
            tracing::warn!(vm = %id, error = %e, "cannot renew the address's lease");
        }
        match (p.phase(), event) {
            (Phase::Ready, _) => {
                if let (Some(ip), Some(vmid)) = (p.held().ip, p.held().vmid)
                    && let Err(e) = s.ports.pool.lease(id, ip, LeaseChange::Allocate(vmid), now).await
                {
                    tracing::error!(vm = %id, error = %e, "cannot allocate the address to the finished machine");
                }
                s.placing.lock().await.remove(&id);
                s.verify.invalidate().await;
            }
            (Phase::Failed { failure, .. }, _) => {
                tracing::warn!(vm = %id, step = failure.step.as_str(), reason = %failure.reason, "provision failed; rolling back");
                s.hub.drop_once(id);
                s.placing.lock().await.remove(&id);
            }
            (Phase::RolledBack { .. } | Phase::Deleted, _) if record.key.origin == KeyOrigin::Generated => {
                if let Some(key) = record.key.key_id.take() {
                    s.ports.vault.discard(record.owner(), key).await;
                }
            }
            _ => {}
        }
    }
}
