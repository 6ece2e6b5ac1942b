//! Creating VMs on the simulated cluster: clone (full and linked), create (with `import-from`),
//! and converting a VM into a template.

use super::faults::{Fault, Op};
use super::model::{Effect, Model};
use super::profile::Work;
use super::vm::{Vm, format_size, is_disk_slot};
use crate::domain::cluster::NodeName;
use crate::domain::upid::Upid;
use crate::domain::vmid::VmId;
use crate::ports::proxmox::{CloneRequest, ProxmoxError, ProxmoxResult};

impl Model {
    fn placeholder(&self, vmid: VmId, node: &NodeName, lock: &str) -> Vm {
        Vm::new(vmid, node.clone(), [("lock".to_owned(), lock.to_owned())].into())
    }

    /// Free bytes of `storage` as seen from `node`, honouring the storage-full fault.
    pub fn storage_free(&self, storage: &str, node: &NodeName) -> u64 {
        let full = self.has(|f| {
            matches!(f, Fault::StorageFull { node: n, storage: s } if s == storage && n.as_ref().is_none_or(|n| n == node))
        });
        if full {
            return 0;
        }
        let (total, used) = self.storage_usage(storage, node);
        total.saturating_sub(used)
    }

    pub fn clone_vm(&mut self, req: &CloneRequest) -> ProxmoxResult<Upid> {
        self.reach(&req.node)?;
        self.writable()?;
        let src = self.vm_on(&req.node, req.vmid)?.clone();
        let target = req.target.clone().unwrap_or_else(|| req.node.clone());
        if self.node(&target).is_err() {
            return Err(ProxmoxError::Refused(format!("no such cluster node '{target}'")));
        }
        self.reach(&target)?;
        if let Some(lock) = self.config_lock(&src) {
            return Err(ProxmoxError::Locked { lock });
        }
        let full = req.full.unwrap_or(!src.is_template());
        if !full && req.storage.is_some() {
            return Err(ProxmoxError::Refused(
                "parameter 'storage' not allowed for linked clones".into(),
            ));
        }
        let disks = src.disks();
        if !full && !src.is_template() {
            let volid = disks.first().map(|d| format!("{}:{}", d.1, d.2)).unwrap_or_default();
            return Err(ProxmoxError::Refused(format!(
                "Linked clone feature is not supported for '{volid}' (scsi0)"
            )));
        }
        if let Some(st) = &req.storage {
            match self.storages.iter().find(|s| &s.name == st) {
                Some(s) if s.content.contains(&"images") => {
                    if target != req.node && !s.shared {
                        return Err(ProxmoxError::Refused(format!(
                            "can't clone to non-shared storage '{st}'"
                        )));
                    }
                }
                _ => {
                    return Err(ProxmoxError::invalid(
                        "storage",
                        format!("storage '{st}' does not support vm images"),
                    ));
                }
            }
        }
        if target != req.node {
            let local = disks
                .iter()
                .any(|d| !self.storages.iter().any(|s| s.name == d.1 && s.shared));
            if local {
                return Err(ProxmoxError::Refused(format!(
                    "can't clone VM to node '{target}' (VM uses local storage)"
                )));
            }
        }
        if self.vms.contains_key(&req.newid) {
            return Err(ProxmoxError::AlreadyExists { vmid: req.newid });
        }
        let disk_bytes: u64 = disks.iter().map(|d| d.3).sum();
        let dest_storage = req
            .storage
            .clone()
            .or_else(|| disks.first().map(|d| d.1.clone()))
            .unwrap_or_default();
        let mut outcome = Ok(());
        if full && self.storage_free(&dest_storage, &target) < disk_bytes {
            outcome = Err(format!(
                "clone failed: unable to allocate {} on storage '{dest_storage}' - not enough free space",
                format_size(disk_bytes)
            ));
        }
        let mut log = vec![format!(
            "create {} clone of drive scsi0",
            if full { "full" } else { "linked" }
        )];
        if full {
            log.push(format!(
                "transferred {} of {} (100.00%)",
                format_size(disk_bytes),
                format_size(disk_bytes)
            ));
        }
        let vm = self.placeholder(req.newid, &req.node, "clone");
        self.vms.insert(req.newid, vm);
        let work = if full {
            Work::FullClone { disk_bytes }
        } else {
            Work::LinkedClone
        };
        let effect = Effect::CloneDone {
            source: req.vmid,
            newid: req.newid,
            target,
            name: req.name.clone(),
            description: req.description.clone(),
            full,
            storage: req.storage.clone(),
        };
        let upid = self.spawn(
            &req.node,
            "qmclone",
            &req.vmid.to_string(),
            Some(req.newid),
            work,
            Op::Clone,
            outcome,
            effect,
            log,
        );
        Ok(upid)
    }

