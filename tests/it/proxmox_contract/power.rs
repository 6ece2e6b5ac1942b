//! Contracts for power operations and deletion: templates never start, each operation moves the
//! live status, a running VM cannot be destroyed, and a deleted VM stays visible until its task ends.

use nimbus::ports::proxmox::{PowerStatus, ProxmoxError, TaskState};

use super::*;

async fn live(h: &dyn Harness, vmid: VmId) -> PowerStatus {
    h.proxmox().vm_status(&pve1(), vmid).await.expect("vm status").status
}

pub async fn a_template_cannot_be_started(h: &dyn Harness) {
    let upid = h
        .proxmox()
        .power(&pve1(), id(UBUNTU), PowerOp::Start)
        .await
        .expect("start is accepted");
    assert_eq!(upid.kind(), "qmstart");
    let error = wait_error(h, &upid, "start a template").await;
    assert!(error.contains("you can't start a vm if it's a template"), "{error:?}");
    assert_eq!(live(h, id(UBUNTU)).await, PowerStatus::Stopped);
}

pub async fn start_reboot_shutdown_and_stop_change_the_live_status(h: &dyn Harness) {
    let p = h.proxmox();
    let vmid = cloned(h, UBUNTU, 100, "power-1").await;
    assert_eq!(live(h, vmid).await, PowerStatus::Stopped);
    let e = expect_err(p.power(&pve1(), vmid, PowerOp::Reboot).await, "reboot of a stopped VM");
    assert!(matches!(e, ProxmoxError::Refused(_)), "{e:?}");

    power_ok(h, vmid, PowerOp::Start).await;
    assert_eq!(live(h, vmid).await, PowerStatus::Running);
    power_ok(h, vmid, PowerOp::Reboot).await;
    assert_eq!(
        live(h, vmid).await,
        PowerStatus::Running,
        "running again after a reboot"
    );

    let shutdown = PowerOp::Shutdown {
        timeout_secs: 60,
        force_stop: false,
    };
    let upid = p.power(&pve1(), vmid, shutdown).await.expect("shutdown");
    assert_eq!(upid.kind(), "qmshutdown");
    wait_ok(h, &upid, "shutdown").await;
    assert_eq!(live(h, vmid).await, PowerStatus::Stopped);
    power_ok(h, vmid, shutdown).await;
    assert_eq!(
        live(h, vmid).await,
        PowerStatus::Stopped,
        "shutdown of a stopped VM is a no-op"
    );

    power_ok(h, vmid, PowerOp::Start).await;
    let upid = p.power(&pve1(), vmid, PowerOp::Stop).await.expect("stop");
    assert_eq!(upid.kind(), "qmstop");
    wait_ok(h, &upid, "stop").await;
    assert_eq!(live(h, vmid).await, PowerStatus::Stopped);
    power_ok(h, vmid, PowerOp::Stop).await;

    let e = expect_err(p.power(&pve1(), id(4242), PowerOp::Start).await, "unknown VM");
    assert!(matches!(e, ProxmoxError::NotFound(_)), "{e:?}");
}

pub async fn deleting_a_running_vm_is_refused_and_a_stopped_one_goes_when_its_task_ends(h: &dyn Harness) {
    let p = h.proxmox();
    let vmid = cloned(h, UBUNTU, 100, "doomed").await;
    power_ok(h, vmid, PowerOp::Start).await;
    let e = expect_err(p.delete_vm(&pve1(), vmid).await, "delete while running");
    assert!(
        matches!(e, ProxmoxError::Refused(ref m) if m.contains("is running - destroy failed")),
        "{e:?}"
    );
    assert_eq!(live(h, vmid).await, PowerStatus::Running);

    power_ok(h, vmid, PowerOp::Stop).await;
    let upid = p.delete_vm(&pve1(), vmid).await.expect("delete");
    assert_eq!(upid.kind(), "qmdestroy");
    let running = p.task_status(&upid).await.expect("task status");
    assert_eq!(running.state, TaskState::Running, "a destroy takes at least a second");
    p.vm_status(&pve1(), vmid)
        .await
        .expect("the config is removed last: visible while destroying");

    wait_ok(h, &upid, "delete").await;
    let e = expect_err(p.vm_status(&pve1(), vmid).await, "status after delete");
    assert!(matches!(e, ProxmoxError::NotFound(_)), "{e:?}");
    assert!(!p.vms(&pve1()).await.expect("vms").iter().any(|v| v.vmid == vmid));
    assert_eq!(p.next_vmid(None).await.expect("nextid"), vmid, "the id is free again");
    let e = expect_err(p.delete_vm(&pve1(), vmid).await, "delete twice");
    assert!(matches!(e, ProxmoxError::NotFound(_)), "{e:?}");
}
