//! The in-process guest network of a simulated Proxmox cluster over a [`SimGopher`]: a guest's
//! Gopher bootstrap command runs against this gateway as `curl` and `bash` would against its
//! HTTP face. An outage drops the fetch (curl's exit 52); a URL this gateway did not give out
//! is a 404 (curl `-f`'s exit 22); otherwise the machine registers under the guest's
//! `GOPHER_MACHINE_NAME` and `GOPHER_SSH_USER` and connects (unless `NeverConnects` holds it),
//! and the run prints Gopher's last line with the machine's tunnel port.

use std::time::Duration;

use async_trait::async_trait;

use super::SimGopher;
use crate::adapters::proxmox::sim::{GuestFailure, GuestNetwork};

/// Simulated guests reaching one [`SimGopher`] in the same process (`nimbus demo`, tests).
#[derive(Debug, Clone)]
pub struct GuestBootstrap {
    gopher: SimGopher,
}

impl GuestBootstrap {
    pub fn new(gopher: SimGopher) -> Self {
        Self { gopher }
    }
}

/// The line Gopher's bootstrap prints last, from which Nimbus reads `Tunnel port: PORT`.
pub(super) fn registered_line(name: &str, user: &str, port: u16) -> String {
    format!("Machine '{name}' registered as '{user}'. Tunnel port: {port}")
}

#[async_trait]
impl GuestNetwork for GuestBootstrap {
    async fn run_gopher_bootstrap(&self, url: &str, name: &str, user: &str) -> Result<String, GuestFailure> {
        let (down, delay) = {
            let model = self.gopher.lock();
            (model.faults.down(), model.faults.delay_ms())
        };
        if down {
            return Err(GuestFailure::empty_reply());
        }
        if delay > 0 {
            tokio::time::sleep(Duration::from_millis(delay)).await;
        }
        let mut model = self.gopher.lock();
        let prefix = format!("{}/bootstrap/", model.base_url.trim_end_matches('/'));
        let token = url
            .strip_prefix(&prefix)
            .and_then(|rest| rest.split(['?', '#']).next())
            .filter(|t| !t.is_empty() && !t.contains('/'));
        let machine = token
            .and_then(|t| model.run_bootstrap(t, name, Some(user)))
            .ok_or_else(|| GuestFailure::http_error(404))?;
        let port = machine.ssh_port.unwrap_or_default();
        Ok(format!(
            "Gopher simulator: bootstrap of machine {}\n{}\n",
            machine.id.0,
            registered_line(name, user, port)
        ))
    }
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use chrono::{TimeZone, Utc};

    use super::*;
    use crate::adapters::clock::ManualClock;
    use crate::adapters::gopher::sim::GopherFault;
    use crate::adapters::proxmox::sim::{Profile, Scenario, SimCluster, SimProxmox};
    use crate::domain::cluster::NodeName;
    use crate::domain::vmid::VmId;
    use crate::ports::proxmox::{ExecStatus, Proxmox};
    use crate::ports::tunnel_gateway::{CreatedMachine, MachineStatus, TunnelGateway};

    fn clock() -> Arc<ManualClock> {
        Arc::new(ManualClock::new(Utc.with_ymd_and_hms(2026, 12, 1, 9, 0, 0).unwrap()))
    }

    /// A gateway under `domain` and a one-node cluster whose running VM 100 reaches it.
    fn setup(domain: &str) -> (SimGopher, SimProxmox) {
        let clock = clock();
        let gopher = SimGopher::new("key", domain, clock.clone());
        let cluster = SimCluster::new(Scenario::default_cluster(1).with_guests(1), Profile::Instant, 3, clock);
        let px = cluster.proxmox();
        px.set_guest_network(Arc::new(GuestBootstrap::new(gopher.clone())));
        (gopher, px)
    }

    async fn create(gopher: &SimGopher) -> CreatedMachine {
        gopher.client("key").create_machine(false).await.unwrap()
    }

