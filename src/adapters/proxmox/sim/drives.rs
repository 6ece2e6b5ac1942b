//! CD-ROM and cloud-init drives in a config change, as qemu-server's `create_disks` treats them:
//! `ide2=<storage>:iso/<file>,media=cdrom` needs the ISO on that node's storage,
//! `ide2=<storage>:cloudinit` becomes the VM's cloud-init drive (one per VM), and a CD-ROM set
//! over an existing cloud-init drive is silently ignored (`delete=ide2` first). Also which ISOs a
//! guest boots with.

use super::model::Model;
use super::vm::{Vm, is_disk_slot};
use crate::ports::proxmox::ProxmoxError;

/// The volume and options of a drive value (`local:iso/x.iso`, `media=cdrom`).
fn split_drive(value: &str) -> (&str, &str) {
    value.split_once(',').unwrap_or((value, ""))
}

/// Whether a drive value is a cloud-init drive (`st:cloudinit` or `st:vm-100-cloudinit`).
pub(super) fn is_cloudinit(value: &str) -> bool {
    let (vol, _) = split_drive(value);
    vol.ends_with(":cloudinit") || vol.ends_with("-cloudinit")
}

/// Whether a drive value is a CD-ROM (an ISO, `none` or the host drive).
pub(super) fn is_cdrom(value: &str) -> bool {
    let (vol, opts) = split_drive(value);
    opts.split(',').any(|o| o == "media=cdrom") || vol == "none" || vol == "cdrom" || vol.contains(":iso/")
}

/// A refused drive value as the port reports it: a missing volume or storage is `NotFound`, as
/// the HTTP client reads Proxmox's "… does not exist".
pub(super) fn refusal(text: String) -> ProxmoxError {
    if text.ends_with("does not exist") {
        ProxmoxError::NotFound(text)
    } else {
        ProxmoxError::Refused(text)
    }
}

impl Model {
    /// Checks the drive keys `set` would write to `vm` and returns the keys to write, with
    /// cloud-init drives named as Proxmox names them and CD-ROMs over a cloud-init drive left
    /// out; the error is Proxmox's text.
    pub(super) fn drive_values(&self, vm: &Vm, set: &[(String, String)]) -> Result<Vec<(String, String)>, String> {
        let mut out = Vec::new();
        for (key, value) in set {
            if !is_disk_slot(key) {
                out.push((key.clone(), value.clone()));
                continue;
            }
            let current = vm.config.get(key);
            let (vol, _) = split_drive(value);
            if let Some(storage) = vol.strip_suffix(":cloudinit") {
                let elsewhere = vm
                    .config
                    .iter()
                    .find(|(k, v)| *k != key && is_disk_slot(k) && is_cloudinit(v));
                if let Some((other, _)) = elsewhere {
                    return Err(format!("{key} - cloud-init drive is already attached at '{other}'"));
                }
                if !self.storages.iter().any(|s| s.name == storage) {
                    return Err(format!("storage '{storage}' does not exist"));
                }
                let vmid = vm.vmid;
                out.push((key.clone(), format!("{storage}:vm-{vmid}-cloudinit,media=cdrom")));
                continue;
            }
            if is_cdrom(value) {
                if current.is_some_and(|c| is_cloudinit(c)) {
                    // Proxmox leaves the cloud-init drive in place and says nothing.
                    continue;
                }
                if vol.contains(":iso/") && self.iso_bytes(vm, vol).is_none() {
                    return Err(format!("volume {vol} does not exist"));
                }
            }
            out.push((key.clone(), value.clone()));
        }
        Ok(out)
    }

    /// The bytes of ISO volume `volid` as seen from `vm`'s node.
    fn iso_bytes(&self, vm: &Vm, volid: &str) -> Option<&[u8]> {
        self.files
            .iter()
            .find(|f| f.volid == volid && f.content == "iso" && f.on(&vm.node))
            .map(|f| f.bytes.as_slice())
    }

    /// The ISOs in `vm`'s CD-ROM drives, as the guest finds them at boot.
    pub(super) fn boot_isos(&self, vm: &Vm) -> Vec<&[u8]> {
        vm.config
            .iter()
            .filter(|(k, v)| is_disk_slot(k) && is_cdrom(v) && !is_cloudinit(v))
            .filter_map(|(_, v)| self.iso_bytes(vm, split_drive(v).0))
            .collect()
    }
}
