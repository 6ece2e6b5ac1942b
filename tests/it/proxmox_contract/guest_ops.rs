//! Contracts for the guest image and what runs in it: a VM made from a cloud image has no agent,
//! a clone inherits its template's, `cloud-init clean` and `poweroff` through the agent, and the
//! faults a template bootstrap meets (download failure, corrupted download, full storage).

use nimbus::adapters::proxmox::sim::{Fault, FaultScope};
use nimbus::ports::proxmox::{Checksum, ChecksumAlgorithm, PowerStatus, ProxmoxError};

use super::file_server::FileServer;
use super::storage::import;
use super::*;

async fn run(h: &dyn Harness, vmid: VmId, argv: &[&str]) -> nimbus::ports::proxmox::ExecStatus {
    let command: Vec<String> = argv.iter().map(|a| a.to_string()).collect();
    let pid = h
        .proxmox()
        .agent_exec(&pve1(), vmid, &command, None)
        .await
        .unwrap_or_else(|e| panic!("exec {argv:?}: {e:?}"));
    h.proxmox()
        .agent_exec_status(&pve1(), vmid, pid)
        .await
        .expect("exec status")
}

pub async fn a_guest_cleans_cloud_init_and_powers_itself_off(h: &dyn Harness) {
    let vmid = vm_with_ip(h, 160, "bake-2", "127.77.0.60").await;
    power_ok(h, vmid, PowerOp::Start).await;
    wait_agent(h, vmid, 120)
        .await
        .expect("a template's clone has the agent");
    let clean = run(h, vmid, &["cloud-init", "clean", "--logs", "--seed"]).await;
    assert_eq!(clean.exit_code, Some(0), "{clean:?}");
    let bad = run(h, vmid, &["cloud-init", "clean", "--everything"]).await;
    assert_eq!(bad.exit_code, Some(2), "{bad:?}");
    let off = run(h, vmid, &["poweroff"]).await;
    assert_eq!(off.exit_code, Some(0), "{off:?}");
    let mut status = PowerStatus::Running;
    for _ in 0..60 {
        status = h.proxmox().vm_status(&pve1(), vmid).await.expect("status").status;
        if status == PowerStatus::Stopped {
            break;
        }
        h.advance(Duration::seconds(1)).await;
    }
    assert_eq!(status, PowerStatus::Stopped, "the guest stopped itself without a task");
}

pub async fn a_vm_created_from_a_cloud_image_runs_but_has_no_agent(h: &dyn Harness) {
    let p = h.proxmox();
    let files = FileServer::start().await;
    let upid = p
        .download_url(&pve1(), "local", &import(&files, "noble.qcow2"))
        .await
        .expect("download");
    wait_ok(h, &upid, "download").await;
    let config: Vec<(String, String)> = [
        ("name", "bake-3"),
        ("agent", "1"),
        ("scsi0", "local-lvm:0,import-from=local:import/noble.qcow2"),
    ]
    .iter()
    .map(|(k, v)| (k.to_string(), v.to_string()))
    .collect();
    let upid = p.create_vm(&pve1(), id(170), &config).await.expect("create");
    wait_ok(h, &upid, "create").await;
    power_ok(h, id(170), PowerOp::Start).await;
    let agent = wait_agent(h, id(170), 120).await;
    assert_eq!(
        agent.map(|_| ()),
        Err(ProxmoxError::AgentUnavailable("QEMU guest agent is not running".into()))
    );
    let status = p.vm_status(&pve1(), id(170)).await.expect("status");
    assert_eq!(status.status, PowerStatus::Running);
}

pub async fn a_download_failure_fault_fails_the_download_task(h: &dyn Harness) {
    let files = FileServer::start().await;
    let fault = Fault::DownloadFailure {
        node: Some(pve1()),
        reason: Some("Connection timed out".into()),
    };
    h.inject(fault, FaultScope::Once).await;
    let p = h.proxmox();
    let upid = p
        .download_url(&pve1(), "local", &import(&files, "noble.qcow2"))
        .await
        .expect("accepted");
    let error = wait_error(h, &upid, "download under the fault").await;
    assert_eq!(error, "download failed: Connection timed out");
    let upid = p
        .download_url(&pve1(), "local", &import(&files, "noble.qcow2"))
        .await
        .expect("accepted");
    wait_ok(h, &upid, "the fault fired once").await;
}

pub async fn a_corrupted_download_fails_its_checksum(h: &dyn Harness) {
    let files = FileServer::start().await;
    h.inject(Fault::CorruptDownload { node: None }, FaultScope::UntilCleared)
        .await;
    let mut request = import(&files, "noble.qcow2");
    let published: String = {
        use sha2::Digest as _;
        let bytes = super::file_server::image_bytes("noble-server-cloudimg-amd64.img");
        sha2::Sha256::digest(bytes).iter().map(|b| format!("{b:02x}")).collect()
    };
    request.checksum = Some(Checksum {
        algorithm: ChecksumAlgorithm::Sha256,
        value: published.clone(),
    });
    let upid = h
        .proxmox()
        .download_url(&pve1(), "local", &request)
        .await
        .expect("accepted");
    let error = wait_error(h, &upid, "corrupted download").await;
    assert!(
        error.starts_with("checksum mismatch: got '") && error.ends_with(&format!("' != expect '{published}'")),
        "{error}"
    );
}

