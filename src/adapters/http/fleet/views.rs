//! The shapes of the fleet API: nodes with their scores, cluster guests, the overview's figures
//! and provisioning metrics.

use chrono::{DateTime, Utc};
use poem_openapi::Object;

use crate::app::provisioning::{ClusterGuest, FleetStats, NodeReport, ProvisionMetrics, Timing};
use crate::domain::scoring::Verdict;
use crate::ports::proxmox::{GuestKind, PowerStatus};

/// Why placement passes a node over.
#[derive(Debug, Clone, Object)]
pub struct RejectionView {
    /// `offline`, `excluded`, `no_template`, `no_capacity`, `insufficient_cores`,
    /// `insufficient_mem` or `insufficient_disk`.
    pub code: String,
    /// In words, with the figure that decided it.
    pub message: String,
}

/// The soft score's parts, each 0..1 (higher is roomier after placing the VM).
#[derive(Debug, Clone, Object)]
pub struct ScoreView {
    pub total: f64,
    pub mem: f64,
    pub cpu: f64,
    #[oai(skip_serializing_if_is_none)]
    pub disk: Option<f64>,
}

/// A node with its live usage and how placement judges it.
#[derive(Debug, Clone, Object)]
pub struct NodeView {
    pub name: String,
    /// `online` or `offline`.
    pub status: String,
    /// CPU load, 0..1.
    pub cpu: f64,
    pub max_cpu: u32,
    /// Bytes.
    pub mem_used: u64,
    pub mem_total: u64,
    /// Memory promised to the node's guests, running or not (bytes).
    pub mem_allocated: u64,
    /// The VM disk storage's use on this node, with machines being built (bytes).
    #[oai(skip_serializing_if_is_none)]
    pub disk_used: Option<u64>,
    #[oai(skip_serializing_if_is_none)]
    pub disk_total: Option<u64>,
    /// New machines Nimbus is building on the node right now.
    pub building: u32,
    /// Running guests.
    pub vm_count: u32,
    pub vm_count_total: u32,
    /// OSes this node can clone.
    pub templates: Vec<String>,
    /// Placement would accept the node for the tier asked about.
    pub accepted: bool,
    #[oai(skip_serializing_if_is_none)]
    pub score: Option<ScoreView>,
    /// 1 for the node the next VM would go to, then 2, ...
    #[oai(skip_serializing_if_is_none)]
    pub preference: Option<u32>,
    pub rejections: Vec<RejectionView>,
}

impl From<&NodeReport> for NodeView {
    fn from(n: &NodeReport) -> Self {
        let a = &n.assessment;
        let (score, rejections) = match &a.verdict {
            Verdict::Accepted(p) => (
                Some(ScoreView {
                    total: p.total,
                    mem: p.mem,
                    cpu: p.cpu,
                    disk: p.disk,
                }),
                Vec::new(),
            ),
            Verdict::Rejected(r) => (
                None,
                r.iter()
                    .map(|r| RejectionView {
                        code: r.code().to_owned(),
                        message: r.describe(),
                    })
                    .collect(),
            ),
        };
        Self {
            name: n.figures.name.as_str().to_owned(),
            status: if n.figures.online { "online" } else { "offline" }.to_owned(),
            cpu: n.figures.cpu_load,
            max_cpu: n.figures.cpus,
            mem_used: n.figures.mem_used,
            mem_total: n.figures.mem_total,
            mem_allocated: n.mem_committed,
            disk_used: a.disk.map(|d| d.used),
            disk_total: a.disk.map(|d| d.total),
            building: n.assessment.building,
            vm_count: n.guests_running,
            vm_count_total: n.guests_total,
            templates: n.templates.clone(),
            accepted: score.is_some(),
            score,
            preference: n.preference.map(|p| p as u32),
            rejections,
        }
    }
}

/// The nodes, scored for one tier and OS.
#[derive(Debug, Clone, Object)]
pub struct NodesView {
    pub tier: String,
    pub os: String,
    /// When the cluster's guest and storage figures were read (they are reused for a few
    /// seconds; Nimbus's own actions refresh them).
    pub status_at: DateTime<Utc>,
    pub nodes: Vec<NodeView>,
}

