//! The cluster settings while Nimbus runs — the Proxmox connection, the VM network, DNS and the
//! placement knobs — shared by the setup wizard and Admin → Settings → Cluster. Every change is
//! tried before it is saved (the connection live, each privilege against the token's effective
//! permissions; the values by the same code that reads them at start), written to the env file,
//! and applied without a restart: the running Proxmox client and the pool plan are swapped. A
//! pool change never drops an address in use; another cluster is refused while machines exist.

use std::collections::BTreeMap;
use std::sync::{Arc, RwLock};

mod cluster_check;
mod cluster_error;
mod endpoint_text;
mod forms;
mod network_form;
mod placement_form;
mod settings_file;
mod shapes;

pub use cluster_check::{
    CheckedNode, CheckedStorage, ClusterCheck, Identity, MissingPrivilege, NIMBUS_USER, refuse_other_cluster,
};
pub use cluster_error::ClusterError;
pub use endpoint_text::{fingerprint_text, parse_url, proxmox_values};
pub use forms::{FIELDS, ProxmoxForm, field_of, section_of};
pub use network_form::{NetworkForm, nameservers_text};
pub use placement_form::PlacementForm;
pub use settings_file::SettingsFile;
pub use shapes::{ClusterApplied, ClusterChange, ClusterView, Connected, Live, NetworkReview};

use crate::app::accounts::Caller;
use crate::app::audit::Auditor;
use crate::app::config::{Config, parse_fingerprint};
use crate::app::health::HealthService;
use crate::app::provisioning::{NetworkChangeError, Provisioning, Tuning};
use crate::domain::audit::AuditAction;
use crate::domain::ip_pool::{NetworkPlan, Severity, review_plan as review};
use crate::ports::proxmox::SignInPassword;
use crate::ports::proxmox::connector::{ApiToken, Endpoint, EndpointTrust, ProxmoxConnector};
use crate::ports::{Clock, Store};

/// Settings key of the identity (name and nodes) of the cluster last connected.
const IDENTITY_KEY: &str = "cluster_identity";

/// At most this many pool addresses are probed on the LAN at once from a page.
pub const PROBE_LIMIT: usize = 1024;

/// The cluster settings use cases.
pub struct ClusterSettings {
    connector: Arc<dyn ProxmoxConnector>,
    vms: Arc<Provisioning>,
    health: Arc<HealthService>,
    store: Arc<dyn Store>,
    audit: Arc<Auditor>,
    clock: Arc<dyn Clock>,
    file: SettingsFile,
    live: RwLock<Option<Live>>,
}

impl ClusterSettings {
    #[allow(clippy::too_many_arguments)]
    pub fn new(
        connector: Arc<dyn ProxmoxConnector>,
        vms: Arc<Provisioning>,
        health: Arc<HealthService>,
        store: Arc<dyn Store>,
        audit: Arc<Auditor>,
        clock: Arc<dyn Clock>,
        file: SettingsFile,
        live: Option<Live>,
    ) -> Self {
        Self {
            connector,
            vms,
            health,
            store,
            audit,
            clock,
            file,
            live: RwLock::new(live),
        }
    }

    /// Whether a cluster is connected.
    pub fn is_configured(&self) -> bool {
        self.live.read().expect("live lock").is_some()
    }

    /// The certificate fingerprint at `url` (`HOST`, `HOST:PORT` or an https URL), as Proxmox's
    /// UI shows it, with the URL it was read from.
    pub async fn fingerprint(&self, url: &str) -> Result<(url::Url, String), ClusterError> {
        let url = parse_url(url)?;
        let fp = self
            .connector
            .fingerprint(&url)
            .await
            .map_err(|e| ClusterError::field("url", e.to_string()))?;
        Ok((url, fingerprint_text(&fp)))
    }

    /// Tries `form`: signs in with its token, or first makes one with the root password; an
    /// empty secret keeps the current one (Settings → Cluster).
    pub async fn connect(&self, form: &ProxmoxForm) -> Result<Connected, ClusterError> {
        let url = parse_url(&form.url)?;
        let fp = parse_fingerprint(&form.fingerprint).ok_or_else(|| {
            ClusterError::field(
                "fingerprint",
                "expected the certificate's SHA-256 fingerprint (AA:BB:… as Proxmox's UI shows it under the node's \
                 System → Certificates); read it from the node with the button beside the address",
            )
        })?;
        let endpoint = Endpoint {
            url: url.clone(),
            trust: EndpointTrust::Fingerprint(fp),
        };
        let open = |token| {
            self.connector
                .open(&endpoint, token)
                .map_err(|e| ClusterError::field("url", e.to_string()))
        };
        let (token, created) = if !form.root_password.is_empty() {
            let user = match form.root_user.trim() {
                "" => "root@pam",
                u => u,
            };
            let suffix = self.clock.now().format("%Y%m%d%H%M%S").to_string();
            let password = SignInPassword::new(form.root_password.clone());
            (
                cluster_check::create_token(&open(None)?, user, &password, &suffix).await?,
                true,
            )
        } else {
            let id = form.token_id.trim();
            if !id.contains('!') || !id.contains('@') {
                return Err(ClusterError::field(
                    "token_id",
                    "expected an API token id such as nimbus@pve!nimbus (user@realm!name), from Datacenter → \
                     Permissions → API Tokens",
                ));
            }
            let secret = match (form.token_secret.trim(), self.live()) {
                ("", Some(live)) if live.token.id == id => live.token.secret,
                ("", _) => {
                    return Err(ClusterError::field(
                        "token_secret",
                        "enter the token's secret (Proxmox shows it once, when the token is made)",
                    ));
                }
                (s, _) => s.to_owned(),
            };
            (
                ApiToken {
                    id: id.to_owned(),
                    secret,
                },
                false,
            )
        };
        let conn = open(Some(token.clone()))?;
        let check = cluster_check::check(&conn, &url, &token.id, created).await?;
        Ok(Connected { endpoint, token, check })
    }