pub async fn a_full_storage_fails_downloads_and_uploads_with_no_space(h: &dyn Harness) {
    let files = FileServer::start().await;
    let full = Fault::StorageFull {
        node: Some(pve1()),
        storage: "local".into(),
    };
    h.inject(full, FaultScope::UntilCleared).await;
    let p = h.proxmox();
    let upid = p
        .download_url(&pve1(), "local", &import(&files, "noble.qcow2"))
        .await
        .expect("accepted");
    let error = wait_error(h, &upid, "download to a full storage").await;
    assert_eq!(error, "download failed: No space left on device");
    let upid = p
        .upload_iso(&pve1(), "local", "seed.iso", b"CD001".to_vec())
        .await
        .expect("accepted");
    let error = wait_error(h, &upid, "upload to a full storage").await;
    assert_eq!(
        error,
        "import failed: cp: error writing '/var/lib/vz/template/iso/seed.iso': No space left on device"
    );
    let upid = p
        .upload_iso(&node("pve2"), "local", "seed.iso", b"CD001".to_vec())
        .await
        .expect("accepted");
    wait_ok(h, &upid, "another node's storage has room").await;
}

/// A VM on pve1 made from the cloud image, with `iso` uploaded and in its CD-ROM, started.
async fn booted_with_iso(h: &dyn Harness, vmid: u32, iso: Vec<u8>) -> VmId {
    let p = h.proxmox();
    let files = FileServer::start().await;
    let upid = p
        .download_url(&pve1(), "local", &import(&files, "noble.qcow2"))
        .await
        .expect("download");
    wait_ok(h, &upid, "download").await;
    let upid = p.upload_iso(&pve1(), "local", "seed.iso", iso).await.expect("upload");
    wait_ok(h, &upid, "upload").await;
    let config: Vec<(String, String)> = [
        ("name", "bake-4"),
        ("agent", "1"),
        ("scsi0", "local-lvm:0,import-from=local:import/noble.qcow2"),
        ("ide2", "local:iso/seed.iso,media=cdrom"),
    ]
    .iter()
    .map(|(k, v)| (k.to_string(), v.to_string()))
    .collect();
    let upid = p.create_vm(&pve1(), id(vmid), &config).await.expect("create");
    wait_ok(h, &upid, "create").await;
    power_ok(h, id(vmid), PowerOp::Start).await;
    id(vmid)
}

fn seed(user_data_installs_agent: bool) -> Vec<u8> {
    use nimbus::domain::cidata::{BakeNetwork, bake_iso, write_iso};
    let created = chrono::DateTime::parse_from_rfc3339("2026-01-01T00:00:00Z")
        .expect("instant")
        .with_timezone(&chrono::Utc);
    if user_data_installs_agent {
        let network = BakeNetwork {
            address: "127.77.0.70/24".parse().expect("address"),
            gateway: "127.77.0.1".parse().expect("gateway"),
            dns: vec![],
        };
        bake_iso("bake-4", "bake-4", &network, created).expect("bake ISO")
    } else {
        let files: [(&str, &[u8]); 2] = [("meta-data", b"instance-id: x\n"), ("user-data", b"#cloud-config\n")];
        write_iso("cidata", &files, created).expect("plain ISO")
    }
}

pub async fn a_cidata_iso_asking_for_the_agent_installs_it_during_the_boot(h: &dyn Harness) {
    let vmid = booted_with_iso(h, 180, seed(true)).await;
    wait_agent(h, vmid, 300)
        .await
        .expect("the agent comes up after boot and install");
    let clean = run(h, vmid, &["cloud-init", "clean", "--logs", "--seed"]).await;
    assert_eq!(clean.exit_code, Some(0));
}

pub async fn an_iso_without_the_agent_in_its_user_data_leaves_the_guest_without_one(h: &dyn Harness) {
    let vmid = booted_with_iso(h, 181, seed(false)).await;
    let agent = wait_agent(h, vmid, 300).await;
    assert_eq!(
        agent.map(|_| ()),
        Err(ProxmoxError::AgentUnavailable("QEMU guest agent is not running".into()))
    );
}

pub async fn a_bake_whose_agent_never_comes_up_stays_unavailable(h: &dyn Harness) {
    h.inject(Fault::AgentNever { vmid: Some(id(182)) }, FaultScope::UntilCleared)
        .await;
    let vmid = booted_with_iso(h, 182, seed(true)).await;
    let agent = wait_agent(h, vmid, 300).await;
    assert_eq!(
        agent.map(|_| ()),
        Err(ProxmoxError::AgentUnavailable("QEMU guest agent is not running".into()))
    );
}
