//! `BootstrapSettings`: how bakes are made, from configuration.

use std::collections::BTreeMap;
use std::time::Duration;

use super::image_source::ImageSource;
use crate::domain::os_image::OsImage;

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
