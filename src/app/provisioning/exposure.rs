//! The exposure step: public SSH through Gopher. The machine is registered on Gopher and its id
//! stored (`TunnelRegistered`) with its one-time bootstrap link sealed apart, before anything
//! waits on them; then the bootstrap runs inside the VM through the guest agent, Gopher is asked
//! until the machine connects, and the public endpoint is recorded. Nothing here fails the
//! provision: what went wrong is kept on the record in words, and the owner can retry.

use std::time::Duration;

use super::run::{Outcome, Run};
use super::shared::Shared;
use crate::app::guest_setup::bootstrap_command::gopher_bootstrap;
use crate::app::guest_setup::{GuestCommand, GuestRun, excerpt};
use crate::domain::ids::InstanceId;
use crate::domain::provisioning::Event;
use crate::ports::provisions::{ProvisionRecord, PublicState};
use crate::ports::tunnel_gateway::{GatewayError, MachineId, MachineStatus, TunnelGateway};

/// How long the bootstrap may run inside the VM (it downloads and installs the tunnel client).
pub const BOOTSTRAP_BOUND: Duration = Duration::from_secs(300);
/// How long Gopher is given to see a bootstrapped machine connect.
pub const CONNECT_BOUND: Duration = Duration::from_secs(60);
/// Registrations tried per run before giving up (a machine that failed or vanished is replaced).
const MAX_REGISTRATIONS: u32 = 3;
/// Output kept in an error message.
const OUTPUT_KEPT: usize = 2048;

/// The name of the sealed secret holding a provision's bootstrap link.
pub fn bootstrap_secret(id: InstanceId) -> String {
    format!("gopher_bootstrap:{id}")
}

/// The command the owner runs inside the VM when the guest agent never answered.
pub fn manual_command(url: &str, hostname: &str, user: &str) -> String {
    let script = &gopher_bootstrap(url, hostname, user)[2];
    format!("sudo sh -c '{}'", script.replace('\'', r"'\''"))
}

/// The bootstrap to run by hand, for a VM whose guest agent never answered.
pub(super) async fn manual_for(s: &Shared, record: &ProvisionRecord) -> Option<String> {
    if !record.public.agent_silent {
        return None;
    }
    let url = s
        .ports
        .secrets
        .get(&bootstrap_secret(record.id()))
        .await
        .ok()
        .flatten()?;
    let hostname = record.provision.spec().hostname.as_str();
    Some(manual_command(&url, hostname, &record.username))
}

/// The port Gopher's bootstrap printed (`… Tunnel port: 22001`), if it did.
pub fn reported_port(out: &str) -> Option<u16> {
    out.lines()
        .rev()
        .find_map(|line| line.split("Tunnel port:").nth(1))
        .and_then(|rest| rest.trim().trim_end_matches('.').parse().ok())
}

/// One look at the exposure of `record`.
pub(super) async fn expose(s: &Shared, record: &mut ProvisionRecord, run: &mut Run) -> Outcome {
    let Some(gateway) = s.ports.tunnels.current() else {
        return give_up(
            record,
            "Public SSH was asked for, but Gopher is no longer set up on this Nimbus (an admin turned it off in Settings → Gopher). The machine is reachable on the LAN.",
        );
    };
    match record.provision.held().tunnel.clone() {
        None if run.registrations >= MAX_REGISTRATIONS => give_up(
            record,
            "Gopher did not keep the machines Nimbus registered for this VM. Try public access again later; an admin can check Gopher.",
        ),
        None => register(s, record, run, gateway.as_ref()).await,
        Some(machine) => bootstrap(s, record, run, gateway.as_ref(), MachineId(machine)).await,
    }
}

/// Ends the step with public access failed, for `why`.
fn give_up(record: &mut ProvisionRecord, why: &str) -> Outcome {
    record.public.state = PublicState::Failed;
    record.public.error = Some(why.to_owned());
    record.public.registering_since = None;
    Outcome::Event(Event::StepDone)
}

/// Words for a Gopher failure while Nimbus was `doing` something.
fn gateway_words(doing: &str, e: &GatewayError) -> String {
    match e {
        GatewayError::Unavailable(_) | GatewayError::Failed(_) => format!(
            "Gopher did not answer while Nimbus was {doing}. The machine is ready on the LAN; use Retry public access once Gopher is back."
        ),
        GatewayError::Unauthorized => {
            format!("Gopher refused Nimbus's API key while Nimbus was {doing}. An admin must check Settings → Gopher.")
        }
        other => format!("Gopher refused while Nimbus was {doing}: {other}"),
    }
}

