//! Changing VMs on the simulated cluster: config (async and sync), resize, power actions and
//! delete, and what each task does when it ends.

use chrono::Duration;

use super::faults::{Fault, Op};
use super::model::Effect;
use super::model::Model;
use super::profile::Work;
use crate::domain::cluster::NodeName;
use crate::domain::upid::Upid;
use crate::domain::vmid::VmId;
use crate::ports::proxmox::{ConfigChange, DiskSize, PowerOp, ProxmoxError, ProxmoxResult};

/// Config keys Proxmox knows (the subset a portal and its clients use).
const KNOWN_KEYS: &[&str] = &[
    "name",
    "description",
    "tags",
    "cores",
    "sockets",
    "vcpus",
    "memory",
    "balloon",
    "cpu",
    "cpulimit",
    "agent",
    "ostype",
    "scsihw",
    "boot",
    "vga",
    "machine",
    "bios",
    "numa",
    "hotplug",
    "onboot",
    "protection",
    "startup",
    "kvm",
    "tablet",
    "smbios1",
    "vmgenid",
    "meta",
    "ciuser",
    "cipassword",
    "sshkeys",
    "nameserver",
    "searchdomain",
    "citype",
    "ciupgrade",
    "cicustom",
    "efidisk0",
    "tpmstate0",
    "args",
    "hookscript",
    "template",
    "lock",
];

/// Keys that come numbered (`net0`, `scsi1`, `ipconfig0`, ...).
const NUMBERED_KEYS: &[&str] = &[
    "net", "scsi", "virtio", "sata", "ide", "ipconfig", "serial", "usb", "hostpci", "unused",
];

/// Proxmox's own checks on a config key, with its wording.
pub(super) fn validate_key(key: &str, value: &str) -> ProxmoxResult<()> {
    let known = KNOWN_KEYS.contains(&key)
        || NUMBERED_KEYS.iter().any(|p| {
            key.strip_prefix(p)
                .is_some_and(|n| !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit()))
        });
    let key_ok = known
        && !key.is_empty()
        && key
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-' || b == b'_');
    if !key_ok {
        return Err(ProxmoxError::invalid(
            key,
            "property is not defined in schema and the schema does not allow additional properties",
        ));
    }
    match key {
        "sshkeys" => {
            let allowed = |c: char| c.is_ascii_alphanumeric() || "-%_.!~*'()".contains(c);
            if !value.chars().all(allowed) {
                return Err(ProxmoxError::invalid(
                    key,
                    format!("invalid format - invalid urlencoded string: {value}"),
                ));
            }
            let decoded = percent_decode(value);
            let keys_ok = decoded
                .lines()
                .filter(|l| !l.trim().is_empty())
                .all(|l| l.starts_with("ssh-") || l.starts_with("ecdsa-") || l.starts_with("sk-"));
            if !keys_ok {
                return Err(ProxmoxError::invalid(key, "SSH public key validation error"));
            }
        }
        "cores" | "sockets" | "memory" | "balloon" if value.parse::<u64>().is_err() => {
            return Err(ProxmoxError::invalid(
                key,
                format!("type check ('integer') failed - got '{value}'"),
            ));
        }
        "name" => {
            let ok = !value.is_empty()
                && value.split('.').all(|l| {
                    !l.is_empty() && l.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-') && !l.starts_with('-')
                });
            if !ok {
                return Err(ProxmoxError::invalid(
                    key,
                    "invalid format - value does not look like a valid DNS name",
                ));
            }
        }
        _ => {}
    }
    Ok(())
}

