//! The shapes of the cluster settings on the wire, shared by the setup wizard and Admin →
//! Settings → Cluster.

use poem_openapi::payload::Json;
use poem_openapi::{ApiResponse, Object};

use super::super::envelope::Envelope;

use crate::app::cluster_settings::{ClusterCheck, NetworkForm, NetworkReview, PlacementForm, ProxmoxForm};

/// A Proxmox node's address.
#[derive(Debug, Clone, Object)]
pub struct ProxmoxUrl {
    /// `HOST`, `HOST:PORT` or `https://HOST:8006`.
    pub url: String,
}

/// The certificate a node presents.
#[derive(Debug, Clone, Object)]
pub struct CertificateFingerprint {
    /// The address it was read from, as Nimbus will use it.
    pub url: String,
    /// SHA-256, as Proxmox's UI shows it (node → System → Certificates): `AB:CD:…`.
    pub fingerprint: String,
}

/// A Proxmox connection to try: an API token, or a root password (used once, never stored) with
/// which Nimbus makes its own user, role and token.
#[derive(Clone, Object)]
pub struct ProxmoxConnect {
    pub url: String,
    /// The certificate's SHA-256 fingerprint, compared with Proxmox's UI and pinned.
    pub fingerprint: String,
    /// `user@realm!name`.
    #[oai(default)]
    pub token_id: String,
    /// Empty in Settings → Cluster keeps the current secret.
    #[oai(default)]
    pub token_secret: String,
    /// `root@pam` when empty.
    #[oai(default)]
    pub root_user: String,
    /// Given only to have Nimbus make its token.
    #[oai(default)]
    pub root_password: String,
}

crate::domain::redact::debug_redacted!(ProxmoxConnect { url, fingerprint, token_id, root_user } secret { token_secret, root_password });

impl From<ProxmoxConnect> for ProxmoxForm {
    fn from(c: ProxmoxConnect) -> Self {
        Self {
            url: c.url,
            fingerprint: c.fingerprint,
            token_id: c.token_id,
            token_secret: c.token_secret,
            root_user: c.root_user,
            root_password: c.root_password,
        }
    }
}

#[derive(Debug, Clone, Object)]
pub struct CheckedNodeView {
    pub name: String,
    pub online: bool,
    #[oai(skip_serializing_if_is_none)]
    pub ip: Option<String>,
}

#[derive(Debug, Clone, Object)]
pub struct CheckedStorageView {
    pub name: String,
    /// The storage plugin: `lvmthin`, `dir`, `zfspool`, `rbd`, ….
    pub kind: String,
    pub shared: bool,
}

/// A privilege the token lacks.
#[derive(Debug, Clone, Object)]
pub struct MissingPrivilegeView {
    /// `VM.Clone on /vms`.
    pub privilege: String,
    /// What needs it: `provisioning`, `templates`, `serial console`, `setup check`.
    pub feature: String,
    /// What it is for, why it is missing, and how to grant it.
    pub reason: String,
    /// The command that grants it, for a root shell on a node.
    pub pveum: String,
    /// Where to grant it in Proxmox's web UI.
    pub ui: String,
}

/// What a live check of a connection found.
#[derive(Debug, Clone, Object)]
pub struct ClusterCheckView {
    pub version: String,
    #[oai(skip_serializing_if_is_none)]
    pub cluster_name: Option<String>,
    pub nodes: Vec<CheckedNodeView>,
    pub storages: Vec<CheckedStorageView>,
    pub token_id: String,
    /// Nimbus made the token with the root password.
    pub created_token: bool,
    pub missing: Vec<MissingPrivilegeView>,
    /// Nothing is missing.
    pub ready: bool,
}

impl From<ClusterCheck> for ClusterCheckView {
    fn from(c: ClusterCheck) -> Self {
        let ready = c.ready();
        Self {
            version: c.version,
            cluster_name: c.cluster_name,
            nodes: c
                .nodes
                .into_iter()
                .map(|n| CheckedNodeView {
                    name: n.name,
                    online: n.online,
                    ip: n.ip.map(|ip| ip.to_string()),
                })
                .collect(),
            storages: c
                .storages
                .into_iter()
                .map(|s| CheckedStorageView {
                    name: s.name,
                    kind: s.kind,
                    shared: s.shared,
                })
                .collect(),
            token_id: c.token_id,
            created_token: c.created_token,
            missing: c
                .missing
                .into_iter()
                .map(|m| MissingPrivilegeView {
                    privilege: m.privilege,
                    feature: m.feature,
                    reason: m.reason,
                    pveum: m.pveum,
                    ui: m.ui,
                })
                .collect(),
            ready,
        }
    }
}

