//! The Proxmox VE cluster simulator: one clock-driven model of a cluster (nodes, storages, VMs,
//! tasks, locks, guest agents, a LAN) with faults that can be injected. It is part of the
//! product: tests, `nimbus demo` and outside clients use it. [`SimProxmox`] is its in-memory face,
//! an implementation of the `Proxmox` port.
//!
//! The model only moves when asked: every call first brings it to the clock's `now`, ending due
//! tasks in time order. With a `ManualClock` and a seed, a run is exactly repeatable.

mod access;
mod access_face;
mod access_setup;
mod agent;
mod bootstrap_script;
mod clone;
mod drives;
mod effects;
mod face;
pub mod faults;
mod fetch;
mod files;
mod gates;
mod guest;
mod guest_http;
mod guest_network;
mod model;
mod permits;
mod profile;
mod reads;
mod roles;
mod scenario;
mod storage;
#[cfg(test)]
mod tests;
mod time;
mod vm;
mod vm_ops;

use std::collections::BTreeMap;
use std::net::IpAddr;
use std::sync::{Arc, Mutex, MutexGuard};

pub use face::{Caller, SimProxmox};
pub use faults::{Fault, FaultId, FaultScope, OfflineMode, Op};
pub use guest_http::HttpGuestNetwork;
pub use guest_network::{GuestFailure, GuestNetwork};
pub use profile::Profile;
pub use scenario::{AccessSpec, DEFAULT_PVE_VERSION, NodeSpec, Scenario, TemplatePlacement, TokenSpec};

use crate::domain::proxmox_privileges::PveRelease;
use crate::domain::vmid::VmId;
use crate::ports::Clock;
use model::{Model, Node, Storage};
use vm::{Power, Vm};

/// A simulated cluster. Cheap to clone; every clone shares the same model.
#[derive(Clone)]
pub struct SimCluster {
    model: Arc<Mutex<Model>>,
    clock: Arc<dyn Clock>,
}

impl SimCluster {
    pub fn new(scenario: Scenario, profile: Profile, seed: u64, clock: Arc<dyn Clock>) -> Self {
        let mut model = Model::new(profile, seed, clock.now());
        model.pve_version = scenario.pve_version.clone();
        let release = PveRelease::parse(&scenario.pve_version).unwrap_or(PveRelease::new(8, 4));
        model.access = access::Access::new(release);
        access_setup::install(&mut model.access, &scenario.access);
        install(&mut model, &scenario);
        model.event(format!(
            "cluster of {} nodes, {} VMs, profile {profile:?}, seed {seed}",
            model.nodes.len(),
            model.vms.len()
        ));
        if !profile.stats_interval().is_zero() {
            model.push_stats();
        }
        Self {
            model: Arc::new(Mutex::new(model)),
            clock,
        }
    }

