//! The production Proxmox client from the configuration, the connector the setup wizard and
//! Settings → Cluster open connections with, and reading a node's certificate fingerprint to pin
//! it (`nimbus proxmox-fingerprint`, and the setup wizard).

use std::sync::Arc;
use std::time::Duration;

use anyhow::{Context, bail};
use async_trait::async_trait;

use crate::adapters::proxmox::http::{
    Credentials, HttpProxmox, HttpProxmoxOptions, ProxmoxAddress, TlsTrust, fetch_fingerprint,
};
use crate::adapters::proxmox::switchable::SwitchableProxmox;
use crate::app::config::{ProxmoxConfig, ProxmoxTrust};
use crate::ports::Proxmox;
use crate::ports::proxmox::connector::{ApiToken, Connection, Endpoint, EndpointTrust, ProxmoxConnector};
use crate::ports::proxmox::{ProxmoxError, ProxmoxResult};

/// How long reading a fingerprint may take, connection and handshake together.
const FINGERPRINT_TIMEOUT: Duration = Duration::from_secs(10);

/// The configured cluster's address and trust. Refuses a configuration that says nothing about
/// trust (`serve` refuses it earlier, naming the settings); warns, at every start, when the
/// operator opted out of checking the certificate.
pub(super) fn endpoint(config: &ProxmoxConfig) -> anyhow::Result<Endpoint> {
    let trust = match &config.tls {
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
            EndpointTrust::AcceptAny
        }
        ProxmoxTrust::Fingerprint(f) => EndpointTrust::Fingerprint(*f),
        ProxmoxTrust::CaFile(path) => EndpointTrust::CaPem(
            std::fs::read_to_string(path)
                .with_context(|| format!("PROXMOX_CA_FILE: cannot read {}", path.display()))?,
        ),
    };
    Ok(Endpoint {
        url: config.host.clone(),
        trust,
    })
}

/// The configured cluster's token.
pub(super) fn token(config: &ProxmoxConfig) -> ApiToken {
    ApiToken {
        id: config.token_id.clone(),
        secret: config.token_secret.expose().to_owned(),
    }
}

/// Opens HTTP connections, and switches the one handle every part of Nimbus holds.
pub struct HttpConnector {
    pub switch: Arc<SwitchableProxmox>,
}

#[async_trait]
impl ProxmoxConnector for HttpConnector {
    async fn fingerprint(&self, url: &url::Url) -> ProxmoxResult<[u8; 32]> {
        let address = ProxmoxAddress::parse(url.as_str()).map_err(|e| ProxmoxError::Refused(e.to_string()))?;
        fetch_fingerprint(&address, FINGERPRINT_TIMEOUT)
            .await
            .map_err(|e| ProxmoxError::Unavailable(e.to_string()))
    }

    fn open(&self, endpoint: &Endpoint, token: Option<ApiToken>) -> ProxmoxResult<Connection> {
        let mut options = HttpProxmoxOptions::new(endpoint.url.clone(), "", "");
        options.credentials = match token {
            Some(t) => Credentials::Token {
                id: t.id,
                secret: t.secret,
            },
            None => Credentials::None,
        };
        options.tls = match &endpoint.trust {
            EndpointTrust::Fingerprint(f) => TlsTrust::Fingerprint(*f),
            EndpointTrust::CaPem(pem) => TlsTrust::CaPem(pem.clone()),
            EndpointTrust::AcceptAny => TlsTrust::AcceptAny,
        };
        let client = Arc::new(HttpProxmox::new(options).map_err(|e| ProxmoxError::Refused(e.to_string()))?);
        Ok(Connection {
            proxmox: client.clone(),
            access: client,
        })
    }

    fn switch_to(&self, proxmox: Arc<dyn Proxmox>) {
        self.switch.switch_to(proxmox);
    }
}

/// The SHA-256 fingerprint of the certificate the Proxmox node at `target` (`HOST[:PORT]`, port
/// 8006 by default, or an https URL) presents, as its UI shows it: `AB:CD:…`.
pub async fn proxmox_fingerprint(target: &str) -> anyhow::Result<String> {
    let address = ProxmoxAddress::parse(target)?;
    let fingerprint = fetch_fingerprint(&address, FINGERPRINT_TIMEOUT).await?;
    Ok(TlsTrust::fingerprint_text(&fingerprint))
}
