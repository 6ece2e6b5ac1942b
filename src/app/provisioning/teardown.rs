//! Polling the task a step waits on, and tearing down what a failed provision built: the VM
//! (only when it carries this provision's marker; stopped first when running), then the address.
//! While Proxmox cannot be reached the teardown waits (`rollback_pending`) and carries on later.

use chrono::Utc;

use super::Provisioner;
use super::runner::{Outcome, Run, explain};
use crate::domain::marker;
use crate::domain::provisioning::{Event, Phase, Undo};
use crate::domain::upid::Upid;
use crate::ports::ProxmoxError;
use crate::ports::provisions::ProvisionRecord;
use crate::ports::proxmox::{PowerOp, PowerStatus, TaskState};

/// Longest wait between teardown attempts.
const MAX_BACKOFF_SECS: i64 = 60;

fn tearing_down(phase: &Phase) -> bool {
    matches!(
        phase,
        Phase::RollingBack { .. } | Phase::RollbackPending { .. } | Phase::Deleting { .. }
    )
}

fn attempts(phase: &Phase) -> u32 {
    match phase {
        Phase::RollingBack { teardown, .. }
        | Phase::RollbackPending { teardown, .. }
        | Phase::Deleting { teardown, .. } => teardown.attempts,
        _ => 0,
    }
}

impl Provisioner {
    /// When to try a teardown again: 2 s doubling per attempt, at most a minute.
    fn retry_at(&self, record: &ProvisionRecord) -> chrono::DateTime<Utc> {
        let n = attempts(&record.provision.phase).min(5);
        let secs = (2i64 << n).min(MAX_BACKOFF_SECS);
        self.ports.clock.now() + chrono::Duration::seconds(secs)
    }

    /// Polls the task the provision waits on; never repeats the action behind it.
    pub(super) async fn poll(&self, record: &ProvisionRecord, run: &mut Run, upid: &Upid) -> Outcome {
        let phase = &record.provision.phase;
        let step = phase.step();
        if matches!(phase, Phase::Cloning { .. })
            && run.clone_permit.is_none()
            && let Some(node) = Self::node_of(record)
        {
            run.clone_permit = self.slot(&node).acquire_owned().await.ok();
        }
        let teardown = tearing_down(phase);
        match self.proxmox().task_status(upid).await {
            Ok(s) => match s.state {
                TaskState::Running => {
                    self.poll_pause(run).await;
                    Outcome::Again
                }
                TaskState::Stopped(exit) if exit.is_success() => {
                    run.clone_permit = None;
                    Outcome::Event(Event::TaskFinished { upid: upid.clone() })
                }
                TaskState::Stopped(exit) => {
                    run.clone_permit = None;
                    // A start that fails because the VM already runs (a start repeated after a
                    // restart) reached its goal.
                    if matches!(phase, Phase::Starting { .. }) && self.already_running(record).await {
                        return Outcome::Event(Event::TaskFinished { upid: upid.clone() });
                    }
                    tracing::warn!(vm = %record.id(), task = %upid, exit = %exit.as_text(), "a Proxmox task failed");
                    if let Phase::Power { action, .. } = phase {
                        return Outcome::Event(Event::ActionFailed {
                            reason: super::lifecycle::failed_action(*action),
                        });
                    }
                    if teardown {
                        return Outcome::Event(Event::UndoFailed {
                            retry_at: self.retry_at(record),
                        });
                    }
                    let err = ProxmoxError::TaskFailed {
                        upid: upid.to_string(),
                        exit_status: exit.as_text(),
                    };
                    Outcome::Fail {
                        code: "provision_failed",
                        reason: explain(step, &err),
                    }
                }
            },
            Err(e) if teardown && e.is_transient() => Outcome::Event(Event::ProxmoxUnreachable {
                retry_at: self.retry_at(record),
            }),
            Err(e) if teardown => {
                tracing::warn!(vm = %record.id(), task = %upid, error = %e, "cannot follow a teardown task; trying the step again");
                Outcome::Event(Event::UndoFailed {
                    retry_at: self.retry_at(record),
                })
            }
            Err(e) => self.trouble(run, step, e).await,
        }
    }

