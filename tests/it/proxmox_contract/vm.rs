//! Contracts for cloning and templates: the clone lock and placeholder name, linked versus full,
//! the shared-storage rule for another node, and converting a VM into a template.

use nimbus::ports::proxmox::{DiskSize, PowerStatus, ProxmoxError, TaskState};

use super::*;

pub async fn a_clone_exists_at_once_locked_and_named_after_its_id_until_it_finishes(h: &dyn Harness) {
    let p = h.proxmox();
    let upid = p
        .clone_vm(&clone_request("pve1", UBUNTU, 100, "web-1"))
        .await
        .expect("clone");
    let listed = p
        .vms(&pve1())
        .await
        .expect("vms")
        .into_iter()
        .find(|v| v.vmid == id(100));
    let listed = listed.expect("the new VM is listed while it is cloned");
    assert_eq!(listed.name, "VM 100", "{listed:?}");
    assert_eq!(listed.lock.as_deref(), Some("clone"), "{listed:?}");
    assert_eq!(listed.status, PowerStatus::Stopped, "{listed:?}");
    let status = p.vm_status(&pve1(), id(100)).await.expect("status while cloning");
    assert_eq!(status.lock.as_deref(), Some("clone"), "{status:?}");

    let change = set(&[("ipconfig0", "ip=127.77.0.10/24,gw=127.77.0.1")]);
    let e = expect_err(
        p.update_config(&pve1(), id(100), &change).await,
        "POST config while cloning",
    );
    assert_eq!(e, ProxmoxError::Locked { lock: "clone".into() });
    let e = expect_err(
        p.update_config_sync(&pve1(), id(100), &change).await,
        "PUT config while cloning",
    );
    assert_eq!(e, ProxmoxError::Locked { lock: "clone".into() });

    wait_ok(h, &upid, "clone").await;
    let status = p.vm_status(&pve1(), id(100)).await.expect("status after the clone");
    assert_eq!(status.name, "web-1");
    assert!(status.lock.is_none() && !status.template, "{status:?}");
    p.update_config_sync(&pve1(), id(100), &change)
        .await
        .expect("PUT config after the clone");
    let config = p.vm_config(&pve1(), id(100)).await.expect("config");
    assert_eq!(config.get("ipconfig0"), Some("ip=127.77.0.10/24,gw=127.77.0.1"));
    assert_eq!(config.get("lock"), None);
}

/// Proxmox accepts the start (the lock is checked inside the worker) and the task fails, either on
/// the config lock or on the lock file the clone holds for its whole run. The source disk is grown
/// to 40 GiB first so the full clone outlasts the start task's 10 s wait for the lock file (a start
/// that gets the lock file after a short clone has ended would rightly succeed).
pub async fn starting_a_vm_that_is_still_being_cloned_fails_inside_the_start_task(h: &dyn Harness) {
    let p = h.proxmox();
    let mut request = clone_request("pve1", UBUNTU, 100, "big-source");
    request.full = Some(true);
    let upid = p.clone_vm(&request).await.expect("full clone");
    wait_ok(h, &upid, "clone").await;
    let upid = p
        .resize_disk(&pve1(), id(100), "scsi0", DiskSize::Absolute(40 * GIB))
        .await
        .expect("resize");
    wait_ok(h, &upid, "resize").await;

    let clone = p
        .clone_vm(&clone_request("pve1", 100, 101, "busy-1"))
        .await
        .expect("full clone of a VM");
    let start = p
        .power(&pve1(), id(101), PowerOp::Start)
        .await
        .expect("start is accepted");
    let error = wait_error(h, &start, "start while cloning").await;
    assert!(
        error.contains("VM is locked (clone)")
            || error.contains("can't lock file '/var/lock/qemu-server/lock-101.conf' - got timeout"),
        "start of a cloning VM failed with {error:?}"
    );
    let clone_state = p.task_status(&clone).await.expect("clone status").state;
    assert_eq!(
        clone_state,
        TaskState::Running,
        "the 40 GiB clone outlasts the failed start"
    );
    wait_ok(h, &clone, "clone").await;
    let status = p.vm_status(&pve1(), id(101)).await.expect("status");
    assert_eq!(status.status, PowerStatus::Stopped, "{status:?}");
    assert!(status.lock.is_none(), "{status:?}");
    power_ok(h, id(101), PowerOp::Start).await;
}

pub async fn a_template_clone_is_linked_and_a_vm_clone_is_full_by_default(h: &dyn Harness) {
    let p = h.proxmox();
    cloned(h, UBUNTU, 100, "linked-1").await;
    let scsi0 = config_value(h, &pve1(), id(100), "scsi0").await;
    assert!(
        scsi0.starts_with("local-lvm:base-9000-disk-0/vm-100-disk-"),
        "linked clone disk: {scsi0}"
    );

    cloned(h, 100, 101, "full-1").await;
    let config = p.vm_config(&pve1(), id(101)).await.expect("config");
    let scsi0 = config.get("scsi0").unwrap_or_default();
    assert!(
        scsi0.starts_with("local-lvm:vm-101-disk-") && !scsi0.contains("base-"),
        "full clone disk: {scsi0}"
    );
    let ide2 = config.get("ide2").unwrap_or_default();
    assert!(
        ide2.contains("vm-101-cloudinit"),
        "the cloud-init drive is copied: {ide2}"
    );
    let mac = |c: &nimbus::ports::proxmox::VmConfig| c.get("net0").unwrap_or_default().to_owned();
    let source = p.vm_config(&pve1(), id(100)).await.expect("config");
    assert_ne!(mac(&config), mac(&source), "a clone gets a new MAC");
}

