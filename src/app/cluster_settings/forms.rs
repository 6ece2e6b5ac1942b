//! What an admin types on the setup wizard's and Settings → Cluster's forms for Proxmox, and the
//! variable each form field is saved as. The forms stay text: they are validated by
//! the same code that reads the settings when Nimbus starts, so a value the page accepts is a
//! value the next start accepts.

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
