//! Files on the simulated directory storages: `download-url` (the bytes fetched by the face, a
//! simulated size for timing, checksum verification, progress in the task log), `upload` of an
//! ISO, and deleting a volume. Checks and wording follow pve-storage's `Status.pm` and
//! `Content.pm`.

use std::sync::Arc;

use super::faults::{Fault, Op};
use super::fetch::hex_digest;
use super::model::{Effect, FileVolume, Model, Transfer};
use super::profile::Work;
use crate::domain::cluster::NodeName;
use crate::domain::upid::Upid;
use crate::ports::proxmox::{DownloadRequest, ProxmoxError, ProxmoxResult, StorageStatus};

const MIB: f64 = 1024.0 * 1024.0;

/// A file name as Proxmox normalises it: the path stripped, anything but `[a-zA-Z0-9_.-]` as `_`.
fn normalize(filename: &str) -> String {
    filename
        .rsplit('/')
        .next()
        .unwrap_or_default()
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || "_.-".contains(c) {
                c
            } else {
                '_'
            }
        })
        .collect()
}

/// Where a file of `content` lives under a directory storage.
fn dir_path(content: &str, name: &str) -> String {
    format!("/var/lib/vz/template/{content}/{name}")
}

impl Model {
    fn file_storage(&self, node: &NodeName, storage: &str) -> ProxmoxResult<StorageStatus> {
        self.reach(node)?;
        self.storage_status(node, storage)
    }

    fn file_exists(&self, volid: &str, node: &NodeName) -> bool {
        self.files.iter().any(|f| f.volid == volid && f.on(node))
    }

    /// Everything Proxmox checks before a download starts; the normalised file name.
    pub fn check_download(&self, node: &NodeName, storage: &str, req: &DownloadRequest) -> ProxmoxResult<String> {
        if req.content == "import" && !self.has_import_content() {
            return Err(ProxmoxError::invalid(
                "content",
                "value 'import' does not have a value in the enumeration 'iso, vztmpl'",
            ));
        }
        let status = self.file_storage(node, storage)?;
        if status.plugin != "dir" && status.plugin != "nfs" {
            return Err(ProxmoxError::Refused(format!(
                "can't upload to storage type '{}', not a file based storage!",
                status.plugin
            )));
        }
        if !(req.url.starts_with("http://") || req.url.starts_with("https://")) {
            return Err(ProxmoxError::invalid("url", "value does not match the regex pattern"));
        }
        if !status.content.iter().any(|c| c == &req.content) {
            return Err(ProxmoxError::Refused(format!(
                "storage '{storage}' is not configured for content-type '{}'",
                req.content
            )));
        }
        let name = normalize(&req.filename);
        let ext_ok = match req.content.as_str() {
            "import" => [".qcow2", ".raw", ".vmdk", ".ova"].iter().any(|e| name.ends_with(e)),
            "iso" => name.ends_with(".iso") || name.ends_with(".img"),
            _ => name.contains(".tar"),
        };
        if !ext_ok {
            let msg = if req.content == "import" {
                "invalid filename or wrong extension"
            } else {
                "wrong file extension"
            };
            return Err(ProxmoxError::invalid("filename", msg));
        }
        Ok(name)
    }

    /// `download-url` with what the face fetched: the body, or the task's error text.
    pub fn download_url(
        &mut self,
        node: &NodeName,
        storage: &str,
        req: &DownloadRequest,
        fetched: Result<Vec<u8>, String>,
    ) -> ProxmoxResult<Upid> {
        let name = self.check_download(node, storage, req)?;
        self.writable()?;
        let shared = self.storage_status(node, storage)?.shared;
        let volid = format!("{storage}:{}/{name}", req.content);
        let path = dir_path(&req.content, &name);
        // The real bytes are tiny; the simulated size drives timing and capacity.
        let size = 600 * 1024 * 1024 + (name.len() as u64 % 7) * 50 * 1024 * 1024;
        let for_node = |n: &Option<NodeName>| n.as_ref().is_none_or(|n| n == node);
        let failure = self.fire(|f| match f {
            Fault::DownloadFailure { node: n, reason } if for_node(n) => {
                Some(reason.clone().unwrap_or_else(|| "Connection reset by peer".into()))
            }
            _ => None,
        });
        let outcome = if self.file_exists(&volid, node) {
            Err(format!("refusing to override existing file '{path}'"))
        } else if self.storage_free(storage, node) < size {
            Err("download failed: No space left on device".to_owned())
        } else if let Some(reason) = failure {
            Err(format!("download failed: {reason}"))
        } else {
            fetched.as_ref().map(|_| ()).map_err(Clone::clone)
        };
        let mut bytes = fetched.unwrap_or_default();
        if outcome.is_ok()
            && self
                .fire(|f| matches!(f, Fault::CorruptDownload { node: n } if for_node(n)).then_some(()))
                .is_some()
        {
            // A flipped bit on the way: the file arrives, but not as published.
            match bytes.first_mut() {
                Some(b) => *b ^= 0x01,
                None => bytes.push(0),
            }
        }
        let mut done = Vec::new();
        let verdict = match &req.checksum {
            None => Ok(()),
            Some(expected) => {
                let got = hex_digest(expected.algorithm, &bytes);
                if got.eq_ignore_ascii_case(&expected.value) {
                    done.push("calculating checksum...OK, checksum verified".into());
                    Ok(())
                } else {
                    done.push("calculating checksum...".into());
                    Err(format!("checksum mismatch: got '{got}' != expect '{}'", expected.value))
                }
            }
        };
        if verdict.is_ok() {
            done.push(format!("download of '{}' to '{path}' finished", req.url));
        }
        let file = FileVolume {
            storage: storage.into(),
            node: (!shared).then(|| node.clone()),
            volid,
            content: req.content.clone(),
            format: name.rsplit('.').next().unwrap_or("raw").into(),
            size,
            bytes: Arc::new(bytes),
        };
        let log = vec![format!("downloading {} to {path}", req.url)];
        let ok = outcome.is_ok();
        let upid = self.spawn(
            node,
            "download",
            &name,
            None,
            Work::Download { bytes: size },
            Op::Download,
            outcome,
            Effect::Download { file, verdict },
            log,
        );
        self.set_transfer(&upid, ok.then_some(size), done);
        Ok(upid)
    }

