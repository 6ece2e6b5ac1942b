//! What a simulated guest reaches over the network: the hook through which its Gopher bootstrap
//! command really runs against a gateway (in-process over a `SimGopher`, or over HTTP to a
//! `nimbus sim-gopher`). Without a hook a guest has no route anywhere, and its `curl` fails as
//! curl does.

use std::sync::Arc;

use async_trait::async_trait;

use super::guest::GuestRun;

/// How a guest's command failed: its exit code and what it wrote to stderr, in curl's words.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GuestFailure {
    pub exit_code: i32,
    pub stderr: String,
}

impl GuestFailure {
    /// curl's exit 7: nothing answered at `url`'s host and port (no route, refused, or not
    /// allowed to leave the machine).
    pub fn cannot_connect(url: &str) -> Self {
        match url::Url::parse(url) {
            Ok(u) => Self {
                exit_code: 7,
                stderr: format!(
                    "curl: (7) Failed to connect to {} port {} after 0 ms: Couldn't connect to server\n",
                    u.host_str().unwrap_or_default(),
                    u.port_or_known_default().unwrap_or(80)
                ),
            },
            Err(_) => Self::malformed(),
        }
    }

    /// curl's exit 3: the URL cannot be read.
    pub fn malformed() -> Self {
        Self {
            exit_code: 3,
            stderr: "curl: (3) URL rejected: Malformed input to a URL function\n".into(),
        }
    }

    /// curl `-f`'s exit 22: the server answered with an HTTP error `status`.
    pub fn http_error(status: u16) -> Self {
        Self {
            exit_code: 22,
            stderr: format!("curl: (22) The requested URL returned error: {status}\n"),
        }
    }

    /// curl's exit 28: no answer within `--max-time`.
    pub fn timed_out() -> Self {
        Self {
            exit_code: 28,
            stderr: "curl: (28) Operation timed out after 60000 milliseconds with 0 bytes received\n".into(),
        }
    }

    /// curl's exit 52: the server closed the connection without an answer.
    pub fn empty_reply() -> Self {
        Self {
            exit_code: 52,
            stderr: "curl: (52) Empty reply from server\n".into(),
        }
    }

    /// curl's exit 56: the connection broke while receiving.
    pub fn receive_failed() -> Self {
        Self {
            exit_code: 56,
            stderr: "curl: (56) Recv failure: Connection reset by peer\n".into(),
        }
    }
}

/// The network a simulated guest's Gopher bootstrap runs over.
#[async_trait]
pub trait GuestNetwork: Send + Sync {
    /// Fetches the bootstrap script at `url` and runs it as machine `name` with SSH user `user`,
    /// as the guest's `curl … && bash "$f"` does. Returns the script's stdout, which ends with
    /// `Machine 'NAME' registered as 'USER'. Tunnel port: PORT`.
    ///
    /// # Errors
    /// The guest's command failed: curl could not fetch the URL (exit 7 when nothing answers or
    /// the URL may not be reached, 22 when the gateway answers an HTTP error such as 404 for a
    /// URL it never gave out, 28 on timeout) or the script failed.
    async fn run_gopher_bootstrap(&self, url: &str, name: &str, user: &str) -> Result<String, GuestFailure>;
}

impl super::SimCluster {
    /// Gives every guest `network` to run Gopher's bootstrap over (replacing any before).
    pub fn set_guest_network(&self, network: Arc<dyn GuestNetwork>) {
        let mut m = self.at_now();
        m.guest_network = Some(network);
        m.event("guests reach a Gopher gateway");
    }

    /// Runs a guest's Gopher bootstrap on its own task, without holding the model, and records
    /// how it ended.
    pub(super) fn start_guest_run(&self, run: GuestRun) {
        let sim = self.clone();
        tokio::spawn(async move {
            let GuestRun {
                vmid,
                pid,
                run,
                network,
            } = run;
            let result = network.run_gopher_bootstrap(&run.url, &run.name, &run.user).await;
            sim.at_now().guest_run_ended(vmid, pid, result);
        });
    }
}

impl super::SimProxmox {
    /// Gives the guests of this face's cluster `network` (see [`super::SimCluster::set_guest_network`]).
    pub fn set_guest_network(&self, network: Arc<dyn GuestNetwork>) {
        self.cluster().set_guest_network(network);
    }
}

#[cfg(test)]
mod tests {
    use chrono::{TimeZone, Utc};
    use tokio::sync::watch;

    use super::*;
    use crate::adapters::clock::ManualClock;
    use crate::adapters::proxmox::sim::{Profile, Scenario, SimCluster};
    use crate::domain::cluster::NodeName;
    use crate::domain::vmid::VmId;
    use crate::ports::proxmox::{ExecStatus, Proxmox};

