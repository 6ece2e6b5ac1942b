//! `ImageSource`: where one OS's cloud image and its checksum list come from — the
//! distribution, a mirror, or URLs of the admin's own.

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
