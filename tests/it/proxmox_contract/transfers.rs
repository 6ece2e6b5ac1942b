//! Contracts for files on a storage: `download-url` fetching from a loopback server with checksum
//! verification and progress in its task log, the `import` content type's version rule, ISO
//! upload, deleting a volume, and a CD-ROM holding an uploaded ISO.

use nimbus::ports::proxmox::{Checksum, ChecksumAlgorithm, DownloadRequest, ProxmoxError};
use sha2::Digest as _;

use super::file_server::{FileServer, image_bytes};
use super::storage::import;
use super::*;

const IMAGE: &str = "noble-server-cloudimg-amd64.img";

fn sha256_hex(bytes: &[u8]) -> String {
    sha2::Sha256::digest(bytes).iter().map(|b| format!("{b:02x}")).collect()
}

fn with_sha256(mut request: DownloadRequest, value: &str) -> DownloadRequest {
    request.checksum = Some(Checksum {
        algorithm: ChecksumAlgorithm::Sha256,
        value: value.to_owned(),
    });
    request
}

async fn log_lines(h: &dyn Harness, upid: &nimbus::domain::upid::Upid) -> Vec<String> {
    let log = h.proxmox().task_log(upid, 0, 0).await.expect("task log");
    log.lines.into_iter().map(|(_, t)| t).collect()
}

pub async fn download_url_verifies_a_checksum_and_shows_progress_as_time_passes(h: &dyn Harness) {
    let p = h.proxmox();
    let files = FileServer::start().await;
    let good = with_sha256(import(&files, "noble.qcow2"), &sha256_hex(&image_bytes(IMAGE)));
    let upid = p.download_url(&pve1(), "local", &good).await.expect("download");
    h.advance(Duration::seconds(6)).await;
    let partial = log_lines(h, &upid).await;
    assert!(
        partial.iter().any(|l| l.starts_with("downloaded ")) && !partial.iter().any(|l| l.contains("100%")),
        "part of the image is down after 6 s: {partial:#?}"
    );
    wait_ok(h, &upid, "download with the right checksum").await;
    let done = log_lines(h, &upid).await;
    assert!(done.iter().any(|l| l.starts_with("downloaded 100% (")), "{done:#?}");
    assert!(done.iter().any(|l| l.contains("checksum verified")), "{done:#?}");
    assert_eq!(done.last().map(String::as_str), Some("TASK OK"));

    let wrong = "0".repeat(64);
    let bad = with_sha256(import(&files, "jammy.qcow2"), &wrong);
    let upid = p.download_url(&pve1(), "local", &bad).await.expect("accepted");
    let error = wait_error(h, &upid, "download with a wrong checksum").await;
    let got = sha256_hex(&image_bytes(IMAGE));
    assert_eq!(error, format!("checksum mismatch: got '{got}' != expect '{wrong}'"));
    let items = p
        .storage_content(&pve1(), "local", Some("import".into()))
        .await
        .expect("content");
    let volids: Vec<&str> = items.iter().map(|i| i.volid.as_str()).collect();
    assert_eq!(volids, ["local:import/noble.qcow2"], "the mismatched file is not kept");
}

pub async fn download_url_fails_off_loopback_and_on_an_http_error(h: &dyn Harness) {
    let p = h.proxmox();
    let files = FileServer::start().await;
    let mut far = import(&files, "far.qcow2");
    far.url = "http://192.0.2.10/noble.img".into();
    let upid = p.download_url(&pve1(), "local", &far).await.expect("accepted");
    let error = wait_error(h, &upid, "download off loopback").await;
    assert_eq!(
        error,
        "download failed: 192.0.2.10 is not reachable from the simulator (loopback only)"
    );
    let mut missing = import(&files, "gone.qcow2");
    missing.url = files.url("missing/noble.img");
    let upid = p.download_url(&pve1(), "local", &missing).await.expect("accepted");
    let error = wait_error(h, &upid, "download of a missing file").await;
    assert_eq!(error, "download failed: 404 Not Found");
}

pub async fn import_content_needs_pve_8_3_or_later(h: &dyn Harness) {
    let p = h.proxmox();
    let files = FileServer::start().await;
    assert_eq!(p.version().await.expect("version").version, "8.2.4");
    let e = expect_err(
        p.download_url(&pve1(), "local", &import(&files, "noble.qcow2")).await,
        "import on 8.2",
    );
    assert_eq!(
        e,
        ProxmoxError::invalid(
            "content",
            "value 'import' does not have a value in the enumeration 'iso, vztmpl'"
        )
    );
    let mut as_iso = import(&files, "noble.img");
    as_iso.content = "iso".into();
    let upid = p.download_url(&pve1(), "local", &as_iso).await.expect("iso content");
    wait_ok(h, &upid, "download as iso").await;
    let items = p.storage_content(&pve1(), "local", None).await.expect("content");
    assert!(items.iter().any(|i| i.volid == "local:iso/noble.img"), "{items:#?}");
}

