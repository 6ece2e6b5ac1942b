//! A Proxmox address and certificate fingerprint as people write them.

use std::collections::BTreeMap;

use super::ClusterError;
use crate::ports::proxmox::connector::{ApiToken, Endpoint, EndpointTrust};

/// `AA:BB:…`.
pub fn fingerprint_text(fp: &[u8; 32]) -> String {
    fp.iter().map(|b| format!("{b:02X}")).collect::<Vec<_>>().join(":")
}

/// `pve1.lan`, `pve1.lan:8006`, `https://pve1.lan:8006/` → `https://pve1.lan:8006/`.
pub fn parse_url(text: &str) -> Result<url::Url, ClusterError> {
    let text = text.trim();
    let bad = |why: &str| {
        ClusterError::field(
            "url",
            format!("{text:?} is not a Proxmox address: {why}; give HOST, HOST:PORT or https://HOST:8006"),
        )
    };
    if text.is_empty() {
        return Err(bad("it is empty"));
    }
    let full = if text.contains("://") {
        text.to_owned()
    } else {
        format!("https://{text}")
    };
    let mut url = url::Url::parse(&full).map_err(|e| bad(&e.to_string()))?;
    if url.scheme() != "https" {
        return Err(bad("Proxmox's API is https"));
    }
    if url.host_str().is_none_or(str::is_empty) {
        return Err(bad("it has no host"));
    }
    if url.port().is_none() {
        let _ = url.set_port(Some(8006));
    }
    url.set_path("/");
    url.set_query(None);
    url.set_fragment(None);
    Ok(url)
}

/// The variables that save a connection.
pub fn proxmox_values(endpoint: &Endpoint, token: &ApiToken) -> BTreeMap<String, String> {
    let mut values = BTreeMap::from([
        (
            "PROXMOX_HOST".to_owned(),
            endpoint.url.as_str().trim_end_matches('/').to_owned(),
        ),
        ("PROXMOX_TOKEN_ID".to_owned(), token.id.clone()),
        ("PROXMOX_TOKEN_SECRET".to_owned(), token.secret.clone()),
    ]);
    if let EndpointTrust::Fingerprint(fp) = &endpoint.trust {
        values.insert("PROXMOX_TLS_FINGERPRINT".into(), fingerprint_text(fp));
    }
    values
}
