//! The permission checks of the endpoints Nimbus calls, as qemu-server, pve-storage and
//! pve-manager make them, enforced when the caller is not the built-in root token: a missing
//! privilege is `Forbidden` with Proxmox's words, `Permission check failed (/vms/100, VM.Clone)`
//! (a failed alternative, or a check Proxmox makes without naming one, says only
//! `Permission check failed`). Lists are filtered as Proxmox filters them.

use super::drives::{is_cdrom, is_cloudinit};
use super::model::Model;
use super::vm::is_disk_slot;
use crate::domain::cluster::NodeName;
use crate::domain::vmid::VmId;
use crate::ports::proxmox::{ProxmoxError, ProxmoxResult};

const FAILED: &str = "Permission check failed";

/// One permission test, as pve-access-control's `exec_api2_perm_check` reads them.
#[derive(Debug, Clone)]
pub(super) enum Check {
    /// Every privilege (or, with `any`, one of them) on `path`.
    Perm {
        path: String,
        privs: Vec<&'static str>,
        any: bool,
    },
    And(Vec<Check>),
    /// One of the checks; when none passes the message names nothing.
    Or(Vec<Check>),
    /// A check whose failure names nothing (`raise_perm_exc()`).
    Quiet(Box<Check>),
    /// Refused to everyone but `root@pam`, with this text.
    RootOnly(String),
}

