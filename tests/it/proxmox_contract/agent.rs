//! Contracts for the guest agent: Proxmox's exact refusals while it cannot answer, the addresses
//! it reports once up, and command execution and file writes through it.

use chrono::Duration;
use nimbus::ports::proxmox::ProxmoxError;

use super::*;

fn unavailable(text: &str) -> ProxmoxError {
    ProxmoxError::AgentUnavailable(text.to_owned())
}

pub async fn the_agent_answers_with_proxmox_errors_until_it_is_up(h: &dyn Harness) {
    let p = h.proxmox();
    let vmid = vm_with_ip(h, 100, "agent-1", "127.77.0.11").await;
    let e = expect_err(p.agent_interfaces(&pve1(), vmid).await, "stopped VM");
    assert_eq!(e, unavailable("VM 100 is not running"));

    power_ok(h, vmid, PowerOp::Start).await;
    let e = expect_err(p.agent_interfaces(&pve1(), vmid).await, "right after start");
    assert_eq!(e, unavailable("QEMU guest agent is not running"));
    h.advance(Duration::seconds(5)).await;
    let e = expect_err(p.agent_interfaces(&pve1(), vmid).await, "5 s after start");
    assert_eq!(e, unavailable("QEMU guest agent is not running"));
    wait_agent(h, vmid, 60)
        .await
        .expect("the agent answers within a minute");

    power_ok(h, vmid, PowerOp::Stop).await;
    let e = expect_err(p.agent_interfaces(&pve1(), vmid).await, "after stop");
    assert_eq!(e, unavailable("VM 100 is not running"));

    let other = cloned(h, UBUNTU, 101, "no-agent").await;
    let no_agent = ConfigChange {
        delete: vec!["agent".into()],
        ..ConfigChange::default()
    };
    p.update_config_sync(&pve1(), other, &no_agent)
        .await
        .expect("drop the agent");
    power_ok(h, other, PowerOp::Start).await;
    h.advance(Duration::seconds(30)).await;
    let e = expect_err(p.agent_interfaces(&pve1(), other).await, "no agent configured");
    assert_eq!(e, unavailable("No QEMU guest agent configured"));
    assert!(!p.vm_status(&pve1(), other).await.expect("status").agent);

    let e = expect_err(p.agent_interfaces(&pve1(), id(4242)).await, "unknown VM");
    assert!(matches!(e, ProxmoxError::NotFound(_)), "{e:?}");
}

pub async fn the_agent_reports_the_address_of_ipconfig0_on_ens18_and_lo(h: &dyn Harness) {
    let vmid = vm_with_ip(h, 100, "agent-2", "127.77.0.12").await;
    power_ok(h, vmid, PowerOp::Start).await;
    let interfaces = wait_agent(h, vmid, 60).await.expect("agent up");
    let lo = interfaces.iter().find(|i| i.name == "lo").expect("lo is reported");
    assert!(lo.addresses.contains(&(ip("127.0.0.1"), 8)), "{lo:?}");
    let ens18 = interfaces
        .iter()
        .find(|i| i.name == "ens18")
        .expect("ens18 is reported");
    assert!(ens18.addresses.contains(&(ip("127.77.0.12"), 24)), "{ens18:?}");
    assert!(ens18.mac.is_some(), "{ens18:?}");
    let net0 = config_value(h, &pve1(), vmid, "net0").await.to_lowercase();
    let mac = ens18.mac.clone().unwrap_or_default().to_lowercase();
    assert!(net0.contains(&mac), "ens18's MAC {mac} is the one of net0 {net0}");
    assert!(shows_address(&interfaces, ip("127.77.0.12")));
}

pub async fn agent_exec_runs_a_command_that_exits_zero_by_default(h: &dyn Harness) {
    let p = h.proxmox();
    let vmid = vm_with_ip(h, 100, "agent-3", "127.77.0.13").await;
    let command = vec![
        "/bin/sh".to_owned(),
        "-c".to_owned(),
        "cloud-init status --wait".to_owned(),
    ];
    let e = expect_err(
        p.agent_exec(&pve1(), vmid, &command, None).await,
        "exec on a stopped VM",
    );
    assert_eq!(e, unavailable("VM 100 is not running"));
    power_ok(h, vmid, PowerOp::Start).await;
    let e = expect_err(
        p.agent_exec(&pve1(), vmid, &command, None).await,
        "exec before the agent",
    );
    assert_eq!(e, unavailable("QEMU guest agent is not running"));
    wait_agent(h, vmid, 60).await.expect("agent up");

    let pid = p.agent_exec(&pve1(), vmid, &command, None).await.expect("exec");
    let mut status = p.agent_exec_status(&pve1(), vmid, pid).await.expect("exec status");
    for _ in 0..120 {
        if status.exited {
            break;
        }
        h.advance(STEP).await;
        status = p.agent_exec_status(&pve1(), vmid, pid).await.expect("exec status");
    }
    assert!(status.exited, "the command never exited: {status:?}");
    assert_eq!(status.exit_code, Some(0), "{status:?}");

    let e = expect_err(p.agent_exec_status(&pve1(), vmid, pid + 9_999).await, "unknown pid");
    assert!(matches!(e, ProxmoxError::NotFound(_)), "{e:?}");
    let second = p
        .agent_exec(&pve1(), vmid, &["true".to_owned()], Some("input".into()))
        .await
        .expect("exec");
    assert_ne!(second, pid, "each command gets its own pid");
}

pub async fn agent_file_write_needs_a_running_agent(h: &dyn Harness) {
    let p = h.proxmox();
    let vmid = vm_with_ip(h, 100, "agent-4", "127.77.0.14").await;
    let path = "/etc/nimbus/ready";
    let e = expect_err(p.agent_file_write(&pve1(), vmid, path, "ok\n").await, "stopped VM");
    assert_eq!(e, unavailable("VM 100 is not running"));
    power_ok(h, vmid, PowerOp::Start).await;
    let e = expect_err(
        p.agent_file_write(&pve1(), vmid, path, "ok\n").await,
        "before the agent",
    );
    assert_eq!(e, unavailable("QEMU guest agent is not running"));
    wait_agent(h, vmid, 60).await.expect("agent up");
    p.agent_file_write(&pve1(), vmid, path, "ok\n")
        .await
        .expect("file write");
    let e = expect_err(p.agent_file_write(&pve1(), id(4242), path, "ok\n").await, "unknown VM");
    assert!(matches!(e, ProxmoxError::NotFound(_)), "{e:?}");
}
