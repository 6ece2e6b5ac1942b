//! Nimbus's typed configuration: loaded once at boot from defaults, an optional TOML file, an env
//! file and the environment (see `sources`), then parsed into domain types. A bad value stops boot
//! with one line naming the variable, the value and the expected form.

mod access;
mod env_file;
mod parse;
mod sections;
mod sources;
mod templates;
mod values;

#[cfg(test)]
mod tests;

use std::net::IpAddr;
use std::path::PathBuf;

pub use env_file::EnvFile;
pub use sections::*;
pub use sources::Sources;
pub use templates::{ImageUrls, OVERRIDES as IMAGE_URL_OVERRIDES, TemplatesConfig};
pub use values::demo_network;

/// Every variable Nimbus reads. Anything else in the environment is ignored.
pub const KEYS: &[&str] = &[
    "PROXMOX_HOST",
    "PROXMOX_TOKEN_ID",
    "PROXMOX_TOKEN_SECRET",
    "PROXMOX_TEMPLATE_BASE_VMID",
    "PROXMOX_TLS_FINGERPRINT",
    "PROXMOX_CA_FILE",
    "PROXMOX_TLS_INSECURE",
    "IP_POOL_START",
    "IP_POOL_END",
    "IP_POOL_RESERVED",
    "GATEWAY_IP",
    "VM_PREFIX_LEN",
    "NIMBUS_EXCLUDED_NODES",
    "VM_CPU_TYPE",
    "NAMESERVER",
    "SEARCH_DOMAIN",
    "NIMBUS_VM_DISK_STORAGE",
    "NIMBUS_IMAGE_STORAGE",
    "NIMBUS_IMAGE_MIRROR",
    "NIMBUS_IMAGE_URL_UBUNTU_24_04",
    "NIMBUS_IMAGE_URL_UBUNTU_22_04",
    "NIMBUS_IMAGE_URL_DEBIAN_12",
    "NIMBUS_IMAGE_URL_DEBIAN_11",
    "NIMBUS_CHECKSUM_URL_UBUNTU_24_04",
    "NIMBUS_CHECKSUM_URL_UBUNTU_22_04",
    "NIMBUS_CHECKSUM_URL_DEBIAN_12",
    "NIMBUS_CHECKSUM_URL_DEBIAN_11",
    "NIMBUS_BAKES_PER_NODE",
    "NIMBUS_BOOTSTRAP_NODES_AT_ONCE",
    "NIMBUS_BRIDGE",
    "NIMBUS_BAKE_TIMEOUT_SECONDS",
    "NIMBUS_MEM_BUFFER_MIB",
    "NIMBUS_CPU_LOAD_FACTOR",
    "NIMBUS_CLONE_MODE",
    "NIMBUS_CLONE_CONCURRENCY_PER_NODE",
    "NIMBUS_READY_TIMEOUT_SECONDS",
    "NIMBUS_READY_RECHECK_INTERVAL_SECONDS",
    "RECONCILE_INTERVAL_SECONDS",
    "RESERVATION_TTL_SECONDS",
    "VERIFY_CACHE_TTL_SECONDS",
    "NIMBUS_CLUSTER_CACHE_SECONDS",
    "NIMBUS_STREAMS_PER_ACCOUNT",
    "VACATE_MISS_THRESHOLD",
    "NIMBUS_NETSCAN_MODE",
    "NIMBUS_NETSCAN_INTERVAL_SECONDS",
    "NIMBUS_NETSCAN_TIMEOUT_MS",
    "NIMBUS_NETSCAN_CONCURRENCY",
    "NIMBUS_SIMULATED_LAN",
    "NIMBUS_SIM_PROFILE",
    "PORT",
    "BIND_ADDR",
    "DB_PATH",
    "NIMBUS_DATA_DIR",
    "NIMBUS_CONFIG",
    "APP_URL",
    "CORS_ORIGIN",
    "TRUSTED_PROXIES",
    "APP_ENV",
    "LOG_FORMAT",
    "NIMBUS_ENCRYPTION_KEY",
    "GITHUB_CLIENT_ID",
    "GITHUB_CLIENT_SECRET",
    "GOOGLE_CLIENT_ID",
    "GOOGLE_CLIENT_SECRET",
    "GOPHER_API_URL",
    "GOPHER_API_KEY",
    "SESSION_IDLE_TIMEOUT_SECONDS",
    "SESSION_MAX_AGE_SECONDS",
    "SESSION_PURGE_INTERVAL_SECONDS",
    "PASSWORD_HASH_CONCURRENCY",
    "PASSWORD_HASH_QUEUE",
    "PASSWORD_HASH_WAIT_SECONDS",
    "RATE_LIMIT_SIGNIN_PER_IP",
    "RATE_LIMIT_SIGNIN_PER_ACCOUNT",
    "RATE_LIMIT_SIGNIN_PER_ACCOUNT_AND_IP",
    "RATE_LIMIT_REGISTER_PER_IP",
    "RATE_LIMIT_REGISTER_PER_ACCOUNT",
    "RATE_LIMIT_TOKENS_PER_IP",
    "RATE_LIMIT_TOKENS_PER_ACCOUNT",
    "RATE_LIMIT_ACCESS_CODE_PER_IP",
    "RATE_LIMIT_ACCESS_CODE_PER_ACCOUNT",
    "RATE_LIMIT_PASSWORD_PER_ACCOUNT",
    "RATE_LIMIT_OAUTH_START_PER_IP",
    "RATE_LIMIT_VMS_PER_ACCOUNT",
    "GITHUB_OAUTH_AUTHORIZE_URL",
    "GITHUB_OAUTH_TOKEN_URL",
    "GITHUB_API_URL",
    "GOOGLE_OAUTH_AUTHORIZE_URL",
    "GOOGLE_OAUTH_TOKEN_URL",
    "GOOGLE_USERINFO_URL",
];

