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
    // `url` drops a port that is the scheme's default (443): only an address without one gets 8006.
    let authority = full
        .split("://")
        .nth(1)
        .unwrap_or_default()
        .split('/')
        .next()
        .unwrap_or_default();
    let has_port = authority
        .rsplit_once(':')
        .is_some_and(|(_, port)| !port.is_empty() && port.bytes().all(|b| b.is_ascii_digit()));
    if !has_port {
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_address_is_read_as_people_write_it_and_pinned_to_https_on_8006() {
        for text in [
            "pve1.lan",
            "pve1.lan:8006",
            "https://pve1.lan:8006/",
            " https://pve1.lan:8006/api2/json ",
        ] {
            assert_eq!(parse_url(text).unwrap().as_str(), "https://pve1.lan:8006/", "{text}");
        }
        let standard = parse_url("10.0.0.2:443").unwrap();
        assert_eq!(standard.port_or_known_default(), Some(443), "an explicit 443 is kept");
    }

    #[test]
    fn a_bad_address_names_the_url_field_and_why() {
        for (text, why) in [("", "empty"), ("http://pve1.lan", "https"), ("https://", "")] {
            let Err(ClusterError::Field { field, message }) = parse_url(text) else {
                panic!("{text:?} is refused");
            };
            assert_eq!(field, "url");
            assert!(message.contains(why), "{message}");
        }
    }

    #[test]
    fn a_connection_is_saved_as_the_variables_serve_reads() {
        let endpoint = Endpoint {
            url: parse_url("pve1.lan").unwrap(),
            trust: EndpointTrust::Fingerprint([0xAB; 32]),
        };
        let token = ApiToken {
            id: "nimbus@pve!nimbus".into(),
            secret: "s".into(),
        };
        let values = proxmox_values(&endpoint, &token);
        assert_eq!(values["PROXMOX_HOST"], "https://pve1.lan:8006");
        assert_eq!(values["PROXMOX_TLS_FINGERPRINT"], ["AB"; 32].join(":"));
        assert_eq!(values["PROXMOX_TOKEN_ID"], "nimbus@pve!nimbus");
    }
}
