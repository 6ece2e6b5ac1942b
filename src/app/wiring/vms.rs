//! Wiring of the provisioner: its settings from configuration and the LAN probe that fits the
//! mode.

use std::sync::Arc;

use anyhow::Context;

use super::DemoCluster;
use crate::adapters::lan::{HttpSimLan, SimLan, TcpProbe};
use crate::adapters::ssh_keys::OpenSshCodec;
use crate::adapters::store::sqlite::SqliteStore;
use crate::app::audit::Auditor;
use crate::app::config::Config;
use crate::app::jobs;
use crate::app::keys::KeyVault;
use crate::app::provisioning::pace::Sleep;
use crate::app::provisioning::{ProvisionPorts, ProvisionSettings, Provisioner};
use crate::domain::cluster::NodeName;
use crate::domain::scoring::ScoringPolicy;
use crate::domain::vmid::VmId;
use crate::ports::{Clock, LanProbe, Proxmox};

/// The provisioner on this store and cluster; the LAN is the demo's simulated one, a separate
/// simulator's (`NIMBUS_SIMULATED_LAN`), or the real network.
pub(super) fn provisioner(
    config: &Config,
    store: &SqliteStore,
    proxmox: Option<Arc<dyn Proxmox>>,
    demo: Option<&DemoCluster>,
    vault: Arc<KeyVault>,
    audit: Arc<Auditor>,
    clock: Arc<dyn Clock>,
) -> anyhow::Result<Arc<Provisioner>> {
    let lan: Arc<dyn LanProbe> = match (demo, &config.readiness.simulated_lan) {
        (Some(demo), _) => Arc::new(SimLan(demo.cluster.clone())),
        (None, Some(url)) => {
            Arc::new(HttpSimLan::new(url.clone()).context("NIMBUS_SIMULATED_LAN: cannot set up a client")?)
        }
        (None, None) => Arc::new(TcpProbe {
            timeout: config.netscan.timeout,
        }),
    };
    let placement = &config.placement;
    let scoring = ScoringPolicy {
        excluded: placement
            .excluded_nodes
            .iter()
            .filter_map(|n| NodeName::parse(n).ok())
            .collect(),
        mem_buffer_mib: placement.mem_buffer_mib,
        cpu_load_factor: placement.cpu_load_factor,
        disk_storage: placement.disk_storage.clone(),
        building_limit: Some(placement.clone_concurrency_per_node.get()),
    };
    let base = config.proxmox.as_ref().map_or(9000, |p| p.template_base_vmid);
    let settings = ProvisionSettings {
        network: config.network.clone(),
        nameservers: config.dns.nameservers.clone(),
        search_domain: config.dns.search_domain.clone(),
        cpu_type: placement.cpu_type.clone(),
        clone_mode: placement.clone_mode,
        disk_storage: placement.disk_storage.clone(),
        clone_per_node: placement.clone_concurrency_per_node.get(),
        ready_timeout: config.readiness.timeout,
        scoring,
        template_base: VmId::new(base).context("PROXMOX_TEMPLATE_BASE_VMID is not a valid VMID")?,
        verify_ttl: config.reconcile.verify_cache_ttl,
        poll: std::time::Duration::from_millis(250),
        ssh_port: 22,
        vacate_after: config.reconcile.vacate_miss_threshold.map(|n| n.get()),
        reservation_ttl: config.reconcile.reservation_ttl,
        netscan_mode: config.netscan.mode,
        netscan_concurrency: config.netscan.concurrency.get(),
    };
    let ports = ProvisionPorts {
        proxmox,
        store: Arc::new(store.clone()),
        quotas: Arc::new(store.clone()),
        accounts: Arc::new(store.clone()),
        audit,
        pool: Arc::new(store.clone()),
        lan,
        vault,
        codec: Arc::new(OpenSshCodec),
        clock,
        pace: Arc::new(Sleep),
    };
    Ok(Arc::new(Provisioner::new(ports, settings)))
}

/// The provisioner's background jobs: IP reconcile and drift detection (every reconcile
/// interval), the LAN sweep, the re-check of unconfirmed machines, template discovery.
pub(super) fn jobs(
    config: &Config,
    vms: &Arc<Provisioner>,
    clock: &Arc<dyn Clock>,
) -> Vec<tokio::task::JoinHandle<()>> {
    let mut out = Vec::new();
    if let Some(interval) = config.reconcile.interval {
        let reconciling = vms.clone();
        out.push(jobs::every(
            "reconcile the IP pool",
            interval,
            clock.clone(),
            move |_| {
                let vms = reconciling.clone();
                Box::pin(async move {
                    if let Err(e) = vms.reconcile_ips().await {
                        tracing::warn!(error = %e, "IP reconcile failed; trying again next time");
                    }
                })
            },
        ));
    }
    if let Some(interval) = config.reconcile.interval {
        let watching = vms.clone();
        out.push(jobs::every("detect VM drift", interval, clock.clone(), move |_| {
            let vms = watching.clone();
            Box::pin(async move {
                if let Err(e) = vms.detect_drift().await {
                    tracing::warn!(error = %e, "drift detection failed; trying again next time");
                }
            })
        }));
    }
    if let Some(interval) = config.netscan.interval {
        let sweeping = vms.clone();
        out.push(jobs::every("sweep the LAN", interval, clock.clone(), move |_| {
            let vms = sweeping.clone();
            Box::pin(async move {
                if let Err(e) = vms.netscan().await {
                    tracing::warn!(error = %e, "LAN sweep failed; trying again next time");
                }
            })
        }));
    }
    let recheck = vms.clone();
    if let Some(interval) = config.readiness.recheck_interval {
        out.push(jobs::every(
            "re-check unconfirmed machines",
            interval,
            clock.clone(),
            move |_| {
                let vms = recheck.clone();
                Box::pin(async move {
                    vms.recheck_unconfirmed().await;
                })
            },
        ));
    }
    out.push(jobs::every(
        "discover templates",
        std::time::Duration::from_secs(300),
        clock.clone(),
        {
            let discovering = vms.clone();
            move |_| {
                let vms = discovering.clone();
                Box::pin(async move { vms.refresh_templates().await })
            }
        },
    ));
    out
}
