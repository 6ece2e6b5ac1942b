//! The production Proxmox client from the configuration, and reading a node's certificate
//! fingerprint to pin it (`nimbus proxmox-fingerprint`, and the setup wizard).

use std::sync::Arc;
use std::time::Duration;

use anyhow::{Context, bail};

use crate::adapters::proxmox::http::{HttpProxmox, HttpProxmoxOptions, ProxmoxAddress, TlsTrust, fetch_fingerprint};
use crate::app::config::{ProxmoxConfig, ProxmoxTrust};
use crate::ports::Proxmox;

/// How long reading a fingerprint may take, connection and handshake together.
const FINGERPRINT_TIMEOUT: Duration = Duration::from_secs(10);

/// The HTTP client for the configured cluster. Refuses a configuration that says nothing about
/// trust (`serve` refuses it earlier, naming the settings); warns, at every start, when the
/// operator opted out of checking the certificate.
pub(super) fn connect(config: &ProxmoxConfig) -> anyhow::Result<Arc<dyn Proxmox>> {
    let tls = match &config.tls {
        ProxmoxTrust::Missing => bail!(
            "no way to trust Proxmox's certificate: set PROXMOX_TLS_FINGERPRINT or PROXMOX_CA_FILE \
             (or PROXMOX_TLS_INSECURE=true to accept any certificate)"
        ),
        ProxmoxTrust::Insecure => {
            tracing::warn!(
                proxmox = %config.host,
                "PROXMOX_TLS_INSECURE=true: Nimbus accepts any certificate from Proxmox (and plain http), so \
                 anyone who can answer for its address can read the API token; pin the certificate with \
                 PROXMOX_TLS_FINGERPRINT (see `nimbus proxmox-fingerprint`) or set PROXMOX_CA_FILE"
            );
            TlsTrust::AcceptAny
        }
        ProxmoxTrust::Fingerprint(f) => TlsTrust::Fingerprint(*f),
        ProxmoxTrust::CaFile(path) => TlsTrust::CaPem(
            std::fs::read_to_string(path)
                .with_context(|| format!("PROXMOX_CA_FILE: cannot read {}", path.display()))?,
        ),
    };
    let mut options = HttpProxmoxOptions::new(
        config.host.clone(),
        config.token_id.clone(),
        config.token_secret.expose().to_owned(),
    );
    options.tls = tls;
    let client = HttpProxmox::new(options).map_err(|e| anyhow::anyhow!("cannot set up the Proxmox client: {e}"))?;
    Ok(Arc::new(client))
}

/// The SHA-256 fingerprint of the certificate the Proxmox node at `target` (`HOST[:PORT]`, port
/// 8006 by default, or an https URL) presents, as its UI shows it: `AB:CD:…`.
pub async fn proxmox_fingerprint(target: &str) -> anyhow::Result<String> {
    let address = ProxmoxAddress::parse(target)?;
    let fingerprint = fetch_fingerprint(&address, FINGERPRINT_TIMEOUT).await?;
    Ok(TlsTrust::fingerprint_text(&fingerprint))
}
