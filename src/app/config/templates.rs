//! Builds the template bootstrap's section: the image storage, where images come from (the
//! distributions, a mirror, or one URL per OS for air-gapped sites), bakes per node, the bridge
//! and the bake's time limit.

use std::collections::BTreeMap;
use std::time::Duration;

use super::ConfigError;
use super::parse::{Raw, is_identifier};

/// Per OS key: the variables overriding its image and checksum list URLs.
pub const OVERRIDES: &[(&str, &str, &str)] = &[
    (
        "ubuntu-24.04",
        "NIMBUS_IMAGE_URL_UBUNTU_24_04",
        "NIMBUS_CHECKSUM_URL_UBUNTU_24_04",
    ),
    (
        "ubuntu-22.04",
        "NIMBUS_IMAGE_URL_UBUNTU_22_04",
        "NIMBUS_CHECKSUM_URL_UBUNTU_22_04",
    ),
    (
        "debian-12",
        "NIMBUS_IMAGE_URL_DEBIAN_12",
        "NIMBUS_CHECKSUM_URL_DEBIAN_12",
    ),
    (
        "debian-11",
        "NIMBUS_IMAGE_URL_DEBIAN_11",
        "NIMBUS_CHECKSUM_URL_DEBIAN_11",
    ),
];

/// One OS's own URLs (both or neither).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImageUrls {
    pub image: String,
    pub checksums: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TemplatesConfig {
    /// `NIMBUS_IMAGE_STORAGE`: a directory storage with `import` (or `iso`) content.
    pub image_storage: String,
    /// `NIMBUS_IMAGE_MIRROR`: `<mirror>/<os>/<image>` and `<mirror>/<os>/SHA…SUMS`.
    pub mirror: Option<String>,
    /// Per OS key, from `NIMBUS_IMAGE_URL_<OS>` + `NIMBUS_CHECKSUM_URL_<OS>`.
    pub urls: BTreeMap<String, ImageUrls>,
    /// `NIMBUS_BAKES_PER_NODE`.
    pub bakes_per_node: u32,
    /// `NIMBUS_BOOTSTRAP_NODES_AT_ONCE`.
    pub nodes_at_once: u32,
    /// `NIMBUS_BRIDGE`: the bridge the bake VM's NIC joins.
    pub bridge: String,
    /// `NIMBUS_BAKE_TIMEOUT_SECONDS`.
    pub bake_timeout: Duration,
}

fn http_url(text: &str) -> Option<String> {
    let url = url::Url::parse(text.trim()).ok()?;
    matches!(url.scheme(), "http" | "https")
        .then(|| url.host_str().is_some())
        .filter(|ok| *ok)
        .map(|_| text.trim().trim_end_matches('/').to_owned())
}

pub(super) fn templates(raw: &Raw) -> Result<TemplatesConfig, ConfigError> {
    let identifier = |key: &'static str, default: &str| {
        raw.parse_or(
            key,
            default.to_owned(),
            "a Proxmox identifier (letters, digits, - _ .)",
            |t| is_identifier(t.trim()).then(|| t.trim().to_owned()),
        )
    };
    let url_expected = "an http:// or https:// URL";
    let mut urls = BTreeMap::new();
    for (os, image_key, sums_key) in OVERRIDES {
        let image = raw.parse_opt(image_key, url_expected, http_url)?;
        let sums = raw.parse_opt(sums_key, url_expected, http_url)?;
        match (image, sums) {
            (Some(image), Some(checksums)) => {
                urls.insert((*os).to_owned(), ImageUrls { image, checksums });
            }
            (None, None) => {}
            (Some(_), None) => {
                return Err(raw.invalid(
                    sums_key,
                    format!("set together with {image_key}: the image is verified against its checksum list"),
                ));
            }
            (None, Some(_)) => {
                return Err(raw.invalid(image_key, format!("set together with {sums_key}")));
            }
        }
    }
    Ok(TemplatesConfig {
        image_storage: identifier("NIMBUS_IMAGE_STORAGE", "local")?,
        mirror: raw.parse_opt("NIMBUS_IMAGE_MIRROR", url_expected, http_url)?,
        urls,
        bakes_per_node: raw.number("NIMBUS_BAKES_PER_NODE", 1u32, 1..=8)?,
        nodes_at_once: raw.number("NIMBUS_BOOTSTRAP_NODES_AT_ONCE", 5u32, 1..=64)?,
        bridge: identifier("NIMBUS_BRIDGE", "vmbr0")?,
        bake_timeout: Duration::from_secs(raw.number("NIMBUS_BAKE_TIMEOUT_SECONDS", 1200u64, 60..=86_400)?),
    })
}
