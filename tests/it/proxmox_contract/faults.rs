//! Contracts for the faults that make Proxmox refuse or fail work: API and task errors, lock
//! trouble, a full storage, `nextid` races, slowness, a bad token, lost quorum, a guest that
//! ignores ACPI and a failed worker fork.

use nimbus::adapters::proxmox::sim::{Fault, FaultScope, Op};
use nimbus::ports::proxmox::{PowerStatus, ProxmoxError, ResourceKind};

use super::*;

pub async fn an_api_error_fails_only_its_kind_of_call_before_any_task(h: &dyn Harness) {
    let p = h.proxmox();
    let message = "unable to create VM 100 - broken by a contract test";
    let fault = Fault::ApiError {
        op: Op::Clone,
        message: message.into(),
    };
    h.inject(fault, FaultScope::Once).await;
    assert_eq!(p.next_vmid(None).await.expect("other calls work"), id(100));
    let e = expect_err(p.clone_vm(&clone_request("pve1", UBUNTU, 100, "api-1")).await, "clone");
    assert_eq!(e, ProxmoxError::Refused(message.into()));
    let e = expect_err(p.vm_status(&pve1(), id(100)).await, "no VM was created");
    assert!(matches!(e, ProxmoxError::NotFound(_)), "{e:?}");
    cloned(h, UBUNTU, 100, "api-1").await;
}

pub async fn a_task_error_fails_the_next_task_of_its_kind(h: &dyn Harness) {
    let p = h.proxmox();
    let vmid = cloned(h, UBUNTU, 100, "task-err").await;
    let message = "start failed: QEMU exited with code 1";
    let fault = Fault::TaskError {
        op: Op::Start,
        message: message.into(),
    };
    h.inject(fault, FaultScope::Once).await;
    let upid = p
        .power(&pve1(), vmid, PowerOp::Start)
        .await
        .expect("the start is accepted");
    assert_eq!(wait_task(h, &upid).await, ExitStatus::Error(message.into()));
    let log = p.task_log(&upid, 0, 0).await.expect("log");
    assert_eq!(
        log.lines.last().map(|(_, t)| t.as_str()),
        Some(format!("TASK ERROR: {message}").as_str())
    );
    assert_eq!(
        p.vm_status(&pve1(), vmid).await.expect("status").status,
        PowerStatus::Stopped
    );
    power_ok(h, vmid, PowerOp::Start).await;
    assert_eq!(
        p.vm_status(&pve1(), vmid).await.expect("status").status,
        PowerStatus::Running
    );
}

pub async fn a_lock_timeout_times_out_sync_config_and_fails_the_start_task(h: &dyn Harness) {
    let p = h.proxmox();
    let vmid = cloned(h, UBUNTU, 100, "flock").await;
    let fault = h.inject(Fault::LockTimeout { vmid }, FaultScope::UntilCleared).await;
    let change = set(&[("description", "blocked")]);
    let e = expect_err(p.update_config_sync(&pve1(), vmid, &change).await, "PUT config");
    assert_eq!(e, ProxmoxError::LockTimeout { vmid });
    let upid = p
        .power(&pve1(), vmid, PowerOp::Start)
        .await
        .expect("the start is accepted");
    let error = wait_error(h, &upid, "start without the lock file").await;
    assert!(
        error.contains("can't lock file '/var/lock/qemu-server/lock-100.conf' - got timeout"),
        "{error:?}"
    );
    h.clear(fault).await;
    p.update_config_sync(&pve1(), vmid, &change)
        .await
        .expect("PUT config after clear");
    power_ok(h, vmid, PowerOp::Start).await;
}