    /// Reviews `form` against the cluster's node addresses: errors on a field, else the plan,
    /// its size and its warnings.
    pub fn review(
        &self,
        form: &NetworkForm,
        nodes: &[(String, std::net::Ipv4Addr)],
    ) -> Result<NetworkReview, ClusterError> {
        let mut values = self.file.current().map_err(ClusterError::from_config)?;
        values.extend(form.values().into_iter().map(|(k, v)| (k.to_owned(), v)));
        let config = Config::from_values(values).map_err(ClusterError::from_config)?;
        let plan = config.network.ok_or_else(|| {
            ClusterError::field("pool_start", "enter the pool's first and last address and the gateway")
        })?;
        let findings = review(&plan, nodes);
        if let Some(error) = findings.iter().find(|f| f.severity == Severity::Error) {
            return Err(ClusterError::field(field_of(error.field), error.message.clone()));
        }
        Ok(NetworkReview {
            addresses: plan.capacity(),
            warnings: findings.into_iter().map(|f| f.message).collect(),
            plan,
        })
    }

    /// Probes the pool of `plan` on the LAN: how many addresses were probed, and those that
    /// answered (Nimbus will never hand them out).
    pub async fn probe(&self, plan: &NetworkPlan) -> (usize, Vec<std::net::Ipv4Addr>) {
        self.vms.network.probe(plan, PROBE_LIMIT).await
    }

    /// The connection in use.
    pub fn live(&self) -> Option<Live> {
        self.live.read().expect("live lock").clone()
    }

    /// The node addresses of the cluster in use (empty when it cannot be asked).
    pub async fn node_addresses(&self) -> Vec<(String, std::net::Ipv4Addr)> {
        let Some(live) = self.live() else {
            return Vec::new();
        };
        let Ok(conn) = self.connector.open(&live.endpoint, Some(live.token)) else {
            return Vec::new();
        };
        match conn.access.cluster_identity().await {
            Ok(identity) => identity
                .nodes
                .into_iter()
                .filter_map(|n| n.ip.map(|ip| (n.name.to_string(), ip)))
                .collect(),
            Err(_) => Vec::new(),
        }
    }

    /// The settings as the pages show them.
    pub async fn view(&self) -> Result<ClusterView, ClusterError> {
        let settings = self.vms.network.settings();
        let network = NetworkForm::of(&settings);
        let placement = PlacementForm::of(&settings);
        let locked = self
            .file
            .locked()
            .into_keys()
            .map(|var| (format!("{}.{}", section_of(field_of(&var)), field_of(&var)), var))
            .collect();
        Ok(ClusterView {
            proxmox: self.live().map(|l| (l.endpoint, l.token.id)),
            network,
            placement,
            locked,
            env_file: self.file.path(),
            machines: self
                .vms
                .network
                .machines()
                .await
                .map_err(|e| ClusterError::Internal(e.to_string()))?,
        })
    }