async fn register(s: &Shared, record: &mut ProvisionRecord, run: &mut Run, gateway: &dyn TunnelGateway) -> Outcome {
    if let Some(since) = record.public.registering_since {
        forget_unrecorded(s, gateway, since).await;
    }
    let now = s.ports.clock.now();
    record.public.state = PublicState::Exposing;
    record.public.error = None;
    record.public.agent_silent = false;
    record.public.registering_since = Some(now);
    if let Err(e) = s.ports.store.save_provision(record).await {
        tracing::error!(vm = %record.id(), error = %e, "cannot store the start of a Gopher registration");
        return Outcome::Stop;
    }
    let created = match gateway.create_machine(true).await {
        Ok(created) => created,
        Err(e) if e.is_transient() && run.transient < 3 => {
            run.transient += 1;
            s.ports.pace.pause(Duration::from_secs(1 << run.transient)).await;
            return Outcome::Again;
        }
        Err(e) => {
            tracing::warn!(vm = %record.id(), error = %e, "cannot register the machine with Gopher");
            return give_up(record, &gateway_words("registering the machine", &e));
        }
    };
    run.registrations += 1;
    let id = created.machine.id.clone();
    if let Err(e) = s
        .ports
        .secrets
        .put(&bootstrap_secret(record.id()), created.bootstrap_url.expose())
        .await
    {
        tracing::error!(vm = %record.id(), error = %e, "cannot seal a bootstrap link; removing the machine from Gopher");
        let _ = gateway.delete_machine(&id).await;
        return give_up(
            record,
            "Nimbus could not store the machine's bootstrap link. Try public access again.",
        );
    }
    record.public.registering_since = None;
    tracing::info!(vm = %record.id(), machine = %id, "machine registered with Gopher");
    Outcome::Event(Event::TunnelRegistered { machine: id.0 })
}

/// After a crash between registering a machine and storing its id, Gopher holds a pending
/// machine no VM knows: one made since `since`, before this process started, held by none.
async fn forget_unrecorded(s: &Shared, gateway: &dyn TunnelGateway, since: chrono::DateTime<chrono::Utc>) {
    let (machines, records) = match (gateway.machines().await, s.ports.store.all_provisions().await) {
        (Ok(m), Ok(r)) => (m, r),
        _ => return,
    };
    let held: std::collections::HashSet<String> = records
        .iter()
        .filter_map(|r| r.provision.held().tunnel.clone())
        .collect();
    let earliest = since - chrono::Duration::seconds(5);
    for m in machines {
        let unrecorded = m.status == MachineStatus::Pending
            && !held.contains(&m.id.0)
            && m.created_at.is_some_and(|at| at >= earliest && at <= s.started_at);
        if unrecorded {
            tracing::warn!(machine = %m.id, "removing a Gopher machine registered before a restart and never recorded");
            let _ = gateway.delete_machine(&m.id).await;
        }
    }
}

/// Removes `machine` from Gopher and forgets it and its link: the next look registers anew.
async fn drop_machine(
    s: &Shared,
    record: &ProvisionRecord,
    gateway: &dyn TunnelGateway,
    machine: &MachineId,
) -> Outcome {
    if let Err(e) = gateway.delete_machine(machine).await {
        tracing::warn!(vm = %record.id(), error = %e, "cannot remove a used-up Gopher machine");
        return Outcome::Event(Event::StepDone);
    }
    let _ = s.ports.secrets.delete(&bootstrap_secret(record.id())).await;
    Outcome::Event(Event::TunnelDropped {
        machine: machine.0.clone(),
    })
}

async fn bootstrap(
    s: &Shared,
    record: &mut ProvisionRecord,
    run: &mut Run,
    gateway: &dyn TunnelGateway,
    machine: MachineId,
) -> Outcome {
    match gateway.machine(&machine).await {
        Ok(m) if m.status == MachineStatus::Connected => return connected(s, record).await,
        Ok(m) if m.status == MachineStatus::Failed => return drop_or_give_up(s, record, run, gateway, &machine).await,
        Ok(_) => {}
        Err(GatewayError::NotFound(_)) => return forget(s, record, run, &machine).await,
        Err(e) if e.is_transient() && run.transient < 3 => {
            run.transient += 1;
            s.ports.pace.pause(Duration::from_secs(1 << run.transient)).await;
            return Outcome::Again;
        }
        Err(e) => return give_up(record, &gateway_words("checking the machine", &e)),
    }
    // Asked again after a failure: the old link may be used up; start from a new machine.
    if record.public.state == PublicState::Failed {
        return drop_or_give_up(s, record, run, gateway, &machine).await;
    }
    let url = match s.ports.secrets.get(&bootstrap_secret(record.id())).await {
        Ok(Some(url)) => url,
        Ok(None) => return drop_or_give_up(s, record, run, gateway, &machine).await,
        Err(e) => {
            tracing::error!(vm = %record.id(), error = %e, "cannot open a sealed bootstrap link");
            return give_up(
                record,
                "Nimbus could not read the machine's bootstrap link. Try public access again.",
            );
        }
    };
    let Some((node, vmid)) = record.provision.held().node.clone().zip(record.provision.held().vmid) else {
        return give_up(record, "The machine's record is missing its node or VMID.");
    };
    record.public.state = PublicState::Exposing;
    let guest = GuestCommand {
        proxmox: s.proxmox(),
        clock: s.ports.clock.as_ref(),
        pace: s.ports.pace.as_ref(),
        node: &node,
        vmid,
        poll: Duration::from_secs(1),
    };
    let hostname = record.provision.spec().hostname.as_str().to_owned();
    let command = gopher_bootstrap(&url, &hostname, &record.username);
    let out = match guest.run(&command, BOOTSTRAP_BOUND).await {
        Ok(GuestRun::Done { out }) => out,
        Ok(GuestRun::Failed { code, out, err }) => {
            let said = excerpt(&format!("{out}\n{err}"), OUTPUT_KEPT);
            return give_up(
                record,
                &format!("Gopher's bootstrap failed inside the machine (exit {code}). Its output:\n{said}"),
            );
        }
        Ok(GuestRun::Unfinished { .. }) => {
            return give_up(
                record,
                "Gopher's bootstrap did not finish inside the machine within 5 minutes (it downloads the tunnel client; the machine may have no internet access).",
            );
        }
        Ok(GuestRun::AgentSilent { reason }) => {
            tracing::warn!(vm = %record.id(), %reason, "the guest agent never answered; public SSH needs a manual step");
            let out = give_up(
                record,
                "The machine's guest agent did not answer, so Nimbus could not set up public SSH inside it. Run the command shown on the machine's page inside the machine, then use Retry public access.",
            );
            record.public.agent_silent = true;
            return out;
        }
        Err(e) => {
            tracing::warn!(vm = %record.id(), error = %e, "cannot run the bootstrap through the guest agent");
            return give_up(record, &super::run::explain(None, &e));
        }
    };
    record.public.ssh_port = reported_port(&out);
    wait_connected(s, record, gateway, &machine).await
}