    /// The end of a clone: the new VM gets its own copy of the source's config and disks.
    #[allow(clippy::too_many_arguments)]
    pub(super) fn finish_clone(
        &mut self,
        source: VmId,
        newid: VmId,
        target: &NodeName,
        name: Option<&str>,
        description: Option<&str>,
        full: bool,
        storage: Option<&str>,
    ) -> Result<(), String> {
        let src = self
            .vms
            .get(&source)
            .cloned()
            .ok_or_else(|| format!("clone failed: VM {source} does not exist"))?;
        let mac = self.rng.next_u64();
        let mut config = src.config.clone();
        config.remove("template");
        config.remove("lock");
        let mut index = 0;
        for (slot, value) in src.config.iter() {
            if !is_disk_slot(slot) {
                continue;
            }
            let (vol, opts) = value.split_once(',').unwrap_or((value, ""));
            let Some((st, volname)) = vol.split_once(':') else {
                continue;
            };
            let new_value = if opts.contains("media=cdrom") {
                format!("{st}:vm-{newid}-cloudinit,media=cdrom")
            } else if full {
                let dest = storage.unwrap_or(st);
                let v = format!("{dest}:vm-{newid}-disk-{index},{opts}");
                index += 1;
                v
            } else {
                let v = format!("{st}:{volname}/vm-{newid}-disk-{index},{opts}");
                index += 1;
                v
            };
            config.insert(slot.clone(), new_value.trim_end_matches(',').to_owned());
        }
        config.insert(
            "net0".into(),
            format!(
                "virtio=BC:24:11:{:02X}:{:02X}:{:02X},bridge=vmbr0",
                (mac >> 16) as u8,
                (mac >> 8) as u8,
                mac as u8
            ),
        );
        config.insert(
            "name".into(),
            name.map_or_else(|| format!("Copy-of-VM-{}", src.name()), str::to_owned),
        );
        match description {
            Some(d) => config.insert("description".into(), d.to_owned()),
            None => config.remove("description"),
        };
        let vm = self
            .vms
            .get_mut(&newid)
            .ok_or_else(|| format!("clone failed: VM {newid} vanished"))?;
        vm.config = config;
        vm.generation += 1;
        vm.node = target.clone();
        vm.linked_from = (!full).then_some(source);
        // The clone's disk is a copy of the source's: it has an agent exactly when the source has.
        vm.agent_installed = src.has_agent(self.now);
        Ok(())
    }

    pub fn create_vm(&mut self, node: &NodeName, vmid: VmId, config: &[(String, String)]) -> ProxmoxResult<Upid> {
        self.reach(node)?;
        self.writable()?;
        if self.vms.contains_key(&vmid) {
            return Err(ProxmoxError::AlreadyExists { vmid });
        }
        let mut entries = std::collections::BTreeMap::new();
        for (k, v) in config {
            super::vm_ops::validate_key(k, v)?;
            let value = if is_disk_slot(k) && v.contains("import-from=") {
                self.import_disk(node, vmid, k, v)?
            } else {
                v.clone()
            };
            entries.insert(k.clone(), value);
        }
        let mut vm = self.placeholder(vmid, node, "create");
        let entries: Vec<(String, String)> = entries.into_iter().collect();
        let entries = self.drive_values(&vm, &entries).map_err(super::drives::refusal)?;
        vm.config.extend(entries);
        self.vms.insert(vmid, vm);
        let upid = self.spawn(
            node,
            "qmcreate",
            &vmid.to_string(),
            Some(vmid),
            Work::Create,
            Op::Create,
            Ok(()),
            Effect::Create { vmid },
            vec![],
        );
        Ok(upid)
    }

    /// `local-lvm:0,import-from=local:import/x.qcow2` → a disk the size of the imported file.
    fn import_disk(&self, node: &NodeName, vmid: VmId, slot: &str, spec: &str) -> ProxmoxResult<String> {
        let (vol, opts) = spec.split_once(',').unwrap_or((spec, ""));
        let storage = vol.split_once(':').map_or(vol, |(s, _)| s);
        let source = opts
            .split(',')
            .find_map(|o| o.strip_prefix("import-from="))
            .unwrap_or_default();
        let file = self
            .files
            .iter()
            .find(|f| f.volid == source && f.node.as_ref().is_none_or(|n| n == node))
            .ok_or_else(|| ProxmoxError::invalid(slot, format!("volume '{source}' does not exist")))?;
        if file.content != "import" && file.content != "images" {
            return Err(ProxmoxError::invalid(
                slot,
                format!(
                    "'{source}' has wrong type '{}' - needs to be 'images' or 'import'",
                    file.content
                ),
            ));
        }
        let rest: Vec<&str> = opts
            .split(',')
            .filter(|o| !o.starts_with("import-from=") && !o.is_empty())
            .collect();
        let mut out = format!("{storage}:vm-{vmid}-disk-0,size={}", format_size(file.size));
        for o in rest {
            out.push(',');
            out.push_str(o);
        }
        Ok(out)
    }

    pub fn convert_to_template(&mut self, node: &NodeName, vmid: VmId) -> ProxmoxResult<Upid> {
        self.reach(node)?;
        self.writable()?;
        let vm = self.vm_on(node, vmid)?.clone();
        if let Some(lock) = self.config_lock(&vm) {
            return Err(ProxmoxError::Locked { lock });
        }
        if vm.is_template() {
            return Err(ProxmoxError::Refused(
                "you can't convert a template to a template".into(),
            ));
        }
        if vm.running() {
            return Err(ProxmoxError::Refused(
                "you can't convert a VM to template if VM is running".into(),
            ));
        }
        Ok(self.spawn(
            node,
            "qmtemplate",
            &vmid.to_string(),
            Some(vmid),
            Work::Template,
            Op::Template,
            Ok(()),
            Effect::Template { vmid },
            vec![],
        ))
    }
}
