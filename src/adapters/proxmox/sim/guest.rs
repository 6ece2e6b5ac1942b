//! What runs inside a simulated guest: the commands `agent exec` understands (`cloud-init clean`,
//! `poweroff`, `echo`, and Gopher's bootstrap command, which runs on over the guest network
//! after `agent exec` answers; anything else exits 0 silently), a guest powering itself off, and
//! the agent install a `cidata` ISO's user-data asks for at boot.

use std::sync::Arc;

use chrono::Duration;

use super::bootstrap_script::{BootstrapRun, recognise};
use super::guest_network::{GuestFailure, GuestNetwork};
use super::model::Model;
use super::vm::ExecRecord;
use crate::domain::vmid::VmId;

/// What a command does to its guest besides its output.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Action {
    CloudInitClean(Vec<String>),
    PowerOff,
    GopherBootstrap(BootstrapRun),
}

/// A Gopher bootstrap an `agent exec` started, to run over the guest network without holding
/// the model; its record says `exited: false` until [`Model::guest_run_ended`].
pub(super) struct GuestRun {
    pub vmid: VmId,
    pub pid: u32,
    pub run: BootstrapRun,
    pub network: Arc<dyn GuestNetwork>,
}

/// `cloud-init clean`'s flags.
const CLEAN_FLAGS: &[&str] = &["-l", "--logs", "-s", "--seed", "--machine-id", "-r", "--reboot"];

/// One command line (argv) as the guest runs it.
fn run_one(argv: &[&str], record: &mut ExecRecord, actions: &mut Vec<Action>) {
    match argv {
        ["echo", args @ ..] => record.out.push_str(&format!("{}\n", args.join(" "))),
        ["cloud-init", "clean", flags @ ..] => {
            if let Some(bad) = flags.iter().find(|f| !CLEAN_FLAGS.contains(f)) {
                record.exit_code = 2;
                record.err.push_str(&format!(
                    "usage: cloud-init clean [-h] [-l] [--machine-id] [-r] [-s]\ncloud-init clean: error: unrecognized arguments: {bad}\n"
                ));
            } else {
                actions.push(Action::CloudInitClean(flags.iter().map(|f| f.to_string()).collect()));
            }
        }
        ["poweroff"] | ["systemctl", "poweroff"] | ["shutdown", "-h" | "-P", "now"] | ["shutdown", "now"] => {
            actions.push(Action::PowerOff);
        }
        _ => {}
    }
}

/// Runs `command` (argv, or `sh -c SCRIPT` whose `&&`/`;`/newline-separated commands run in
/// turn until one fails).
fn run(command: &[String]) -> (ExecRecord, Vec<Action>) {
    let mut record = ExecRecord {
        exited: true,
        exit_code: 0,
        out: String::new(),
        err: String::new(),
    };
    let mut actions = Vec::new();
    let script = match command {
        [shell, flag, script] if ["sh", "bash", "/bin/sh", "/bin/bash"].contains(&shell.as_str()) && flag == "-c" => {
            Some(script.clone())
        }
        _ => None,
    };
    if let Some(run) = script.as_deref().and_then(recognise) {
        return (record, vec![Action::GopherBootstrap(run)]);
    }
    match script {
        Some(script) => {
            for line in script.split(['\n', ';']).flat_map(|l| l.split("&&")) {
                let argv: Vec<&str> = line.split_whitespace().collect();
                if !argv.is_empty() {
                    run_one(&argv, &mut record, &mut actions);
                }
                if record.exit_code != 0 {
                    break;
                }
            }
        }
        None => {
            let argv: Vec<&str> = command.iter().map(String::as_str).collect();
            run_one(&argv, &mut record, &mut actions);
        }
    }
    (record, actions)
}

impl Model {
    /// Runs `command` in the guest of `vmid` (checked running with an agent) and keeps its
    /// record under a new pid. A Gopher bootstrap over a guest network is returned to be run
    /// without the model; without a network its `curl` fails at once.
    pub(super) fn guest_exec(&mut self, vmid: VmId, command: &[String]) -> (u32, Option<GuestRun>) {
        self.next_pid += 1;
        let pid = self.next_pid;
        let (mut record, actions) = run(command);
        let halt = self.profile.halt_delay(&mut self.rng);
        let now = self.now;
        let network = self.guest_network.clone();
        let Some(vm) = self.vms.get_mut(&vmid) else {
            return (pid, None);
        };
        let mut events = vec![format!("agent exec on {vmid}: {}", command.join(" "))];
        let mut pending = None;
        for action in actions {
            match action {
                Action::GopherBootstrap(run) => match &network {
                    Some(network) => {
                        events.push(format!("guest {vmid} runs Gopher's bootstrap as {}", run.name));
                        record.exited = false;
                        pending = Some(GuestRun {
                            vmid,
                            pid,
                            run,
                            network: network.clone(),
                        });
                    }
                    None => {
                        let failure = GuestFailure::cannot_connect(&run.url);
                        events.push(format!("guest {vmid} has no route to {}", run.url));
                        record.exit_code = failure.exit_code;
                        record.err = failure.stderr;
                    }
                },
                Action::CloudInitClean(flags) => {
                    events.push(format!("guest {vmid} ran cloud-init clean {}", flags.join(" ")));
                    vm.cloud_init_clean = Some(flags);
                }
                Action::PowerOff if halt.is_zero() => {
                    vm.power_off(now);
                    events.push(format!("guest {vmid} powered itself off"));
                }
                Action::PowerOff => vm.halt_at = Some(now + halt),
            }
        }
        vm.execs.insert(pid, record);
        for e in events {
            self.event(e);
        }
        (pid, pending)
    }