    /// The model, brought up to the clock's current time.
    fn at_now(&self) -> MutexGuard<'_, Model> {
        let mut m = self.model.lock().unwrap_or_else(|p| p.into_inner());
        m.advance_to(self.clock.now());
        m
    }

    /// The in-memory face: an implementation of the `Proxmox` port over this model, called by
    /// the built-in root token.
    pub fn proxmox(&self) -> SimProxmox {
        SimProxmox::new(self.clone(), Caller::Root)
    }

    /// The in-memory face called by `caller`, whose privileges every call checks.
    pub fn proxmox_as(&self, caller: Caller) -> SimProxmox {
        SimProxmox::new(self.clone(), caller)
    }

    /// Whether `secret` is the secret of the API token `id` made in the simulator.
    pub fn token_valid(&self, id: &str, secret: &str) -> bool {
        self.at_now().access.authenticate_token(id, secret).is_ok()
    }

    /// The CSRF token that goes with a ticket, while the ticket is good for calls.
    pub fn ticket_csrf(&self, ticket: &str) -> Option<String> {
        let m = self.at_now();
        m.access.authenticate_ticket(ticket).ok()?;
        m.access.tickets.get(ticket).map(|t| t.csrf.clone())
    }

    pub fn inject(&self, fault: Fault, scope: FaultScope) -> FaultId {
        self.at_now().inject(fault, scope)
    }

    pub fn clear(&self, id: FaultId) {
        self.at_now().clear(id);
    }

    pub fn clear_faults(&self) {
        self.at_now().faults.clear();
    }

    /// The node whose config holds `vmid`, if the VM exists.
    pub fn node_of(&self, vmid: VmId) -> Option<crate::domain::cluster::NodeName> {
        self.at_now().vms.get(&vmid).map(|vm| vm.node.clone())
    }

    /// Every VM (templates included) with its node and config as they really are, read past any
    /// injected fault: for checks that must see the truth while the cluster misbehaves.
    pub fn vm_configs(&self) -> Vec<(VmId, crate::domain::cluster::NodeName, BTreeMap<String, String>)> {
        let m = self.at_now();
        m.vms
            .values()
            .map(|vm| (vm.vmid, vm.node.clone(), vm.config.clone()))
            .collect()
    }

    /// The flags of the last `cloud-init clean` the guest of `vmid` ran, if it ran one.
    pub fn cloud_init_clean(&self, vmid: VmId) -> Option<Vec<String>> {
        self.at_now().vms.get(&vmid).and_then(|vm| vm.cloud_init_clean.clone())
    }

    /// Whether the guest image of `vmid` has the QEMU guest agent right now.
    pub fn agent_installed(&self, vmid: VmId) -> bool {
        let m = self.at_now();
        m.vms.get(&vmid).is_some_and(|vm| vm.has_agent(m.now))
    }

    /// Whether `ip` answers a TCP connection on `port` on the simulated LAN right now.
    pub fn lan_answers(&self, ip: IpAddr, port: u16) -> bool {
        self.at_now().lan_answers(ip, port)
    }

    /// Declares a LAN host that is not a Proxmox guest (a printer, a router, someone's laptop).
    pub fn add_lan_host(&self, ip: IpAddr, ports: &[u16]) {
        let mut m = self.at_now();
        m.lan_hosts.entry(ip).or_default().extend(ports.iter().copied());
        m.event(format!("LAN host {ip} answers on {ports:?}"));
    }

    /// Everything that happened, stamped with simulated time since the start.
    pub fn event_log(&self) -> Vec<String> {
        self.at_now().log.clone()
    }

    /// How many times `path` (`version` or `cluster/resources`) was answered (calls an injected
    /// fault refused are not counted).
    pub fn asked(&self, path: &str) -> u64 {
        self.at_now().asked.get(path).copied().unwrap_or(0)
    }

    /// When the next task ends or guest boots, if anything is pending.
    pub fn next_due(&self) -> Option<chrono::DateTime<chrono::Utc>> {
        self.at_now().next_due()
    }
}

fn template_config(vmid: VmId, key: &str, storage: &str, disk_bytes: u64, mac: u64) -> BTreeMap<String, String> {
    let entries = [
        ("name", format!("nimbus-{key}")),
        // Baked by the bake recipe's version 1; Proxmox keeps tags sorted.
        ("tags", "nimbus-baked-v1;nimbus-template".to_owned()),
        ("template", "1".to_owned()),
        ("agent", "1".to_owned()),
        ("cores", "1".to_owned()),
        ("memory", "2048".to_owned()),
        ("ostype", "l26".to_owned()),
        ("scsihw", "virtio-scsi-single".to_owned()),
        (
            "scsi0",
            format!("{storage}:base-{vmid}-disk-0,size={}", vm::format_size(disk_bytes)),
        ),
        ("ide2", format!("{storage}:vm-{vmid}-cloudinit,media=cdrom")),
        (
            "net0",
            format!(
                "virtio=BC:24:11:{:02X}:{:02X}:{:02X},bridge=vmbr0",
                (mac >> 16) as u8,
                (mac >> 8) as u8,
                mac as u8
            ),
        ),
        ("serial0", "socket".to_owned()),
        ("vga", "serial0".to_owned()),
        ("boot", "order=scsi0".to_owned()),
    ];
    entries.into_iter().map(|(k, v)| (k.to_owned(), v)).collect()
}