pub async fn upload_iso_stores_an_iso_that_delete_volume_removes(h: &dyn Harness) {
    let p = h.proxmox();
    let iso = b"CD001 nimbus cidata".to_vec();
    let upid = p
        .upload_iso(&pve1(), "local", "nimbus-seed.iso", iso.clone())
        .await
        .expect("upload");
    assert_eq!(upid.kind(), "imgcopy");
    wait_ok(h, &upid, "upload").await;
    let items = p
        .storage_content(&pve1(), "local", Some("iso".into()))
        .await
        .expect("content");
    let item = items.iter().find(|i| i.volid == "local:iso/nimbus-seed.iso");
    let item = item.unwrap_or_else(|| panic!("the ISO is listed: {items:#?}"));
    assert_eq!((item.content.as_str(), item.size), ("iso", iso.len() as u64));
    let elsewhere = p
        .storage_content(&node("pve2"), "local", Some("iso".into()))
        .await
        .expect("content");
    assert!(elsewhere.is_empty(), "{elsewhere:#?}");

    let e = expect_err(
        p.upload_iso(&pve1(), "local", "seed.txt", iso.clone()).await,
        "extension",
    );
    assert_eq!(e, ProxmoxError::invalid("filename", "wrong file extension"));
    let e = expect_err(p.upload_iso(&pve1(), "local-lvm", "seed.iso", iso.clone()).await, "lvm");
    assert!(
        matches!(e, ProxmoxError::Refused(ref t) if t.contains("can't upload to storage type 'lvmthin'")),
        "{e:?}"
    );

    let upid = p
        .delete_volume(&pve1(), "local", "local:iso/nimbus-seed.iso")
        .await
        .expect("delete");
    assert_eq!(upid.kind(), "imgdel");
    wait_ok(h, &upid, "delete volume").await;
    let items = p
        .storage_content(&pve1(), "local", Some("iso".into()))
        .await
        .expect("content");
    assert!(items.is_empty(), "{items:#?}");
    let e = expect_err(
        p.delete_volume(&pve1(), "local", "local:iso/nimbus-seed.iso").await,
        "gone",
    );
    assert!(matches!(e, ProxmoxError::NotFound(_)), "{e:?}");
}

pub async fn a_cdrom_holds_an_uploaded_iso_but_never_replaces_a_cloud_init_drive(h: &dyn Harness) {
    let p = h.proxmox();
    let upid = p
        .upload_iso(&pve1(), "local", "seed.iso", b"CD001".to_vec())
        .await
        .expect("upload");
    wait_ok(h, &upid, "upload").await;
    let vmid = cloned(h, UBUNTU, 150, "bake-1").await;
    let cloudinit = config_value(h, &pve1(), vmid, "ide2").await;
    assert!(cloudinit.contains("cloudinit"), "{cloudinit}");
    let cdrom = "local:iso/seed.iso,media=cdrom";
    p.update_config_sync(&pve1(), vmid, &set(&[("ide2", cdrom)]))
        .await
        .expect("accepted");
    assert_eq!(
        config_value(h, &pve1(), vmid, "ide2").await,
        cloudinit,
        "silently ignored"
    );

    let detach = ConfigChange {
        delete: vec!["ide2".into()],
        ..ConfigChange::default()
    };
    p.update_config_sync(&pve1(), vmid, &detach).await.expect("detach");
    let missing = "local:iso/nope.iso,media=cdrom";
    let e = expect_err(
        p.update_config_sync(&pve1(), vmid, &set(&[("ide2", missing)])).await,
        "missing ISO",
    );
    assert_eq!(
        e,
        ProxmoxError::NotFound("volume local:iso/nope.iso does not exist".into())
    );
    let upid = p
        .update_config(&pve1(), vmid, &set(&[("ide2", cdrom)]))
        .await
        .expect("attach");
    wait_ok(h, &upid, "attach the ISO").await;
    assert_eq!(config_value(h, &pve1(), vmid, "ide2").await, cdrom);

    p.update_config_sync(&pve1(), vmid, &detach).await.expect("detach");
    p.update_config_sync(&pve1(), vmid, &set(&[("ide2", "local-lvm:cloudinit")]))
        .await
        .expect("cloud-init drive");
    assert_eq!(
        config_value(h, &pve1(), vmid, "ide2").await,
        "local-lvm:vm-150-cloudinit,media=cdrom"
    );
    let e = expect_err(
        p.update_config_sync(&pve1(), vmid, &set(&[("ide0", "local-lvm:cloudinit")]))
            .await,
        "a second cloud-init drive",
    );
    assert_eq!(
        e,
        ProxmoxError::Refused("ide0 - cloud-init drive is already attached at 'ide2'".into())
    );
}
