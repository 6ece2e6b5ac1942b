//! The stored form of a provision's phase (its state and what it waits on or must undo).

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use std::net::Ipv4Addr;

use super::codec::{corrupt, node_in, step_in, vmid_in};
use crate::domain::provisioning::{Failure, Phase, PowerAction, Teardown, Undo};
use crate::domain::upid::Upid;
use crate::ports::StoreError;

#[derive(Serialize, Deserialize)]
pub(super) struct FailureDoc {
    step: String,
    reason: String,
}

#[derive(Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub(super) enum UndoDoc {
    RemoveTunnel { machine: String },
    DestroyVm { node: String, vmid: u32 },
    ReleaseIp { ip: Ipv4Addr },
}

#[derive(Serialize, Deserialize)]
pub(super) struct TeardownDoc {
    remaining: Vec<UndoDoc>,
    task: Option<String>,
    attempts: u32,
}

#[derive(Serialize, Deserialize)]
#[serde(tag = "word", rename_all = "snake_case")]
pub(super) enum PhaseDoc {
    PendingApproval,
    Denied {
        reason: String,
    },
    Requested,
    IpReserved,
    Placed,
    Cloning {
        task: Option<String>,
    },
    Configuring {
        task: Option<String>,
    },
    Resizing {
        task: Option<String>,
    },
    Starting {
        task: Option<String>,
    },
    WaitingReady {
        since: DateTime<Utc>,
    },
    ExposingTunnel,
    InjectingGpuEnv,
    Ready,
    Failed {
        failure: FailureDoc,
        undo: Vec<UndoDoc>,
    },
    RollingBack {
        failure: FailureDoc,
        teardown: TeardownDoc,
    },
    RollbackPending {
        failure: FailureDoc,
        teardown: TeardownDoc,
        retry_at: DateTime<Utc>,
    },
    RolledBack {
        failure: FailureDoc,
    },
    Power {
        action: String,
        task: Option<String>,
    },
    Deleting {
        teardown: TeardownDoc,
        retry_at: Option<DateTime<Utc>>,
    },
    Deleted,
}

fn task_out(t: &Option<Upid>) -> Option<String> {
    t.as_ref().map(|u| u.as_str().to_owned())
}

fn task_in(t: Option<String>) -> Result<Option<Upid>, StoreError> {
    t.map(|s| Upid::parse(&s).map_err(|_| corrupt("task", s))).transpose()
}

fn failure_out(f: &Failure) -> FailureDoc {
    FailureDoc {
        step: f.step.as_str().to_owned(),
        reason: f.reason.clone(),
    }
}

fn failure_in(f: FailureDoc) -> Result<Failure, StoreError> {
    Ok(Failure {
        step: step_in(&f.step)?,
        reason: f.reason,
    })
}

fn undo_out(u: &Undo) -> UndoDoc {
    match u {
        Undo::RemoveTunnel { machine } => UndoDoc::RemoveTunnel {
            machine: machine.clone(),
        },
        Undo::DestroyVm { node, vmid } => UndoDoc::DestroyVm {
            node: node.as_str().to_owned(),
            vmid: vmid.get(),
        },
        Undo::ReleaseIp { ip } => UndoDoc::ReleaseIp { ip: *ip },
    }
}

fn undo_in(u: UndoDoc) -> Result<Undo, StoreError> {
    Ok(match u {
        UndoDoc::RemoveTunnel { machine } => Undo::RemoveTunnel { machine },
        UndoDoc::DestroyVm { node, vmid } => Undo::DestroyVm {
            node: node_in(node)?,
            vmid: vmid_in(vmid)?,
        },
        UndoDoc::ReleaseIp { ip } => Undo::ReleaseIp { ip },
    })
}

fn teardown_out(t: &Teardown) -> TeardownDoc {
    TeardownDoc {
        remaining: t.remaining.iter().map(undo_out).collect(),
        task: task_out(&t.task),
        attempts: t.attempts,
    }
}

fn teardown_in(t: TeardownDoc) -> Result<Teardown, StoreError> {
    Ok(Teardown {
        remaining: t.remaining.into_iter().map(undo_in).collect::<Result<_, _>>()?,
        task: task_in(t.task)?,
        attempts: t.attempts,
    })
}

fn action_in(a: &str) -> Result<PowerAction, StoreError> {
    [
        PowerAction::Start,
        PowerAction::Shutdown,
        PowerAction::Stop,
        PowerAction::Reboot,
    ]
    .into_iter()
    .find(|x| x.as_str() == a)
    .ok_or_else(|| corrupt("power action", a))
}

