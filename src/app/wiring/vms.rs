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
use crate::app::gateway_switch::GatewaySwitch;
use crate::app::jobs::{self, Job, JobBoard};
use crate::app::keys::KeyVault;
use crate::app::provisioning::bootstrap::{BootstrapSettings, ImageSource};
use crate::app::provisioning::pace::Sleep;
use crate::app::provisioning::{ProvisionPorts, ProvisionSettings, Provisioning};
use crate::domain::os_image::OsCatalog;
use crate::domain::vmid::VmId;
use crate::ports::{Clock, LanProbe, Proxmox};

/// How often replaced templates are checked for being free to destroy.
pub(super) const TEMPLATE_RETIREMENT_INTERVAL: std::time::Duration = std::time::Duration::from_secs(300);

/// The least time between two template discoveries that requests for an OS without a template
/// start (the periodic discovery runs regardless).
const ON_DEMAND_DISCOVERY_EVERY: std::time::Duration = std::time::Duration::from_secs(30);

/// How often the cluster is asked for its templates.
const TEMPLATE_DISCOVERY_INTERVAL: std::time::Duration = std::time::Duration::from_secs(300);

/// The systems provisioning drives: the cluster, and the tunnel gateway in use.
pub(super) struct Remotes {
    pub proxmox: Option<Arc<dyn Proxmox>>,
    pub tunnels: Arc<GatewaySwitch>,
    pub secrets: Arc<crate::app::secrets::SecretBox>,
}

/// The provisioner on this store and cluster; the LAN is the demo's simulated one, a separate
/// simulator's (`NIMBUS_SIMULATED_LAN`), or the real network.
pub(super) fn provisioner(
    config: &Config,
    store: &SqliteStore,
    remotes: Remotes,
    demo: Option<&DemoCluster>,
    vault: Arc<KeyVault>,
    audit: Arc<Auditor>,
    clock: Arc<dyn Clock>,
) -> anyhow::Result<Arc<Provisioning>> {
    let Remotes {
        proxmox,
        tunnels,
        secrets,
    } = remotes;
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
    let scoring = placement.scoring();
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
        cluster_max_age: config.load.cluster_max_age,
        discovery_every: ON_DEMAND_DISCOVERY_EVERY,
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
        tunnels,
        secrets,
        settings: Arc::new(store.clone()),
    };
    Ok(Arc::new(Provisioning::new(ports, settings, None)))
}

/// The provisioner's background jobs: IP reconcile and drift detection (every reconcile
/// interval), the LAN sweep, the re-check of unconfirmed machines, template discovery.
pub(super) fn jobs(
    config: &Config,
    vms: &Provisioning,
    clock: &Arc<dyn Clock>,
    board: &Arc<JobBoard>,
) -> Vec<tokio::task::JoinHandle<()>> {
    let every = |job: Arc<dyn Job>, interval| jobs::spawn(job, interval, clock.clone(), board.clone());
    let mut out = Vec::new();
    if let Some(interval) = config.reconcile.interval {
        out.push(every(vms.reconcile.clone(), interval));
        out.push(every(vms.drift.clone(), interval));
        out.push(every(vms.tunnel_watch.clone(), interval));
    }
    if let Some(interval) = config.netscan.interval {
        out.push(every(vms.sweep.clone(), interval));
    }
    if let Some(interval) = config.readiness.recheck_interval {
        out.push(every(vms.recheck.clone(), interval));
    }
    out.push(every(vms.discovery.clone(), TEMPLATE_DISCOVERY_INTERVAL));
    out
}

/// The template bootstrap's settings from configuration: images from the distributions, a
/// mirror, or one URL pair per OS. The demo's stand-in mirror serves when no mirror is set.
pub(super) fn bootstrap_settings(config: &Config, demo_mirror: Option<&url::Url>) -> BootstrapSettings {
    let t = &config.templates;
    let mirror = t
        .mirror
        .clone()
        .or_else(|| demo_mirror.map(|u| u.as_str().trim_end_matches('/').to_owned()));
    let mut sources = std::collections::BTreeMap::new();
    for image in OsCatalog::builtin().images() {
        let source = match (t.urls.get(image.key()), &mirror) {
            (Some(urls), _) => ImageSource {
                image_url: urls.image.clone(),
                checksum_url: urls.checksums.clone(),
                ..ImageSource::upstream(image)
            },
            (None, Some(mirror)) => ImageSource::mirrored(image, mirror),
            (None, None) => ImageSource::upstream(image),
        };
        sources.insert(image.key().to_owned(), source);
    }
    BootstrapSettings {
        image_storage: t.image_storage.clone(),
        disk_storage: config
            .placement
            .disk_storage
            .clone()
            .unwrap_or_else(|| "local-lvm".to_owned()),
        bridge: t.bridge.clone(),
        nodes_at_once: t.nodes_at_once as usize,
        bakes_per_node: t.bakes_per_node as usize,
        sources,
        bake_timeout: t.bake_timeout,
        download_timeout: std::time::Duration::from_secs(3600),
        poll: std::time::Duration::from_millis(500),
    }
}
