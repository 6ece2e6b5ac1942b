//! The cloud image on the image storage (downloaded with checksum verification, or reused), and
//! the VM created from it. Importing needs `import` content: PVE 8.3 or later and a storage
//! configured for it (see `ensure_image` for why there is no way round it over the API).

use std::sync::Arc;
use std::time::Duration;

use super::bakery::Bakery;
use crate::domain::bootstrap::{BakePhase, BakeSlot, find_checksum};
use crate::domain::marker;
use crate::domain::os_image::{DigestAlgorithm, OsImage};
use crate::domain::vmid::VmId;
use crate::ports::ProxmoxError;
use crate::ports::proxmox::{Checksum, ChecksumAlgorithm, DownloadRequest};

/// Whether a `pve-manager` version is 8.3 or later (the first with `import` content).
fn has_import(version: &str) -> bool {
    let mut parts = version.split(['.', '-']).map(|p| p.parse::<u32>().unwrap_or(0));
    let major = parts.next().unwrap_or(0);
    let minor = parts.next().unwrap_or(0);
    (major, minor) >= (8, 3)
}

/// The percent in a download task's last progress line, if any.
fn progress(lines: &[(u32, String)]) -> Option<u8> {
    lines.iter().rev().find_map(|(_, line)| {
        let (before, _) = line.split_once('%')?;
        let digits: String = before
            .chars()
            .rev()
            .take_while(|c| c.is_ascii_digit() || *c == '.')
            .collect::<Vec<_>>()
            .into_iter()
            .rev()
            .collect();
        digits.parse::<f64>().ok().map(|p| p.clamp(0.0, 100.0) as u8)
    })
}

/// The image's volume on the node's image storage, downloading it first when missing.
pub(super) async fn ensure_image(b: &Bakery, slot: &mut BakeSlot, image: &OsImage) -> Result<String, String> {
    let px = b.shared.proxmox();
    let storage = &b.settings.image_storage;
    let status = px.storage_status(&slot.node, storage).await.map_err(|e| match e {
        ProxmoxError::NotFound(_) => format!(
            "the image storage '{storage}' does not exist on {}; set NIMBUS_IMAGE_STORAGE to a directory storage",
            slot.node
        ),
        e => format!("the image storage '{storage}' could not be read: {e}"),
    })?;
    let version = px
        .version()
        .await
        .map_err(|e| format!("Proxmox's version could not be read: {e}"))?;
    // Proxmox imports a disk over the API only from `import` (or `images`) volumes: an `iso`
    // volume is refused ("has wrong type 'iso'"), and a file path only from root@pam itself,
    // never from an API token. So before 8.3, which brought `import` content, nothing can be
    // imported through the API, and the bootstrap says so before downloading anything.
    if !has_import(&version.version) {
        return Err(format!(
            "Proxmox VE {} cannot import a cloud image through the API (that came with 8.3: the 'import' \
             content type); upgrade the cluster to 8.3 or later, then run the bootstrap again",
            version.version
        ));
    }
    if !status.content.iter().any(|c| c == "import") {
        return Err(format!(
            "the image storage '{storage}' on {} does not accept 'import' content; enable it (Datacenter → \
             Storage → {storage} → Content → Import) or set NIMBUS_IMAGE_STORAGE to a directory storage that does",
            slot.node
        ));
    }
    let (content, file) = ("import", image.image_file().to_owned());
    let volid = format!("{storage}:{content}/{file}");
    let key = if status.shared {
        volid.clone()
    } else {
        format!("{}/{volid}", slot.node)
    };
    let lock = {
        let mut images = b.images.lock().unwrap_or_else(|p| p.into_inner());
        images
            .entry(key)
            .or_insert_with(|| Arc::new(tokio::sync::Mutex::new(())))
            .clone()
    };
    let _one_download = lock.lock().await;
    if let Some(task) = slot.task.clone()
        && matches!(slot.phase, BakePhase::Downloading { .. })
        && let Ok(upid) = task.parse()
    {
        // Resumed after a restart: the download Proxmox was running may still be under way.
        let _ = follow_download(b, slot, &upid).await;
    }
    let present = px
        .storage_content(&slot.node, storage, Some(content.to_owned()))
        .await
        .map_err(|e| format!("the image storage '{storage}' could not be listed: {e}"))?
        .iter()
        .any(|item| item.volid == volid);
    if present {
        return Ok(volid);
    }
    let source = b.settings.source(image);
    let list = b
        .fetch
        .fetch_text(&source.checksum_url)
        .await
        .map_err(|e| format!("the checksum list could not be read ({e}); check the image URLs or the mirror"))?;
    let digest = find_checksum(&list, &source.listed_as, source.algorithm).map_err(|e| e.to_string())?;
    let request = DownloadRequest {
        url: source.image_url.clone(),
        content: content.to_owned(),
        filename: file,
        checksum: Some(Checksum {
            algorithm: match source.algorithm {
                DigestAlgorithm::Sha256 => ChecksumAlgorithm::Sha256,
                DigestAlgorithm::Sha512 => ChecksumAlgorithm::Sha512,
            },
            value: digest,
        }),
    };
    b.enter(slot, BakePhase::Downloading { percent: 0 }).await;
    let upid = px
        .download_url(&slot.node, storage, &request)
        .await
        .map_err(|e| format!("Proxmox refused the download of {}: {e}", source.image_url))?;
    slot.task = Some(upid.to_string());
    b.save(slot).await;
    follow_download(b, slot, &upid).await.map_err(|e| {
        if e.contains("checksum mismatch") {
            format!(
                "the downloaded image does not match its published checksum ({e}); Proxmox discarded it. \
                 Run the bootstrap again; if it repeats, the mirror's copy is corrupt"
            )
        } else {
            format!("the download of {} failed: {e}", source.image_url)
        }
    })?;
    slot.task = None;
    Ok(volid)
}