pub async fn a_linked_clone_refuses_a_target_storage(h: &dyn Harness) {
    let mut request = clone_request("pve1", UBUNTU, 100, "linked-2");
    request.full = Some(false);
    request.storage = Some("local-lvm".into());
    let e = expect_err(h.proxmox().clone_vm(&request).await, "linked clone with storage");
    assert!(
        matches!(e, ProxmoxError::Refused(_) | ProxmoxError::InvalidParameters { .. }),
        "{e:?}"
    );
    let e = expect_err(h.proxmox().vm_status(&pve1(), id(100)).await, "nothing was created");
    assert!(matches!(e, ProxmoxError::NotFound(_)), "{e:?}");
}

pub async fn cloning_to_another_node_is_refused_when_the_template_is_on_local_storage(h: &dyn Harness) {
    let mut request = clone_request("pve1", UBUNTU, 100, "far-1");
    request.target = Some(node("pve2"));
    let e = expect_err(h.proxmox().clone_vm(&request).await, "clone to pve2");
    assert_eq!(
        e,
        ProxmoxError::Refused("can't clone VM to node 'pve2' (VM uses local storage)".into())
    );
    request.full = Some(true);
    let e = expect_err(h.proxmox().clone_vm(&request).await, "full clone to pve2");
    assert!(
        matches!(e, ProxmoxError::Refused(ref m) if m.contains("VM uses local storage")),
        "{e:?}"
    );
}

/// Runs over `SharedTemplates`: the template's disk is on `ceph-pool`, which every node sees.
pub async fn cloning_to_another_node_works_from_shared_storage(h: &dyn Harness) {
    let p = h.proxmox();
    let mut request = clone_request("pve1", UBUNTU, 100, "far-2");
    request.target = Some(node("pve2"));
    let upid = p.clone_vm(&request).await.expect("clone to pve2");
    assert_eq!(upid.node(), &pve1(), "the clone task runs on the source node");
    wait_ok(h, &upid, "clone to pve2").await;
    let status = p.vm_status(&node("pve2"), id(100)).await.expect("the VM lives on pve2");
    assert_eq!(status.name, "far-2");
    assert!(status.lock.is_none(), "{status:?}");
    let e = expect_err(p.vm_status(&pve1(), id(100)).await, "not on pve1");
    assert!(matches!(e, ProxmoxError::NotFound(_)), "{e:?}");
    let scsi0 = config_value(h, &node("pve2"), id(100), "scsi0").await;
    assert!(scsi0.starts_with("ceph-pool:"), "{scsi0}");
    assert!(
        p.vms(&node("pve2"))
            .await
            .expect("vms")
            .iter()
            .any(|v| v.vmid == id(100))
    );
}

pub async fn cloning_refuses_an_unknown_source_and_a_source_that_is_locked(h: &dyn Harness) {
    let p = h.proxmox();
    let e = expect_err(
        p.clone_vm(&clone_request("pve1", 4242, 100, "x")).await,
        "unknown source",
    );
    assert!(matches!(e, ProxmoxError::NotFound(_)), "{e:?}");
    let upid = p
        .clone_vm(&clone_request("pve1", UBUNTU, 100, "first"))
        .await
        .expect("clone");
    let e = expect_err(
        p.clone_vm(&clone_request("pve1", 100, 101, "x")).await,
        "source still cloning",
    );
    assert_eq!(e, ProxmoxError::Locked { lock: "clone".into() });
    wait_ok(h, &upid, "clone").await;
    cloned(h, 100, 101, "second").await;
}

pub async fn convert_to_template_makes_a_stopped_vm_a_template_once(h: &dyn Harness) {
    let p = h.proxmox();
    let mut request = clone_request("pve1", UBUNTU, 100, "golden");
    request.full = Some(true);
    let upid = p.clone_vm(&request).await.expect("full clone");
    wait_ok(h, &upid, "clone").await;
    power_ok(h, id(100), PowerOp::Start).await;
    let e = expect_err(p.convert_to_template(&pve1(), id(100)).await, "running VM");
    assert!(matches!(e, ProxmoxError::Refused(_)), "{e:?}");
    power_ok(h, id(100), PowerOp::Stop).await;

    let upid = p.convert_to_template(&pve1(), id(100)).await.expect("convert");
    assert_eq!(upid.kind(), "qmtemplate");
    wait_ok(h, &upid, "convert").await;
    let status = p.vm_status(&pve1(), id(100)).await.expect("status");
    assert!(status.template, "{status:?}");
    let e = expect_err(p.convert_to_template(&pve1(), id(100)).await, "already a template");
    assert!(matches!(e, ProxmoxError::Refused(_)), "{e:?}");
    let e = expect_err(p.convert_to_template(&pve1(), id(4242)).await, "unknown VM");
    assert!(matches!(e, ProxmoxError::NotFound(_)), "{e:?}");

    cloned(h, 100, 101, "from-golden").await;
    let scsi0 = config_value(h, &pve1(), id(101), "scsi0").await;
    assert!(
        scsi0.contains("base-100-disk-0/vm-101-disk-"),
        "linked from the new template: {scsi0}"
    );
}
