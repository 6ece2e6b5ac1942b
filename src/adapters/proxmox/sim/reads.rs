//! Read-only views of the simulated cluster (nodes, resources, VMs, tasks) and `nextid`.

use super::faults::Fault;
use super::model::Model;
use crate::domain::cluster::{GIB, NodeName};
use crate::domain::upid::Upid;
use crate::domain::vmid::VmId;
use crate::ports::proxmox::{
    ClusterResource, GuestKind, GuestResource, NodeInfo, NodeState, NodeStatus, PowerStatus, ProxmoxError,
    ProxmoxResult, PveVersion, ResourceKind, StorageResource, TaskLog, TaskState, TaskStatus, VmConfig, VmStatus,
};

impl Model {
    /// Memory used and CPU load of every node, from one pass over the guests.
    fn loads(&self) -> std::collections::BTreeMap<&NodeName, (u64, u32)> {
        let mut out: std::collections::BTreeMap<&NodeName, (u64, u32)> = std::collections::BTreeMap::new();
        for vm in self.vms.values().filter(|v| v.running()) {
            let e = out.entry(&vm.node).or_default();
            e.0 += vm.memory_bytes() / 2;
            e.1 += vm.cores();
        }
        out
    }

    fn load_of(&self, node: &NodeName, loads: &std::collections::BTreeMap<&NodeName, (u64, u32)>) -> (u64, f64) {
        let spec = &self.node(node).expect("known node").spec;
        let (guest_mem, cores) = loads.get(node).copied().unwrap_or_default();
        let mem = (spec.base_mem_used + guest_mem).min(spec.mem_bytes);
        let cpu = (spec.load + 0.05 * f64::from(cores) / f64::from(spec.cores.max(1))).min(1.0);
        (mem, cpu)
    }

    pub fn node_infos(&self) -> Vec<NodeInfo> {
        let loads = self.loads();
        self.nodes
            .iter()
            .map(|n| {
                let name = &n.spec.name;
                if !self.node_online(name) {
                    return NodeInfo {
                        name: name.clone(),
                        state: NodeState::Offline,
                        cpu: None,
                        maxcpu: None,
                        mem: None,
                        maxmem: None,
                        disk: None,
                        maxdisk: None,
                        uptime: None,
                    };
                }
                let (mem, cpu) = self.load_of(name, &loads);
                NodeInfo {
                    name: name.clone(),
                    state: NodeState::Online,
                    cpu: Some(cpu),
                    maxcpu: Some(n.spec.cores),
                    mem: Some(mem),
                    maxmem: Some(n.spec.mem_bytes),
                    disk: Some(8 * GIB),
                    maxdisk: Some(64 * GIB),
                    uptime: Some((self.now - self.epoch).num_seconds().max(0) as u64 + 86_400),
                }
            })
            .collect()
    }

    pub fn node_status(&self, node: &NodeName) -> ProxmoxResult<NodeStatus> {
        self.reach(node)?;
        let spec = &self.node(node)?.spec;
        let (mem, cpu) = self.load_of(node, &self.loads());
        Ok(NodeStatus {
            uptime: (self.now - self.epoch).num_seconds().max(0) as u64 + 86_400,
            cpu,
            cpus: spec.cores,
            cpu_model: "Simulated CPU @ 3.60GHz".into(),
            loadavg: [
                cpu * f64::from(spec.cores),
                cpu * f64::from(spec.cores),
                cpu * f64::from(spec.cores),
            ],
            memory_total: spec.mem_bytes,
            memory_used: mem,
            pve_version: format!("pve-manager/{}/2a5fa54a8503f96d", self.pve_version),
            kernel: "Linux 6.8.12-9-pve".into(),
        })
    }

    pub fn next_vmid(&mut self, wanted: Option<VmId>) -> ProxmoxResult<VmId> {
        if let Some(w) = wanted {
            return if self.vms.contains_key(&w) {
                Err(ProxmoxError::AlreadyExists { vmid: w })
            } else {
                Ok(w)
            };
        }
        let id = (VmId::MIN..)
            .map(|n| VmId::new(n).expect("in range"))
            .find(|id| !self.vms.contains_key(id))
            .expect("a free id");
        if self
            .fire(|f| matches!(f, Fault::NextIdCollision).then_some(()))
            .is_some()
        {
            // Another client takes the same id a moment later.
            let node = self
                .nodes
                .iter()
                .map(|n| n.spec.name.clone())
                .find(|n| self.node_online(n))
                .expect("an online node");
            let config = [
                ("name".to_owned(), format!("ghost-{id}")),
                ("memory".to_owned(), "512".to_owned()),
            ]
            .into();
            let mut ghost = super::vm::Vm::new(id, node, config);
            ghost.generation = 1;
            self.vms.insert(id, ghost);
            self.event(format!("nextid {id} taken by another client"));
        }
        Ok(id)
    }

    /// `GET /version`: the simulated release.
    pub fn version(&mut self) -> PveVersion {
        *self.asked.entry("version").or_default() += 1;
        let release: Vec<&str> = self.pve_version.split('.').take(2).collect();
        PveVersion {
            version: self.pve_version.clone(),
            release: release.join("."),
            repoid: "2a5fa54a8503f96d".into(),
        }
    }

    pub fn vm_statuses(&self, node: &NodeName) -> ProxmoxResult<Vec<VmStatus>> {
        self.reach(node)?;
        Ok(self
            .vms
            .values()
            .filter(|v| &v.node == node)
            .map(|v| self.status_of(v.vmid))
            .collect())
    }