/// Waits for a download, recording its progress from the task log.
async fn follow_download(b: &Bakery, slot: &mut BakeSlot, upid: &crate::domain::upid::Upid) -> Result<(), String> {
    let px = b.shared.proxmox();
    let deadline = b.now() + chrono::Duration::from_std(b.settings.download_timeout).unwrap_or(chrono::Duration::MAX);
    loop {
        match px.task_status(upid).await {
            Ok(st) => match st.state {
                crate::ports::proxmox::TaskState::Stopped(exit) => {
                    return match exit {
                        crate::ports::proxmox::ExitStatus::Error(text) => Err(text),
                        _ => Ok(()),
                    };
                }
                crate::ports::proxmox::TaskState::Running => {}
            },
            Err(e) if e.is_transient() => {}
            Err(e) => return Err(e.to_string()),
        }
        if let Ok(log) = px.task_log(upid, 0, 0).await
            && let Some(percent) = progress(&log.lines)
            && slot.phase != (BakePhase::Downloading { percent })
        {
            b.enter(slot, BakePhase::Downloading { percent }).await;
        }
        if b.now() > deadline {
            return Err(format!(
                "not finished within {} minutes",
                b.settings.download_timeout.as_secs() / 60
            ));
        }
        b.pause().await;
    }
}

/// Creates the bake VM with the image imported as its disk. The VMID is base + the OS's
/// offset when free cluster-wide, else the next free one from there; it is written to the
/// slot before the create, and the VM carries the bake marker from birth.
pub(super) async fn create_vm(b: &Bakery, slot: &mut BakeSlot, image: &OsImage, volid: &str) -> Result<(), String> {
    let px = b.shared.proxmox();
    b.enter(slot, BakePhase::Importing).await;
    let upid = {
        let _choosing = b.vmids.lock().await;
        let vmid = free_vmid(b, image).await?;
        slot.vmid = Some(vmid);
        b.save(slot).await;
        let config = vec![
            ("name".to_owned(), slot.name.clone()),
            ("description".to_owned(), marker::describe_bake(slot.run, image.label())),
            ("memory".to_owned(), "2048".to_owned()),
            ("cores".to_owned(), "2".to_owned()),
            ("ostype".to_owned(), "l26".to_owned()),
            ("scsihw".to_owned(), "virtio-scsi-pci".to_owned()),
            (
                "scsi0".to_owned(),
                format!("{}:0,import-from={volid}", b.settings.disk_storage),
            ),
            ("boot".to_owned(), "order=scsi0".to_owned()),
            ("net0".to_owned(), format!("virtio,bridge={}", b.settings.bridge)),
            ("serial0".to_owned(), "socket".to_owned()),
            ("vga".to_owned(), "serial0".to_owned()),
            ("agent".to_owned(), "enabled=1".to_owned()),
        ];
        px.create_vm(&slot.node, vmid, &config)
            .await
            .map_err(|e| format!("Proxmox refused to create the VM: {e}"))?
    };
    slot.task = Some(upid.to_string());
    b.save(slot).await;
    b.wait_task(&upid, Duration::from_secs(1800))
        .await
        .map_err(|e| format!("importing the image failed: {e}"))?;
    slot.task = None;
    Ok(())
}

async fn free_vmid(b: &Bakery, image: &OsImage) -> Result<VmId, String> {
    let px = b.shared.proxmox();
    let first = image
        .suggested_template_vmid(b.shared.settings().template_base)
        .ok_or("the template base VMID leaves no room for this OS")?;
    let mut candidate = first.get();
    for _ in 0..1000 {
        let vmid = VmId::new(candidate).map_err(|e| e.to_string())?;
        match px.next_vmid(Some(vmid)).await {
            Ok(_) => return Ok(vmid),
            Err(ProxmoxError::AlreadyExists { .. }) => candidate += 1,
            Err(e) => return Err(format!("a free VMID could not be found: {e}")),
        }
    }
    Err(format!("no free VMID between {} and {candidate}", first.get()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn import_content_needs_pve_8_3() {
        assert!(has_import("8.3.0"));
        assert!(has_import("8.4.1"));
        assert!(has_import("9.0"));
        assert!(!has_import("8.2.4"));
        assert!(!has_import("7.4-3"));
    }

    #[test]
    fn the_last_progress_line_gives_the_percent() {
        let lines = vec![
            (1, "downloading http://x/y.img".to_owned()),
            (2, "downloaded 25% (150.0 MiB of 600.0 MiB)".to_owned()),
            (3, "downloaded 62.5% (375.0 MiB of 600.0 MiB)".to_owned()),
        ];
        assert_eq!(progress(&lines), Some(62));
        assert_eq!(progress(&lines[..1]), None);
    }
}