pub async fn a_config_lock_refuses_changes_with_its_lock_name(h: &dyn Harness) {
    let p = h.proxmox();
    let vmid = cloned(h, UBUNTU, 100, "backup-1").await;
    let lock = Fault::ConfigLock {
        vmid,
        lock: "backup".into(),
    };
    let fault = h.inject(lock, FaultScope::UntilCleared).await;
    let locked = ProxmoxError::Locked { lock: "backup".into() };
    let status = p.vm_status(&pve1(), vmid).await.expect("status");
    assert_eq!(status.lock.as_deref(), Some("backup"), "{status:?}");
    let change = set(&[("description", "blocked")]);
    assert_eq!(
        expect_err(p.update_config_sync(&pve1(), vmid, &change).await, "PUT"),
        locked
    );
    assert_eq!(
        expect_err(p.update_config(&pve1(), vmid, &change).await, "POST"),
        locked
    );
    let e = expect_err(
        p.clone_vm(&clone_request("pve1", 100, 101, "x")).await,
        "clone a locked VM",
    );
    assert_eq!(e, locked);
    let e = expect_err(p.convert_to_template(&pve1(), vmid).await, "template a locked VM");
    assert_eq!(e, locked);
    let upid = p
        .power(&pve1(), vmid, PowerOp::Start)
        .await
        .expect("the start is accepted");
    let error = wait_error(h, &upid, "start a locked VM").await;
    assert!(error.contains("VM is locked (backup)"), "{error:?}");

    h.clear(fault).await;
    assert_eq!(p.vm_status(&pve1(), vmid).await.expect("status").lock, None);
    p.update_config_sync(&pve1(), vmid, &change)
        .await
        .expect("PUT after clear");
}

pub async fn a_full_storage_fails_a_full_clone_inside_its_task(h: &dyn Harness) {
    let p = h.proxmox();
    let full = Fault::StorageFull {
        node: Some(pve1()),
        storage: "local-lvm".into(),
    };
    let fault = h.inject(full, FaultScope::UntilCleared).await;
    assert_eq!(p.storage_status(&pve1(), "local-lvm").await.expect("status").avail, 0);
    assert!(
        p.storage_status(&node("pve2"), "local-lvm")
            .await
            .expect("status")
            .avail
            > 0
    );
    let mut request = clone_request("pve1", UBUNTU, 100, "no-room");
    request.full = Some(true);
    let upid = p.clone_vm(&request).await.expect("the clone is accepted");
    let error = wait_error(h, &upid, "full clone onto a full storage").await;
    assert!(!error.is_empty());
    let e = expect_err(p.vm_status(&pve1(), id(100)).await, "a failed clone leaves no VM");
    assert!(matches!(e, ProxmoxError::NotFound(_)), "{e:?}");

    h.clear(fault).await;
    let upid = p.clone_vm(&request).await.expect("clone after clear");
    wait_ok(h, &upid, "full clone after clear").await;
}

pub async fn a_next_id_collision_takes_the_id_right_after_it_is_given_out(h: &dyn Harness) {
    let p = h.proxmox();
    h.inject(Fault::NextIdCollision, FaultScope::Once).await;
    let given = p.next_vmid(None).await.expect("nextid");
    assert_eq!(given, id(100));
    let e = expect_err(
        p.clone_vm(&clone_request("pve1", UBUNTU, 100, "late")).await,
        "clone to it",
    );
    assert_eq!(e, ProxmoxError::AlreadyExists { vmid: given });
    let e = expect_err(p.next_vmid(Some(given)).await, "the id is taken");
    assert_eq!(e, ProxmoxError::AlreadyExists { vmid: given });
    let next = p.next_vmid(None).await.expect("nextid again");
    assert!(next > given, "{next} after {given}");
    cloned(h, UBUNTU, next.get(), "on-time").await;
}

pub async fn a_slow_cluster_still_answers_correctly(h: &dyn Harness) {
    let p = h.proxmox();
    let slow = Fault::Slow {
        delay: std::time::Duration::from_millis(5),
    };
    let fault = h.inject(slow, FaultScope::UntilCleared).await;
    assert_eq!(p.nodes().await.expect("nodes").len(), 3);
    assert_eq!(p.next_vmid(None).await.expect("nextid"), id(100));
    let vmid = cloned(h, UBUNTU, 100, "slow-1").await;
    assert_eq!(p.vm_status(&pve1(), vmid).await.expect("status").name, "slow-1");
    h.clear(fault).await;
    assert_eq!(p.next_vmid(None).await.expect("nextid"), id(101));
}

