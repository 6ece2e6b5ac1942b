//! Gates and soft score for every node. Pure arithmetic over one cluster view.

use std::collections::BTreeMap;

use super::{ClusterView, Rejection, ScoringPolicy};
use crate::domain::cluster::{MIB, NodeName};
use crate::domain::tier::Tier;

/// The free space a node's VM disk would come out of.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct DiskView {
    pub total: u64,
    /// Used space plus the disks of in-flight placements that will land there.
    pub used: u64,
    pub shared: bool,
}

impl DiskView {
    pub fn free(&self) -> i64 {
        self.total as i64 - self.used as i64
    }
}

/// The soft score and its parts, each in 0..=1.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ScoreParts {
    pub mem: f64,
    pub cpu: f64,
    /// `None` when the disk gate is off.
    pub disk: Option<f64>,
    pub total: f64,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Verdict {
    Accepted(ScoreParts),
    Rejected(Vec<Rejection>),
}

/// Everything scoring concluded about one node, ready to show an admin.
#[derive(Debug, Clone, PartialEq)]
pub struct NodeAssessment {
    pub node: NodeName,
    pub verdict: Verdict,
    /// Guests on the node (running or stopped, VMs and containers) plus in-flight placements.
    pub guests: u32,
    /// New VMs Nimbus is building on the node (placed, not yet running).
    pub building: u32,
    /// Memory left after committed guests and in-flight placements, before this VM.
    pub free_mem: i64,
    /// `None` when the disk gate is off.
    pub disk: Option<DiskView>,
}

impl NodeAssessment {
    pub fn score(&self) -> Option<f64> {
        match &self.verdict {
            Verdict::Accepted(parts) => Some(parts.total),
            Verdict::Rejected(_) => None,
        }
    }
}

#[derive(Default)]
struct Load {
    guests: u32,
    building: u32,
    committed_mem: u64,
    in_flight_mem: u64,
    in_flight_cpus: u32,
    in_flight_disk: u64,
}

fn clamp01(x: f64) -> f64 {
    if x.is_nan() { 0.0 } else { x.clamp(0.0, 1.0) }
}

/// Per-node disk views for the policy's disk storage. A shared storage is one pool: its first row
/// applies to every node and in-flight disks anywhere count against it once.
fn disk_views(
    view: &ClusterView<'_>,
    storage: &str,
    loads: &BTreeMap<&NodeName, Load>,
) -> BTreeMap<NodeName, DiskView> {
    let rows = view.storage.iter().filter(|s| s.storage == storage);
    let mut out = BTreeMap::new();
    let in_flight_everywhere: u64 = loads.values().map(|l| l.in_flight_disk).sum();
    if let Some(shared) = rows.clone().find(|s| s.shared) {
        for node in view.nodes {
            let d = DiskView {
                total: shared.total,
                used: shared.used.saturating_add(in_flight_everywhere),
                shared: true,
            };
            out.insert(node.name.clone(), d);
        }
    }
    for row in rows.filter(|s| !s.shared) {
        let pending = loads.get(&row.node).map_or(0, |l| l.in_flight_disk);
        let d = DiskView {
            total: row.total,
            used: row.used.saturating_add(pending),
            shared: false,
        };
        out.insert(row.node.clone(), d);
    }
    out
}

/// Assesses every node for `tier`, keeping the order of `view.nodes`.
pub fn evaluate(tier: &Tier, view: &ClusterView<'_>, policy: &ScoringPolicy) -> Vec<NodeAssessment> {
    let mut loads: BTreeMap<&NodeName, Load> = BTreeMap::new();
    for g in view.guests.iter().filter(|g| !g.template) {
        let l = loads.entry(&g.node).or_default();
        l.guests += 1;
        l.committed_mem = l.committed_mem.saturating_add(g.mem_max);
    }
    for p in view.in_flight {
        loads.entry(&p.node).or_default().building += 1;
        if p.vmid.is_some_and(|id| view.guests.iter().any(|g| g.vmid == id)) {
            continue;
        }
        let l = loads.entry(&p.node).or_default();
        l.guests += 1;
        l.in_flight_mem = l.in_flight_mem.saturating_add(p.mem_bytes);
        l.in_flight_cpus = l.in_flight_cpus.saturating_add(p.vcpus);
        l.in_flight_disk = l.in_flight_disk.saturating_add(p.disk_bytes);
    }
    let disks = policy.disk_storage.as_deref().map(|s| disk_views(view, s, &loads));
    let need_mem = (tier.memory_mib() + policy.mem_buffer_mib) * MIB;
    let need_disk = tier.disk_bytes();
    let none = Load::default();

    view.nodes
        .iter()
        .map(|n| {
            let load = loads.get(&n.name).unwrap_or(&none);
            let used = n.mem_used.max(load.committed_mem).saturating_add(load.in_flight_mem);
            let free_mem = if n.mem_total == 0 {
                0
            } else {
                n.mem_total as i64 - used.min(i64::MAX as u64) as i64
            };
            let disk = disks.as_ref().map(|d| {
                d.get(&n.name).copied().unwrap_or(DiskView {
                    total: 0,
                    used: 0,
                    shared: false,
                })
            });

            let mut reasons = Vec::new();
            if !n.online {
                reasons.push(Rejection::Offline);
            }
            if policy.excluded.contains(&n.name) {
                reasons.push(Rejection::Excluded);
            }
            if !view.templates.contains(&n.name) {
                reasons.push(Rejection::NoTemplate);
            }
            if n.mem_total == 0 {
                reasons.push(Rejection::NoCapacity);
            }
            if tier.vcpus() > n.cpus {
                reasons.push(Rejection::InsufficientCores {
                    has: n.cpus,
                    needs: tier.vcpus(),
                });
            }
            if free_mem < need_mem as i64 {
                reasons.push(Rejection::InsufficientMemory {
                    free: free_mem,
                    need: need_mem,
                });
            }
            if let Some(d) = disk
                && d.free() < need_disk as i64
            {
                reasons.push(Rejection::InsufficientDisk {
                    free: d.free(),
                    need: need_disk,
                });
            }

            let verdict = if reasons.is_empty() {
                let mem = clamp01((free_mem - need_mem as i64) as f64 / n.mem_total as f64);
                let busy = f64::from(tier.vcpus() + load.in_flight_cpus) / f64::from(n.cpus);
                let cpu = clamp01((1.0 - clamp01(n.cpu_load)) - policy.cpu_load_factor.get() * busy);
                let disk_part = disk.map(|d| clamp01((d.free() - need_disk as i64) as f64 / d.total as f64));
                let total = match disk_part {
                    Some(dk) => 0.5 * mem + 0.3 * cpu + 0.2 * dk,
                    None => 0.6 * mem + 0.4 * cpu,
                };
                Verdict::Accepted(ScoreParts {
                    mem,
                    cpu,
                    disk: disk_part,
                    total: clamp01(total),
                })
            } else {
                Verdict::Rejected(reasons)
            };
            NodeAssessment {
                node: n.name.clone(),
                verdict,
                guests: load.guests,
                building: load.building,
                free_mem,
                disk,
            }
        })
        .collect()
}
