//! How bakes are made, from configuration.

use std::collections::BTreeMap;
use std::time::Duration;

use crate::domain::os_image::{DigestAlgorithm, OsImage};

/// Where one OS's cloud image and its checksum list come from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImageSource {
    pub image_url: String,
    pub checksum_url: String,
    pub algorithm: DigestAlgorithm,
    /// The image's name in the checksum list.
    pub listed_as: String,
}

impl ImageSource {
    /// The distribution's own URLs.
    pub fn upstream(image: &OsImage) -> Self {
        Self {
            image_url: image.image_url().to_owned(),
            checksum_url: image.checksums().url.to_owned(),
            algorithm: image.checksums().algorithm,
            listed_as: image.upstream_file().to_owned(),
        }
    }

    /// A mirror laid out as `<mirror>/<os>/<upstream file>` and `<mirror>/<os>/<checksum file>`.
    pub fn mirrored(image: &OsImage, mirror: &str) -> Self {
        let base = format!("{}/{}", mirror.trim_end_matches('/'), image.key());
        let sums = image.checksums().url.rsplit('/').next().unwrap_or("SHA256SUMS");
        Self {
            image_url: format!("{base}/{}", image.upstream_file()),
            checksum_url: format!("{base}/{sums}"),
            ..Self::upstream(image)
        }
    }
}

/// The bootstrap's settings.
#[derive(Debug, Clone)]
pub struct BootstrapSettings {
    /// `NIMBUS_IMAGE_STORAGE`: the file storage images download to and the bake ISO is uploaded to.
    pub image_storage: String,
    /// Where template disks go (`NIMBUS_VM_DISK_STORAGE`, else `local-lvm`).
    pub disk_storage: String,
    /// The bridge the bake VM's NIC is on.
    pub bridge: String,
    /// Nodes bootstrapped at once.
    pub nodes_at_once: usize,
    /// `NIMBUS_BAKES_PER_NODE`: bakes running at once on one node.
    pub bakes_per_node: usize,
    /// Per OS key; OSes missing here use the distribution's URLs.
    pub sources: BTreeMap<String, ImageSource>,
    /// How long a bake's guest may take to install the agent, clean up and power off.
    pub bake_timeout: Duration,
    /// How long a download may take.
    pub download_timeout: Duration,
    /// Pause between two polls of a task or the guest.
    pub poll: Duration,
}

impl BootstrapSettings {
    pub fn source(&self, image: &OsImage) -> ImageSource {
        self.sources
            .get(image.key())
            .cloned()
            .unwrap_or_else(|| ImageSource::upstream(image))
    }
}
