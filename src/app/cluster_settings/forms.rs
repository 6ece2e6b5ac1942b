//! What an admin types on the setup wizard's and Settings → Cluster's forms, the variables each
//! field is saved as, and why a change was refused. The forms stay text: they are validated by
//! the same code that reads the settings when Nimbus starts, so a value the page accepts is a
//! value the next start accepts.

use std::collections::BTreeMap;

/// Where Proxmox answers and how Nimbus signs in: an API token pasted, or one Nimbus creates
/// with a root password used once.
#[derive(Clone, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct ProxmoxForm {
    pub url: String,
    pub fingerprint: String,
    pub token_id: String,
    /// Empty in Settings → Cluster: keep the current secret.
    pub token_secret: String,
    /// `root@pam` when empty.
    pub root_user: String,
    /// Set only for the "create a token" path; never stored.
    pub root_password: String,
}

crate::domain::redact::debug_redacted!(ProxmoxForm { url, fingerprint, token_id, root_user } secret { token_secret, root_password });

/// The VM network: pool, gateway, prefix, reserved addresses and DNS.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct NetworkForm {
    pub pool_start: String,
    pub pool_end: String,
    pub gateway: String,
    pub prefix: u8,
    /// `10.0.0.20-10.0.0.29, 10.0.0.40`.
    pub reserved: String,
    /// Separated by commas or spaces.
    pub nameservers: String,
    pub search_domain: String,
}

/// The placement knobs.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct PlacementForm {
    pub excluded_nodes: Vec<String>,
    pub mem_buffer_mib: u64,
    pub cpu_load_factor: f64,
    pub clone_concurrency_per_node: u32,
    /// `None`: the disk check is off.
    pub disk_storage: Option<String>,
}

/// Each form field and the variable it is saved as.
pub const FIELDS: &[(&str, &str)] = &[
    ("url", "PROXMOX_HOST"),
    ("fingerprint", "PROXMOX_TLS_FINGERPRINT"),
    ("token_id", "PROXMOX_TOKEN_ID"),
    ("token_secret", "PROXMOX_TOKEN_SECRET"),
    ("pool_start", "IP_POOL_START"),
    ("pool_end", "IP_POOL_END"),
    ("gateway", "GATEWAY_IP"),
    ("prefix", "VM_PREFIX_LEN"),
    ("reserved", "IP_POOL_RESERVED"),
    ("nameservers", "NAMESERVER"),
    ("search_domain", "SEARCH_DOMAIN"),
    ("excluded_nodes", "NIMBUS_EXCLUDED_NODES"),
    ("mem_buffer_mib", "NIMBUS_MEM_BUFFER_MIB"),
    ("cpu_load_factor", "NIMBUS_CPU_LOAD_FACTOR"),
    ("clone_concurrency_per_node", "NIMBUS_CLONE_CONCURRENCY_PER_NODE"),
    ("disk_storage", "NIMBUS_VM_DISK_STORAGE"),
];

/// The form field a variable is edited in (the variable itself when no form shows it).
pub fn field_of(var: &str) -> &str {
    FIELDS.iter().find(|(_, v)| *v == var).map_or(var, |(f, _)| f)
}

/// The section a field belongs to, for `proxmox.url`, `network.gateway`, `placement.…`.
pub fn section_of(field: &str) -> &'static str {
    match field {
        "url" | "fingerprint" | "token_id" | "token_secret" => "proxmox",
        "excluded_nodes" | "mem_buffer_mib" | "cpu_load_factor" | "clone_concurrency_per_node" | "disk_storage" => {
            "placement"
        }
        _ => "network",
    }
}

impl NetworkForm {
    /// The variables this form sets.
    pub fn values(&self) -> BTreeMap<&'static str, String> {
        BTreeMap::from([
            ("IP_POOL_START", self.pool_start.trim().to_owned()),
            ("IP_POOL_END", self.pool_end.trim().to_owned()),
            ("GATEWAY_IP", self.gateway.trim().to_owned()),
            ("VM_PREFIX_LEN", self.prefix.to_string()),
            ("IP_POOL_RESERVED", self.reserved.trim().to_owned()),
            ("NAMESERVER", self.nameservers.trim().to_owned()),
            ("SEARCH_DOMAIN", self.search_domain.trim().to_owned()),
        ])
    }

    /// The form as a set of variables shows it (a missing one is empty).
    pub fn from_values(values: &BTreeMap<String, String>) -> Self {
        let get = |k: &str| values.get(k).cloned().unwrap_or_default();
        Self {
            pool_start: get("IP_POOL_START"),
            pool_end: get("IP_POOL_END"),
            gateway: get("GATEWAY_IP"),
            prefix: get("VM_PREFIX_LEN").trim().parse().unwrap_or(24),
            reserved: get("IP_POOL_RESERVED"),
            nameservers: get("NAMESERVER"),
            search_domain: get("SEARCH_DOMAIN"),
        }
    }
}

impl PlacementForm {
    /// The variables this form sets.
    pub fn values(&self) -> BTreeMap<&'static str, String> {
        BTreeMap::from([
            ("NIMBUS_EXCLUDED_NODES", self.excluded_nodes.join(",")),
            ("NIMBUS_MEM_BUFFER_MIB", self.mem_buffer_mib.to_string()),
            ("NIMBUS_CPU_LOAD_FACTOR", self.cpu_load_factor.to_string()),
            (
                "NIMBUS_CLONE_CONCURRENCY_PER_NODE",
                self.clone_concurrency_per_node.to_string(),
            ),
            (
                "NIMBUS_VM_DISK_STORAGE",
                self.disk_storage.clone().unwrap_or_else(|| "off".into()),
            ),
        ])
    }
}

/// Why a cluster setting was not checked or not saved (nothing changed).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ClusterError {
    /// A value is wrong: `field` names the form field.
    #[error("{message}")]
    Field { field: String, message: String },
    /// The root account has two-factor authentication: paste a token instead.
    #[error("{0}")]
    SecondFactor(String),
    /// A pool change would drop addresses in use (the message names each holder).
    #[error("{0}")]
    PoolShrinkBlocked(String),
    /// The new endpoint is another cluster while machines exist on this one.
    #[error("{0}")]
    OtherCluster(String),
    #[error("{0}")]
    Internal(String),
}

impl ClusterError {
    pub fn field(field: &str, message: impl Into<String>) -> Self {
        Self::Field {
            field: field.to_owned(),
            message: message.into(),
        }
    }

    /// A configuration error, on the field of the variable it names.
    pub fn from_config(e: crate::app::config::ConfigError) -> Self {
        use crate::app::config::ConfigError as C;
        match &e {
            C::Invalid { var, .. } => Self::field(field_of(var), e.to_string()),
            C::Missing(vars) => Self::field(field_of(vars.first().copied().unwrap_or("")), e.to_string()),
            C::UntrustedProxmox { .. } => Self::field("fingerprint", e.to_string()),
            C::PlainHttpProxmox { .. } => Self::field("url", e.to_string()),
            C::Source { .. } => Self::Internal(e.to_string()),
        }
    }
}
