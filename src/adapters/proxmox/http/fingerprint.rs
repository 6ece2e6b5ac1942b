//! Reads the certificate a Proxmox node presents and gives its SHA-256 fingerprint, as the
//! Proxmox UI shows it (`AB:CD:…`), so an operator (or the setup wizard) can pin it. The
//! handshake accepts any certificate: what it returns must be compared with what the node's own
//! UI shows before it is trusted.

use std::sync::Arc;
use std::time::Duration;

use rustls::pki_types::ServerName;
use sha2::{Digest, Sha256};
use tokio::net::TcpStream;
use tokio_rustls::TlsConnector;

use super::tls::{TlsTrust, client_config};

/// Proxmox's API port, used when the address names none.
pub const DEFAULT_PORT: u16 = 8006;

/// Where a Proxmox node listens: `HOST[:PORT]`, an `[IPv6]:PORT`, or an https URL.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProxmoxAddress {
    /// A DNS name or an IP address (without brackets).
    pub host: String,
    pub port: u16,
}

/// Why a fingerprint could not be read; each message says what to check.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum FingerprintError {
    #[error(
        "{0:?} is not a Proxmox address: give HOST or HOST:PORT (such as pve1.lan or 192.168.1.10:8006), \
         [IPv6]:PORT, or an https:// URL"
    )]
    BadAddress(String),
    #[error("cannot connect to {address}: {reason}; check the address and that port is open")]
    Connect { address: String, reason: String },
    #[error("no TLS handshake with {address}: {reason}; is it the Proxmox API port (8006)?")]
    Handshake { address: String, reason: String },
    #[error("{0} presented no certificate")]
    NoCertificate(String),
}

impl ProxmoxAddress {
    /// Reads `HOST`, `HOST:PORT`, `[IPv6]:PORT`, a bare IPv6 address, or `https://HOST[:PORT]/`
    /// (as in `PROXMOX_HOST`); the port defaults to 8006.
    pub fn parse(text: &str) -> Result<Self, FingerprintError> {
        let bad = || FingerprintError::BadAddress(text.to_owned());
        let trimmed = text.trim();
        let rest = match trimmed.split_once("://") {
            Some((scheme, rest)) if scheme.eq_ignore_ascii_case("https") => rest,
            Some(_) => return Err(bad()),
            None => trimmed,
        };
        let rest = rest.split('/').next().unwrap_or_default();
        let (host, port) = if let Some(inner) = rest.strip_prefix('[') {
            let (host, after) = inner.split_once(']').ok_or_else(bad)?;
            match after {
                "" => (host, None),
                _ => (host, Some(after.strip_prefix(':').ok_or_else(bad)?)),
            }
        } else if rest.matches(':').count() > 1 {
            (rest, None)
        } else {
            match rest.split_once(':') {
                Some((host, port)) => (host, Some(port)),
                None => (rest, None),
            }
        };
        let port = match port {
            None => DEFAULT_PORT,
            Some(p) => p.parse::<u16>().ok().filter(|p| *p > 0).ok_or_else(bad)?,
        };
        let valid_host = host.parse::<std::net::IpAddr>().is_ok()
            || (!host.is_empty()
                && host.len() <= 253
                && host
                    .split('.')
                    .all(|l| !l.is_empty() && l.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')));
        if !valid_host {
            return Err(bad());
        }
        Ok(Self {
            host: host.to_owned(),
            port,
        })
    }
}

impl std::fmt::Display for ProxmoxAddress {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        if self.host.contains(':') {
            write!(f, "[{}]:{}", self.host, self.port)
        } else {
            write!(f, "{}:{}", self.host, self.port)
        }
    }
}

/// Connects to `address`, completes a TLS handshake whatever the certificate, and returns the
/// SHA-256 of the certificate the server presented. The whole exchange ends within `timeout`.
pub async fn fetch_fingerprint(address: &ProxmoxAddress, timeout: Duration) -> Result<[u8; 32], FingerprintError> {
    let shown = address.to_string();
    let fail_connect = |reason: String| FingerprintError::Connect {
        address: shown.clone(),
        reason,
    };
    let fail_handshake = |reason: String| FingerprintError::Handshake {
        address: shown.clone(),
        reason,
    };
    let config = client_config(&TlsTrust::AcceptAny).map_err(fail_handshake)?;
    let name = ServerName::try_from(address.host.clone()).map_err(|e| fail_handshake(e.to_string()))?;
    let exchange = async {
        let tcp = TcpStream::connect((address.host.as_str(), address.port))
            .await
            .map_err(|e| fail_connect(e.to_string()))?;
        let tls = TlsConnector::from(Arc::new(config))
            .connect(name, tcp)
            .await
            .map_err(|e| fail_handshake(e.to_string()))?;
        let (_, session) = tls.get_ref();
        let leaf = session
            .peer_certificates()
            .and_then(|certs| certs.first())
            .ok_or_else(|| FingerprintError::NoCertificate(shown.clone()))?;
        Ok(Sha256::digest(leaf.as_ref()).into())
    };
    tokio::time::timeout(timeout, exchange)
        .await
        .map_err(|_| fail_connect(format!("no answer within {} s", timeout.as_secs())))?
}
