//! Opening Proxmox connections while Nimbus runs: the setup wizard and Admin → Settings →
//! Cluster read a node's certificate, try an address and token before saving them, and then make
//! the new connection the one every part of Nimbus uses.

use std::sync::Arc;

use async_trait::async_trait;

use super::access::ProxmoxAccess;
use super::{Proxmox, ProxmoxResult};

/// Which certificate a connection accepts.
#[derive(Clone, PartialEq, Eq)]
pub enum EndpointTrust {
    /// Only the certificate with this SHA-256 fingerprint (pinned on first use).
    Fingerprint([u8; 32]),
    /// Certificates issued by the CA in this PEM text.
    CaPem(String),
    /// Any certificate (`PROXMOX_TLS_INSECURE=true`, the operator's opt-out).
    AcceptAny,
}

impl std::fmt::Debug for EndpointTrust {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::Fingerprint(_) => f.write_str("Fingerprint"),
            Self::CaPem(_) => f.write_str("CaPem"),
            Self::AcceptAny => f.write_str("AcceptAny"),
        }
    }
}

/// Where a cluster answers and how its certificate is checked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Endpoint {
    /// `https://pve.lan:8006`.
    pub url: url::Url,
    pub trust: EndpointTrust,
}

/// An API token: `user@realm!name` and its secret.
#[derive(Clone, PartialEq, Eq)]
pub struct ApiToken {
    pub id: String,
    pub secret: String,
}

crate::domain::redact::debug_redacted!(ApiToken { id } secret { secret });

/// Both faces of one connection.
#[derive(Clone)]
pub struct Connection {
    pub proxmox: Arc<dyn Proxmox>,
    pub access: Arc<dyn ProxmoxAccess>,
}

/// Opens connections and replaces the one in use.
#[cfg_attr(test, mockall::automock)]
#[async_trait]
pub trait ProxmoxConnector: Send + Sync {
    /// The SHA-256 fingerprint of the certificate the node at `url` presents. Errors:
    /// `Unavailable` (no connection, no TLS handshake, no certificate), `Refused` (an address
    /// that is not an https URL or host).
    async fn fingerprint(&self, url: &url::Url) -> ProxmoxResult<[u8; 32]>;

    /// A connection to `endpoint` signed in with `token`, or with none (only
    /// [`ProxmoxAccess::ticket`] works then). Nothing is sent yet. Errors: `Refused` (a CA
    /// file that is not PEM, a token that an HTTP header cannot carry).
    fn open(&self, endpoint: &Endpoint, token: Option<ApiToken>) -> ProxmoxResult<Connection>;

    /// Makes `proxmox` the connection every call that starts from now on uses.
    fn switch_to(&self, proxmox: Arc<dyn Proxmox>);
}