    /// The Gopher bootstrap `pid` ran in the guest of `vmid` ended with `result` (its stdout,
    /// or how it failed); its record says so from now on.
    pub(super) fn guest_run_ended(&mut self, vmid: VmId, pid: u32, result: Result<String, GuestFailure>) {
        let Some(record) = self.vms.get_mut(&vmid).and_then(|vm| vm.execs.get_mut(&pid)) else {
            return;
        };
        record.exited = true;
        match result {
            Ok(out) => record.out.push_str(&out),
            Err(failure) => {
                record.exit_code = failure.exit_code;
                record.err.push_str(&failure.stderr);
            }
        }
        let code = record.exit_code;
        self.event(format!("guest {vmid}: Gopher's bootstrap (pid {pid}) exited {code}"));
    }

    /// Guests whose `poweroff` is due by `at` stop, in time order; returns whether one did.
    pub(super) fn halt_due(&mut self, at: chrono::DateTime<chrono::Utc>) -> bool {
        let due = self
            .vms
            .values()
            .filter_map(|v| v.halt_at.map(|h| (h, v.vmid)))
            .filter(|(h, _)| *h <= at)
            .min();
        let Some((when, vmid)) = due else {
            return false;
        };
        self.now = self.now.max(when);
        if let Some(vm) = self.vms.get_mut(&vmid) {
            vm.power_off(when);
        }
        self.event(format!("guest {vmid} powered itself off"));
        true
    }

    /// When, after a boot that ends at `booted`, the agent a boot ISO asks for is installed
    /// and answering; `None` when the guest already has it or no ISO asks for it.
    pub(super) fn agent_install_at(
        &mut self,
        vmid: VmId,
        booted: chrono::DateTime<chrono::Utc>,
    ) -> Option<chrono::DateTime<chrono::Utc>> {
        let vm = self.vms.get(&vmid)?;
        if vm.has_agent(self.now) {
            return None;
        }
        let asks = self.boot_isos(vm).into_iter().any(user_data_installs_agent);
        if !asks {
            return None;
        }
        let delay: Duration = self.profile.agent_install_delay(&mut self.rng);
        Some(booted + delay)
    }
}

/// Whether an ISO is a `cidata` seed whose user-data installs the QEMU guest agent.
fn user_data_installs_agent(iso: &[u8]) -> bool {
    crate::domain::cidata::read_iso_file(iso, "user-data")
        .is_some_and(|data| crate::domain::cidata::installs_guest_agent(&String::from_utf8_lossy(&data)))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn argv(parts: &[&str]) -> Vec<String> {
        parts.iter().map(|p| p.to_string()).collect()
    }

    #[test]
    fn cloud_init_clean_and_poweroff_are_understood_alone_and_in_a_shell_script() {
        let (r, a) = run(&argv(&["cloud-init", "clean", "--logs", "--seed"]));
        assert_eq!(r.exit_code, 0);
        assert_eq!(a, [Action::CloudInitClean(argv(&["--logs", "--seed"]))]);
        let (r, a) = run(&argv(&["sh", "-c", "cloud-init clean --logs && shutdown -h now"]));
        assert_eq!(r.exit_code, 0);
        assert_eq!(a, [Action::CloudInitClean(argv(&["--logs"])), Action::PowerOff]);
        let (_, a) = run(&argv(&["poweroff"]));
        assert_eq!(a, [Action::PowerOff]);
    }

    #[test]
    fn a_bad_flag_fails_cloud_init_clean_and_stops_the_script() {
        let (r, a) = run(&argv(&["sh", "-c", "cloud-init clean --everything; poweroff"]));
        assert_eq!(r.exit_code, 2);
        assert!(r.err.contains("unrecognized arguments: --everything"), "{}", r.err);
        assert!(a.is_empty());
    }

    #[test]
    fn other_commands_exit_zero_and_echo_answers() {
        let (r, a) = run(&argv(&["echo", "a", "b"]));
        assert_eq!((r.exit_code, r.out.as_str()), (0, "a b\n"));
        assert!(a.is_empty());
        let (r, _) = run(&argv(&["apt-get", "install", "-y", "nginx"]));
        assert_eq!((r.exit_code, r.out.as_str()), (0, ""));
    }
}
