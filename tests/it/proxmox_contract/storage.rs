//! Contracts for storage: the two storages of every node, capacity taken by a full clone,
//! `download-url` rules for cloud images, and creating a VM that imports one.

use nimbus::ports::proxmox::{DownloadRequest, PowerStatus, ProxmoxError, StorageStatus};

use super::file_server::FileServer;
use super::*;

/// A download of Ubuntu's cloud image from the test's loopback file server, stored as `filename`.
pub fn import(files: &FileServer, filename: &str) -> DownloadRequest {
    DownloadRequest {
        url: files.url("noble-server-cloudimg-amd64.img"),
        content: "import".into(),
        filename: filename.into(),
        checksum: None,
    }
}

async fn status(h: &dyn Harness, storage: &str) -> StorageStatus {
    h.proxmox()
        .storage_status(&pve1(), storage)
        .await
        .expect("storage status")
}

pub async fn storages_lists_local_and_local_lvm_with_their_content_types(h: &dyn Harness) {
    let p = h.proxmox();
    for n in ["pve1", "pve2", "pve3"] {
        let mut storages = p.storages(&node(n)).await.expect("storages");
        storages.sort_by(|a, b| a.storage.cmp(&b.storage));
        let names: Vec<&str> = storages.iter().map(|s| s.storage.as_str()).collect();
        assert_eq!(names, ["local", "local-lvm"], "{n}");
        let content = |s: &StorageStatus| {
            let mut c = s.content.clone();
            c.sort();
            c
        };
        assert_eq!(storages[0].plugin, "dir");
        assert_eq!(content(&storages[0]), ["backup", "import", "iso", "snippets", "vztmpl"]);
        assert_eq!(storages[1].plugin, "lvmthin");
        assert_eq!(content(&storages[1]), ["images", "rootdir"]);
        for s in &storages {
            assert!(s.active && !s.shared, "{s:?}");
            assert!(s.total > 0 && s.used + s.avail <= s.total, "{s:?}");
        }
        let one = p.storage_status(&node(n), "local-lvm").await.expect("status");
        assert_eq!(one, storages[1]);
    }
    let e = expect_err(p.storage_status(&pve1(), "nfs-9").await, "unknown storage");
    assert!(matches!(e, ProxmoxError::NotFound(_)), "{e:?}");
    let e = expect_err(p.storage_content(&pve1(), "nfs-9", None).await, "unknown storage");
    assert!(matches!(e, ProxmoxError::NotFound(_)), "{e:?}");
}

pub async fn a_full_clone_takes_space_on_local_lvm_and_shows_in_its_content(h: &dyn Harness) {
    let p = h.proxmox();
    let images = p
        .storage_content(&pve1(), "local-lvm", Some("images".into()))
        .await
        .expect("content");
    let base = images.iter().find(|i| i.volid == "local-lvm:base-9000-disk-0");
    let base = base.unwrap_or_else(|| panic!("the template's disk is listed: {images:#?}"));
    assert_eq!((base.vmid, base.size), (Some(id(UBUNTU)), 3584 * MIB), "{base:?}");
    assert!(images.iter().all(|i| i.content == "images"), "{images:#?}");

    let before = status(h, "local-lvm").await;
    let mut request = clone_request("pve1", UBUNTU, 100, "full-1");
    request.full = Some(true);
    let upid = p.clone_vm(&request).await.expect("full clone");
    wait_ok(h, &upid, "full clone").await;
    let after = status(h, "local-lvm").await;
    assert!(
        before.avail >= after.avail + 3584 * MIB,
        "a full clone of 3.5 GiB takes its space: before {before:?}, after {after:?}"
    );
    let images = p
        .storage_content(&pve1(), "local-lvm", Some("images".into()))
        .await
        .expect("content");
    let disk = images
        .iter()
        .find(|i| i.vmid == Some(id(100)) && i.volid.contains("vm-100-disk-"));
    let disk = disk.unwrap_or_else(|| panic!("the clone's disk is listed: {images:#?}"));
    assert_eq!(disk.size, 3584 * MIB, "{disk:?}");
    let pve2 = p
        .storage_content(&node("pve2"), "local-lvm", None)
        .await
        .expect("content");
    assert!(
        !pve2.iter().any(|i| i.vmid == Some(id(100))),
        "local storage is per node"
    );
}

