//! The transition function: `(state, event, now) -> state`, or an error that changes nothing.

use chrono::{DateTime, Utc};

use super::event::Event;
use super::{Failure, Phase, PowerAction, PowerState, Provision, Step, StepRecord, Teardown, Undo};
use crate::domain::upid::Upid;

/// An event the current state does not accept. The provision is left as it was.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TransitionError {
    #[error("cannot {event} while the VM is {phase}")]
    Illegal { phase: &'static str, event: &'static str },
    #[error("task {got} is not the task this step is waiting on ({expected})")]
    TaskMismatch { expected: String, got: String },
    #[error("the VM is already {0}")]
    AlreadyInPowerState(&'static str),
    #[error("the VM's power state is unknown right now; try again when Proxmox answers")]
    PowerUnknown,
    #[error("the VM is busy ({0}); wait for it to finish")]
    Busy(&'static str),
}

fn illegal(phase: &Phase, event: &Event) -> TransitionError {
    TransitionError::Illegal {
        phase: phase.word(),
        event: event.name(),
    }
}

/// Records `upid` on a task slot that is empty (or already holds the same task).
fn start_task(slot: &mut Option<Upid>, upid: &Upid) -> Result<(), TransitionError> {
    match slot {
        Some(t) if t != upid => Err(TransitionError::TaskMismatch {
            expected: t.to_string(),
            got: upid.to_string(),
        }),
        _ => {
            *slot = Some(upid.clone());
            Ok(())
        }
    }
}

fn finish_task(slot: &Option<Upid>, upid: &Upid) -> Result<(), TransitionError> {
    match slot {
        Some(t) if t == upid => Ok(()),
        Some(t) => Err(TransitionError::TaskMismatch {
            expected: t.to_string(),
            got: upid.to_string(),
        }),
        None => Err(TransitionError::TaskMismatch {
            expected: "none".into(),
            got: upid.to_string(),
        }),
    }
}

impl Provision {
    /// Applies `event`, returning the new state; on error `self` is unchanged.
    pub fn apply(&mut self, event: Event, now: DateTime<Utc>) -> Result<(), TransitionError> {
        let mut next = self.clone();
        next.step(&event, now)?;
        *self = next;
        Ok(())
    }

    /// Records `step` on the timeline; a step done again (public access retried) keeps its one
    /// entry, with the new time.
    fn done(&mut self, step: Step, now: DateTime<Utc>) {
        match self.steps.iter_mut().find(|r| r.step == step) {
            Some(record) => record.at = now,
            None => self.steps.push(StepRecord { step, at: now }),
        }
    }

    /// Where the flow goes once readiness is settled, then after each optional step.
    fn after(&self, step: Step) -> Phase {
        match step {
            Step::WaitReady if self.spec.expose_ssh => Phase::ExposingTunnel,
            Step::WaitReady | Step::ExposeTunnel if self.spec.gpu_env => Phase::InjectingGpuEnv,
            _ => Phase::Ready,
        }
    }

    /// The phase after a task-carrying provisioning phase completes.
    fn advance_task_phase(&mut self, now: DateTime<Utc>) {
        let (step, next) = match self.phase {
            Phase::Cloning { .. } => (Step::Clone, Phase::Configuring { task: None }),
            Phase::Configuring { .. } => (Step::Configure, Phase::Resizing { task: None }),
            Phase::Resizing { .. } => (Step::Resize, Phase::Starting { task: None }),
            Phase::Starting { .. } => (Step::Start, Phase::WaitingReady { since: now }),
            _ => unreachable!("only called for task phases"),
        };
        self.done(step, now);
        self.phase = next;
    }

    /// Takes the first teardown item off the list, dropping what it released from `held`.
    fn undo_done(&mut self) {
        let teardown = match &mut self.phase {
            Phase::RollingBack { teardown, .. } | Phase::Deleting { teardown, .. } => teardown,
            _ => unreachable!("only called while tearing down"),
        };
        if teardown.remaining.is_empty() {
            return;
        }
        match teardown.remaining.remove(0) {
            Undo::RemoveTunnel { .. } => self.held.tunnel = None,
            Undo::DestroyVm { .. } => self.held.vmid = None,
            Undo::ReleaseIp { .. } => self.held.ip = None,
        }
        teardown.task = None;
        teardown.attempts = 0;
        if teardown.remaining.is_empty() {
            self.phase = match &self.phase {
                Phase::RollingBack { failure, .. } => Phase::RolledBack {
                    failure: failure.clone(),
                },
                _ => Phase::Deleted,
            };
        }
    }

    fn step(&mut self, event: &Event, now: DateTime<Utc>) -> Result<(), TransitionError> {
        use Event as E;
        use Phase as P;
        match (&mut self.phase, event) {
            (P::PendingApproval, E::Approve) => self.phase = P::Requested,
            (P::PendingApproval, E::Deny { reason }) => self.phase = P::Denied { reason: reason.clone() },
            (P::Requested, E::IpReserved { ip }) => {
                self.held.ip = Some(*ip);
                self.done(Step::ReserveIp, now);
                self.phase = P::IpReserved;
            }
            (P::IpReserved, E::NodePicked { node }) => {
                self.held.node = Some(node.clone());
                self.done(Step::PlaceVm, now);
                self.phase = P::Placed;
            }
            (P::Placed, E::VmidChosen { vmid }) => {
                self.held.vmid = Some(*vmid);
                self.phase = P::Cloning { task: None };
            }
            // The chosen VMID was taken before the clone was issued: another one is chosen.
            (P::Cloning { task: None }, E::VmidChosen { vmid }) => self.held.vmid = Some(*vmid),
            // After a restart the clone was found already made (by VMID and marker).
            (P::Cloning { task: None }, E::StepDone) => self.advance_task_phase(now),
            (
                P::Cloning { task }
                | P::Configuring { task }
                | P::Resizing { task }
                | P::Starting { task }
                | P::Power { task, .. },
                E::TaskStarted { upid },
            ) => start_task(task, upid)?,
            (
                P::RollingBack { teardown, .. }
                | P::Deleting {
                    teardown,
                    retry_at: None,
                },
                E::TaskStarted { upid },
            ) if !teardown.remaining.is_empty() => start_task(&mut teardown.task, upid)?,
            (
                P::Cloning { task } | P::Configuring { task } | P::Resizing { task } | P::Starting { task },
                E::TaskFinished { upid },
            ) => {
                finish_task(task, upid)?;
                self.advance_task_phase(now);
            }
            (P::Configuring { task: None } | P::Resizing { task: None } | P::Starting { task: None }, E::StepDone) => {
                self.advance_task_phase(now)
            }
            (P::WaitingReady { .. }, E::ReadinessConfirmed | E::ReadinessTimedOut) => {
                self.unconfirmed = *event == E::ReadinessTimedOut;
                self.done(Step::WaitReady, now);
                self.phase = self.after(Step::WaitReady);
            }
            (P::Ready | P::Power { .. }, E::ReadinessConfirmed) if self.unconfirmed => self.unconfirmed = false,
            (P::ExposingTunnel, E::TunnelRegistered { machine })
                if self.held.tunnel.as_ref().is_none_or(|m| m == machine) =>
            {
                self.held.tunnel = Some(machine.clone())
            }
            (P::ExposingTunnel, E::TunnelDropped { machine }) if self.held.tunnel.as_ref() == Some(machine) => {
                self.held.tunnel = None
            }
            (P::Ready, E::ExposureRetried) if self.spec.expose_ssh => self.phase = P::ExposingTunnel,
            (P::ExposingTunnel | P::InjectingGpuEnv, E::StepDone | E::SoftStepFailed { .. } | E::StepFailed { .. }) => {
                // Optional steps never fail a working VM: a failure becomes a note.
                if let E::SoftStepFailed { reason } | E::StepFailed { reason } = event {
                    self.notes.push(reason.clone());
                }
                let step = self.phase.step().expect("optional steps have a step");
                self.done(step, now);
                self.phase = self.after(step);
            }
            (
                P::Requested
                | P::IpReserved
                | P::Placed
                | P::Cloning { .. }
                | P::Configuring { .. }
                | P::Resizing { .. }
                | P::Starting { .. }
                | P::WaitingReady { .. },
                E::StepFailed { reason },
            ) => {
                let step = self.phase.step().expect("provisioning phases have a step");
                let undo = self.undo_on_failure();
                self.phase = P::Failed {
                    failure: Failure {
                        step,
                        reason: reason.clone(),
                    },
                    undo,
                };
            }
            (P::Failed { failure, undo }, E::RollbackStarted) => {
                let failure = failure.clone();
                self.phase = if undo.is_empty() {
                    P::RolledBack { failure }
                } else {
                    P::RollingBack {
                        failure,
                        teardown: Teardown {
                            remaining: std::mem::take(undo),
                            task: None,
                            attempts: 0,
                        },
                    }
                };
            }
            (P::RollingBack { teardown, .. } | P::Deleting { teardown, .. }, E::TaskFinished { upid }) => {
                finish_task(&teardown.task, upid)?;
                self.undo_done();
            }
            (
                P::RollingBack { teardown, .. }
                | P::Deleting {
                    teardown,
                    retry_at: None,
                },
                E::UndoDone,
            ) if !teardown.remaining.is_empty() && teardown.task.is_none() => self.undo_done(),
            (
                P::RollingBack { teardown, .. }
                | P::Deleting {
                    teardown,
                    retry_at: None,
                },
                E::UndoFailed { retry_at },
            ) if teardown.task.is_some() => {
                teardown.task = None;
                let at = *retry_at;
                self.step(&E::ProxmoxUnreachable { retry_at: at }, now)?;
            }
            (P::RollingBack { failure, teardown }, E::ProxmoxUnreachable { retry_at }) => {
                let mut teardown = teardown.clone();
                teardown.attempts += 1;
                self.phase = P::RollbackPending {
                    failure: failure.clone(),
                    teardown,
                    retry_at: *retry_at,
                };
            }
            (P::RollbackPending { failure, teardown, .. }, E::RetryNow) => {
                self.phase = P::RollingBack {
                    failure: failure.clone(),
                    teardown: teardown.clone(),
                }
            }
            (P::Deleting { teardown, retry_at }, E::ProxmoxUnreachable { retry_at: at }) => {
                teardown.attempts += 1;
                *retry_at = Some(*at);
            }
            (
                P::Deleting {
                    retry_at: retry @ Some(_),
                    ..
                },
                E::RetryNow,
            ) => *retry = None,
            (P::Ready, E::PowerRequested { action, power }) => {
                let wanted = match action {
                    PowerAction::Start => PowerState::Stopped,
                    _ => PowerState::Running,
                };
                match (power, action) {
                    (PowerState::Unknown, _) => return Err(TransitionError::PowerUnknown),
                    (p, PowerAction::Start) if *p != wanted => {
                        return Err(TransitionError::AlreadyInPowerState("running"));
                    }
                    (p, _) if *p != wanted => return Err(TransitionError::AlreadyInPowerState("stopped")),
                    _ => {}
                }
                self.phase = P::Power {
                    action: *action,
                    task: None,
                };
            }
            (P::Power { task, .. }, E::TaskFinished { upid }) => {
                finish_task(task, upid)?;
                self.phase = P::Ready;
            }
            (P::Power { task: None, .. }, E::StepDone) => self.phase = P::Ready,
            (P::Power { .. }, E::ActionFailed { reason }) => {
                self.notes.push(reason.clone());
                self.phase = P::Ready;
            }
            (P::Ready, E::DriftObserved { moved_to, notes }) => {
                if let Some(node) = moved_to {
                    self.held.node = Some(node.clone());
                }
                self.notes.extend(notes.iter().cloned());
            }
            (P::Ready, E::DeleteRequested) => {
                let remaining = self.undo_on_failure();
                self.phase = if remaining.is_empty() {
                    P::Deleted
                } else {
                    P::Deleting {
                        teardown: Teardown {
                            remaining,
                            task: None,
                            attempts: 0,
                        },
                        retry_at: None,
                    }
                };
            }
            (P::PendingApproval | P::Denied { .. } | P::RolledBack { .. }, E::DeleteRequested) => {
                self.phase = P::Deleted
            }
            (P::Power { .. }, E::DeleteRequested) => return Err(TransitionError::Busy("a power action is running")),
            (phase, E::DeleteRequested) if phase.step().is_some() => {
                return Err(TransitionError::Busy("still being provisioned"));
            }
            (phase, _) => return Err(illegal(phase, event)),
        }
        Ok(())
    }
}