/// A guest on the cluster.
#[derive(Debug, Clone, Object)]
pub struct ClusterVmView {
    pub vmid: u32,
    #[oai(skip_serializing_if_is_none)]
    pub name: Option<String>,
    pub node: String,
    /// `qemu` or `lxc`.
    pub kind: String,
    /// `running`, `stopped`, `paused` or `unknown`.
    pub status: String,
    /// `nimbus` (built by this Nimbus) or `foreign`.
    pub source: String,
    pub nimbus_managed: bool,
    pub cpus: u32,
    pub mem_max: u64,
    pub uptime: u64,
    /// Nimbus's id of the machine (Nimbus's own only).
    #[oai(skip_serializing_if_is_none)]
    pub id: Option<String>,
    #[oai(skip_serializing_if_is_none)]
    pub hostname: Option<String>,
    #[oai(skip_serializing_if_is_none)]
    pub tier: Option<String>,
    #[oai(skip_serializing_if_is_none)]
    pub ip: Option<String>,
    #[oai(skip_serializing_if_is_none)]
    pub owner_id: Option<String>,
    #[oai(skip_serializing_if_is_none)]
    pub owner_name: Option<String>,
    /// Public SSH through Gopher: `host:port` when it works and its port is known, else
    /// `exposing`, `connected` or `failed`; absent when the machine did not ask for it.
    #[oai(skip_serializing_if_is_none)]
    pub public_ssh: Option<String>,
    /// The URLs of the machine's published ports.
    pub public_urls: Vec<String>,
    /// When the cluster was read for `status` and the figures.
    pub status_at: DateTime<Utc>,
}

/// The Fleet table's "Public" column for a Nimbus machine.
fn public_ssh(r: &crate::ports::provisions::ProvisionRecord) -> Option<String> {
    use crate::ports::provisions::PublicState;
    if !r.provision.spec().expose_ssh {
        return None;
    }
    let p = &r.public;
    Some(match (&p.ssh_host, p.ssh_port, p.state) {
        (Some(host), Some(port), PublicState::Connected) => format!("{host}:{port}"),
        (_, _, state) => state.as_str().to_owned(),
    })
}

impl ClusterVmView {
    /// The guest as the cluster read at `at` showed it.
    pub fn new(c: &ClusterGuest, at: DateTime<Utc>) -> Self {
        let g = &c.guest;
        let record = c.record.as_ref();
        let spec = record.map(|(r, _)| r.provision.spec());
        Self {
            vmid: g.vmid.get(),
            name: g.name.clone(),
            node: g.node.as_str().to_owned(),
            kind: match g.kind {
                GuestKind::Qemu => "qemu",
                GuestKind::Lxc => "lxc",
            }
            .to_owned(),
            status: match g.status {
                PowerStatus::Running => "running",
                PowerStatus::Stopped => "stopped",
                PowerStatus::Paused => "paused",
                PowerStatus::Unknown => "unknown",
            }
            .to_owned(),
            source: if record.is_some() { "nimbus" } else { "foreign" }.to_owned(),
            nimbus_managed: record.is_some(),
            cpus: g.maxcpu,
            mem_max: g.maxmem,
            uptime: g.uptime,
            id: record.map(|(r, _)| r.id().to_string()),
            hostname: spec.map(|s| s.hostname.as_str().to_owned()),
            tier: spec.map(|s| s.tier.as_str().to_owned()),
            ip: record.and_then(|(r, _)| r.provision.held().ip).map(|i| i.to_string()),
            owner_id: spec.map(|s| s.owner.to_string()),
            owner_name: record.and_then(|(_, o)| o.as_ref()).map(|o| o.name.clone()),
            public_ssh: record.and_then(|(r, _)| public_ssh(r)),
            public_urls: record
                .map(|(r, _)| r.public.ports.iter().filter_map(|p| p.url.clone()).collect())
                .unwrap_or_default(),
            status_at: at,
        }
    }
}

/// The cluster's own figures.
#[derive(Debug, Clone, Object)]
pub struct ClusterFiguresView {
    /// When the cluster was read for these figures.
    pub status_at: DateTime<Utc>,
    pub nodes_total: u32,
    pub nodes_online: u32,
    pub cpus: u32,
    /// Mean CPU load of the online nodes, 0..1.
    pub cpu_load: f64,
    pub mem_used: u64,
    pub mem_total: u64,
    /// Shared storage counted once (bytes).
    pub storage_used: u64,
    pub storage_total: u64,
    pub guests_total: u32,
    pub guests_running: u32,
}

