//! What admins see of the whole fleet: every node with its live usage and how placement scores
//! it, every guest on the cluster (Nimbus's and foreign), the IP pool with who holds each
//! address, cluster-wide figures, and provisioning metrics.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::sync::Arc;

use chrono::{DateTime, Duration, Utc};

use super::placement;
use super::provision_error::ProvisionError;
use super::provision_metrics::ProvisionMetrics;
use super::provision_metrics::time_to_ready;
use super::shared::Shared;
use super::views::Owner;
use crate::domain::cluster::NodeFigures;
use crate::domain::ids::InstanceId;
use crate::domain::ip_pool::PoolAddress;
use crate::domain::provisioning::Phase;
use crate::domain::scoring::{InFlight, NodeAssessment};
use crate::domain::stats::mean;
use crate::ports::provisions::ProvisionRecord;
use crate::ports::proxmox::{ClusterResource, GuestResource};

/// One node as the admin's node table shows it.
#[derive(Debug, Clone)]
pub struct NodeReport {
    pub figures: NodeFigures,
    /// Memory promised to the node's guests (running or not), in bytes.
    pub mem_committed: u64,
    pub guests_running: u32,
    pub guests_total: u32,
    /// OSes whose template this node can clone.
    pub templates: Vec<String>,
    /// How placement judges the node for the tier asked about.
    pub assessment: NodeAssessment,
    /// 1 for the node the next VM of the tier would go to, 2 for the next, ...; `None` when the
    /// node is rejected.
    pub preference: Option<usize>,
}

/// A guest on the cluster, with Nimbus's record when it is one of Nimbus's VMs.
#[derive(Debug, Clone)]
pub struct ClusterGuest {
    pub guest: GuestResource,
    pub record: Option<(Arc<ProvisionRecord>, Option<Owner>)>,
}

/// An address of the pool with the machine that holds it, when Nimbus knows it.
#[derive(Debug, Clone)]
pub struct PoolEntry {
    pub address: PoolAddress,
    pub machine: Option<(InstanceId, String, Option<Owner>)>,
}

/// How many addresses are in each state.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct PoolCounts {
    /// The configured range, first and last address.
    pub range: Option<(std::net::Ipv4Addr, std::net::Ipv4Addr)>,
    pub total: u32,
    pub free: u32,
    pub reserved: u32,
    pub allocated: u32,
}

/// The cluster's own figures (absent when Proxmox does not answer).
#[derive(Debug, Clone, Default)]
pub struct ClusterFigures {
    /// When the cluster snapshot behind the guest and storage figures was read.
    pub at: DateTime<Utc>,
    pub nodes_total: u32,
    pub nodes_online: u32,
    pub cpus: u32,
    /// Mean CPU load of the online nodes, 0..=1, weighted by their CPU count.
    pub cpu_load: f64,
    pub mem_used: u64,
    pub mem_total: u64,
    /// Shared storage counted once.
    pub storage_used: u64,
    pub storage_total: u64,
    pub guests_total: u32,
    pub guests_running: u32,
}

/// The admin overview's stat cards.
#[derive(Debug, Clone, Default)]
pub struct FleetStats {
    pub cluster: Option<ClusterFigures>,
    /// Nimbus machines built and not deleted.
    pub machines_active: u32,
    /// Of those, requested in the last 7 days.
    pub machines_new_this_week: u32,
    pub machines_in_progress: u32,
    pub pending_approvals: u32,
    pub pool: PoolCounts,
    /// Mean time from start to running of the provisions finished in the last 7 days.
    pub avg_provision_ms: Option<u64>,
}

/// What admins see of the whole fleet.
pub struct Fleet {
    shared: Arc<Shared>,
}

impl Fleet {
    pub fn new(shared: Arc<Shared>) -> Self {
        Self { shared }
    }

    /// Provisioning over the last `days` days: outcomes, success rate, and p50/p95 per step.
    pub async fn metrics(&self, days: u32) -> Result<ProvisionMetrics, ProvisionError> {
        let since = self.shared.ports.clock.now() - Duration::days(i64::from(days));
        let records = self.shared.ports.store.provisions_since(since).await?;
        Ok(ProvisionMetrics::of(&records, since))
    }