    pub fn status_of(&self, vmid: VmId) -> VmStatus {
        let vm = &self.vms[&vmid];
        let uptime = match vm.power {
            super::vm::Power::Running { since } => (self.now - since).num_seconds().max(0) as u64,
            super::vm::Power::Stopped => 0,
        };
        VmStatus {
            vmid,
            name: vm.name(),
            status: if vm.running() {
                PowerStatus::Running
            } else {
                PowerStatus::Stopped
            },
            cpus: vm.cores(),
            maxmem: vm.memory_bytes(),
            maxdisk: vm.boot_disk_bytes(),
            mem: if vm.running() { vm.memory_bytes() / 2 } else { 0 },
            cpu: if vm.running() { 0.02 } else { 0.0 },
            uptime,
            template: vm.is_template(),
            lock: self.config_lock(vm),
            tags: vm
                .config
                .get("tags")
                .map(|t| t.split(';').map(str::to_owned).collect())
                .unwrap_or_default(),
            agent: vm
                .config
                .get("agent")
                .is_some_and(|a| a.starts_with('1') || a.contains("enabled=1")),
        }
    }

    pub fn vm_config(&self, node: &NodeName, vmid: VmId) -> ProxmoxResult<VmConfig> {
        self.reach(node)?;
        let vm = self.vm_on(node, vmid)?;
        let mut entries = vm.config.clone();
        // Proxmox never hands a cloud-init password back.
        if let Some(password) = entries.get_mut("cipassword") {
            *password = "**********".into();
        }
        Ok(VmConfig {
            entries,
            digest: vm.digest(),
        })
    }

    pub fn resources(&self, kind: Option<ResourceKind>) -> Vec<ClusterResource> {
        let mut out = Vec::new();
        let fresh = self.profile.stats_interval().is_zero();
        if kind.is_none_or(|k| k == ResourceKind::Vm) {
            for vm in self.vms.values() {
                let status = self.status_of(vm.vmid);
                let seen = if fresh {
                    Some((vm.name(), vm.running(), vm.is_template(), self.now))
                } else {
                    self.stats.get(&vm.vmid).cloned()
                };
                let stale = seen
                    .as_ref()
                    .is_some_and(|s| self.now - s.3 > chrono::Duration::minutes(5));
                let (name, power, template) = match (seen, stale) {
                    (Some((n, running, t, _)), false) => (
                        Some(n),
                        if running {
                            PowerStatus::Running
                        } else {
                            PowerStatus::Stopped
                        },
                        t,
                    ),
                    _ => (None, PowerStatus::Unknown, vm.is_template()),
                };
                out.push(ClusterResource::Guest(GuestResource {
                    vmid: vm.vmid,
                    node: vm.node.clone(),
                    kind: GuestKind::Qemu,
                    status: power,
                    name,
                    template,
                    maxcpu: status.cpus,
                    maxmem: status.maxmem,
                    maxdisk: status.maxdisk,
                    mem: status.mem,
                    cpu: status.cpu,
                    uptime: status.uptime,
                    tags: status.tags,
                    lock: status.lock,
                }));
            }
        }
        if kind.is_none_or(|k| k == ResourceKind::Node) {
            out.extend(self.node_infos().into_iter().map(ClusterResource::Node));
        }
        if kind.is_none_or(|k| k == ResourceKind::Storage) {
            for n in &self.nodes {
                for s in &self.storages {
                    if let Some(st) = self.storage_status_of(&n.spec.name, &s.name) {
                        out.push(ClusterResource::Storage(StorageResource {
                            storage: st.storage,
                            node: n.spec.name.clone(),
                            plugin: st.plugin,
                            shared: st.shared,
                            content: st.content,
                            total: st.total,
                            used: st.used,
                            available: self.node_online(&n.spec.name),
                        }));
                    }
                }
            }
        }
        out
    }

    pub fn task_status(&self, upid: &Upid) -> ProxmoxResult<TaskStatus> {
        self.reach(upid.node())?;
        let task = self
            .tasks
            .get(upid.as_str())
            .ok_or_else(|| ProxmoxError::NotFound("no such task".into()))?;
        Ok(TaskStatus {
            upid: upid.clone(),
            state: task.exit.clone().map_or(TaskState::Running, TaskState::Stopped),
        })
    }

    pub fn task_log(&self, upid: &Upid, start: u32, limit: u32) -> ProxmoxResult<TaskLog> {
        self.reach(upid.node())?;
        let task = self
            .tasks
            .get(upid.as_str())
            .ok_or_else(|| ProxmoxError::NotFound("no such task".into()))?;
        let mut lines: Vec<String> = task.log.iter().filter(|l| !l.starts_with("TASK ")).cloned().collect();
        lines.extend(self.transfer_lines(upid.as_str()));
        lines.extend(task.log.iter().filter(|l| l.starts_with("TASK ")).cloned());
        if lines.is_empty() {
            lines.push("no content".into());
        }
        let total = lines.len() as u32;
        let take = if limit == 0 { usize::MAX } else { limit as usize };
        let numbered = lines
            .into_iter()
            .enumerate()
            .skip(start as usize)
            .take(take)
            .map(|(i, l)| (i as u32 + 1, l))
            .collect();
        Ok(TaskLog { total, lines: numbered })
    }
}
