//! `GuestCommand`: one command run inside a VM through the guest agent, started and followed
//! until it exits or a bound on the clock passes. An agent that is not up yet is asked again
//! until the bound; an agent that never answered is its own outcome, so the caller can show the
//! owner the command to run by hand.

use std::time::Duration;

use crate::app::provisioning::pace::Pace;
use crate::domain::cluster::NodeName;
use crate::domain::vmid::VmId;
use crate::ports::proxmox::Proxmox;
use crate::ports::{Clock, ProxmoxError};

/// How a command in the guest went.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum GuestRun {
    /// It exited 0.
    Done { out: String },
    /// It exited with another code.
    Failed { code: i32, out: String, err: String },
    /// The guest agent never answered within the bound (not installed, not running, or the VM
    /// is down): the command did not run.
    AgentSilent { reason: String },
    /// It started but had not finished when the bound passed.
    Unfinished { out: String },
}

/// One VM's guest agent, and how to wait on it.
pub struct GuestCommand<'a> {
    pub proxmox: &'a dyn Proxmox,
    pub clock: &'a dyn Clock,
    pub pace: &'a dyn Pace,
    pub node: &'a NodeName,
    pub vmid: VmId,
    /// The pause between two looks at the agent.
    pub poll: Duration,
}

impl GuestCommand<'_> {
    /// Runs `command` (argv) and waits at most `bound` (by the clock) for it to exit.
    ///
    /// # Errors
    /// Proxmox refused the call for a reason waiting will not change (the VM does not exist,
    /// the token lacks `VM.GuestAgent.*`).
    pub async fn run(&self, command: &[String], bound: Duration) -> Result<GuestRun, ProxmoxError> {
        let deadline = self.clock.now() + chrono::Duration::from_std(bound).unwrap_or(chrono::Duration::MAX);
        let pid = loop {
            match self.proxmox.agent_exec(self.node, self.vmid, command, None).await {
                Ok(pid) => break pid,
                Err(e) if waitable(&e) => {
                    if self.clock.now() >= deadline {
                        return Ok(GuestRun::AgentSilent { reason: e.to_string() });
                    }
                }
                Err(e) => return Err(e),
            }
            self.pace.pause(self.poll).await;
        };
        let mut seen = String::new();
        loop {
            match self.proxmox.agent_exec_status(self.node, self.vmid, pid).await {
                Ok(st) if st.exited => {
                    let out = st.out.unwrap_or_default();
                    return Ok(match st.exit_code.unwrap_or(0) {
                        0 => GuestRun::Done { out },
                        code => GuestRun::Failed {
                            code,
                            out,
                            err: st.err.unwrap_or_default(),
                        },
                    });
                }
                Ok(st) => seen = st.out.unwrap_or(seen),
                Err(e) if waitable(&e) => {}
                Err(e) => return Err(e),
            }
            if self.clock.now() >= deadline {
                return Ok(GuestRun::Unfinished { out: seen });
            }
            self.pace.pause(self.poll).await;
        }
    }

    /// Writes `content` to `path` in the guest, retrying while the agent is not up, for at most
    /// `bound`. Returns `false` when the agent never answered.
    ///
    /// # Errors
    /// As [`GuestCommand::run`].
    pub async fn write_file(&self, path: &str, content: &str, bound: Duration) -> Result<bool, ProxmoxError> {
        let deadline = self.clock.now() + chrono::Duration::from_std(bound).unwrap_or(chrono::Duration::MAX);
        loop {
            match self.proxmox.agent_file_write(self.node, self.vmid, path, content).await {
                Ok(()) => return Ok(true),
                Err(e) if waitable(&e) => {
                    if self.clock.now() >= deadline {
                        return Ok(false);
                    }
                }
                Err(e) => return Err(e),
            }
            self.pace.pause(self.poll).await;
        }
    }
}

/// The agent is not up yet, or Proxmox stumbled: asking again later may work.
fn waitable(e: &ProxmoxError) -> bool {
    matches!(e, ProxmoxError::AgentUnavailable(_)) || e.is_transient()
}

/// Output for a message: trimmed, and at most `max` bytes kept as its first and last halves.
pub fn excerpt(text: &str, max: usize) -> String {
    let text = text.trim();
    if text.len() <= max {
        return text.to_owned();
    }
    let half = max / 2;
    let mut head = half;
    while !text.is_char_boundary(head) {
        head -= 1;
    }
    let mut tail = text.len() - half;
    while !text.is_char_boundary(tail) {
        tail += 1;
    }
    format!(
        "{}\n…[{} bytes left out]…\n{}",
        &text[..head],
        tail - head,
        &text[tail..]
    )
}

