//! Contracts for guest-agent faults: an agent that is late, never answers, or hangs, and a VM that
//! answers neither through the agent nor on the LAN.

use chrono::Duration;
use nimbus::adapters::proxmox::sim::{Fault, FaultScope};
use nimbus::ports::proxmox::ProxmoxError;

use super::*;

const NOT_RUNNING: &str = "QEMU guest agent is not running";

pub async fn a_late_agent_answers_only_after_its_delay(h: &dyn Harness) {
    let p = h.proxmox();
    let vmid = vm_with_ip(h, 100, "late-1", "127.77.0.21").await;
    let late = Fault::AgentLate {
        vmid: None,
        delay: Duration::seconds(90),
    };
    h.inject(late, FaultScope::UntilCleared).await;
    power_ok(h, vmid, PowerOp::Start).await;
    h.advance(Duration::seconds(60)).await;
    let e = expect_err(p.agent_interfaces(&pve1(), vmid).await, "60 s into a 90 s delay");
    assert_eq!(e, ProxmoxError::AgentUnavailable(NOT_RUNNING.into()));
    let interfaces = wait_agent(h, vmid, 60)
        .await
        .expect("the late agent answers after its delay");
    assert!(shows_address(&interfaces, ip("127.77.0.21")), "{interfaces:?}");
}

pub async fn an_agent_that_never_answers_stays_unavailable_for_that_vm_only(h: &dyn Harness) {
    let p = h.proxmox();
    let mute = vm_with_ip(h, 100, "mute-1", "127.77.0.22").await;
    let fine = vm_with_ip(h, 101, "fine-1", "127.77.0.23").await;
    h.inject(Fault::AgentNever { vmid: Some(mute) }, FaultScope::UntilCleared)
        .await;
    power_ok(h, mute, PowerOp::Start).await;
    power_ok(h, fine, PowerOp::Start).await;
    h.advance(Duration::minutes(10)).await;
    let e = expect_err(p.agent_interfaces(&pve1(), mute).await, "agent that never answers");
    assert_eq!(e, ProxmoxError::AgentUnavailable(NOT_RUNNING.into()));
    let e = expect_err(p.agent_exec(&pve1(), mute, &["true".to_owned()], None).await, "exec");
    assert_eq!(e, ProxmoxError::AgentUnavailable(NOT_RUNNING.into()));
    let interfaces = p
        .agent_interfaces(&pve1(), fine)
        .await
        .expect("the other VM's agent answers");
    assert!(shows_address(&interfaces, ip("127.77.0.23")), "{interfaces:?}");
}

pub async fn a_hanging_agent_fails_with_a_guest_ping_timeout(h: &dyn Harness) {
    let p = h.proxmox();
    let vmid = vm_with_ip(h, 100, "hang-1", "127.77.0.24").await;
    h.inject(Fault::AgentHang { vmid }, FaultScope::UntilCleared).await;
    power_ok(h, vmid, PowerOp::Start).await;
    h.advance(Duration::minutes(2)).await;
    let e = expect_err(p.agent_interfaces(&pve1(), vmid).await, "hanging agent");
    assert!(
        matches!(e, ProxmoxError::AgentUnavailable(ref m) if m.contains("qmp command 'guest-ping' failed - got timeout")),
        "{e:?}"
    );
    let e = expect_err(p.agent_file_write(&pve1(), vmid, "/tmp/x", "x").await, "file write");
    assert!(matches!(e, ProxmoxError::AgentUnavailable(_)), "{e:?}");
}

pub async fn a_silent_vm_answers_neither_agent_nor_network(h: &dyn Harness) {
    let p = h.proxmox();
    let silent = vm_with_ip(h, 100, "silent-1", "127.77.0.25").await;
    let loud = vm_with_ip(h, 101, "loud-1", "127.77.0.26").await;
    h.inject(Fault::SilentVm { vmid: silent }, FaultScope::UntilCleared)
        .await;
    power_ok(h, silent, PowerOp::Start).await;
    power_ok(h, loud, PowerOp::Start).await;
    let mut answered = false;
    for _ in 0..300 {
        if h.lan_answers(ip("127.77.0.26"), 22).await {
            answered = true;
            break;
        }
        h.advance(Duration::seconds(1)).await;
    }
    assert!(answered, "the VM without the fault answers on port 22 within 5 minutes");
    h.advance(Duration::minutes(5)).await;
    assert!(
        !h.lan_answers(ip("127.77.0.25"), 22).await,
        "the silent VM never answers on the LAN"
    );
    let e = expect_err(p.agent_interfaces(&pve1(), silent).await, "silent agent");
    assert!(matches!(e, ProxmoxError::AgentUnavailable(_)), "{e:?}");
    p.agent_interfaces(&pve1(), loud)
        .await
        .expect("the other VM's agent answers");
}