/// How many pool addresses are in each state.
#[derive(Debug, Clone, Object)]
pub struct PoolCountsView {
    /// The pool's first address.
    #[oai(skip_serializing_if_is_none)]
    pub first: Option<String>,
    /// The pool's last address.
    #[oai(skip_serializing_if_is_none)]
    pub last: Option<String>,
    pub total: u32,
    pub free: u32,
    pub reserved: u32,
    pub allocated: u32,
}

/// The overview's figures.
#[derive(Debug, Clone, Object)]
pub struct StatsView {
    /// Absent when Proxmox cannot be read right now.
    #[oai(skip_serializing_if_is_none)]
    pub cluster: Option<ClusterFiguresView>,
    /// Nimbus machines built and not deleted.
    pub machines_active: u32,
    /// Of those, requested in the last 7 days.
    pub machines_new_this_week: u32,
    pub machines_in_progress: u32,
    pub pending_approvals: u32,
    pub pool: PoolCountsView,
    /// Mean time from start (request or approval) to running over the last 7 days.
    #[oai(skip_serializing_if_is_none)]
    pub avg_provision_ms: Option<u64>,
}

impl From<FleetStats> for StatsView {
    fn from(s: FleetStats) -> Self {
        Self {
            cluster: s.cluster.map(|c| ClusterFiguresView {
                status_at: c.at,
                nodes_total: c.nodes_total,
                nodes_online: c.nodes_online,
                cpus: c.cpus,
                cpu_load: c.cpu_load,
                mem_used: c.mem_used,
                mem_total: c.mem_total,
                storage_used: c.storage_used,
                storage_total: c.storage_total,
                guests_total: c.guests_total,
                guests_running: c.guests_running,
            }),
            machines_active: s.machines_active,
            machines_new_this_week: s.machines_new_this_week,
            machines_in_progress: s.machines_in_progress,
            pending_approvals: s.pending_approvals,
            pool: PoolCountsView {
                first: s.pool.range.map(|(a, _)| a.to_string()),
                last: s.pool.range.map(|(_, b)| b.to_string()),
                total: s.pool.total,
                free: s.pool.free,
                reserved: s.pool.reserved,
                allocated: s.pool.allocated,
            },
            avg_provision_ms: s.avg_provision_ms,
        }
    }
}

/// Count and p50/p95 durations.
#[derive(Debug, Clone, Object)]
pub struct TimingView {
    pub count: u32,
    pub p50_ms: u64,
    pub p95_ms: u64,
}

/// One step's timing.
#[derive(Debug, Clone, Object)]
pub struct StepTimingView {
    pub step: String,
    pub count: u32,
    pub p50_ms: u64,
    pub p95_ms: u64,
}

fn timing(t: &Timing) -> TimingView {
    TimingView {
        count: t.count,
        p50_ms: t.p50_ms,
        p95_ms: t.p95_ms,
    }
}

/// Provisioning over a window.
#[derive(Debug, Clone, Object)]
pub struct MetricsView {
    pub since: DateTime<Utc>,
    /// Every request in the window, whatever became of it.
    pub requested: u32,
    pub succeeded: u32,
    pub failed: u32,
    pub denied: u32,
    pub pending: u32,
    pub in_progress: u32,
    /// Succeeded over succeeded plus failed, 0..1; absent before any finished.
    #[oai(skip_serializing_if_is_none)]
    pub success_rate: Option<f64>,
    /// From start (request or approval) to running.
    #[oai(skip_serializing_if_is_none)]
    pub total: Option<TimingView>,
    /// Per step, in the order steps run.
    pub steps: Vec<StepTimingView>,
}

impl From<ProvisionMetrics> for MetricsView {
    fn from(m: ProvisionMetrics) -> Self {
        Self {
            since: m.since,
            requested: m.requested,
            succeeded: m.succeeded,
            failed: m.failed,
            denied: m.denied,
            pending: m.pending,
            in_progress: m.in_progress,
            success_rate: m.success_rate,
            total: m.total.as_ref().map(timing),
            steps: m
                .steps
                .iter()
                .map(|(step, t)| StepTimingView {
                    step: step.as_str().to_owned(),
                    count: t.count,
                    p50_ms: t.p50_ms,
                    p95_ms: t.p95_ms,
                })
                .collect(),
        }
    }
}