pub(super) fn perm(path: impl Into<String>, privs: &[&'static str]) -> Check {
    Check::Perm {
        path: path.into(),
        privs: privs.to_vec(),
        any: false,
    }
}

pub(super) fn any(path: impl Into<String>, privs: &[&'static str]) -> Check {
    Check::Perm {
        path: path.into(),
        privs: privs.to_vec(),
        any: true,
    }
}

fn vm(vmid: VmId) -> String {
    format!("/vms/{vmid}")
}

fn storage(name: &str) -> String {
    format!("/storage/{name}")
}

impl Model {
    /// Runs `check` for the caller of the current call; the root token passes everything.
    pub fn permit(&self, check: &Check) -> ProxmoxResult<()> {
        match &self.acting {
            None => Ok(()),
            Some(who) => self.evaluate(who, check).map_err(ProxmoxError::Forbidden),
        }
    }

    /// Whether the caller passes `check` (for filtering lists).
    pub fn may(&self, check: &Check) -> bool {
        self.permit(check).is_ok()
    }

    fn evaluate(&self, who: &str, check: &Check) -> Result<(), String> {
        match check {
            Check::Perm { path, privs, any } => {
                let held = self.access.privileges_at(who, path);
                if *any {
                    if privs.iter().any(|p| held.contains_key(*p)) {
                        return Ok(());
                    }
                    return Err(format!("{FAILED} ({path}, {})", privs.join("|")));
                }
                match privs.iter().find(|p| !held.contains_key(**p)) {
                    Some(p) => Err(format!("{FAILED} ({path}, {p})")),
                    None => Ok(()),
                }
            }
            Check::And(all) => all.iter().try_for_each(|c| self.evaluate(who, c)),
            Check::Or(options) => {
                if options.iter().any(|c| self.evaluate(who, c).is_ok()) {
                    Ok(())
                } else {
                    Err(FAILED.to_owned())
                }
            }
            Check::Quiet(inner) => self.evaluate(who, inner).map_err(|_| FAILED.to_owned()),
            Check::RootOnly(text) => Err(text.clone()),
        }
    }

    /// Guest-agent calls: `VM.GuestAgent.*` from PVE 9 (`kind` is the specific privilege, or
    /// `None` for `Unrestricted` alone), `VM.Monitor` before.
    pub fn agent_check(&self, vmid: VmId, kind: Option<&'static str>) -> Check {
        if !self.access.release.has_guest_agent_privileges() {
            return perm(vm(vmid), &["VM.Monitor"]);
        }
        match kind {
            Some(p) => any(vm(vmid), &[p, "VM.GuestAgent.Unrestricted"]),
            None => perm(vm(vmid), &["VM.GuestAgent.Unrestricted"]),
        }
    }

    /// `download-url`: template allocation on the storage and network access from the node.
    pub fn download_check(&self, node: &NodeName, storage_name: &str) -> Check {
        let mut network = vec![perm("/", &["Sys.Audit", "Sys.Modify"])];
        if self.access.release.has_access_network() {
            network.push(perm(format!("/nodes/{node}"), &["Sys.AccessNetwork"]));
        }
        Check::And(vec![
            perm(storage(storage_name), &["Datastore.AllocateTemplate"]),
            Check::Or(network),
        ])
    }

    /// Task status and log: the task's owner, or `Sys.Audit` on its node.
    pub fn task_check(&self, node: &NodeName, owner: &str) -> Check {
        if self.acting.as_deref() == Some(owner) {
            return Check::And(vec![]);
        }
        perm(format!("/nodes/{node}"), &["Sys.Audit"])
    }

    /// `POST …/clone`: the source, the new VMID, each disk's storage (or the target storage),
    /// each bridge.
    pub fn clone_check(&self, source: VmId, newid: VmId, target_storage: Option<&str>) -> Check {
        let mut checks = vec![
            perm(vm(source), &["VM.Clone"]),
            Check::Or(vec![perm(vm(newid), &["VM.Allocate"])]),
        ];
        if let Some(src) = self.vms.get(&source) {
            for (key, value) in &src.config {
                if is_disk_slot(key) && !is_cloudinit(value) {
                    if is_cdrom(value) {
                        if volume(value) == "cdrom" {
                            checks.push(perm("/", &["Sys.Console"]));
                        }
                        continue;
                    }
                    if let Some((sid, _)) = volume(value).split_once(':') {
                        let sid = target_storage.unwrap_or(sid);
                        checks.push(perm(storage(sid), &["Datastore.AllocateSpace"]));
                    }
                }
            }
            checks.extend(bridge_checks(src.config.iter()));
        }
        Check::And(checks)
    }

    /// `PUT …/resize`: the disk privilege, then space on the disk's storage.
    pub fn resize_check(&self, vmid: VmId, disk: &str) -> Check {
        let mut checks = vec![perm(vm(vmid), &["VM.Config.Disk"])];
        let value = self.vms.get(&vmid).and_then(|v| v.config.get(disk));
        if let Some((sid, _)) = value.and_then(|v| volume(v).split_once(':')) {
            checks.push(perm(storage(sid), &["Datastore.AllocateSpace"]));
        }
        Check::And(checks)
    }

    /// `POST|PUT …/config`: any config privilege, then each deleted and set key by its kind,
    /// new disks' storages and bridges.
    pub fn config_check(&self, vmid: VmId, set: &[(String, String)], delete: &[String]) -> Check {
        let mut checks = vec![any(
            vm(vmid),
            &[
                "VM.Config.Disk",
                "VM.Config.CDROM",
                "VM.Config.CPU",
                "VM.Config.Memory",
                "VM.Config.Network",
                "VM.Config.HWType",
                "VM.Config.Options",
                "VM.Config.Cloudinit",
            ],
        )];
        let current = self.vms.get(&vmid).map(|v| &v.config);
        for key in delete {
            let old = current.and_then(|c| c.get(key)).map(String::as_str).unwrap_or("");
            checks.push(key_check(vmid, key, old, true));
        }
        for (key, value) in set {
            checks.push(key_check(vmid, key, value, true));
            checks.extend(new_disk_check(key, value));
        }
        checks.extend(bridge_checks(set.iter().map(|(k, v)| (k, v))));
        Check::And(checks)
    }

    /// `POST /nodes/{node}/qemu`: the new VMID (a check that names nothing), then the keys.
    /// Drives are checked by their volumes here, not by their kind.
    pub fn create_check(&self, vmid: VmId, config: &[(String, String)]) -> Check {
        let mut checks = vec![Check::Quiet(Box::new(perm(vm(vmid), &["VM.Allocate"])))];
        for (key, value) in config {
            if is_disk_slot(key) {
                checks.extend(new_disk_check(key, value));
                if let Some(source) = option(value, "import-from") {
                    checks.push(volume_check(source));
                } else if is_cdrom(value) && volume(value).contains(':') && !is_cloudinit(value) {
                    checks.push(volume_check(volume(value)));
                }
            } else {
                checks.push(key_check(vmid, key, value, false));
            }
        }
        checks.extend(bridge_checks(config.iter().map(|(k, v)| (k, v))));
        Check::And(checks)
    }
}

/// The volume part of a drive value: `local-lvm:vm-100-disk-0` of `local-lvm:vm-100-disk-0,size=4G`.
fn volume(value: &str) -> &str {
    value.split(',').next().unwrap_or("")
}

/// The value of `name=` in a property string.
fn option<'a>(value: &'a str, name: &str) -> Option<&'a str> {
    value
        .split(',')
        .find_map(|part| part.strip_prefix(name).and_then(|rest| rest.strip_prefix('=')))
}