/// A machine that failed or whose link is gone is replaced, a bounded number of times.
async fn drop_or_give_up(
    s: &Shared,
    record: &mut ProvisionRecord,
    run: &mut Run,
    gateway: &dyn TunnelGateway,
    machine: &MachineId,
) -> Outcome {
    if run.registrations >= MAX_REGISTRATIONS {
        return give_up(
            record,
            "Gopher reported the machine as failed. An admin can check Gopher; then use Retry public access.",
        );
    }
    record.public.state = PublicState::Exposing;
    drop_machine(s, record, gateway, machine).await
}

/// The machine is gone from Gopher: forget it and register anew.
async fn forget(s: &Shared, record: &mut ProvisionRecord, run: &mut Run, machine: &MachineId) -> Outcome {
    if run.registrations >= MAX_REGISTRATIONS {
        return give_up(
            record,
            "Gopher no longer has the machine Nimbus registered. Try public access again later.",
        );
    }
    let _ = s.ports.secrets.delete(&bootstrap_secret(record.id())).await;
    Outcome::Event(Event::TunnelDropped {
        machine: machine.0.clone(),
    })
}

/// Asks Gopher until the machine connects, for at most [`CONNECT_BOUND`].
async fn wait_connected(
    s: &Shared,
    record: &mut ProvisionRecord,
    gateway: &dyn TunnelGateway,
    machine: &MachineId,
) -> Outcome {
    let deadline = s.ports.clock.now() + chrono::Duration::from_std(CONNECT_BOUND).unwrap_or_default();
    loop {
        match gateway.machine(machine).await {
            Ok(m) if m.status == MachineStatus::Connected => return connected(s, record).await,
            Ok(m) if m.status == MachineStatus::Failed => {
                let why = m.error.unwrap_or_else(|| "no reason given".into());
                return give_up(
                    record,
                    &format!("Gopher reported the machine as failed after its bootstrap: {why}"),
                );
            }
            _ => {}
        }
        if s.ports.clock.now() >= deadline {
            return give_up(
                record,
                "The bootstrap ran inside the machine, but Gopher did not see it connect within a minute. Use Retry public access; an admin can check Gopher.",
            );
        }
        s.ports.pace.pause(Duration::from_secs(2)).await;
    }
}

/// The machine is connected: public SSH works. Its link is used up.
async fn connected(s: &Shared, record: &mut ProvisionRecord) -> Outcome {
    let _ = s.ports.secrets.delete(&bootstrap_secret(record.id())).await;
    record.public.state = PublicState::Connected;
    record.public.error = None;
    record.public.agent_silent = false;
    record.public.ssh_host = s.ports.tunnels.host();
    tracing::info!(vm = %record.id(), port = ?record.public.ssh_port, "public SSH is connected through Gopher");
    Outcome::Event(Event::StepDone)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_port_is_read_from_gophers_last_line_and_never_guessed() {
        let out =
            "=== Bootstrap complete! ===\nMachine 'web-1' registered as 'debian'. Tunnel port: 22001\nService: …\n";
        assert_eq!(reported_port(out), Some(22001));
        assert_eq!(reported_port("Registered! Tunnel port: 22007."), Some(22007));
        assert_eq!(reported_port("nothing useful"), None);
        assert_eq!(reported_port("Tunnel port: null"), None);
    }

    #[test]
    fn the_manual_command_runs_the_same_script_as_root() {
        let cmd = manual_command("https://gw.example.org/bootstrap/t0k", "web-1", "debian");
        assert!(cmd.starts_with("sudo sh -c '"));
        assert!(cmd.contains("GOPHER_MACHINE_NAME='\\''web-1'\\''"));
        assert!(cmd.contains("https://gw.example.org/bootstrap/t0k"));
    }
}