    async fn already_running(&self, record: &ProvisionRecord) -> bool {
        let held = &record.provision.held;
        let (Some(node), Some(vmid)) = (&held.node, held.vmid) else {
            return false;
        };
        matches!(self.proxmox().vm_status(node, vmid).await, Ok(s) if s.status == PowerStatus::Running)
    }

    /// Takes down the first remaining item.
    pub(super) async fn undo(&self, record: &ProvisionRecord, run: &mut Run, undo: Undo) -> Outcome {
        match undo {
            Undo::RemoveTunnel { .. } => Outcome::Event(Event::UndoDone),
            Undo::ReleaseIp { ip } => match self.ports.pool.release(record.id(), ip).await {
                Ok(released) => {
                    if !released {
                        tracing::warn!(vm = %record.id(), %ip, "the address was not held by this provision any more");
                    }
                    Outcome::Event(Event::UndoDone)
                }
                Err(e) => {
                    tracing::error!(vm = %record.id(), error = %e, "cannot release an address; retrying");
                    Outcome::Event(Event::ProxmoxUnreachable {
                        retry_at: self.retry_at(record),
                    })
                }
            },
            Undo::DestroyVm { node, vmid } => {
                let unreachable = |s: &Self, e: ProxmoxError| {
                    tracing::warn!(vm = %record.id(), error = %e, "cannot reach Proxmox to destroy a VM; waiting");
                    Outcome::Event(Event::ProxmoxUnreachable {
                        retry_at: s.retry_at(record),
                    })
                };
                let proxmox = self.proxmox();
                let config = match proxmox.vm_config(&node, vmid).await {
                    Ok(c) => c,
                    Err(ProxmoxError::NotFound(_)) => return Outcome::Event(Event::UndoDone),
                    Err(e) => return unreachable(self, e),
                };
                // A locked VM (a clone or another task still running) shows its marker only once
                // the lock is gone: wait for it before deciding.
                if config.get("lock").is_some() {
                    self.poll_pause(run).await;
                    return Outcome::Again;
                }
                if !marker::is_mine(config.get("description"), record.id()) {
                    tracing::warn!(vm = %record.id(), vmid = vmid.get(), %node, "the VM does not carry this provision's marker; leaving it alone");
                    return Outcome::Event(Event::UndoDone);
                }
                match proxmox.vm_status(&node, vmid).await {
                    Ok(s) if s.status == PowerStatus::Running || s.status == PowerStatus::Paused => {
                        match proxmox.power(&node, vmid, PowerOp::Stop).await {
                            Ok(stop) => self.wait_task(run, &stop).await,
                            Err(e) => return unreachable(self, e),
                        }
                        return Outcome::Again;
                    }
                    Ok(_) => {}
                    Err(e) => return unreachable(self, e),
                }
                match proxmox.delete_vm(&node, vmid).await {
                    Ok(upid) => Outcome::Event(Event::TaskStarted { upid }),
                    Err(ProxmoxError::NotFound(_)) => Outcome::Event(Event::UndoDone),
                    Err(e) if e.is_transient() => unreachable(self, e),
                    Err(e) => {
                        tracing::warn!(vm = %record.id(), error = %e, "Proxmox refused to destroy the VM; retrying later");
                        Outcome::Event(Event::ProxmoxUnreachable {
                            retry_at: self.retry_at(record),
                        })
                    }
                }
            }
        }
    }

    /// Waits (bounded) for a task this run does not record, such as the stop before a destroy;
    /// after a restart the state is read again, so nothing depends on its UPID.
    async fn wait_task(&self, run: &mut Run, upid: &Upid) {
        for _ in 0..120 {
            match self.proxmox().task_status(upid).await {
                Ok(s) if matches!(s.state, TaskState::Running) => self.poll_pause(run).await,
                _ => return,
            }
        }
    }
}
