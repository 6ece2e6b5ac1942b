//! The end-to-end contract: a VM goes from template to reachable on the LAN and back to nothing,
//! the way Nimbus provisions and retires one.

use chrono::Duration;
use nimbus::ports::proxmox::{DiskSize, PowerStatus, ProxmoxError};

use super::*;

pub async fn a_vm_goes_from_template_to_reachable_and_back_to_nothing(h: &dyn Harness) {
    let p = h.proxmox();
    let vmid = p.next_vmid(None).await.expect("nextid");
    let clone = p
        .clone_vm(&clone_request("pve1", UBUNTU, vmid.get(), "journey-1"))
        .await
        .expect("clone");
    wait_ok(h, &clone, "clone").await;

    let sshkeys = url_encode(SSH_KEY);
    let change = set(&[
        ("name", "journey-1"),
        ("ipconfig0", "ip=127.77.0.10/24,gw=127.77.0.1"),
        ("cores", "2"),
        ("memory", "2048"),
        ("sshkeys", &sshkeys),
    ]);
    let upid = p.update_config(&pve1(), vmid, &change).await.expect("config");
    wait_ok(h, &upid, "config").await;
    assert_eq!(config_value(h, &pve1(), vmid, "cores").await, "2");

    let upid = p
        .resize_disk(&pve1(), vmid, "scsi0", DiskSize::Absolute(30 * GIB))
        .await
        .expect("resize");
    wait_ok(h, &upid, "resize").await;
    power_ok(h, vmid, PowerOp::Start).await;

    let address = ip("127.77.0.10");
    let mut seen = None;
    for _ in 0..300 {
        let interfaces = p.agent_interfaces(&pve1(), vmid).await;
        let on_agent = interfaces.as_deref().is_ok_and(|i| shows_address(i, address));
        if on_agent && h.lan_answers(address, 22).await {
            seen = Some(interfaces);
            break;
        }
        h.advance(Duration::seconds(1)).await;
    }
    let interfaces = seen.expect("within 5 minutes the agent shows 127.77.0.10 and port 22 answers");
    assert!(interfaces.expect("agent").iter().any(|i| i.name == "lo"));

    let shutdown = PowerOp::Shutdown {
        timeout_secs: 60,
        force_stop: false,
    };
    power_ok(h, vmid, shutdown).await;
    assert_eq!(
        p.vm_status(&pve1(), vmid).await.expect("status").status,
        PowerStatus::Stopped
    );
    assert!(
        !h.lan_answers(address, 22).await,
        "a stopped VM does not answer on the LAN"
    );

    let upid = p.delete_vm(&pve1(), vmid).await.expect("delete");
    wait_ok(h, &upid, "delete").await;
    let e = expect_err(p.vm_status(&pve1(), vmid).await, "status after delete");
    assert!(matches!(e, ProxmoxError::NotFound(_)), "{e:?}");
}
