//! The typed configuration sections that the rest of Nimbus reads.

use std::net::IpAddr;
use std::num::{NonZeroU32, NonZeroUsize};
use std::time::Duration;

use crate::domain::clone_mode::CloneMode;
use crate::domain::netscan::NetscanMode;
pub use crate::domain::rate_limit::{Rate, RateLimitPolicy};
use crate::domain::scoring::CpuLoadFactor;

/// Log line format on stderr.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LogFormat {
    Text,
    Json,
}

/// A string that never appears in `Debug` output or logs.
#[derive(Clone, PartialEq, Eq)]
pub struct Secret(pub(super) String);

impl Secret {
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Debug for Secret {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Secret({})", crate::domain::redact::REDACTED)
    }
}

/// The 32-byte master key for secrets at rest, given as standard base64.
#[derive(Clone, PartialEq, Eq)]
pub struct EncryptionKey(pub [u8; 32]);

impl std::fmt::Debug for EncryptionKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "EncryptionKey({})", crate::domain::redact::REDACTED)
    }
}

#[derive(Debug, Clone)]
pub struct ProxmoxConfig {
    /// Base URL such as `https://pve.lan:8006`, without a trailing slash.
    pub host: url::Url,
    /// `user@realm!tokenname`.
    pub token_id: String,
    pub token_secret: Secret,
    pub template_base_vmid: u32,
    pub tls: ProxmoxTrust,
}

/// Which server certificate Nimbus accepts from Proxmox.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ProxmoxTrust {
    /// Nothing was said: `serve` refuses to start (see [`super::Config::require_cluster_settings`]).
    Missing,
    /// Any certificate, and plain http (`PROXMOX_TLS_INSECURE=true`): the operator's explicit,
    /// logged opt-out. Whoever can answer for the Proxmox address can read the API token.
    Insecure,
    /// Only the certificate with this SHA-256 fingerprint (`PROXMOX_TLS_FINGERPRINT`).
    Fingerprint([u8; 32]),
    /// Only certificates issued by the CA in this PEM file (`PROXMOX_CA_FILE`).
    CaFile(std::path::PathBuf),
}

/// Reads a certificate fingerprint as Proxmox shows it (`AB:CD:…`, 32 bytes) or as 64 hex digits.
pub fn parse_fingerprint(text: &str) -> Option<[u8; 32]> {
    let hex: String = text.trim().chars().filter(|c| *c != ':').collect();
    if hex.len() != 64 || !hex.chars().all(|c| c.is_ascii_hexdigit()) {
        return None;
    }
    if text.contains(':') && !text.trim().split(':').all(|pair| pair.len() == 2) {
        return None;
    }
    let mut out = [0u8; 32];
    for (i, byte) in out.iter_mut().enumerate() {
        *byte = u8::from_str_radix(&hex[2 * i..2 * i + 2], 16).ok()?;
    }
    Some(out)
}

#[derive(Debug, Clone)]
pub struct DnsConfig {
    pub nameservers: Vec<IpAddr>,
    pub search_domain: String,
}

#[derive(Debug, Clone)]
pub struct PlacementConfig {
    pub excluded_nodes: Vec<String>,
    pub cpu_type: String,
    /// Storage whose free space gates placement; `None` turns the disk gate off.
    pub disk_storage: Option<String>,
    pub mem_buffer_mib: u64,
    pub cpu_load_factor: CpuLoadFactor,
    pub clone_mode: CloneMode,
    pub clone_concurrency_per_node: NonZeroU32,
}

impl PlacementConfig {
    /// How placement scores nodes under these settings.
    pub fn scoring(&self) -> crate::domain::scoring::ScoringPolicy {
        crate::domain::scoring::ScoringPolicy {
            excluded: self
                .excluded_nodes
                .iter()
                .filter_map(|n| crate::domain::cluster::NodeName::parse(n).ok())
                .collect(),
            mem_buffer_mib: self.mem_buffer_mib,
            cpu_load_factor: self.cpu_load_factor,
            disk_storage: self.disk_storage.clone(),
            building_limit: Some(self.clone_concurrency_per_node.get()),
        }
    }
}

#[derive(Debug, Clone)]
pub struct ReconcileConfig {
    /// `None`: the periodic reconcile is off.
    pub interval: Option<Duration>,
    pub reservation_ttl: Duration,
    /// Zero: every verification asks Proxmox afresh.
    pub verify_cache_ttl: Duration,
    /// `None`: addresses are never vacated automatically.
    pub vacate_miss_threshold: Option<NonZeroU32>,
}

/// What one caller may cost Proxmox and the server.
#[derive(Debug, Clone)]
pub struct LoadConfig {
    /// How long one read of the cluster's resources is reused by every reader (zero: each read
    /// asks, but concurrent readers still share one).
    pub cluster_max_age: Duration,
    /// Long-lived streams (VM events, provision streams) one account may hold open at once.
    pub streams_per_account: NonZeroUsize,
}

#[derive(Debug, Clone)]
pub struct NetscanConfig {
    pub mode: NetscanMode,
    /// `None`: the periodic sweep is off (the provision-time probe still follows `mode`).
    pub interval: Option<Duration>,
    pub timeout: Duration,
    pub concurrency: NonZeroUsize,
}

/// Speed of the demo's simulated cluster: `demo` (compressed real latencies), `bench` (fixed
/// durations) or `instant` (tests).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum SimProfile {
    Instant,
    Bench,
    #[default]
    Demo,
}

#[derive(Debug, Clone)]
pub struct ReadinessConfig {
    pub timeout: Duration,
    /// How often machines whose readiness was not confirmed are checked again; `None` is off.
    pub recheck_interval: Option<Duration>,
    /// A simulator's LAN endpoint that the probes ask instead of the network.
    pub simulated_lan: Option<url::Url>,
}

#[derive(Debug, Clone)]
pub struct OAuthSeed {
    pub client_id: String,
    pub client_secret: Secret,
}

#[derive(Debug, Clone)]
pub struct GopherSeed {
    pub api_url: url::Url,
    pub api_key: Secret,
}

/// Overrides of the sign-in providers' endpoints (tests point them at a loopback provider).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct OAuthEndpointConfig {
    pub github_authorize: Option<url::Url>,
    pub github_token: Option<url::Url>,
    pub github_api: Option<url::Url>,
    pub google_authorize: Option<url::Url>,
    pub google_token: Option<url::Url>,
    pub google_userinfo: Option<url::Url>,
}

/// First-boot seeds; afterwards the Settings UI is authoritative.
#[derive(Debug, Clone, Default)]
pub struct SeedConfig {
    pub github: Option<OAuthSeed>,
    pub google: Option<OAuthSeed>,
    pub gopher: Option<GopherSeed>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AuthConfig {
    /// A session unused this long has ended.
    pub session_idle: Duration,
    /// No session lives longer than this.
    pub session_max_age: Duration,
    /// How often expired sessions and tokens are purged; `None` turns the purge off.
    pub purge_interval: Option<Duration>,
    pub rate_limits: RateLimitPolicy,
    /// Password hashes running at once (default: one per core).
    pub hash_concurrency: usize,
    /// Password hashes waiting for a slot at once (default: 8 per core, at least 32).
    pub hash_queue: usize,
    /// How long a password hash waits for a slot before the request is answered 503.
    pub hash_wait: Duration,
}