pub async fn download_url_puts_an_import_image_on_local_once(h: &dyn Harness) {
    let p = h.proxmox();
    let files = FileServer::start().await;
    let before = status(h, "local").await;
    let upid = p
        .download_url(&pve1(), "local", &import(&files, "noble.qcow2"))
        .await
        .expect("download");
    assert_eq!(upid.kind(), "download");
    wait_ok(h, &upid, "download").await;
    let items = p
        .storage_content(&pve1(), "local", Some("import".into()))
        .await
        .expect("content");
    let item = items.iter().find(|i| i.volid == "local:import/noble.qcow2");
    let item = item.unwrap_or_else(|| panic!("the image is listed: {items:#?}"));
    assert_eq!(item.content, "import");
    assert!(item.size > 0, "{item:?}");
    assert!(status(h, "local").await.avail < before.avail, "the image takes space");

    let again = p
        .download_url(&pve1(), "local", &import(&files, "noble.qcow2"))
        .await
        .expect("accepted");
    let error = wait_error(h, &again, "download over an existing file").await;
    assert!(error.contains("refusing to override existing file"), "{error:?}");
    let other = p
        .storage_content(&node("pve2"), "local", Some("import".into()))
        .await
        .expect("content");
    assert!(other.is_empty(), "pve2's local storage is its own: {other:#?}");
}

pub async fn download_url_refuses_wrong_file_names_and_storages(h: &dyn Harness) {
    let p = h.proxmox();
    let files = FileServer::start().await;
    let e = expect_err(
        p.download_url(&pve1(), "local", &import(&files, "noble.img")).await,
        ".img for import",
    );
    match &e {
        ProxmoxError::InvalidParameters { errors } => assert!(errors.contains_key("filename"), "{errors:?}"),
        other => panic!(".img for import gave {other:?}"),
    }
    let e = expect_err(
        p.download_url(&pve1(), "local-lvm", &import(&files, "noble.qcow2"))
            .await,
        "lvmthin",
    );
    assert!(matches!(e, ProxmoxError::Refused(_)), "{e:?}");
    let e = expect_err(
        p.download_url(&pve1(), "nfs-9", &import(&files, "noble.qcow2")).await,
        "unknown storage",
    );
    assert!(matches!(e, ProxmoxError::NotFound(_)), "{e:?}");
    let items = p
        .storage_content(&pve1(), "local", Some("import".into()))
        .await
        .expect("content");
    assert!(items.is_empty(), "nothing was downloaded: {items:#?}");
}

pub async fn create_vm_makes_a_vm_from_an_imported_cloud_image(h: &dyn Harness) {
    let p = h.proxmox();
    let files = FileServer::start().await;
    let upid = p
        .download_url(&pve1(), "local", &import(&files, "noble.qcow2"))
        .await
        .expect("download");
    wait_ok(h, &upid, "download").await;
    let config: Vec<(String, String)> = [
        ("name", "imported-1"),
        ("memory", "2048"),
        ("cores", "2"),
        ("agent", "1"),
        ("net0", "virtio,bridge=vmbr0"),
        ("scsi0", "local-lvm:0,import-from=local:import/noble.qcow2"),
        ("ide2", "local-lvm:cloudinit"),
    ]
    .iter()
    .map(|(k, v)| (k.to_string(), v.to_string()))
    .collect();
    let upid = p.create_vm(&pve1(), id(100), &config).await.expect("create");
    assert_eq!(upid.kind(), "qmcreate");
    wait_ok(h, &upid, "create").await;
    let status = p.vm_status(&pve1(), id(100)).await.expect("status");
    assert_eq!(status.name, "imported-1");
    assert_eq!(status.status, PowerStatus::Stopped);
    assert!(status.agent && !status.template && status.lock.is_none(), "{status:?}");
    let scsi0 = config_value(h, &pve1(), id(100), "scsi0").await;
    assert!(scsi0.starts_with("local-lvm:vm-100-disk-"), "{scsi0}");

    let e = expect_err(p.create_vm(&node("pve2"), id(100), &config).await, "taken id");
    assert_eq!(e, ProxmoxError::AlreadyExists { vmid: id(100) });
}