/// `storage:size` (a new disk) needs space on that storage.
fn new_disk_check(key: &str, value: &str) -> Option<Check> {
    if !is_disk_slot(key) || is_cdrom(value) {
        return None;
    }
    let (sid, size) = volume(value).split_once(':')?;
    let is_new = !size.is_empty() && size.bytes().all(|b| b.is_ascii_digit() || b == b'.');
    is_new.then(|| perm(storage(sid), &["Datastore.AllocateSpace"]))
}

/// Reading a volume of another kind (an ISO, an import image): allocation rights on its
/// storage, or at least read access.
fn volume_check(volid: &str) -> Check {
    let sid = volid.split(':').next().unwrap_or(volid);
    Check::Or(vec![
        perm(storage(sid), &["Datastore.Allocate"]),
        any(storage(sid), &["Datastore.AllocateSpace", "Datastore.Audit"]),
    ])
}

/// `SDN.Use` on the bridge of each network card.
fn bridge_checks<'a>(entries: impl Iterator<Item = (&'a String, &'a String)>) -> Vec<Check> {
    entries
        .filter(|(k, _)| {
            k.strip_prefix("net")
                .is_some_and(|n| n.bytes().all(|b| b.is_ascii_digit()))
        })
        .filter_map(|(_, v)| option(v, "bridge"))
        .map(|bridge| perm(format!("/sdn/zones/localnetwork/{bridge}"), &["SDN.Use"]))
        .collect()
}

/// The privilege one config key needs (qemu-server's `check_vm_modify_config_perm` and the
/// drive checks of an update); a key only root may set is refused.
fn key_check(vmid: VmId, key: &str, value: &str, drives: bool) -> Check {
    let on = |privs: &[&'static str]| perm(vm(vmid), privs);
    let numbered = |prefix: &str| {
        key.strip_prefix(prefix)
            .is_some_and(|n| !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit()))
    };
    if is_disk_slot(key) {
        if !drives {
            return Check::And(vec![]);
        }
        return if is_cloudinit(value) {
            on(&["VM.Config.Cloudinit", "VM.Config.CDROM"])
        } else if is_cdrom(value) {
            on(&["VM.Config.CDROM"])
        } else {
            on(&["VM.Config.Disk"])
        };
    }
    match key {
        "cores" | "cpu" | "cpulimit" | "cpuunits" | "numa" | "smp" | "sockets" | "vcpus" => on(&["VM.Config.CPU"]),
        "memory" | "balloon" | "shares" => on(&["VM.Config.Memory"]),
        "acpi" | "hotplug" | "kvm" | "machine" | "scsihw" | "smbios1" | "tablet" | "vga" | "watchdog" => {
            on(&["VM.Config.HWType"])
        }
        "agent" | "bios" | "description" | "keyboard" | "localtime" | "name" | "onboot" | "ostype" | "protection"
        | "reboot" | "startdate" | "tdf" | "template" | "tags" => on(&["VM.Config.Options"]),
        "boot" | "bootdisk" | "vmstatestorage" | "efidisk0" | "tpmstate0" => on(&["VM.Config.Disk"]),
        "cicustom" | "cipassword" | "citype" | "ciuser" | "ciupgrade" | "nameserver" | "searchdomain" | "sshkeys" => {
            any(vm(vmid), &["VM.Config.Cloudinit", "VM.Config.Network"])
        }
        _ if numbered("ipconfig") => any(vm(vmid), &["VM.Config.Cloudinit", "VM.Config.Network"]),
        _ if numbered("net") => on(&["VM.Config.Network"]),
        _ if numbered("unused") => on(&["VM.Config.Disk"]),
        _ if numbered("serial") && value == "socket" => on(&["VM.Config.HWType"]),
        _ if numbered("numa") => on(&["VM.Config.CPU"]),
        _ => Check::RootOnly(format!("only root can set '{key}' config")),
    }
}
