//! The lifecycle of a finished VM: start, shutdown (bounded, then the owner is told to stop it),
//! stop, reboot and delete. Each action is checked against the VM's live power state, recorded
//! with the task it waits on before the task is awaited, and carried out by the VM's run; delete
//! tears the VM down (marker checked) and releases its address, then removes its generated key.

use std::sync::Arc;

use super::provision_error::ProvisionError;
use super::run::{Outcome, Run};
use super::runner::Runner;
use super::shared::Shared;
use super::views::Views;
use super::views::VmState;
use crate::app::accounts::Caller;
use crate::domain::ids::InstanceId;
use crate::domain::provisioning::{Event, PowerAction, PowerState, TransitionError};
use crate::ports::provisions::ProvisionRecord;
use crate::ports::proxmox::{PowerOp, PowerStatus};

/// How long a shutdown waits for the guest before it is reported as not done.
pub const SHUTDOWN_WAIT_SECS: u32 = 120;

fn refused(e: TransitionError) -> ProvisionError {
    match e {
        TransitionError::PowerUnknown => ProvisionError::ProxmoxUnavailable(
            "Nimbus cannot read this machine's power state from Proxmox right now. Try again in a minute.".into(),
        ),
        TransitionError::AlreadyInPowerState(state) => {
            ProvisionError::Conflict(format!("The machine is already {state}."))
        }
        TransitionError::Busy(what) => {
            ProvisionError::Conflict(format!("The machine is busy ({what}); wait for it to finish."))
        }
        TransitionError::Illegal { phase, .. } => ProvisionError::Conflict(format!(
            "That cannot be done while the machine is {}.",
            phase.replace('_', " ")
        )),
        other => ProvisionError::Internal(other.to_string()),
    }
}

/// Why a power task ended in error, for the machine's notes.
pub(super) fn failed_action(action: PowerAction) -> String {
    match action {
        PowerAction::Shutdown => format!(
            "The machine did not shut down within {SHUTDOWN_WAIT_SECS} seconds (its OS may ignore shutdown requests). Use Stop to power it off."
        ),
        other => format!(
            "Proxmox could not {} the machine. Try again; an admin can read the task's log in Proxmox.",
            other.as_str()
        ),
    }
}

/// Power actions and delete on finished VMs.
pub struct Lifecycle {
    shared: Arc<Shared>,
    runner: Arc<Runner>,
    views: Arc<Views>,
}

impl Lifecycle {
    pub fn new(shared: Arc<Shared>, runner: Arc<Runner>, views: Arc<Views>) -> Self {
        Self { shared, runner, views }
    }

    /// The VM's power state right now, `Unknown` when Proxmox cannot say.
    async fn live_power(&self, record: &ProvisionRecord) -> PowerState {
        let held = record.provision.held();
        let (Some(proxmox), Some(node), Some(vmid)) = (self.shared.configured_proxmox(), &held.node, held.vmid) else {
            return PowerState::Unknown;
        };
        match proxmox.vm_status(node, vmid).await {
            Ok(s) if s.status == PowerStatus::Running => PowerState::Running,
            Ok(s) if s.status == PowerStatus::Stopped => PowerState::Stopped,
            _ => PowerState::Unknown,
        }
    }

    /// Records `event` for a VM no run is working on, and starts its run.
    async fn request(&self, mut record: ProvisionRecord, event: Event) -> Result<VmState, ProvisionError> {
        let id = record.id();
        if self.runner.is_running(id) {
            return Err(ProvisionError::Conflict(
                "The machine is busy with another action; wait for it to finish.".into(),
            ));
        }
        let now = self.shared.ports.clock.now();
        record.provision.apply(event, now).map_err(refused)?;
        record.updated_at = now;
        self.shared.ports.store.save_provision(&record).await?;
        self.shared.hub.publish(&record);
        self.runner.spawn(id);
        Ok(self.views.view(Arc::new(record)).await)
    }

    /// Starts, shuts down, stops or reboots a finished VM.
    pub async fn power(&self, caller: &Caller, id: InstanceId, action: PowerAction) -> Result<VmState, ProvisionError> {
        let record = self.shared.owned(caller, id).await?;
        let power = self.live_power(&record).await;
        self.request(record, Event::PowerRequested { action, power }).await
    }

    /// Tries public SSH through Gopher again, for a finished VM that asked for it and whose
    /// public access failed; audited.
    pub async fn retry_public_ssh(&self, caller: &Caller, id: InstanceId) -> Result<VmState, ProvisionError> {
        let record = self.shared.owned(caller, id).await?;
        if !record.provision.spec().expose_ssh {
            return Err(ProvisionError::Conflict(
                "This machine was not provisioned with public SSH, so there is nothing to retry.".into(),
            ));
        }
        if !self.shared.ports.tunnels.is_configured() {
            return Err(ProvisionError::NotConfigured(
                "Tunnels are not set up on this Nimbus: an admin sets up Gopher in Settings → Gopher.".into(),
            ));
        }
        if record.public.state == crate::ports::provisions::PublicState::Connected {
            return Err(ProvisionError::Conflict(
                "Public SSH already works for this machine.".into(),
            ));
        }
        let hostname = record.provision.spec().hostname.as_str().to_owned();
        let state = self.request(record, Event::ExposureRetried).await?;
        let audit = &self.shared.ports.audit;
        let entry = audit
            .entry(crate::domain::audit::AuditAction::PublicSshRetried)
            .by(&caller.user)
            .from(caller.ip.as_deref());
        audit.record(entry.on("vm", id, hostname)).await;
        Ok(state)
    }

    /// Deletes a VM: answered at once (status `deleting`), finished in the background.
    pub async fn delete(&self, caller: &Caller, id: InstanceId) -> Result<VmState, ProvisionError> {
        let record = self.shared.owned(caller, id).await?;
        self.request(record, Event::DeleteRequested).await
    }
}

/// Issues the power action the VM's state asks for.
pub(super) async fn power_step(s: &Shared, record: &ProvisionRecord, run: &mut Run, action: PowerAction) -> Outcome {
    let held = record.provision.held();
    let (Some(node), Some(vmid)) = (&held.node, held.vmid) else {
        return Outcome::Event(Event::ActionFailed {
            reason: "The machine's record names no node or VMID.".into(),
        });
    };
    let op = match action {
        PowerAction::Start => PowerOp::Start,
        PowerAction::Shutdown => PowerOp::Shutdown {
            timeout_secs: SHUTDOWN_WAIT_SECS,
            force_stop: false,
        },
        PowerAction::Stop => PowerOp::Stop,
        PowerAction::Reboot => PowerOp::Reboot,
    };
    match s.proxmox().power(node, vmid, op).await {
        Ok(upid) => Outcome::Event(Event::TaskStarted { upid }),
        Err(e) => match run.trouble(s, None, e).await {
            Outcome::Fail { .. } => Outcome::Event(Event::ActionFailed {
                reason: format!(
                    "Proxmox could not {} the machine. Try again; an admin can find the details in the Nimbus log.",
                    action.as_str()
                ),
            }),
            other => other,
        },
    }
}