    /// `upload` of an ISO image: stored (replacing a file of that name) by an `imgcopy` task.
    pub fn upload_iso(
        &mut self,
        node: &NodeName,
        storage: &str,
        filename: &str,
        bytes: Vec<u8>,
    ) -> ProxmoxResult<Upid> {
        let status = self.file_storage(node, storage)?;
        self.writable()?;
        if status.plugin != "dir" && status.plugin != "nfs" {
            return Err(ProxmoxError::Refused(format!(
                "can't upload to storage type '{}'",
                status.plugin
            )));
        }
        let name = normalize(filename);
        if !(name.ends_with(".iso") || name.ends_with(".img")) || name.len() < 5 {
            return Err(ProxmoxError::invalid("filename", "wrong file extension"));
        }
        if !status.content.iter().any(|c| c == "iso") {
            return Err(ProxmoxError::Refused(format!(
                "storage '{storage}' does not support 'iso' content"
            )));
        }
        let path = dir_path("iso", &name);
        let size = bytes.len() as u64;
        let tmp = format!("/var/tmp/pveupload-{:016x}", self.rng.next_u64());
        let outcome = if size > 0 && self.storage_free(storage, node) < size {
            Err(format!(
                "import failed: cp: error writing '{path}': No space left on device"
            ))
        } else {
            Ok(())
        };
        let log = vec![
            format!("starting file import from: {tmp}"),
            format!("target node: {node}"),
            format!("target file: {path}"),
            format!("file size is: {size}"),
            format!("command: cp -- {tmp} {path}"),
        ];
        let file = FileVolume {
            storage: storage.into(),
            node: (!status.shared).then(|| node.clone()),
            volid: format!("{storage}:iso/{name}"),
            content: "iso".into(),
            format: "iso".into(),
            size,
            bytes: Arc::new(bytes),
        };
        let upid = self.spawn(
            node,
            "imgcopy",
            "",
            None,
            Work::Download { bytes: size },
            Op::Upload,
            outcome,
            Effect::Upload { file },
            log,
        );
        self.set_transfer(&upid, None, vec!["finished file import successfully".into()]);
        Ok(upid)
    }

    /// `DELETE …/content/{volume}`: an `imgdel` task; `volume` with or without the storage.
    pub fn delete_volume(&mut self, node: &NodeName, storage: &str, volume: &str) -> ProxmoxResult<Upid> {
        self.file_storage(node, storage)?;
        self.writable()?;
        let volid = match volume.split_once(':') {
            Some((sid, _)) if sid != storage => {
                return Err(ProxmoxError::invalid(
                    "volume",
                    format!("storage ID mismatch ({sid} != {storage})"),
                ));
            }
            Some(_) => volume.to_owned(),
            None => format!("{storage}:{volume}"),
        };
        if !self.file_exists(&volid, node) {
            return Err(ProxmoxError::NotFound(format!("volume '{volid}' does not exist")));
        }
        let effect = Effect::DeleteVolume {
            volid: volid.clone(),
            node: node.clone(),
        };
        let upid = self.spawn(
            node,
            "imgdel",
            storage,
            None,
            Work::Delete,
            Op::VolumeDelete,
            Ok(()),
            effect,
            vec![],
        );
        self.set_transfer(&upid, None, vec![format!("Removed volume '{volid}'")]);
        Ok(upid)
    }

    fn set_transfer(&mut self, upid: &Upid, bytes: Option<u64>, done: Vec<String>) {
        if let Some(task) = self.tasks.get_mut(upid.as_str()) {
            task.transfer = Some(Transfer { bytes, done });
        }
    }

    /// The lines a transfer task shows at `now` besides those it started with: progress in 5%
    /// steps as simulated time passes, then its closing lines once the transfer is over and
    /// the task ended well or failed a check made at the end.
    pub(super) fn transfer_lines(&self, key: &str) -> Vec<String> {
        let Some(task) = self.tasks.get(key) else {
            return Vec::new();
        };
        let Some(transfer) = &task.transfer else {
            return Vec::new();
        };
        let span = (task.end_at - task.start_at).num_milliseconds();
        let over = self.now >= task.end_at;
        let fraction = if over || span <= 0 {
            1.0
        } else {
            ((self.now - task.start_at).num_milliseconds().max(0) as f64 / span as f64).min(1.0)
        };
        let mut lines = Vec::new();
        if let Some(total) = transfer.bytes {
            let steps = (fraction * 20.0).floor() as u64;
            for step in 1..=steps {
                let pct = step * 5;
                lines.push(format!(
                    "downloaded {pct}% ({:.1} MiB of {:.1} MiB)",
                    total as f64 * pct as f64 / 100.0 / MIB,
                    total as f64 / MIB
                ));
            }
        }
        let failed_early = task.outcome.is_err();
        if task.exit.is_some() && !failed_early {
            lines.extend(transfer.done.iter().cloned());
        }
        lines
    }
}