pub async fn a_wrong_token_is_unauthorized_everywhere(h: &dyn Harness) {
    let p = h.proxmox();
    let upid = p
        .clone_vm(&clone_request("pve1", UBUNTU, 100, "token-1"))
        .await
        .expect("clone");
    let fault = h.inject(Fault::WrongToken, FaultScope::UntilCleared).await;
    let unauthorized = ProxmoxError::Unauthorized;
    assert_eq!(expect_err(p.version().await, "version"), unauthorized);
    assert_eq!(expect_err(p.nodes().await, "nodes"), unauthorized);
    assert_eq!(expect_err(p.vms(&pve1()).await, "vms"), unauthorized);
    assert_eq!(expect_err(p.task_status(&upid).await, "task status"), unauthorized);
    let e = expect_err(p.clone_vm(&clone_request("pve1", UBUNTU, 101, "x")).await, "clone");
    assert_eq!(e, unauthorized);
    let e = expect_err(p.power(&pve1(), id(UBUNTU), PowerOp::Start).await, "start");
    assert_eq!(e, unauthorized);
    h.clear(fault).await;
    p.version().await.expect("version after clear");
    wait_ok(h, &upid, "clone").await;
}

pub async fn a_lost_quorum_refuses_writes_and_serves_reads(h: &dyn Harness) {
    let p = h.proxmox();
    let vmid = cloned(h, UBUNTU, 100, "quorum-1").await;
    let fault = h.inject(Fault::QuorumLost, FaultScope::UntilCleared).await;
    let refused = |e: ProxmoxError, what: &str| {
        assert!(
            matches!(e, ProxmoxError::Unavailable(ref m) if m.contains("no quorum")),
            "{what}: {e:?}"
        );
    };
    refused(
        expect_err(p.clone_vm(&clone_request("pve1", UBUNTU, 101, "x")).await, "clone"),
        "clone",
    );
    let change = set(&[("description", "no quorum")]);
    refused(
        expect_err(p.update_config_sync(&pve1(), vmid, &change).await, "PUT"),
        "PUT",
    );
    refused(
        expect_err(p.update_config(&pve1(), vmid, &change).await, "POST"),
        "POST",
    );
    refused(
        expect_err(p.power(&pve1(), vmid, PowerOp::Start).await, "start"),
        "start",
    );
    refused(expect_err(p.delete_vm(&pve1(), vmid).await, "delete"), "delete");

    assert_eq!(p.nodes().await.expect("nodes").len(), 3);
    p.vms(&pve1()).await.expect("vms");
    p.vm_status(&pve1(), vmid).await.expect("status");
    p.vm_config(&pve1(), vmid).await.expect("config");
    p.cluster_resources(Some(ResourceKind::Vm)).await.expect("resources");
    p.storages(&pve1()).await.expect("storages");
    p.next_vmid(None).await.expect("nextid is a read");

    h.clear(fault).await;
    power_ok(h, vmid, PowerOp::Start).await;
}

pub async fn a_guest_ignoring_acpi_fails_shutdown_unless_forced(h: &dyn Harness) {
    let p = h.proxmox();
    let vmid = cloned(h, UBUNTU, 100, "stubborn").await;
    h.inject(Fault::GuestIgnoresAcpi { vmid }, FaultScope::UntilCleared)
        .await;
    power_ok(h, vmid, PowerOp::Start).await;
    let polite = PowerOp::Shutdown {
        timeout_secs: 30,
        force_stop: false,
    };
    let upid = p.power(&pve1(), vmid, polite).await.expect("shutdown is accepted");
    let error = wait_error(h, &upid, "shutdown of a guest ignoring ACPI").await;
    assert!(error.contains("VM quit/powerdown failed - got timeout"), "{error:?}");
    assert_eq!(
        p.vm_status(&pve1(), vmid).await.expect("status").status,
        PowerStatus::Running
    );
    let forced = PowerOp::Shutdown {
        timeout_secs: 30,
        force_stop: true,
    };
    power_ok(h, vmid, forced).await;
    assert_eq!(
        p.vm_status(&pve1(), vmid).await.expect("status").status,
        PowerStatus::Stopped
    );
}

pub async fn a_worker_spawn_failure_is_unavailable_and_creates_nothing(h: &dyn Harness) {
    let p = h.proxmox();
    h.inject(Fault::WorkerSpawnFail, FaultScope::Once).await;
    let e = expect_err(p.clone_vm(&clone_request("pve1", UBUNTU, 100, "fork")).await, "clone");
    assert!(
        matches!(e, ProxmoxError::Unavailable(ref m) if m.contains("worker")),
        "{e:?}"
    );
    let e = expect_err(p.vm_status(&pve1(), id(100)).await, "no VM was created");
    assert!(matches!(e, ProxmoxError::NotFound(_)), "{e:?}");
    cloned(h, UBUNTU, 100, "fork").await;
}