pub(super) fn percent_decode(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%'
            && i + 2 < bytes.len()
            && let Ok(b) = u8::from_str_radix(&s[i + 1..i + 3], 16)
        {
            out.push(b);
            i += 3;
            continue;
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

impl Model {
    fn check_change(&self, vm: &super::vm::Vm, change: &ConfigChange) -> ProxmoxResult<()> {
        if let Some(lock) = self.config_lock(vm) {
            return Err(ProxmoxError::Locked { lock });
        }
        if change.digest.as_ref().is_some_and(|d| *d != vm.digest()) {
            return Err(ProxmoxError::Refused(
                "checksum mismatch (file change by other user?)".into(),
            ));
        }
        if change.set.is_empty() && change.delete.is_empty() {
            return Err(ProxmoxError::Refused("no options specified".into()));
        }
        for (k, v) in &change.set {
            validate_key(k, v)?;
        }
        Ok(())
    }

    /// `POST` (a `qmconfig` task) or, with `sync`, `PUT` (applied at once).
    pub fn update_config(
        &mut self,
        node: &NodeName,
        vmid: VmId,
        change: &ConfigChange,
        sync: bool,
    ) -> ProxmoxResult<Option<Upid>> {
        self.reach(node)?;
        self.writable()?;
        let vm = self.vm_on(node, vmid)?.clone();
        self.check_change(&vm, change)?;
        if sync {
            let stuck = self
                .fire(|f| matches!(f, Fault::LockTimeout { vmid: v } if *v == vmid).then_some(()))
                .is_some();
            let busy = vm.busy_until.is_some_and(|b| b - self.now > self.profile.lock_wait());
            if stuck || busy {
                return Err(ProxmoxError::LockTimeout { vmid });
            }
            self.apply_change(vmid, change).map_err(super::drives::refusal)?;
            self.event(format!("config of {vmid} updated"));
            return Ok(None);
        }
        let effect = Effect::Config {
            vmid,
            change: change.clone(),
        };
        Ok(Some(self.spawn(
            node,
            "qmconfig",
            &vmid.to_string(),
            Some(vmid),
            Work::Config,
            Op::Config,
            Ok(()),
            effect,
            vec![],
        )))
    }

    /// Writes `change` into the VM's config; drive values are checked first (nothing is written
    /// when one is refused).
    pub(super) fn apply_change(&mut self, vmid: VmId, change: &ConfigChange) -> Result<(), String> {
        let Some(vm) = self.vms.get(&vmid) else {
            return Err(format!("VM {vmid} does not exist"));
        };
        let set = self.drive_values(vm, &change.set)?;
        let Some(vm) = self.vms.get_mut(&vmid) else {
            return Err(format!("VM {vmid} does not exist"));
        };
        for (k, v) in &set {
            let value = if k == "tags" {
                let mut tags: Vec<String> = v
                    .split([';', ',', ' '])
                    .filter(|t| !t.is_empty())
                    .map(str::to_lowercase)
                    .collect();
                tags.sort();
                tags.dedup();
                tags.join(";")
            } else {
                v.clone()
            };
            vm.config.insert(k.clone(), value);
        }
        for k in &change.delete {
            vm.config.remove(k);
        }
        vm.generation += 1;
        Ok(())
    }

    pub fn resize(&mut self, node: &NodeName, vmid: VmId, disk: &str, size: DiskSize) -> ProxmoxResult<Upid> {
        self.reach(node)?;
        self.writable()?;
        self.vm_on(node, vmid)?;
        let effect = Effect::Resize {
            vmid,
            disk: disk.to_owned(),
            bytes: 0,
        };
        let effect = match (effect, size) {
            (Effect::Resize { vmid, disk, .. }, DiskSize::Absolute(b)) => Effect::Resize { vmid, disk, bytes: b },
            (Effect::Resize { vmid, disk, .. }, DiskSize::Grow(d)) => {
                let current = self.vms[&vmid]
                    .disks()
                    .into_iter()
                    .find(|x| x.0 == disk)
                    .map_or(0, |x| x.3);
                Effect::Resize {
                    vmid,
                    disk,
                    bytes: current + d,
                }
            }
            (e, _) => e,
        };
        Ok(self.spawn(
            node,
            "resize",
            &vmid.to_string(),
            Some(vmid),
            Work::Resize,
            Op::Resize,
            Ok(()),
            effect,
            vec![],
        ))
    }

    pub fn power(&mut self, node: &NodeName, vmid: VmId, op: PowerOp) -> ProxmoxResult<Upid> {
        self.reach(node)?;
        self.writable()?;
        let vm = self.vm_on(node, vmid)?.clone();
        let id = vmid.to_string();
        let upid = match op {
            PowerOp::Start => self.spawn(
                node,
                "qmstart",
                &id,
                Some(vmid),
                Work::Start,
                Op::Start,
                Ok(()),
                Effect::Start { vmid },
                vec!["generating cloud-init ISO".into()],
            ),
            PowerOp::Stop => self.spawn(
                node,
                "qmstop",
                &id,
                Some(vmid),
                Work::Stop,
                Op::Stop,
                Ok(()),
                Effect::Stop { vmid },
                vec![],
            ),
            PowerOp::Shutdown {
                timeout_secs,
                force_stop,
            } => {
                let ignores =
                    vm.running() && self.has(|f| matches!(f, Fault::GuestIgnoresAcpi { vmid: v } if *v == vmid));
                let outcome = if ignores && !force_stop {
                    Err("VM quit/powerdown failed - got timeout".to_owned())
                } else {
                    Ok(())
                };
                let upid = self.spawn(
                    node,
                    "qmshutdown",
                    &id,
                    Some(vmid),
                    Work::Shutdown,
                    Op::Shutdown,
                    outcome,
                    Effect::Stop { vmid },
                    vec![],
                );
                if ignores {
                    let start = self.tasks[upid.as_str()].start_at;
                    self.reschedule(&upid, start + Duration::seconds(i64::from(timeout_secs)));
                    if force_stop && let Some(t) = self.tasks.get_mut(upid.as_str()) {
                        t.log
                            .push("VM quit/powerdown failed - terminating now with SIGTERM".into());
                    }
                }
                upid
            }
            PowerOp::Reboot => {
                if !vm.running() {
                    return Err(ProxmoxError::Refused(format!("VM {vmid} not running")));
                }
                self.spawn(
                    node,
                    "qmreboot",
                    &id,
                    Some(vmid),
                    Work::Reboot,
                    Op::Reboot,
                    Ok(()),
                    Effect::Reboot { vmid },
                    vec![],
                )
            }
        };
        Ok(upid)
    }

    pub fn delete_vm(&mut self, node: &NodeName, vmid: VmId) -> ProxmoxResult<Upid> {
        self.reach(node)?;
        self.writable()?;
        let vm = self.vm_on(node, vmid)?;
        if vm.running() {
            return Err(ProxmoxError::Refused(format!("VM {vmid} is running - destroy failed")));
        }
        Ok(self.spawn(
            node,
            "qmdestroy",
            &vmid.to_string(),
            Some(vmid),
            Work::Delete,
            Op::Delete,
            Ok(()),
            Effect::Delete { vmid },
            vec![],
        ))
    }

    /// When, after a start, the guest has booted (its network and, if configured, its agent
    /// answer from then on).
    pub(super) fn agent_delay_for(&mut self, vmid: VmId) -> Option<Duration> {
        let late = self
            .faults
            .iter()
            .filter(|f| f.live(self.now))
            .find_map(|f| match &f.fault {
                Fault::AgentLate { vmid: v, delay } if v.is_none_or(|v| v == vmid) => Some(*delay),
                _ => None,
            });
        Some(late.unwrap_or_else(|| self.profile.agent_delay(&mut self.rng)))
    }
}