    const SCRIPT: &str = "set -eu\nf=$(mktemp)\n\
        curl -fsS --retry 3 --max-time 60 -o \"$f\" 'http://127.0.0.1:9/bootstrap/t0k'\n\
        GOPHER_MACHINE_NAME='web-1' GOPHER_SSH_USER='ubuntu' bash \"$f\" </dev/null\nrm -f \"$f\"";

    /// A network whose bootstrap answers only once the test opens it.
    struct Gated(watch::Receiver<bool>);

    #[async_trait]
    impl GuestNetwork for Gated {
        async fn run_gopher_bootstrap(&self, url: &str, name: &str, user: &str) -> Result<String, GuestFailure> {
            let mut open = self.0.clone();
            let _ = open.wait_for(|o| *o).await;
            Ok(format!(
                "fetched {url}\nMachine '{name}' registered as '{user}'. Tunnel port: 22000\n"
            ))
        }
    }

    /// A one-node cluster whose VM 100 runs with its agent answering.
    fn cluster() -> SimCluster {
        let clock = Arc::new(ManualClock::new(Utc.with_ymd_and_hms(2026, 12, 1, 9, 0, 0).unwrap()));
        SimCluster::new(Scenario::default_cluster(1).with_guests(1), Profile::Instant, 7, clock)
    }

    fn pve1() -> NodeName {
        NodeName::parse("pve1").unwrap()
    }

    fn vm100() -> VmId {
        VmId::new(100).unwrap()
    }

    fn sh(script: &str) -> Vec<String> {
        vec!["sh".into(), "-c".into(), script.into()]
    }

    /// The status of `pid` once it has exited, waiting at most five seconds.
    async fn exited(px: &crate::adapters::proxmox::sim::SimProxmox, pid: u32) -> ExecStatus {
        tokio::time::timeout(std::time::Duration::from_secs(5), async {
            loop {
                let status = px.agent_exec_status(&pve1(), vm100(), pid).await.unwrap();
                if status.exited {
                    return status;
                }
                tokio::task::yield_now().await;
            }
        })
        .await
        .expect("the command exits within 5 s")
    }

    #[tokio::test]
    async fn without_a_guest_network_the_bootstrap_s_curl_cannot_connect() {
        let px = cluster().proxmox();
        let pid = px.agent_exec(&pve1(), vm100(), &sh(SCRIPT), None).await.unwrap();
        let status = px.agent_exec_status(&pve1(), vm100(), pid).await.unwrap();
        assert!(status.exited);
        assert_eq!(status.exit_code, Some(7));
        assert_eq!(
            status.err.as_deref(),
            Some("curl: (7) Failed to connect to 127.0.0.1 port 9 after 0 ms: Couldn't connect to server\n")
        );
        assert!(!status.out.unwrap_or_default().contains("Tunnel port"));
    }

    #[tokio::test]
    async fn the_bootstrap_runs_on_after_exec_answers_and_its_status_then_shows_the_output() {
        let sim = cluster();
        let px = sim.proxmox();
        let (open, gate) = watch::channel(false);
        px.set_guest_network(Arc::new(Gated(gate)));
        let pid = px.agent_exec(&pve1(), vm100(), &sh(SCRIPT), None).await.unwrap();
        let running = px.agent_exec_status(&pve1(), vm100(), pid).await.unwrap();
        assert_eq!(
            (running.exited, running.exit_code, running.out),
            (false, None, None),
            "still running while the network has not answered"
        );
        // The model is free meanwhile: other calls and synchronous commands answer.
        let echo = px
            .agent_exec(&pve1(), vm100(), &["echo".into(), "hi".into()], None)
            .await
            .unwrap();
        assert_eq!(exited(&px, echo).await.out.as_deref(), Some("hi\n"));
        open.send(true).unwrap();
        let done = exited(&px, pid).await;
        assert_eq!(done.exit_code, Some(0));
        let out = done.out.unwrap();
        assert!(out.contains("fetched http://127.0.0.1:9/bootstrap/t0k\n"), "{out}");
        assert!(
            out.contains("Machine 'web-1' registered as 'ubuntu'. Tunnel port: 22000"),
            "{out}"
        );
    }

    #[tokio::test]
    async fn a_failing_bootstrap_exits_with_curl_s_code_and_words() {
        struct NotFound;
        #[async_trait]
        impl GuestNetwork for NotFound {
            async fn run_gopher_bootstrap(&self, _: &str, _: &str, _: &str) -> Result<String, GuestFailure> {
                Err(GuestFailure::http_error(404))
            }
        }
        let px = cluster().proxmox();
        px.set_guest_network(Arc::new(NotFound));
        let pid = px.agent_exec(&pve1(), vm100(), &sh(SCRIPT), None).await.unwrap();
        let done = exited(&px, pid).await;
        assert_eq!(done.exit_code, Some(22));
        assert_eq!(
            done.err.as_deref(),
            Some("curl: (22) The requested URL returned error: 404\n")
        );
    }
}