/// The variables `nimbus demo` takes from its environment; everything else is the demo's own.
pub const DEMO_KEYS: &[&str] = &[
    "PORT",
    "NIMBUS_SIM_PROFILE",
    "NIMBUS_READY_TIMEOUT_SECONDS",
    "RECONCILE_INTERVAL_SECONDS",
    "NIMBUS_CLUSTER_CACHE_SECONDS",
    "NIMBUS_STREAMS_PER_ACCOUNT",
    "NIMBUS_CLONE_MODE",
    "NIMBUS_CLONE_CONCURRENCY_PER_NODE",
    "BIND_ADDR",
    "DB_PATH",
    "NIMBUS_DATA_DIR",
    "LOG_FORMAT",
    "SESSION_IDLE_TIMEOUT_SECONDS",
    "SESSION_MAX_AGE_SECONDS",
    "SESSION_PURGE_INTERVAL_SECONDS",
    "PASSWORD_HASH_CONCURRENCY",
    "PASSWORD_HASH_QUEUE",
    "PASSWORD_HASH_WAIT_SECONDS",
    "RATE_LIMIT_SIGNIN_PER_IP",
    "RATE_LIMIT_SIGNIN_PER_ACCOUNT",
    "RATE_LIMIT_SIGNIN_PER_ACCOUNT_AND_IP",
    "RATE_LIMIT_REGISTER_PER_IP",
    "RATE_LIMIT_REGISTER_PER_ACCOUNT",
    "RATE_LIMIT_TOKENS_PER_IP",
    "RATE_LIMIT_TOKENS_PER_ACCOUNT",
    "RATE_LIMIT_ACCESS_CODE_PER_IP",
    "RATE_LIMIT_ACCESS_CODE_PER_ACCOUNT",
    "RATE_LIMIT_PASSWORD_PER_ACCOUNT",
    "RATE_LIMIT_OAUTH_START_PER_IP",
    "RATE_LIMIT_VMS_PER_ACCOUNT",
    "GITHUB_OAUTH_AUTHORIZE_URL",
    "GITHUB_OAUTH_TOKEN_URL",
    "GITHUB_API_URL",
    "GOOGLE_OAUTH_AUTHORIZE_URL",
    "GOOGLE_OAUTH_TOKEN_URL",
    "GOOGLE_USERINFO_URL",
    "GITHUB_CLIENT_ID",
    "GITHUB_CLIENT_SECRET",
    "GOOGLE_CLIENT_ID",
    "GOOGLE_CLIENT_SECRET",
];

