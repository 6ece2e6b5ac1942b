//! Polling the task a step waits on, and tearing down what a failed provision built: the VM
//! (only when it carries this provision's marker; stopped first when running), then the address.
//! While Proxmox cannot be reached the teardown waits (`rollback_pending`) and carries on later.

use chrono::Utc;

use super::run::{Outcome, Run, explain};
use super::shared::Shared;
use crate::domain::marker;
use crate::domain::provisioning::{Event, FailureCode, Phase, Undo};
use crate::domain::upid::Upid;
use crate::ports::ProxmoxError;
use crate::ports::provisions::ProvisionRecord;
use crate::ports::proxmox::{PowerOp, PowerStatus, TaskState};
use crate::ports::tunnel_gateway::MachineId;

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

/// When to try a teardown again: 2 s doubling per attempt, at most a minute.
fn retry_at(s: &Shared, record: &ProvisionRecord) -> chrono::DateTime<Utc> {
    let n = attempts(record.provision.phase()).min(5);
    let secs = (2i64 << n).min(MAX_BACKOFF_SECS);
    s.ports.clock.now() + chrono::Duration::seconds(secs)
}

/// Polls the task the provision waits on; never repeats the action behind it.
pub(super) async fn poll(s: &Shared, record: &ProvisionRecord, run: &mut Run, upid: &Upid) -> Outcome {
    let phase = record.provision.phase();
    let step = phase.step();
    if matches!(phase, Phase::Cloning { .. })
        && run.clone_permit.is_none()
        && let Some(node) = record.provision.held().node.clone()
    {
        run.clone_permit = s.slot(&node).acquire_owned().await.ok();
    }
    let teardown = tearing_down(phase);
    match s.proxmox().task_status(upid).await {
        Ok(st) => match st.state {
            TaskState::Running => {
                run.poll_pause(s).await;
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
                if matches!(phase, Phase::Starting { .. }) && already_running(s, record).await {
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
                        retry_at: retry_at(s, record),
                    });
                }
                let err = ProxmoxError::TaskFailed {
                    upid: upid.to_string(),
                    exit_status: exit.as_text(),
                };
                Outcome::Fail {
                    code: FailureCode::ProvisionFailed,
                    reason: explain(step, &err),
                }
            }
        },
        Err(e) if teardown && e.is_transient() => Outcome::Event(Event::ProxmoxUnreachable {
            retry_at: retry_at(s, record),
        }),
        Err(e) if teardown => {
            tracing::warn!(vm = %record.id(), task = %upid, error = %e, "cannot follow a teardown task; trying the step again");
            Outcome::Event(Event::UndoFailed {
                retry_at: retry_at(s, record),
            })
        }
        Err(e) => run.trouble(s, step, e).await,
    }
}

async fn already_running(s: &Shared, record: &ProvisionRecord) -> bool {
    let held = record.provision.held();
    let (Some(node), Some(vmid)) = (&held.node, held.vmid) else {
        return false;
    };
    matches!(s.proxmox().vm_status(node, vmid).await, Ok(st) if st.status == PowerStatus::Running)
}

/// Takes down the first remaining item.
pub(super) async fn undo(s: &Shared, record: &ProvisionRecord, run: &mut Run, undo: Undo) -> Outcome {
    match undo {
        Undo::RemoveTunnel { machine } => remove_machine(s, record, MachineId(machine)).await,
        Undo::ReleaseIp { ip } => match s.ports.pool.release(record.id(), ip).await {
            Ok(released) => {
                if !released {
                    tracing::warn!(vm = %record.id(), %ip, "the address was not held by this provision any more");
                }
                Outcome::Event(Event::UndoDone)
            }
            Err(e) => {
                tracing::error!(vm = %record.id(), error = %e, "cannot release an address; retrying");
                Outcome::Event(Event::ProxmoxUnreachable {
                    retry_at: retry_at(s, record),
                })
            }
        },
        Undo::DestroyVm { node, vmid } => {
            let unreachable = |s: &Shared, e: ProxmoxError| {
                tracing::warn!(vm = %record.id(), error = %e, "cannot reach Proxmox to destroy a VM; waiting");
                Outcome::Event(Event::ProxmoxUnreachable {
                    retry_at: retry_at(s, record),
                })
            };
            let proxmox = s.proxmox();
            let config = match proxmox.vm_config(&node, vmid).await {
                Ok(c) => c,
                Err(ProxmoxError::NotFound(_)) => return Outcome::Event(Event::UndoDone),
                Err(e) => return unreachable(s, e),
            };
            // A locked VM (a clone or another task still running) shows its marker only once
            // the lock is gone: wait for it before deciding.
            if config.get("lock").is_some() {
                run.poll_pause(s).await;
                return Outcome::Again;
            }
            if !marker::is_mine(config.get("description"), record.id()) {
                tracing::warn!(vm = %record.id(), vmid = vmid.get(), %node, "the VM does not carry this provision's marker; leaving it alone");
                return Outcome::Event(Event::UndoDone);
            }
            match proxmox.vm_status(&node, vmid).await {
                Ok(st) if st.status == PowerStatus::Running || st.status == PowerStatus::Paused => {
                    match proxmox.power(&node, vmid, PowerOp::Stop).await {
                        Ok(stop) => wait_task(s, run, &stop).await,
                        Err(e) => return unreachable(s, e),
                    }
                    return Outcome::Again;
                }
                Ok(_) => {}
                Err(e) => return unreachable(s, e),
            }
            match proxmox.delete_vm(&node, vmid).await {
                Ok(upid) => Outcome::Event(Event::TaskStarted { upid }),
                Err(ProxmoxError::NotFound(_)) => Outcome::Event(Event::UndoDone),
                Err(e) if e.is_transient() => unreachable(s, e),
                Err(e) => {
                    tracing::warn!(vm = %record.id(), error = %e, "Proxmox refused to destroy the VM; retrying later");
                    Outcome::Event(Event::ProxmoxUnreachable {
                        retry_at: retry_at(s, record),
                    })
                }
            }
        }
    }
}

/// Deletes the VM's Gopher machine (and so its tunnels) and forgets its bootstrap link. While
/// Gopher cannot be reached the teardown waits and tries again, like for Proxmox.
async fn remove_machine(s: &Shared, record: &ProvisionRecord, machine: MachineId) -> Outcome {
    let Some(gateway) = s.ports.tunnels.current() else {
        tracing::warn!(vm = %record.id(), %machine, "Gopher is not set up any more: its machine for this VM is left for an admin to remove there");
        return Outcome::Event(Event::UndoDone);
    };
    match gateway.delete_machine(&machine).await {
        Ok(()) => {
            let _ = s
                .ports
                .secrets
                .delete(&super::exposure::bootstrap_secret(record.id()))
                .await;
            tracing::info!(vm = %record.id(), %machine, "Gopher machine removed");
            Outcome::Event(Event::UndoDone)
        }
        Err(e) => {
            tracing::warn!(vm = %record.id(), %machine, error = %e, "cannot remove the Gopher machine; trying again later");
            Outcome::Event(Event::ProxmoxUnreachable {
                retry_at: retry_at(s, record),
            })
        }
    }
}

/// Waits (bounded) for a task this run does not record, such as the stop before a destroy;
/// after a restart the state is read again, so nothing depends on its UPID.
async fn wait_task(s: &Shared, run: &mut Run, upid: &Upid) {
    for _ in 0..120 {
        match s.proxmox().task_status(upid).await {
            Ok(st) if matches!(st.state, TaskState::Running) => run.poll_pause(s).await,
            _ => return,
        }
    }
}
