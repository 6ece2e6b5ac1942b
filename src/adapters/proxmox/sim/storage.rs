//! Simulated storage: capacity and use per node (a shared storage is one pool), volume listings,
//! and `download-url`.

use super::faults::Op;
use super::model::{Effect, FileVolume, Model};
use super::profile::Work;
use crate::domain::cluster::NodeName;
use crate::domain::upid::Upid;
use crate::ports::proxmox::{DownloadRequest, ProxmoxError, ProxmoxResult, StorageItem, StorageStatus};

impl Model {
    /// Capacity and use of `storage` as seen from `node`.
    pub fn storage_usage(&self, storage: &str, node: &NodeName) -> (u64, u64) {
        let Some(def) = self.storages.iter().find(|s| s.name == storage) else {
            return (0, 0);
        };
        let key = if def.shared { None } else { Some(node.clone()) };
        let total = def.total.get(&key).copied().unwrap_or(0);
        let on_it = |n: &NodeName| def.shared || n == node;
        let disks: u64 = self
            .vms
            .values()
            .filter(|v| on_it(&v.node))
            .flat_map(|v| v.disks())
            // A linked clone's disk (`base-X/vm-Y`) shares its template's blocks.
            .filter(|d| d.1 == storage && !d.2.contains('/'))
            .map(|d| d.3)
            .sum();
        let files: u64 = self
            .files
            .iter()
            .filter(|f| f.storage == storage && (def.shared || f.node.as_ref() == Some(node)))
            .map(|f| f.size)
            .sum();
        (total, (disks + files).min(total))
    }

    pub(super) fn storage_status_of(&self, node: &NodeName, storage: &str) -> Option<StorageStatus> {
        let def = self.storages.iter().find(|s| s.name == storage)?;
        if !def.shared && !def.total.contains_key(&Some(node.clone())) {
            return None;
        }
        let (total, used) = self.storage_usage(storage, node);
        let avail = self.storage_free(storage, node);
        Some(StorageStatus {
            storage: def.name.clone(),
            plugin: def.plugin.into(),
            content: def.content.iter().map(|c| c.to_string()).collect(),
            shared: def.shared,
            active: true,
            total,
            used: used.max(total - avail.min(total)),
            avail,
        })
    }

    pub fn storages_of(&self, node: &NodeName) -> ProxmoxResult<Vec<StorageStatus>> {
        self.reach(node)?;
        Ok(self
            .storages
            .iter()
            .filter_map(|s| self.storage_status_of(node, &s.name))
            .collect())
    }

    pub fn storage_status(&self, node: &NodeName, storage: &str) -> ProxmoxResult<StorageStatus> {
        self.reach(node)?;
        self.storage_status_of(node, storage)
            .ok_or_else(|| ProxmoxError::NotFound(format!("storage '{storage}' does not exist on node '{node}'")))
    }

    pub fn storage_content(
        &self,
        node: &NodeName,
        storage: &str,
        content: Option<&str>,
    ) -> ProxmoxResult<Vec<StorageItem>> {
        let status = self.storage_status(node, storage)?;
        let mut items: Vec<StorageItem> = Vec::new();
        for vm in self.vms.values().filter(|v| status.shared || &v.node == node) {
            for (_, st, volname, size) in vm.disks() {
                if st == storage {
                    items.push(StorageItem {
                        volid: format!("{st}:{volname}"),
                        format: "raw".into(),
                        size,
                        content: "images".into(),
                        vmid: Some(vm.vmid),
                    });
                }
            }
        }
        for f in self
            .files
            .iter()
            .filter(|f| f.storage == storage && (status.shared || f.node.as_ref() == Some(node)))
        {
            items.push(StorageItem {
                volid: f.volid.clone(),
                format: f.format.clone(),
                size: f.size,
                content: f.content.clone(),
                vmid: None,
            });
        }
        items.retain(|i| content.is_none_or(|c| c.split(',').any(|c| c == i.content)));
        items.sort_by(|a, b| a.volid.cmp(&b.volid));
        Ok(items)
    }

    pub fn download_url(&mut self, node: &NodeName, storage: &str, req: &DownloadRequest) -> ProxmoxResult<Upid> {
        self.reach(node)?;
        self.writable()?;
        let status = self.storage_status(node, storage)?;
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
        let name: String = req
            .filename
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
            .collect();
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
        let volid = format!("{storage}:{}/{name}", req.content);
        let size = 600 * 1024 * 1024 + (name.len() as u64 % 7) * 50 * 1024 * 1024;
        let shared = status.shared;
        let exists = self
            .files
            .iter()
            .any(|f| f.volid == volid && (shared || f.node.as_ref() == Some(node)));
        let outcome = if exists {
            Err(format!(
                "refusing to override existing file '/var/lib/vz/template/{}/{name}'",
                req.content
            ))
        } else if self.storage_free(storage, node) < size {
            Err("download failed: No space left on device".to_owned())
        } else {
            Ok(())
        };
        let file = FileVolume {
            storage: storage.into(),
            node: (!shared).then(|| node.clone()),
            volid,
            content: req.content.clone(),
            format: name.rsplit('.').next().unwrap_or("raw").into(),
            size,
        };
        let log = vec![format!(
            "downloading {} to /var/lib/vz/template/{}/{name}",
            req.url, req.content
        )];
        Ok(self.spawn(
            node,
            "download",
            &name,
            None,
            Work::Download { bytes: size },
            Op::Download,
            outcome,
            Effect::Download { file },
            log,
        ))
    }
}
