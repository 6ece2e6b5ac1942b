//! Simulated storage: capacity and use per node (a shared storage is one pool) and volume
//! listings. Files put on a storage (download, upload, delete) are in `files.rs`.

use super::model::Model;
use crate::domain::cluster::NodeName;
use crate::ports::proxmox::{ProxmoxError, ProxmoxResult, StorageItem, StorageStatus};

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
            .filter(|f| f.storage == storage && f.on(node))
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
        for f in self.files.iter().filter(|f| f.storage == storage && f.on(node)) {
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
}