    /// Saves and applies `change`. `admin` is `None` only for the setup wizard, which records
    /// the change itself once its admin exists. Errors name the field, the holders of addresses
    /// a shrink would drop, or the cluster that is not this one; nothing changes then.
    pub async fn apply(&self, admin: Option<&Caller>, change: ClusterChange) -> Result<ClusterApplied, ClusterError> {
        let locked = self.file.locked();
        let mut written: BTreeMap<String, String> = BTreeMap::new();
        if let Some(c) = &change.proxmox {
            if !c.check.ready() {
                let names: Vec<&str> = c.check.missing.iter().map(|m| m.privilege.as_str()).collect();
                return Err(ClusterError::field(
                    "token_id",
                    format!(
                        "the token lacks privileges Nimbus needs: {}; grant them and check again",
                        names.join(", ")
                    ),
                ));
            }
            written.extend(proxmox_values(&c.endpoint, &c.token));
        }
        written.extend(change.network.values().into_iter().map(|(k, v)| (k.to_owned(), v)));
        if let Some(p) = &change.placement {
            written.extend(p.values().into_iter().map(|(k, v)| (k.to_owned(), v)));
        }
        written.retain(|k, _| !locked.contains_key(k));
        // The values as the next start will read them, checked by the same code.
        let mut values = self.file.current().map_err(ClusterError::from_config)?;
        if let (None, Some(live)) = (&change.proxmox, self.live())
            && !values.contains_key("PROXMOX_HOST")
        {
            values.extend(proxmox_values(&live.endpoint, &live.token));
        }
        values.extend(written.clone());
        let config = Config::from_values(values).map_err(ClusterError::from_config)?;
        config.require_cluster_settings().map_err(ClusterError::from_config)?;
        let plan = config.network.clone().ok_or_else(|| {
            ClusterError::field("pool_start", "enter the pool's first and last address and the gateway")
        })?;
        let nodes = match &change.proxmox {
            Some(c) => c.check.node_addresses(),
            None => self.node_addresses().await,
        };
        if let Some(error) = review(&plan, &nodes)
            .into_iter()
            .find(|f| f.severity == Severity::Error)
        {
            return Err(ClusterError::field(field_of(error.field), error.message));
        }
        if let Some(c) = &change.proxmox {
            let machines = self
                .vms
                .network
                .machines()
                .await
                .map_err(|e| ClusterError::Internal(e.to_string()))?;
            let known: Option<Identity> = self
                .store
                .get_setting(IDENTITY_KEY)
                .await
                .ok()
                .flatten()
                .and_then(|text| serde_json::from_str(&text).ok());
            refuse_other_cluster(machines, known.as_ref(), c)?;
        }
        let held = self
            .vms
            .network
            .held_outside(&plan)
            .await
            .map_err(|e| ClusterError::Internal(e.to_string()))?;
        if !held.is_empty() {
            return Err(ClusterError::PoolShrinkBlocked(
                NetworkChangeError::HeldOutside { held }.to_string(),
            ));
        }
        // Checked: save, then apply.
        let path = self
            .file
            .write(&written)
            .map_err(|e| ClusterError::Internal(format!("cannot write the settings file: {e}")))?;
        let before = self.vms.network.settings();
        let mut notes = Vec::new();
        let mut summary = Vec::new();
        if let Some(c) = change.proxmox {
            let conn = self
                .connector
                .open(&c.endpoint, Some(c.token.clone()))
                .map_err(|e| ClusterError::Internal(e.to_string()))?;
            self.connector.switch_to(conn.proxmox);
            self.vms.network.cluster_switched();
            self.health.cluster_changed(false);
            let identity = serde_json::to_string(&c.check.identity()).unwrap_or_default();
            let _ = self.store.put_setting(IDENTITY_KEY, &identity, self.clock.now()).await;
            summary.push(format!("Proxmox {} (token {})", c.endpoint.url, c.token.id));
            *self.live.write().expect("live lock") = Some(Live {
                endpoint: c.endpoint,
                token: c.token,
            });
        }
        let (_, network_words) = self
            .vms
            .network
            .apply_unrecorded(plan.clone())
            .await
            .map_err(|e| match e {
                NetworkChangeError::HeldOutside { .. } => ClusterError::PoolShrinkBlocked(e.to_string()),
                NetworkChangeError::Internal(e) => ClusterError::Internal(e.to_string()),
            })?;
        summary.push(network_words);
        self.vms.network.retune(Tuning {
            nameservers: config.dns.nameservers.clone(),
            search_domain: config.dns.search_domain.clone(),
            scoring: config.placement.scoring(),
            clone_per_node: config.placement.clone_concurrency_per_node.get(),
        });
        let changed_for_new = before
            .network
            .as_ref()
            .is_some_and(|old| old.gateway() != plan.gateway() || old.prefix() != plan.prefix())
            || before.nameservers != config.dns.nameservers
            || before.search_domain != config.dns.search_domain;
        if changed_for_new && self.vms.network.machines().await.unwrap_or(0) > 0 {
            notes.push(
                "The gateway, prefix and DNS apply to machines made from now on; existing machines keep theirs."
                    .to_owned(),
            );
        }
        match path {
            Some(p) => notes.push(format!("Saved to {}.", p.display())),
            None => {
                notes.push("Nimbus runs without a settings file (the demo): the change lasts until it stops.".into())
            }
        }
        let summary = summary.join("; ");
        if let Some(admin) = admin {
            let entry = self.audit.entry(AuditAction::SettingsChanged).by(&admin.user);
            let entry = entry
                .on("setting", "cluster", "Cluster settings")
                .from(admin.ip.as_deref());
            self.audit.record(entry.detail(summary.clone())).await;
        }
        Ok(ClusterApplied { notes, summary })
    }
}
