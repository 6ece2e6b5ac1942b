//! What each simulated task does to the model when it ends, and the clean-up after a failed one.

use super::model::{Effect, Model};
use super::vm::{Power, format_size, is_disk_slot};

impl Model {
    /// Applies a finished task's effect; an error becomes the task's exit status.
    pub(super) fn apply(&mut self, effect: &Effect) -> Result<(), String> {
        let now = self.now;
        match effect {
            Effect::CloneDone {
                source,
                newid,
                target,
                name,
                description,
                full,
                storage,
            } => self.finish_clone(
                *source,
                *newid,
                target,
                name.as_deref(),
                description.as_deref(),
                *full,
                storage.as_deref(),
            ),
            Effect::Config { vmid, change } => self.apply_change(*vmid, change),
            Effect::Resize { vmid, disk, bytes } => {
                let vm = self.vms.get(vmid).ok_or("VM does not exist")?;
                let (_, storage, _, current) = vm
                    .disks()
                    .into_iter()
                    .find(|d| &d.0 == disk)
                    .ok_or_else(|| format!("disk '{disk}' does not exist"))?;
                if *bytes < current {
                    return Err("shrinking disks is not supported".into());
                }
                let node = vm.node.clone();
                if self.storage_free(&storage, &node) < bytes - current {
                    return Err(format!(
                        "unable to resize disk '{disk}' - not enough free space on storage '{storage}'"
                    ));
                }
                let vm = self.vms.get_mut(vmid).ok_or("VM does not exist")?;
                let value = vm.config[disk].clone();
                let kept: Vec<&str> = value.split(',').filter(|o| !o.starts_with("size=")).collect();
                vm.config
                    .insert(disk.clone(), format!("{},size={}", kept.join(","), format_size(*bytes)));
                vm.generation += 1;
                Ok(())
            }
            Effect::Start { vmid } => {
                let vm = self.vms.get(vmid).ok_or("VM does not exist")?;
                if vm.is_template() {
                    return Err("you can't start a vm if it's a template".into());
                }
                if vm.running() {
                    return Err(format!("VM {vmid} already running"));
                }
                if let Some(lock) = self.config_lock(vm) {
                    return Err(format!("VM is locked ({lock})"));
                }
                let delay = self.agent_delay_for(*vmid);
                let booted = now + delay.unwrap_or_else(chrono::Duration::zero);
                let install_at = self.agent_install_at(*vmid, booted);
                let vm = self.vms.get_mut(vmid).ok_or("VM does not exist")?;
                vm.power = Power::Running { since: now };
                vm.booted = Some(vm.config.clone());
                vm.agent_at = delay.map(|d| now + d);
                vm.install_at = install_at;
                Ok(())
            }
            Effect::Stop { vmid } => {
                let vm = self.vms.get_mut(vmid).ok_or("VM does not exist")?;
                vm.power_off(now);
                Ok(())
            }
            Effect::Reboot { vmid } => {
                let delay = self.agent_delay_for(*vmid);
                if let Some(vm) = self.vms.get_mut(vmid) {
                    // An install that finished stays; one cut short by the reboot starts over.
                    vm.agent_installed = vm.has_agent(now);
                    vm.install_at = None;
                }
                let booted = now + delay.unwrap_or_else(chrono::Duration::zero);
                let install_at = self.agent_install_at(*vmid, booted);
                let vm = self.vms.get_mut(vmid).ok_or("VM does not exist")?;
                if !vm.running() {
                    return Err(format!("VM {vmid} not running"));
                }
                vm.power = Power::Running { since: now };
                vm.agent_at = delay.map(|d| now + d);
                vm.install_at = install_at;
                Ok(())
            }
            Effect::Delete { vmid } => {
                let vm = self.vms.get(vmid).ok_or("VM does not exist")?;
                if let Some(lock) = self.config_lock(vm) {
                    return Err(format!("VM is locked ({lock})"));
                }
                if vm.running() {
                    return Err(format!("VM {vmid} is running - destroy failed"));
                }
                if vm.is_template() && self.vms.values().any(|v| v.linked_from == Some(*vmid)) {
                    let base = vm
                        .disks()
                        .first()
                        .map(|d| format!("{}:{}", d.1, d.2))
                        .unwrap_or_default();
                    return Err(format!("base volume '{base}' is still in use by linked cloned"));
                }
                self.vms.remove(vmid);
                Ok(())
            }
            Effect::Template { vmid } => {
                let vm = self.vms.get_mut(vmid).ok_or("VM does not exist")?;
                if vm.running() {
                    return Err("you can't convert a VM to template if VM is running".into());
                }
                vm.config.insert("template".into(), "1".into());
                let renamed: Vec<(String, String)> = vm
                    .config
                    .iter()
                    .filter(|(k, v)| is_disk_slot(k) && !v.contains("media=cdrom"))
                    .map(|(k, v)| {
                        (
                            k.clone(),
                            v.replace(&format!("vm-{vmid}-disk"), &format!("base-{vmid}-disk")),
                        )
                    })
                    .collect();
                vm.config.extend(renamed);
                vm.generation += 1;
                Ok(())
            }
            Effect::Create { vmid } => {
                let vm = self.vms.get_mut(vmid).ok_or("VM does not exist")?;
                vm.config.remove("lock");
                vm.generation += 1;
                Ok(())
            }
            Effect::Download { file, verdict } => {
                verdict.clone()?;
                self.files.push(file.clone());
                Ok(())
            }
            Effect::Upload { file } => {
                let node = file.node.clone();
                self.files.retain(|f| !(f.volid == file.volid && f.node == node));
                self.files.push(file.clone());
                Ok(())
            }
            Effect::DeleteVolume { volid, node } => {
                self.files.retain(|f| !(&f.volid == volid && f.on(node)));
                Ok(())
            }
        }
    }

    /// Undoes what a failed task had begun (a failed clone or create leaves no VM behind).
    pub(super) fn cleanup_failed(&mut self, effect: &Effect, _error: &str) {
        match effect {
            Effect::CloneDone { newid: vmid, .. } | Effect::Create { vmid }
                if self.vms.get(vmid).is_some_and(|vm| vm.lock().is_some()) =>
            {
                self.vms.remove(vmid);
            }
            _ => {}
        }
    }
}
