//! `Shared`: what every part of provisioning works on — the ports, the settings, the catalogues,
//! and the little state the parts must agree on: the cluster snapshot every read goes through,
//! the templates last discovered, placements not yet visible in Proxmox, the per-node clone
//! slots, the guests' addresses cache and the hub runs publish to. The orchestrator, the read side and the background jobs each hold an `Arc` of it.

use std::collections::{BTreeMap, HashMap};
use std::sync::{Arc, Mutex, RwLock};

use chrono::{DateTime, Utc};
use tokio::sync::Semaphore;

use super::cluster_snapshot::ClusterSnapshot;
use super::guest_addresses::GuestAddresses;
use super::hub::Hub;
use super::provision_error::ProvisionError;
use super::templates::{self, Templates};
use super::views::Owner;
use super::{ProvisionPorts, ProvisionSettings};
use crate::app::accounts::Caller;
use crate::app::single_flight::SingleFlight;
use crate::domain::cluster::NodeName;
use crate::domain::ids::{InstanceId, UserId};
use crate::domain::os_image::OsCatalog;
use crate::domain::provisioning::Phase;
use crate::domain::role::Role;
use crate::domain::scoring::InFlight;
use crate::domain::tier::TierCatalog;
use crate::ports::provisions::ProvisionRecord;

pub struct Shared {
    pub(super) ports: ProvisionPorts,
    /// The settings; an admin's change of the cluster settings swaps them while Nimbus runs.
    settings: std::sync::RwLock<Arc<ProvisionSettings>>,
    pub(super) tiers: TierCatalog,
    pub(super) images: OsCatalog,
    /// The one read of the cluster's resources every part shares.
    pub(super) cluster: ClusterSnapshot,
    templates: RwLock<Templates>,
    /// Discoveries started by requests for an OS without a template: one at a time, and at
    /// most one per `discovery_every`.
    on_demand: SingleFlight<usize, crate::ports::ProxmoxError>,
    /// Placements not yet visible in Proxmox, by provision; locked while a node is picked.
    pub(super) placing: tokio::sync::Mutex<BTreeMap<InstanceId, InFlight>>,
    slots: Mutex<HashMap<NodeName, Arc<Semaphore>>>,
    pub(super) verify: GuestAddresses,
    pub(super) hub: Hub,
    /// When this process started (leases do not run while it is down).
    pub(super) started_at: DateTime<Utc>,
    /// Template bakes under way, by run, with what they bake (`nimbus-debian-12 on pve1`):
    /// their pool reservations are live like a provision's, and shown as the bake's.
    pub(super) baking: Mutex<BTreeMap<InstanceId, String>>,
}

impl Shared {
    /// The cluster, once one is configured.
    pub fn configured_proxmox(&self) -> Option<&Arc<dyn crate::ports::Proxmox>> {
        self.ports.proxmox.as_ref().filter(|p| p.is_configured())
    }

    pub fn new(ports: ProvisionPorts, settings: ProvisionSettings) -> Self {
        Self {
            started_at: ports.clock.now(),
            cluster: ClusterSnapshot::new(ports.proxmox.clone(), ports.clock.clone(), settings.cluster_max_age),
            on_demand: SingleFlight::new(ports.clock.clone(), true),
            ports,
            settings: std::sync::RwLock::new(Arc::new(settings)),
            tiers: TierCatalog::builtin(),
            images: OsCatalog::builtin(),
            templates: RwLock::new(Templates::default()),
            placing: tokio::sync::Mutex::new(BTreeMap::new()),
            slots: Mutex::new(HashMap::new()),
            verify: GuestAddresses::default(),
            hub: Hub::default(),
            baking: Mutex::new(BTreeMap::new()),
        }
    }

    /// The settings as they are now (a snapshot: a change swaps in a new one).
    pub fn settings(&self) -> Arc<ProvisionSettings> {
        self.settings.read().expect("settings lock").clone()
    }

    /// Swaps in `settings` for every step that starts from now on.
    pub(super) fn set_settings(&self, settings: ProvisionSettings) {
        *self.settings.write().expect("settings lock") = Arc::new(settings);
    }

    /// The cluster; provision runs only exist with one configured.
    pub(super) fn proxmox(&self) -> &dyn crate::ports::Proxmox {
        self.ports
            .proxmox
            .as_deref()
            .expect("provisions run only with a cluster configured")
    }

    /// The templates as last discovered.
    pub(super) fn templates(&self) -> Templates {
        self.templates.read().unwrap_or_else(|p| p.into_inner()).clone()
    }

    /// Asks the cluster for its templates again (for a request naming an OS no node has), unless
    /// a discovery of this kind started within `discovery_every`: a stream of such requests
    /// costs Proxmox one discovery per interval, shared by the requests waiting for it.
    pub(super) async fn discover_on_demand(&self) {
        let every = chrono::Duration::from_std(self.settings().discovery_every).unwrap_or(chrono::Duration::MAX);
        let _ = self.on_demand.get(every, || self.refresh_templates()).await;
    }

    /// Asks the cluster for its templates again; keeps the last list when it cannot. Returns how
    /// many templates are known afterwards, or why the cluster could not be read.
    pub(super) async fn refresh_templates(&self) -> Result<usize, crate::ports::ProxmoxError> {
        let Some(proxmox) = self.configured_proxmox() else {
            return Ok(0);
        };
        let discovered = match self.cluster.read_fresh().await {
            Ok(read) => templates::discover(proxmox.as_ref(), &read.value, self.settings().template_base).await,
            Err(e) => Err(e),
        };
        match discovered {
            Ok(found) => {
                let count = found.sources().len();
                let mut current = self.templates.write().unwrap_or_else(|p| p.into_inner());
                if *current != found {
                    tracing::info!(templates = count, "template discovery");
                }
                *current = found;
                Ok(count)
            }
            Err(e) => {
                tracing::warn!(error = %e, "template discovery failed; keeping the last list");
                Err(e)
            }
        }
    }

    /// The per-node clone limit.
    pub(super) fn slot(&self, node: &NodeName) -> Arc<Semaphore> {
        let mut slots = self.slots.lock().unwrap_or_else(|p| p.into_inner());
        slots
            .entry(node.clone())
            .or_insert_with(|| Arc::new(Semaphore::new(self.settings().clone_per_node.max(1) as usize)))
            .clone()
    }

    /// The record, if the caller may see it (its owner, or an admin); 404 otherwise.
    pub(super) async fn owned(&self, caller: &Caller, id: InstanceId) -> Result<ProvisionRecord, ProvisionError> {
        let record = self
            .ports
            .store
            .get_provision(id)
            .await?
            .ok_or(ProvisionError::NotFound)?;
        let visible = record.owner() == caller.user.id || caller.user.role == Role::Admin;
        if !visible || *record.provision.phase() == Phase::Deleted {
            return Err(ProvisionError::NotFound);
        }
        Ok(record)
    }

    /// Every account's name and email, by id (empty when the accounts cannot be read).
    pub(super) async fn owner_names(&self) -> HashMap<UserId, Owner> {
        match self.ports.accounts.list_users().await {
            Ok(users) => users
                .into_iter()
                .map(|u| {
                    let owner = Owner {
                        name: u.name,
                        email: u.email.as_str().to_owned(),
                    };
                    (u.id, owner)
                })
                .collect(),
            Err(e) => {
                tracing::warn!(error = %e, "cannot list accounts to name machine owners");
                HashMap::new()
            }
        }
    }
}