/// The settings `nimbus serve` cannot run without.
pub const REQUIRED_FOR_SERVE: &[&str] = &[
    "PROXMOX_HOST",
    "PROXMOX_TOKEN_ID",
    "PROXMOX_TOKEN_SECRET",
    "IP_POOL_START",
    "IP_POOL_END",
    "GATEWAY_IP",
];

/// Which command is loading configuration; it decides the defaults and the sources read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    Serve,
    Demo,
}

/// A configuration that could not be loaded. `Display` is the one line printed before exiting.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ConfigError {
    #[error("invalid setting {var}={value}: expected {expected}")]
    Invalid {
        var: &'static str,
        value: String,
        expected: String,
    },
    #[error("cannot read {source_name}: {reason}")]
    Source { source_name: String, reason: String },
    #[error(
        "Nimbus is not configured: missing {}; set them in /etc/nimbus/nimbus.env, a .env file in the working \
         directory or the environment (README, section Configuration), or try `nimbus demo`",
        .0.join(", ")
    )]
    Missing(Vec<&'static str>),
    #[error(
        "Nimbus does not know which certificate to trust from Proxmox at {host}: set PROXMOX_TLS_FINGERPRINT to \
         the SHA-256 fingerprint of its certificate (run `nimbus proxmox-fingerprint {target}` and compare it with \
         the one the Proxmox UI shows under the node's System → Certificates) or PROXMOX_CA_FILE to the PEM file of \
         the CA that issued it; PROXMOX_TLS_INSECURE=true accepts any certificate, so anyone on the network could \
         pose as Proxmox and read the API token"
    )]
    UntrustedProxmox { host: String, target: String },
    #[error(
        "PROXMOX_HOST={host} is plain http, so the API token would cross the network readable: use an https:// \
         URL (Proxmox serves https on port 8006), or set PROXMOX_TLS_INSECURE=true to accept that risk"
    )]
    PlainHttpProxmox { host: String },
}

/// The whole configuration, parsed and validated.
#[derive(Debug, Clone)]
pub struct Config {
    /// `serve` (a real cluster) or `demo` (the built-in simulator).
    pub mode: Mode,
    pub server: ServerConfig,
    /// `None` until the Proxmox settings are given.
    pub proxmox: Option<ProxmoxConfig>,
    /// `None` until the pool and gateway are given.
    pub network: Option<crate::domain::ip_pool::NetworkPlan>,
    pub dns: DnsConfig,
    pub placement: PlacementConfig,
    pub reconcile: ReconcileConfig,
    pub netscan: NetscanConfig,
    pub readiness: ReadinessConfig,
    /// What one caller may cost: how long cluster reads are reused, how many streams stay open.
    pub load: LoadConfig,
    /// How fast `nimbus demo`'s simulated cluster runs (`NIMBUS_SIM_PROFILE`).
    pub sim_profile: SimProfile,
    /// `nimbus demo --empty`: the simulated cluster starts with its nodes and storages but no
    /// templates. Set by the command line, never by the environment.
    pub empty_demo: bool,
    pub encryption_key: Option<EncryptionKey>,
    pub seeds: SeedConfig,
    /// Sessions, purging and rate limits.
    pub auth: AuthConfig,
    /// The sign-in providers' endpoints, when not the real GitHub and Google.
    pub oauth_endpoints: OAuthEndpointConfig,
    /// The template bootstrap: image storage and sources, bakes per node.
    pub templates: TemplatesConfig,
    /// Required settings that were not given (empty when everything is there).
    pub missing: Vec<&'static str>,
    /// `serve` found the cluster settings missing (the error says which): it starts in setup
    /// mode when the database has no admin and no machines, and exits with this error otherwise.
    /// Set by the command line, never by the environment.
    pub setup_pending: Option<String>,
    /// Where `serve` read its settings (the setup wizard and Settings → Cluster write there);
    /// `None` for the demo.
    pub sources: Option<Sources>,
}