#[cfg(test)]
mod tests {
    use std::sync::{Arc, Mutex};

    use async_trait::async_trait;
    use chrono::{DateTime, Utc};

    use super::*;
    use crate::ports::proxmox::{ExecStatus, MockProxmox};

    /// A clock that a pause moves forward.
    struct Ticking(Mutex<DateTime<Utc>>);

    impl Clock for Ticking {
        fn now(&self) -> DateTime<Utc> {
            *self.0.lock().unwrap()
        }
    }

    #[async_trait]
    impl Pace for Arc<Ticking> {
        async fn pause(&self, d: Duration) {
            let mut now = self.0.lock().unwrap();
            *now += chrono::Duration::from_std(d).unwrap();
        }
    }

    fn clock() -> Arc<Ticking> {
        Arc::new(Ticking(Mutex::new(DateTime::from_timestamp(1_800_000_000, 0).unwrap())))
    }

    async fn run_with(px: MockProxmox, bound: u64) -> Result<GuestRun, ProxmoxError> {
        let ticking = clock();
        let node = NodeName::parse("pve1").unwrap();
        let cmd = GuestCommand {
            proxmox: &px,
            clock: ticking.as_ref(),
            pace: &ticking,
            node: &node,
            vmid: VmId::new(120).unwrap(),
            poll: Duration::from_secs(1),
        };
        cmd.run(&["true".to_owned()], Duration::from_secs(bound)).await
    }

    #[tokio::test]
    async fn waits_for_the_agent_then_for_the_command() {
        let mut px = MockProxmox::new();
        let mut starts = 0;
        px.expect_agent_exec().returning(move |_, _, _, _| {
            starts += 1;
            if starts < 3 {
                Err(ProxmoxError::AgentUnavailable("QEMU guest agent is not running".into()))
            } else {
                Ok(7)
            }
        });
        let mut looks = 0;
        px.expect_agent_exec_status().returning(move |_, _, pid| {
            assert_eq!(pid, 7);
            looks += 1;
            Ok(ExecStatus {
                exited: looks > 2,
                exit_code: Some(0),
                out: Some("Tunnel port: 22001\n".into()),
                err: None,
            })
        });
        let run = run_with(px, 60).await.unwrap();
        assert_eq!(
            run,
            GuestRun::Done {
                out: "Tunnel port: 22001\n".into()
            }
        );
    }

    #[tokio::test]
    async fn an_agent_that_never_answers_is_reported_as_silent_once_the_bound_passes() {
        let mut px = MockProxmox::new();
        px.expect_agent_exec()
            .times(11)
            .returning(|_, _, _, _| Err(ProxmoxError::AgentUnavailable("QEMU guest agent is not running".into())));
        let run = run_with(px, 10).await.unwrap();
        assert!(matches!(run, GuestRun::AgentSilent { reason } if reason.contains("not running")));
    }

    #[tokio::test]
    async fn a_failing_command_reports_its_code_and_output_and_a_refusal_is_an_error() {
        let mut px = MockProxmox::new();
        px.expect_agent_exec().returning(|_, _, _, _| Ok(1));
        px.expect_agent_exec_status().returning(|_, _, _| {
            Ok(ExecStatus {
                exited: true,
                exit_code: Some(22),
                out: None,
                err: Some("curl: (22) The requested URL returned error: 404".into()),
            })
        });
        let run = run_with(px, 10).await.unwrap();
        assert!(matches!(run, GuestRun::Failed { code: 22, err, .. } if err.contains("404")));

        let mut px = MockProxmox::new();
        px.expect_agent_exec()
            .returning(|_, _, _, _| Err(ProxmoxError::Forbidden("VM.GuestAgent.Unrestricted".into())));
        assert!(run_with(px, 10).await.is_err());
    }

    #[test]
    fn long_output_keeps_its_head_and_tail() {
        assert_eq!(excerpt("  short \n", 100), "short");
        let long = format!("{}{}", "a".repeat(100), "z".repeat(100));
        let cut = excerpt(&long, 40);
        assert!(cut.starts_with(&"a".repeat(20)) && cut.ends_with(&"z".repeat(20)));
        assert!(cut.contains("160 bytes left out"));
    }
}