    /// Every node with its usage and how placement judges it for a VM of `tier` (default: the
    /// smallest) with `os` (default: the first OS that has a template), and when the cluster
    /// snapshot behind the guest figures was read.
    pub async fn node_reports(
        &self,
        tier: Option<&str>,
        os: Option<&str>,
    ) -> Result<(String, String, Vec<NodeReport>, DateTime<Utc>), ProvisionError> {
        let tier = match tier.map(str::trim).filter(|t| !t.is_empty()) {
            Some(name) => self
                .shared
                .tiers
                .find(name)
                .map_err(|e| ProvisionError::invalid("tier", e))?,
            None => self
                .shared
                .tiers
                .tiers()
                .first()
                .ok_or_else(|| ProvisionError::Internal("no tiers".into()))?,
        }
        .clone();
        let unavailable = |e: crate::ports::ProxmoxError| {
            tracing::warn!(error = %e, "cannot read the cluster for the node report");
            ProvisionError::ProxmoxUnavailable(
                "Proxmox cannot be read right now, so node figures are unavailable. Try again in a minute.".into(),
            )
        };
        let t = placement::telemetry(&self.shared).await.map_err(unavailable)?;
        let in_flight: Vec<InFlight> = self.shared.placing.lock().await.values().cloned().collect();
        // Templates are per OS; a node "has" an OS when any of its templates serves it.
        let templates = self.shared.templates();
        let os_keys: Vec<String> = self.shared.images.images().iter().map(|i| i.key().to_owned()).collect();
        let os = match os.map(str::trim).filter(|o| !o.is_empty()) {
            Some(key) => self
                .shared
                .images
                .find(key)
                .map_err(|e| ProvisionError::invalid("os", e))?
                .key()
                .to_owned(),
            None => os_keys
                .iter()
                .find(|k| templates.available(k))
                .or(os_keys.first())
                .cloned()
                .unwrap_or_default(),
        };
        let decision = placement::decide(&self.shared, &tier, &os, &t, &in_flight);
        let order: Vec<_> = decision.preference().into_iter().cloned().collect();
        let mut per_node: BTreeMap<&str, (u64, u32, u32)> = BTreeMap::new();
        for g in t.guests.iter().filter(|g| !g.template) {
            let e = per_node.entry(g.node.as_str()).or_default();
            e.0 += g.mem_max;
            e.1 += u32::from(t.running.contains(&g.vmid));
            e.2 += 1;
        }
        let reports = decision
            .assessments()
            .iter()
            .filter_map(|a| {
                let figures = t.nodes.iter().find(|n| n.name == a.node)?.clone();
                let (committed, running, total) = per_node.get(a.node.as_str()).copied().unwrap_or_default();
                Some(NodeReport {
                    templates: os_keys
                        .iter()
                        .filter(|os| templates.for_node(os, &a.node).is_some())
                        .cloned()
                        .collect(),
                    mem_committed: committed,
                    guests_running: running,
                    guests_total: total,
                    preference: order.iter().position(|n| *n == a.node).map(|i| i + 1),
                    assessment: a.clone(),
                    figures,
                })
            })
            .collect();
        Ok((tier.name().as_str().to_owned(), os, reports, t.at))
    }

    /// Every guest on the cluster, Nimbus's own with their records, and when the cluster was
    /// read.
    pub async fn cluster_guests(&self) -> Result<(Vec<ClusterGuest>, DateTime<Utc>), ProvisionError> {
        let read = self.shared.cluster.read().await.map_err(|e| {
            tracing::warn!(error = %e, "cannot list the cluster's guests");
            ProvisionError::ProxmoxUnavailable("Proxmox cannot be read right now. Try again in a minute.".into())
        })?;
        let owners = self.shared.owner_names().await;
        let mut by_vmid = BTreeMap::new();
        for r in self.shared.ports.store.all_provisions().await? {
            if r.provision.phase().holds_hostname()
                && let Some(vmid) = r.provision.held().vmid
            {
                by_vmid.insert(vmid, Arc::new(r));
            }
        }
        let mut out: Vec<ClusterGuest> = read
            .value
            .iter()
            .filter_map(|r| match r {
                ClusterResource::Guest(g) if !g.template => Some(g.clone()),
                _ => None,
            })
            .map(|guest| ClusterGuest {
                record: by_vmid
                    .get(&guest.vmid)
                    .map(|r| (r.clone(), owners.get(&r.owner()).cloned())),
                guest,
            })
            .collect();
        out.sort_by_key(|g| g.guest.vmid);
        Ok((out, read.at))
    }