/// The VM network.
#[derive(Debug, Clone, Object)]
pub struct NetworkSettings {
    pub pool_start: String,
    pub pool_end: String,
    pub gateway: String,
    /// 8 to 30.
    pub prefix: u8,
    /// Addresses and ranges never handed out: `10.0.0.20-10.0.0.29, 10.0.0.40`.
    #[oai(default)]
    pub reserved: String,
    /// Separated by commas or spaces.
    #[oai(default)]
    pub nameservers: String,
    #[oai(default)]
    pub search_domain: String,
}

impl From<NetworkSettings> for NetworkForm {
    fn from(n: NetworkSettings) -> Self {
        Self {
            pool_start: n.pool_start,
            pool_end: n.pool_end,
            gateway: n.gateway,
            prefix: n.prefix,
            reserved: n.reserved,
            nameservers: n
                .nameservers
                .split([',', ' ', '\t'])
                .filter(|a| !a.is_empty())
                .collect::<Vec<_>>()
                .join(" "),
            search_domain: n.search_domain,
        }
    }
}

impl From<NetworkForm> for NetworkSettings {
    fn from(n: NetworkForm) -> Self {
        Self {
            pool_start: n.pool_start,
            pool_end: n.pool_end,
            gateway: n.gateway,
            prefix: n.prefix,
            reserved: n.reserved,
            nameservers: n.nameservers.split_whitespace().collect::<Vec<_>>().join(", "),
            search_domain: n.search_domain,
        }
    }
}

/// A network plan's review.
#[derive(Debug, Clone, Object)]
pub struct NetworkReviewView {
    /// How many addresses machines can be given.
    pub addresses: u64,
    pub warnings: Vec<String>,
}

impl From<NetworkReview> for NetworkReviewView {
    fn from(r: NetworkReview) -> Self {
        Self {
            addresses: r.addresses,
            warnings: r.warnings,
        }
    }
}

/// A LAN probe of the pool.
#[derive(Debug, Clone, Object)]
pub struct ProbeView {
    /// Addresses probed (at most 1,024).
    pub probed: u32,
    /// Addresses a host already answers on: Nimbus never hands them out.
    pub answering: Vec<String>,
}

impl ProbeView {
    pub fn new((probed, answering): (usize, Vec<std::net::Ipv4Addr>)) -> Self {
        Self {
            probed: u32::try_from(probed).unwrap_or(u32::MAX),
            answering: answering.into_iter().map(|a| a.to_string()).collect(),
        }
    }
}

/// The placement knobs.
#[derive(Debug, Clone, Object)]
pub struct PlacementSettings {
    /// Nodes never given new machines.
    pub excluded_nodes: Vec<String>,
    /// Memory kept free on every node beyond the machine's own (MiB).
    pub mem_buffer_mib: u64,
    /// How much of a node's CPU placement counts on (0.25 to 1.0).
    pub cpu_load_factor: f64,
    /// Clones one node runs at once (1 to 64).
    pub clone_concurrency_per_node: u32,
    /// The storage whose free space gates placement; absent turns the check off.
    #[oai(skip_serializing_if_is_none)]
    pub disk_storage: Option<String>,
}

impl From<PlacementSettings> for PlacementForm {
    fn from(p: PlacementSettings) -> Self {
        Self {
            excluded_nodes: p.excluded_nodes,
            mem_buffer_mib: p.mem_buffer_mib,
            cpu_load_factor: p.cpu_load_factor,
            clone_concurrency_per_node: p.clone_concurrency_per_node,
            disk_storage: p.disk_storage.filter(|d| !d.trim().is_empty()),
        }
    }
}

impl From<PlacementForm> for PlacementSettings {
    fn from(p: PlacementForm) -> Self {
        Self {
            excluded_nodes: p.excluded_nodes,
            mem_buffer_mib: p.mem_buffer_mib,
            cpu_load_factor: p.cpu_load_factor,
            clone_concurrency_per_node: p.clone_concurrency_per_node,
            disk_storage: p.disk_storage,
        }
    }
}

#[derive(ApiResponse)]
pub enum FingerprintResponse {
    /// The certificate the node presents.
    #[oai(status = 200)]
    Ok(Json<Envelope<CertificateFingerprint>>),
}

#[derive(ApiResponse)]
pub enum CheckResponse {
    /// What the live check found (nothing is saved in Settings; the wizard saves the step).
    #[oai(status = 200)]
    Ok(Json<Envelope<ClusterCheckView>>),
}

#[derive(ApiResponse)]
pub enum ReviewResponse {
    /// The plan is valid: its size and warnings.
    #[oai(status = 200)]
    Ok(Json<Envelope<NetworkReviewView>>),
}

#[derive(ApiResponse)]
pub enum ProbeResponse {
    /// The addresses that answered.
    #[oai(status = 200)]
    Ok(Json<Envelope<ProbeView>>),
}
