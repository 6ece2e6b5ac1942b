//! The plain data of the `TunnelGateway` port: Gopher's machines and tunnels as its external API
//! v1 reports them, and what Nimbus asks for when it makes one.
//!
//! Gopher's v1 `Machine` carries no public SSH host or port: it says only whether the SSH
//! back-tunnel was asked to be public. The port models exactly that and nothing more, so no
//! caller can show a guessed endpoint.

use chrono::{DateTime, Utc};

/// Gopher's id of a machine (16 hex digits in practice; kept as Gopher wrote it).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct MachineId(pub String);

/// Gopher's id of a tunnel.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct TunnelId(pub String);

impl std::fmt::Display for MachineId {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::fmt::Display for TunnelId {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

/// Where a machine stands: made but its bootstrap has not registered yet, connected through its
/// tunnel client, or failed (its bootstrap token expired, or Gopher could not reach it back).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum MachineStatus {
    Pending,
    Connected,
    Failed,
    /// A word this version of Nimbus does not know, as Gopher wrote it.
    Other(String),
}

impl MachineStatus {
    /// Reads Gopher's word (`pending`, `connected`, `failed`; older servers say `active` for
    /// connected).
    pub fn from_wire(word: &str) -> Self {
        match word {
            "pending" => Self::Pending,
            "connected" | "active" => Self::Connected,
            "failed" => Self::Failed,
            other => Self::Other(other.to_owned()),
        }
    }

    /// Gopher's word for this status.
    pub fn as_wire(&self) -> &str {
        match self {
            Self::Pending => "pending",
            Self::Connected => "connected",
            Self::Failed => "failed",
            Self::Other(word) => word,
        }
    }
}

/// A machine as `GET /api/v1/machines/{id}` reports it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Machine {
    pub id: MachineId,
    pub status: MachineStatus,
    /// Whether the machine's SSH back-tunnel was asked to be publicly reachable. Gopher v1 does
    /// not report the public host or port; the bootstrap's own output inside the VM is the only
    /// place the tunnel port appears.
    pub public_ssh: bool,
    /// Gopher's reason when `status` is `Failed`.
    pub error: Option<String>,
    pub created_at: Option<DateTime<Utc>>,
}

/// The one-time URL whose script registers a machine. Gopher shows it only in the answer that
/// creates the machine, and whoever holds it can attach a host to the gateway: a secret.
#[derive(Clone, PartialEq, Eq)]
pub struct BootstrapUrl(String);

impl BootstrapUrl {
    pub fn new(url: impl Into<String>) -> Self {
        Self(url.into())
    }

    /// The URL itself, to run or to seal; never log it.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Debug for BootstrapUrl {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "BootstrapUrl({:?})", crate::domain::redact::Redacted(&self.0))
    }
}

/// What `POST /api/v1/machines` answers: the pending machine and its bootstrap URL.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CreatedMachine {
    pub machine: Machine,
    pub bootstrap_url: BootstrapUrl,
}

/// A tunnel to ask for: one port of a connected machine published as `<subdomain>.<domain>`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TunnelRequest {
    pub machine_id: MachineId,
    /// Gopher makes one from the machine's name when `None`.
    pub subdomain: Option<String>,
    /// The port on the machine (Gopher forwards to 127.0.0.1 there).
    pub target_port: u16,
    /// Bound to 127.0.0.1 on the gateway: not reachable from the internet.
    pub private: bool,
    /// Served over HTTPS (Caddy terminates TLS); `false` serves plain `http://`.
    pub tls: bool,
}

/// Whether a tunnel is serving.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TunnelStatus {
    Active,
    Failed,
    /// A word this version of Nimbus does not know, as Gopher wrote it.
    Other(String),
}

impl TunnelStatus {
    /// Reads Gopher's word (`active`, `failed`).
    pub fn from_wire(word: &str) -> Self {
        match word {
            "active" => Self::Active,
            "failed" => Self::Failed,
            other => Self::Other(other.to_owned()),
        }
    }

    /// Gopher's word for this status.
    pub fn as_wire(&self) -> &str {
        match self {
            Self::Active => "active",
            Self::Failed => "failed",
            Self::Other(word) => word,
        }
    }
}

/// A tunnel as `GET /api/v1/tunnels/{id}` reports it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Tunnel {
    pub id: TunnelId,
    pub machine_id: MachineId,
    pub status: TunnelStatus,
    pub subdomain: String,
    pub target_ip: String,
    pub target_port: u16,
    /// The public URL (`https://<subdomain>.<domain>`, or `http://` without TLS) when active.
    pub url: Option<String>,
    /// Gopher's reason when `status` is `Failed`.
    pub error: Option<String>,
    pub created_at: Option<DateTime<Utc>>,
}