    /// The pool, in address order, with the machine holding each address.
    pub async fn pool_entries(&self) -> Result<Vec<PoolEntry>, ProvisionError> {
        let rows = self.shared.ports.pool.pool_rows().await?;
        let owners = self.shared.owner_names().await;
        let records: HashMap<InstanceId, ProvisionRecord> = self
            .shared
            .ports
            .store
            .all_provisions()
            .await?
            .into_iter()
            .map(|r| (r.id(), r))
            .collect();
        let baking = self.shared.baking.lock().unwrap_or_else(|p| p.into_inner()).clone();
        Ok(rows
            .into_iter()
            .map(|address| PoolEntry {
                machine: address.owner().and_then(|id| {
                    // A template bake holds its address for the bake's one boot.
                    if let Some(label) = baking.get(&id) {
                        return Some((id, label.clone(), None));
                    }
                    let r = records.get(&id)?;
                    Some((
                        id,
                        r.provision.spec().hostname.as_str().to_owned(),
                        owners.get(&r.owner()).cloned(),
                    ))
                }),
                address,
            })
            .collect())
    }

    /// The overview's figures; the cluster's part is absent when Proxmox does not answer.
    pub async fn fleet_stats(&self) -> Result<FleetStats, ProvisionError> {
        let now = self.shared.ports.clock.now();
        let week_ago = now - Duration::days(7);
        let mut stats = FleetStats::default();
        for r in self.shared.ports.store.all_provisions().await? {
            let p = &r.provision;
            match p.phase() {
                Phase::PendingApproval => stats.pending_approvals += 1,
                Phase::Ready | Phase::Power { .. } => {
                    stats.machines_active += 1;
                    stats.machines_new_this_week += u32::from(p.requested_at() >= week_ago);
                }
                phase if !phase.is_at_rest() && phase.step().is_some() => stats.machines_in_progress += 1,
                _ => {}
            }
        }
        let recent: Vec<u64> = self
            .shared
            .ports
            .store
            .provisions_since(week_ago)
            .await?
            .iter()
            .filter_map(time_to_ready)
            .collect();
        stats.avg_provision_ms = mean(&recent);
        stats.pool.range = self
            .shared
            .settings()
            .network
            .as_ref()
            .map(|n| (n.pool().start(), n.pool().end()));
        for row in self.shared.ports.pool.pool_rows().await? {
            stats.pool.total += 1;
            match row.state_word() {
                "free" => stats.pool.free += 1,
                "reserved" => stats.pool.reserved += 1,
                _ => stats.pool.allocated += 1,
            }
        }
        stats.cluster = match self.cluster_figures().await {
            Ok(c) => Some(c),
            Err(e) => {
                tracing::warn!(error = %e, "cannot read the cluster for the fleet figures");
                None
            }
        };
        Ok(stats)
    }

    async fn cluster_figures(&self) -> Result<ClusterFigures, crate::ports::ProxmoxError> {
        let t = placement::telemetry(&self.shared).await?;
        let mut c = ClusterFigures {
            at: t.at,
            nodes_total: t.nodes.len() as u32,
            ..ClusterFigures::default()
        };
        let mut weighted = 0.0;
        for n in t.nodes.iter().filter(|n| n.online) {
            c.nodes_online += 1;
            c.cpus += n.cpus;
            weighted += n.cpu_load * f64::from(n.cpus);
            c.mem_used += n.mem_used;
            c.mem_total += n.mem_total;
        }
        c.cpu_load = if c.cpus > 0 { weighted / f64::from(c.cpus) } else { 0.0 };
        for g in t.guests.iter().filter(|g| !g.template) {
            c.guests_total += 1;
            c.guests_running += u32::from(t.running.contains(&g.vmid));
        }
        let mut shared_seen = BTreeSet::new();
        for s in t
            .storage
            .iter()
            .filter(|s| !s.shared || shared_seen.insert(s.storage.clone()))
        {
            c.storage_used += s.used;
            c.storage_total += s.total;
        }
        Ok(c)
    }
}
