//! The command line that runs Gopher's bootstrap inside a VM: fetch the one-time script to a
//! temporary file, run it with the machine's name and SSH user (so it never prompts), remove it.

/// `s` as one single-quoted shell word (a `'` inside is written `'\''`).
pub fn shell_quote(s: &str) -> String {
    format!("'{}'", s.replace('\'', r"'\''"))
}

/// `sh -c SCRIPT` running the bootstrap at `url` as machine `hostname`, SSH user `user`.
pub fn gopher_bootstrap(url: &str, hostname: &str, user: &str) -> Vec<String> {
    let script = format!(
        "set -eu\nf=$(mktemp)\ncurl -fsS --retry 3 --max-time 60 -o \"$f\" {url}\n\
         GOPHER_MACHINE_NAME={name} GOPHER_SSH_USER={user} bash \"$f\" </dev/null\nrm -f \"$f\"",
        url = shell_quote(url),
        name = shell_quote(hostname),
        user = shell_quote(user),
    );
    vec!["sh".into(), "-c".into(), script]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quotes_survive_a_quote_inside() {
        assert_eq!(shell_quote("plain"), "'plain'");
        assert_eq!(shell_quote("it's"), r"'it'\''s'");
        assert_eq!(shell_quote("$HOME `id` \"x\""), "'$HOME `id` \"x\"'");
    }

    #[test]
    fn the_script_fetches_then_runs_with_name_and_user() {
        let cmd = gopher_bootstrap("https://gw.example.org/bootstrap/abc", "web-1", "debian");
        assert_eq!(&cmd[..2], ["sh", "-c"]);
        let lines: Vec<&str> = cmd[2].lines().collect();
        assert_eq!(
            lines,
            [
                "set -eu",
                "f=$(mktemp)",
                "curl -fsS --retry 3 --max-time 60 -o \"$f\" 'https://gw.example.org/bootstrap/abc'",
                "GOPHER_MACHINE_NAME='web-1' GOPHER_SSH_USER='debian' bash \"$f\" </dev/null",
                "rm -f \"$f\"",
            ]
        );
    }

    /// The simulated guest recognises exactly what this builder writes: run in a simulated VM
    /// whose network is a simulated gateway, the machine connects under the given name and user.
    #[tokio::test]
    async fn a_simulated_guest_runs_this_command_against_a_simulated_gateway() {
        use std::sync::Arc;

        use crate::adapters::clock::ManualClock;
        use crate::adapters::gopher::sim::{GuestBootstrap, SimGopher};
        use crate::adapters::proxmox::sim::{Profile, Scenario, SimCluster};
        use crate::domain::cluster::NodeName;
        use crate::domain::vmid::VmId;
        use crate::ports::proxmox::Proxmox;
        use crate::ports::tunnel_gateway::{MachineStatus, TunnelGateway};

        let clock = Arc::new(ManualClock::new(chrono::DateTime::UNIX_EPOCH));
        let gopher = SimGopher::new("key", "gopher.test", clock.clone());
        let px = SimCluster::new(Scenario::default_cluster(1).with_guests(1), Profile::Instant, 1, clock).proxmox();
        px.set_guest_network(Arc::new(GuestBootstrap::new(gopher.clone())));
        let created = gopher.client("key").create_machine(false).await.unwrap();
        let (node, vmid) = (NodeName::parse("pve1").unwrap(), VmId::new(100).unwrap());
        let command = gopher_bootstrap(created.bootstrap_url.expose(), "web-1", "o'brien");
        let pid = px.agent_exec(&node, vmid, &command, None).await.unwrap();
        let status = tokio::time::timeout(std::time::Duration::from_secs(5), async {
            loop {
                let status = px.agent_exec_status(&node, vmid, pid).await.unwrap();
                if status.exited {
                    return status;
                }
                tokio::task::yield_now().await;
            }
        })
        .await
        .expect("the bootstrap exits within 5 s");
        let id = &created.machine.id;
        let port = gopher.ssh_port(id).expect("registered");
        assert_eq!(status.exit_code, Some(0), "{status:?}");
        let out = status.out.unwrap_or_default();
        let line = format!("Machine 'web-1' registered as 'o'brien'. Tunnel port: {port}");
        assert!(out.lines().any(|l| l == line), "{out}");
        assert_eq!(gopher.machine_name(id).as_deref(), Some("web-1"));
        assert_eq!(gopher.machine_user(id).as_deref(), Some("o'brien"));
        let machine = gopher.client("key").machine(id).await.unwrap();
        assert_eq!(machine.status, MachineStatus::Connected);
    }
}
