//! A simulated VM: its config, power state, what its guest booted with, and the helpers that read
//! sizes and disks out of Proxmox property strings.

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};

use crate::domain::cluster::NodeName;
use crate::domain::vmid::VmId;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Power {
    Stopped,
    Running { since: DateTime<Utc> },
}

#[derive(Debug, Clone)]
pub(super) struct ExecRecord {
    /// Whether the command has finished; a Gopher bootstrap runs on after `agent exec` answers.
    pub exited: bool,
    pub exit_code: i32,
    pub out: String,
    pub err: String,
}

#[derive(Debug, Clone)]
pub(super) struct Vm {
    pub vmid: VmId,
    pub node: NodeName,
    pub config: BTreeMap<String, String>,
    pub generation: u64,
    pub power: Power,
    /// Cloud-init values as read at the last start; the guest only knows these.
    pub booted: Option<BTreeMap<String, String>>,
    /// When the guest agent (and the guest's network) starts answering.
    pub agent_at: Option<DateTime<Utc>>,
    /// The VM's lock file is held until then by a task.
    pub busy_until: Option<DateTime<Utc>>,
    /// Template this VM is a linked clone of.
    pub linked_from: Option<VmId>,
    pub files: BTreeMap<String, String>,
    pub execs: BTreeMap<u32, ExecRecord>,
    /// Whether the guest image has the QEMU guest agent: baked templates and their clones do,
    /// a fresh cloud image does not.
    pub agent_installed: bool,
    /// When the agent a `cidata` ISO asked for is installed and answering (during that boot).
    pub install_at: Option<DateTime<Utc>>,
    /// When a guest that ran `poweroff` stops.
    pub halt_at: Option<DateTime<Utc>>,
    /// The flags of the last `cloud-init clean` run in the guest, if any.
    pub cloud_init_clean: Option<Vec<String>>,
}

impl Vm {
    /// A VM as `create` or a scenario makes it: stopped, nothing booted, no agent in its image.
    pub fn new(vmid: VmId, node: NodeName, config: BTreeMap<String, String>) -> Self {
        Self {
            vmid,
            node,
            config,
            generation: 0,
            power: Power::Stopped,
            booted: None,
            agent_at: None,
            busy_until: None,
            linked_from: None,
            files: BTreeMap::new(),
            execs: BTreeMap::new(),
            agent_installed: false,
            install_at: None,
            halt_at: None,
            cloud_init_clean: None,
        }
    }

    /// Whether the guest image has the agent at `now` (installed, or its install has finished).
    pub fn has_agent(&self, now: DateTime<Utc>) -> bool {
        self.agent_installed || self.install_at.is_some_and(|at| at <= now)
    }

    /// The guest stops: an agent install that finished stays, one still running is lost.
    pub fn power_off(&mut self, now: DateTime<Utc>) {
        self.agent_installed = self.has_agent(now);
        self.power = Power::Stopped;
        self.agent_at = None;
        self.install_at = None;
        self.halt_at = None;
    }

    pub fn is_template(&self) -> bool {
        self.config.get("template").is_some_and(|v| v == "1")
    }

    pub fn lock(&self) -> Option<&str> {
        self.config.get("lock").map(String::as_str)
    }

    pub fn name(&self) -> String {
        self.config
            .get("name")
            .cloned()
            .unwrap_or_else(|| format!("VM {}", self.vmid))
    }

    pub fn running(&self) -> bool {
        matches!(self.power, Power::Running { .. })
    }

    pub fn memory_bytes(&self) -> u64 {
        self.config
            .get("memory")
            .and_then(|m| m.parse::<u64>().ok())
            .unwrap_or(512)
            * 1024
            * 1024
    }

    pub fn cores(&self) -> u32 {
        self.config.get("cores").and_then(|c| c.parse().ok()).unwrap_or(1)
    }

    /// Disks as (slot, storage, volume name, size in bytes); the cloud-init drive is skipped.
    pub fn disks(&self) -> Vec<(String, String, String, u64)> {
        self.config
            .iter()
            .filter(|(k, _)| is_disk_slot(k))
            .filter_map(|(k, v)| {
                let (vol, opts) = v.split_once(',').unwrap_or((v, ""));
                let (storage, volname) = vol.split_once(':')?;
                if opts.contains("media=cdrom") {
                    return None;
                }
                let size = opts
                    .split(',')
                    .find_map(|o| o.strip_prefix("size="))
                    .and_then(parse_size)
                    .unwrap_or(0);
                Some((k.clone(), storage.to_owned(), volname.to_owned(), size))
            })
            .collect()
    }

    pub fn boot_disk_bytes(&self) -> u64 {
        self.disks().iter().find(|d| d.0 == "scsi0").map_or(0, |d| d.3)
    }

    pub fn digest(&self) -> String {
        let mut h: u64 = 0xcbf2_9ce4_8422_2325;
        let mut feed = |bytes: &[u8]| {
            for b in bytes {
                h ^= u64::from(*b);
                h = h.wrapping_mul(0x0100_0000_01b3);
            }
        };
        feed(&self.generation.to_le_bytes());
        for (k, v) in &self.config {
            feed(k.as_bytes());
            feed(v.as_bytes());
        }
        format!(
            "{h:016x}{:016x}{:08x}",
            h.rotate_left(29) ^ self.generation,
            self.vmid.get()
        )
    }
}

pub(super) fn is_disk_slot(key: &str) -> bool {
    ["scsi", "virtio", "sata", "ide"].iter().any(|p| {
        key.strip_prefix(p)
            .is_some_and(|n| !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit()))
    })
}

/// `3584M`, `30G`, `1T`, `512K` or plain bytes.
pub(super) fn parse_size(text: &str) -> Option<u64> {
    let text = text.trim();
    let (num, mult) = match text.chars().last()? {
        'K' => (&text[..text.len() - 1], 1u64 << 10),
        'M' => (&text[..text.len() - 1], 1 << 20),
        'G' => (&text[..text.len() - 1], 1 << 30),
        'T' => (&text[..text.len() - 1], 1 << 40),
        _ => (text, 1),
    };
    let value: f64 = num.parse().ok()?;
    (value >= 0.0).then_some((value * mult as f64) as u64)
}

pub(super) fn format_size(bytes: u64) -> String {
    if bytes.is_multiple_of(1 << 30) {
        format!("{}G", bytes >> 30)
    } else {
        format!("{}M", bytes.div_ceil(1 << 20))
    }
}