    /// Runs the bootstrap command of `url` in VM 100 as `web-1`/`ubuntu`; its status once exited
    /// (within five seconds).
    async fn bootstrap_in_vm(px: &SimProxmox, url: &str) -> ExecStatus {
        let (node, vmid) = (NodeName::parse("pve1").unwrap(), VmId::new(100).unwrap());
        let script = format!(
            "set -eu\nf=$(mktemp)\ncurl -fsS --retry 3 --max-time 60 -o \"$f\" '{url}'\n\
             GOPHER_MACHINE_NAME='web-1' GOPHER_SSH_USER='ubuntu' bash \"$f\" </dev/null\nrm -f \"$f\""
        );
        let pid = px
            .agent_exec(&node, vmid, &["sh".into(), "-c".into(), script], None)
            .await
            .unwrap();
        tokio::time::timeout(std::time::Duration::from_secs(5), async {
            loop {
                let status = px.agent_exec_status(&node, vmid, pid).await.unwrap();
                if status.exited {
                    return status;
                }
                tokio::task::yield_now().await;
            }
        })
        .await
        .expect("the bootstrap exits within 5 s")
    }

    #[tokio::test]
    async fn the_bootstrap_run_in_a_vm_connects_the_machine_under_the_vm_s_name_and_user() {
        let (gopher, px) = setup("gopher.test");
        let created = create(&gopher).await;
        let other = create(&gopher).await;
        let status = bootstrap_in_vm(&px, created.bootstrap_url.expose()).await;
        assert_eq!(status.exit_code, Some(0), "{status:?}");
        let id = &created.machine.id;
        let port = gopher.ssh_port(id).expect("a tunnel port once registered");
        let out = status.out.unwrap();
        assert!(
            out.lines()
                .any(|l| l == format!("Machine 'web-1' registered as 'ubuntu'. Tunnel port: {port}")),
            "{out}"
        );
        let client = gopher.client("key");
        assert_eq!(client.machine(id).await.unwrap().status, MachineStatus::Connected);
        assert_eq!(gopher.machine_name(id).as_deref(), Some("web-1"));
        assert_eq!(gopher.machine_user(id).as_deref(), Some("ubuntu"));
        assert_eq!(
            client.machine(&other.machine.id).await.unwrap().status,
            MachineStatus::Pending
        );
        assert_eq!(gopher.machine_name(&other.machine.id), None);
    }

    #[tokio::test]
    async fn never_connects_keeps_the_machine_pending_though_its_bootstrap_ran() {
        let (gopher, px) = setup("gopher.test");
        let created = create(&gopher).await;
        gopher.inject(GopherFault::NeverConnects);
        let status = bootstrap_in_vm(&px, created.bootstrap_url.expose()).await;
        assert_eq!(status.exit_code, Some(0));
        assert!(status.out.unwrap().contains("Tunnel port: "));
        let id = &created.machine.id;
        assert_eq!(gopher.machine_name(id).as_deref(), Some("web-1"), "it registered");
        let machine = gopher.client("key").machine(id).await.unwrap();
        assert_eq!(machine.status, MachineStatus::Pending);
    }

    #[tokio::test]
    async fn a_bootstrap_url_this_gateway_did_not_give_out_is_a_404() {
        let (gopher, px) = setup("gopher.test");
        let elsewhere = SimGopher::new("key", "other.test", clock());
        let foreign = create(&elsewhere).await;
        let mine = create(&gopher).await;
        let token = mine.bootstrap_url.expose().rsplit('/').next().unwrap().to_owned();
        for url in [
            foreign.bootstrap_url.expose().to_owned(),
            format!("https://router.other.test/bootstrap/{token}"),
            "https://router.gopher.test/bootstrap/no-such-token".to_owned(),
        ] {
            let status = bootstrap_in_vm(&px, &url).await;
            assert_eq!(status.exit_code, Some(22), "{url}: {status:?}");
            assert_eq!(
                status.err.as_deref(),
                Some("curl: (22) The requested URL returned error: 404\n")
            );
        }
        let client = gopher.client("key");
        assert_eq!(
            client.machine(&mine.machine.id).await.unwrap().status,
            MachineStatus::Pending
        );
        assert_eq!(elsewhere.machine_name(&foreign.machine.id), None);
    }

    #[tokio::test]
    async fn a_gateway_that_is_down_drops_the_fetch() {
        let (gopher, px) = setup("gopher.test");
        let created = create(&gopher).await;
        gopher.inject(GopherFault::Down);
        let status = bootstrap_in_vm(&px, created.bootstrap_url.expose()).await;
        assert_eq!(status.exit_code, Some(52));
        gopher.heal();
        let machine = gopher.client("key").machine(&created.machine.id).await.unwrap();
        assert_eq!(machine.status, MachineStatus::Pending);
    }
}