#[derive(Debug, Clone)]
pub struct ServerConfig {
    pub bind_addr: IpAddr,
    /// 0 asks the OS for a free port (tests and the browser harness use it).
    pub port: u16,
    pub app_url: Option<url::Url>,
    pub cors_origins: Vec<String>,
    /// Reverse proxies whose `X-Forwarded-For` names the real client (rate limits, audit) and whose
    /// `X-Forwarded-Proto` says whether the browser used https (when `APP_URL` is unset).
    pub trusted_proxies: Vec<ipnet::IpNet>,
    pub app_env: String,
    pub log_format: LogFormat,
    pub data_dir: PathBuf,
    pub db_path: PathBuf,
    /// True when the data dir was made for this run and is removed at exit (demo only).
    pub data_dir_is_temporary: bool,
}

impl ServerConfig {
    /// Whether cookies must carry `Secure`: only when the public URL is https.
    pub fn secure_cookies(&self) -> bool {
        self.app_url.as_ref().is_some_and(|u| u.scheme() == "https")
    }
}

impl Config {
    /// Loads and validates the configuration for `mode` from `sources`.
    pub fn load(mode: Mode, sources: &Sources) -> Result<Self, ConfigError> {
        let (keys, read_files) = match mode {
            Mode::Serve => (KEYS, true),
            Mode::Demo => (DEMO_KEYS, false),
        };
        let raw = parse::Raw::new(sources::merge(sources, read_files, keys)?);
        let mut config = values::build(mode, &raw)?;
        if mode == Mode::Serve {
            config.sources = Some(sources.clone());
        }
        Ok(config)
    }

    /// Validates `values` (variable name to text) exactly as `serve` reads its settings, without
    /// reading any file or the environment: the setup wizard and Settings → Cluster check what
    /// they are about to write this way.
    pub fn from_values(values: std::collections::BTreeMap<String, String>) -> Result<Self, ConfigError> {
        values::build(Mode::Serve, &parse::Raw::new(values))
    }

    /// The merged settings `serve` reads from `sources` (files and environment), as text.
    pub fn merged_values(sources: &Sources) -> Result<std::collections::BTreeMap<String, String>, ConfigError> {
        sources::merge(sources, true, KEYS)
    }

    /// What `serve` needs beyond valid values: every required setting (else the list of the
    /// missing ones), and a way to trust Proxmox — a pinned certificate or a CA, over https —
    /// unless the operator opted out with `PROXMOX_TLS_INSECURE=true`.
    pub fn require_cluster_settings(&self) -> Result<(), ConfigError> {
        if !self.missing.is_empty() {
            return Err(ConfigError::Missing(self.missing.clone()));
        }
        let Some(proxmox) = &self.proxmox else {
            return Ok(());
        };
        let host = proxmox.host.as_str().trim_end_matches('/').to_string();
        match proxmox.tls {
            ProxmoxTrust::Insecure => Ok(()),
            _ if proxmox.host.scheme() != "https" => Err(ConfigError::PlainHttpProxmox { host }),
            ProxmoxTrust::Missing => Err(ConfigError::UntrustedProxmox {
                target: format!(
                    "{}:{}",
                    proxmox.host.host_str().unwrap_or_default(),
                    proxmox.host.port_or_known_default().unwrap_or(8006)
                ),
                host,
            }),
            ProxmoxTrust::Fingerprint(_) | ProxmoxTrust::CaFile(_) => Ok(()),
        }
    }
}