pub(super) fn phase_out(p: &Phase) -> PhaseDoc {
    match p {
        Phase::PendingApproval => PhaseDoc::PendingApproval,
        Phase::Denied { reason } => PhaseDoc::Denied { reason: reason.clone() },
        Phase::Requested => PhaseDoc::Requested,
        Phase::IpReserved => PhaseDoc::IpReserved,
        Phase::Placed => PhaseDoc::Placed,
        Phase::Cloning { task } => PhaseDoc::Cloning { task: task_out(task) },
        Phase::Configuring { task } => PhaseDoc::Configuring { task: task_out(task) },
        Phase::Resizing { task } => PhaseDoc::Resizing { task: task_out(task) },
        Phase::Starting { task } => PhaseDoc::Starting { task: task_out(task) },
        Phase::WaitingReady { since } => PhaseDoc::WaitingReady { since: *since },
        Phase::ExposingTunnel => PhaseDoc::ExposingTunnel,
        Phase::InjectingGpuEnv => PhaseDoc::InjectingGpuEnv,
        Phase::Ready => PhaseDoc::Ready,
        Phase::Failed { failure, undo } => PhaseDoc::Failed {
            failure: failure_out(failure),
            undo: undo.iter().map(undo_out).collect(),
        },
        Phase::RollingBack { failure, teardown } => PhaseDoc::RollingBack {
            failure: failure_out(failure),
            teardown: teardown_out(teardown),
        },
        Phase::RollbackPending {
            failure,
            teardown,
            retry_at,
        } => PhaseDoc::RollbackPending {
            failure: failure_out(failure),
            teardown: teardown_out(teardown),
            retry_at: *retry_at,
        },
        Phase::RolledBack { failure } => PhaseDoc::RolledBack {
            failure: failure_out(failure),
        },
        Phase::Power { action, task } => PhaseDoc::Power {
            action: action.as_str().to_owned(),
            task: task_out(task),
        },
        Phase::Deleting { teardown, retry_at } => PhaseDoc::Deleting {
            teardown: teardown_out(teardown),
            retry_at: *retry_at,
        },
        Phase::Deleted => PhaseDoc::Deleted,
    }
}

pub(super) fn phase_in(p: PhaseDoc) -> Result<Phase, StoreError> {
    Ok(match p {
        PhaseDoc::PendingApproval => Phase::PendingApproval,
        PhaseDoc::Denied { reason } => Phase::Denied { reason },
        PhaseDoc::Requested => Phase::Requested,
        PhaseDoc::IpReserved => Phase::IpReserved,
        PhaseDoc::Placed => Phase::Placed,
        PhaseDoc::Cloning { task } => Phase::Cloning { task: task_in(task)? },
        PhaseDoc::Configuring { task } => Phase::Configuring { task: task_in(task)? },
        PhaseDoc::Resizing { task } => Phase::Resizing { task: task_in(task)? },
        PhaseDoc::Starting { task } => Phase::Starting { task: task_in(task)? },
        PhaseDoc::WaitingReady { since } => Phase::WaitingReady { since },
        PhaseDoc::ExposingTunnel => Phase::ExposingTunnel,
        PhaseDoc::InjectingGpuEnv => Phase::InjectingGpuEnv,
        PhaseDoc::Ready => Phase::Ready,
        PhaseDoc::Failed { failure, undo } => Phase::Failed {
            failure: failure_in(failure)?,
            undo: undo.into_iter().map(undo_in).collect::<Result<_, _>>()?,
        },
        PhaseDoc::RollingBack { failure, teardown } => Phase::RollingBack {
            failure: failure_in(failure)?,
            teardown: teardown_in(teardown)?,
        },
        PhaseDoc::RollbackPending {
            failure,
            teardown,
            retry_at,
        } => Phase::RollbackPending {
            failure: failure_in(failure)?,
            teardown: teardown_in(teardown)?,
            retry_at,
        },
        PhaseDoc::RolledBack { failure } => Phase::RolledBack {
            failure: failure_in(failure)?,
        },
        PhaseDoc::Power { action, task } => Phase::Power {
            action: action_in(&action)?,
            task: task_in(task)?,
        },
        PhaseDoc::Deleting { teardown, retry_at } => Phase::Deleting {
            teardown: teardown_in(teardown)?,
            retry_at,
        },
        PhaseDoc::Deleted => Phase::Deleted,
    })
}