fn install(model: &mut Model, scenario: &Scenario) {
    let names: Vec<_> = scenario.nodes.iter().map(|n| n.name.clone()).collect();
    model.nodes = scenario.nodes.iter().map(|spec| Node { spec: spec.clone() }).collect();
    model.storages.push(Storage {
        name: "local".into(),
        plugin: "dir",
        content: if model.has_import_content() {
            vec!["iso", "vztmpl", "import", "backup", "snippets"]
        } else {
            vec!["iso", "vztmpl", "backup", "snippets"]
        },
        shared: false,
        total: scenario
            .nodes
            .iter()
            .map(|n| (Some(n.name.clone()), n.dir_bytes))
            .collect(),
    });
    model.storages.push(Storage {
        name: "local-lvm".into(),
        plugin: "lvmthin",
        content: vec!["images", "rootdir"],
        shared: false,
        total: scenario
            .nodes
            .iter()
            .map(|n| (Some(n.name.clone()), n.lvm_bytes))
            .collect(),
    });
    if let Some(bytes) = scenario.shared_bytes {
        model.storages.push(Storage {
            name: "ceph-pool".into(),
            plugin: "rbd",
            content: vec!["images", "rootdir"],
            shared: true,
            total: [(None, bytes)].into(),
        });
    }
    let keys = Scenario::template_keys();
    let add = |model: &mut Model, vmid: u32, node: &crate::domain::cluster::NodeName, key: &str, storage: &str| {
        let vmid = VmId::new(vmid).expect("template VMID");
        let mac = model.rng.next_u64();
        let mut vm = Vm::new(
            vmid,
            node.clone(),
            template_config(vmid, key, storage, scenario.template_disk_bytes, mac),
        );
        vm.generation = 1;
        // Scenario templates are baked: their image has the guest agent.
        vm.agent_installed = true;
        model.vms.insert(vmid, vm);
    };
    install_guests(model, scenario, &names);
    match scenario.templates {
        TemplatePlacement::None => {}
        TemplatePlacement::PerNode => {
            for (i, node) in names.iter().enumerate() {
                for (j, key) in keys.iter().enumerate() {
                    add(
                        model,
                        scenario.template_base + (i * keys.len() + j) as u32,
                        node,
                        key,
                        "local-lvm",
                    );
                }
            }
        }
        TemplatePlacement::Shared => {
            if let Some(first) = names.first() {
                for (j, key) in keys.iter().enumerate() {
                    add(model, scenario.template_base + j as u32, first, key, "ceph-pool");
                }
            }
        }
    }
}

/// Existing guests: round-robin over the nodes, sizes varying, every other one running.
fn install_guests(model: &mut Model, scenario: &Scenario, names: &[crate::domain::cluster::NodeName]) {
    if names.is_empty() {
        return;
    }
    let now = model.now;
    for i in 0..scenario.guests {
        let vmid = VmId::new(100 + i as u32).expect("guest VMID");
        let node = names[i % names.len()].clone();
        let cores = 1 + (i % 4) as u32;
        let config: BTreeMap<String, String> = [
            ("name", format!("guest-{vmid}")),
            ("cores", cores.to_string()),
            ("memory", (512 * (1 + i % 4)).to_string()),
            ("agent", "1".to_owned()),
            ("scsi0", format!("local-lvm:vm-{vmid}-disk-0,size=10G")),
            (
                "net0",
                format!("virtio=BC:24:11:00:{:02X}:{:02X},bridge=vmbr0", (i >> 8) as u8, i as u8),
            ),
        ]
        .into_iter()
        .map(|(k, v)| (k.to_owned(), v))
        .collect();
        let running = i % 2 == 0;
        let mut vm = Vm::new(vmid, node, config);
        vm.generation = 1;
        vm.agent_installed = true;
        if running {
            vm.booted = Some(vm.config.clone());
            vm.power = Power::Running { since: now };
            vm.agent_at = Some(now);
        }
        model.vms.insert(vmid, vm);
    }
}
