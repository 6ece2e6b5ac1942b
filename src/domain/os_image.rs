//! The operating systems a VM can be launched with, and what Nimbus needs to know about each:
//! the cloud-init user, the template's name and VMID offset, and where its cloud image comes from.

use super::vmid::VmId;

/// One launchable OS.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OsImage {
    key: &'static str,
    label: &'static str,
    default_user: &'static str,
    template_offset: u32,
    image_url: &'static str,
    image_file: &'static str,
    checksums: ChecksumFile,
}

/// How a published checksum list is hashed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DigestAlgorithm {
    Sha256,
    Sha512,
}

impl DigestAlgorithm {
    /// The name Proxmox's `checksum-algorithm` takes.
    pub fn proxmox_name(self) -> &'static str {
        match self {
            DigestAlgorithm::Sha256 => "sha256",
            DigestAlgorithm::Sha512 => "sha512",
        }
    }

    /// Length of a digest in hex digits.
    pub fn hex_len(self) -> usize {
        match self {
            DigestAlgorithm::Sha256 => 64,
            DigestAlgorithm::Sha512 => 128,
        }
    }
}

/// The checksum list a distribution publishes beside its cloud images.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ChecksumFile {
    pub url: &'static str,
    pub algorithm: DigestAlgorithm,
}

/// The key a user sent names no OS in the catalogue.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("must be one of {known}")]
pub struct UnknownOs {
    known: String,
}

impl OsImage {
    /// Stable key used in requests and storage, e.g. `ubuntu-24.04`.
    pub fn key(&self) -> &'static str {
        self.key
    }

    /// Human name, e.g. `Ubuntu 24.04 LTS`.
    pub fn label(&self) -> &'static str {
        self.label
    }

    /// The account cloud-init creates and the user signs in as.
    pub fn default_user(&self) -> &'static str {
        self.default_user
    }

    /// Position after the template base VMID: the first node's template is `base + offset`.
    pub fn template_offset(&self) -> u32 {
        self.template_offset
    }

    /// The template VMID suggested for this OS from a base (9000 by default). VMIDs are unique
    /// per cluster, so other nodes' copies get other ids; this is only the first choice.
    pub fn suggested_template_vmid(&self, base: VmId) -> Option<VmId> {
        base.get()
            .checked_add(self.template_offset)
            .and_then(|v| VmId::new(v).ok())
    }

    /// The template's VM name on Proxmox, which is how Nimbus recognises it on every node.
    pub fn template_name(&self) -> String {
        format!("nimbus-{}", self.key)
    }

    /// Official cloud image download.
    pub fn image_url(&self) -> &'static str {
        self.image_url
    }

    /// The image's name in the distribution's checksum list (the last part of its URL).
    pub fn upstream_file(&self) -> &'static str {
        self.image_url.rsplit('/').next().unwrap_or(self.image_url)
    }

    /// Where the distribution publishes the image's checksum, and how it is hashed.
    pub fn checksums(&self) -> ChecksumFile {
        self.checksums
    }

    /// File name on the import storage; Proxmox's `import` content accepts only `.qcow2/.raw/.vmdk/.ova`.
    pub fn image_file(&self) -> &'static str {
        self.image_file
    }
}

/// The OS catalogue.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OsCatalog {
    images: Vec<OsImage>,
}

impl OsCatalog {
    pub fn builtin() -> Self {
        Self {
            images: vec![
                OsImage {
                    key: "ubuntu-24.04",
                    label: "Ubuntu 24.04 LTS",
                    default_user: "ubuntu",
                    template_offset: 0,
                    image_url: "https://cloud-images.ubuntu.com/releases/24.04/release/ubuntu-24.04-server-cloudimg-amd64.img",
                    image_file: "ubuntu-24.04-server-cloudimg-amd64.qcow2",
                    checksums: ChecksumFile {
                        url: "https://cloud-images.ubuntu.com/releases/24.04/release/SHA256SUMS",
                        algorithm: DigestAlgorithm::Sha256,
                    },
                },
                OsImage {
                    key: "ubuntu-22.04",
                    label: "Ubuntu 22.04 LTS",
                    default_user: "ubuntu",
                    template_offset: 1,
                    image_url: "https://cloud-images.ubuntu.com/releases/22.04/release/ubuntu-22.04-server-cloudimg-amd64.img",
                    image_file: "ubuntu-22.04-server-cloudimg-amd64.qcow2",
                    checksums: ChecksumFile {
                        url: "https://cloud-images.ubuntu.com/releases/22.04/release/SHA256SUMS",
                        algorithm: DigestAlgorithm::Sha256,
                    },
                },
                OsImage {
                    key: "debian-12",
                    label: "Debian 12 (bookworm)",
                    default_user: "debian",
                    template_offset: 2,
                    image_url: "https://cloud.debian.org/images/cloud/bookworm/latest/debian-12-genericcloud-amd64.qcow2",
                    image_file: "debian-12-genericcloud-amd64.qcow2",
                    checksums: ChecksumFile {
                        url: "https://cloud.debian.org/images/cloud/bookworm/latest/SHA512SUMS",
                        algorithm: DigestAlgorithm::Sha512,
                    },
                },
                OsImage {
                    key: "debian-11",
                    label: "Debian 11 (bullseye)",
                    default_user: "debian",
                    template_offset: 3,
                    image_url: "https://cloud.debian.org/images/cloud/bullseye/latest/debian-11-genericcloud-amd64.qcow2",
                    image_file: "debian-11-genericcloud-amd64.qcow2",
                    checksums: ChecksumFile {
                        url: "https://cloud.debian.org/images/cloud/bullseye/latest/SHA512SUMS",
                        algorithm: DigestAlgorithm::Sha512,
                    },
                },
            ],
        }
    }

    pub fn images(&self) -> &[OsImage] {
        &self.images
    }

    pub fn find(&self, key: &str) -> Result<&OsImage, UnknownOs> {
        let key = key.trim();
        self.images.iter().find(|i| i.key == key).ok_or_else(|| UnknownOs {
            known: self.images.iter().map(|i| i.key).collect::<Vec<_>>().join(", "),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn catalogue_has_the_four_systems_with_their_users_and_offsets() {
        let c = OsCatalog::builtin();
        let rows: Vec<_> = c
            .images()
            .iter()
            .map(|i| (i.key(), i.default_user(), i.template_offset()))
            .collect();
        assert_eq!(
            rows,
            [
                ("ubuntu-24.04", "ubuntu", 0),
                ("ubuntu-22.04", "ubuntu", 1),
                ("debian-12", "debian", 2),
                ("debian-11", "debian", 3)
            ]
        );
    }

    #[test]
    fn templates_are_named_and_numbered_from_the_base() {
        let c = OsCatalog::builtin();
        let d12 = c.find("debian-12").unwrap();
        assert_eq!(d12.template_name(), "nimbus-debian-12");
        assert_eq!(
            d12.suggested_template_vmid(VmId::new(9000).unwrap()),
            Some(VmId::new(9002).unwrap())
        );
        assert_eq!(d12.suggested_template_vmid(VmId::new(VmId::MAX).unwrap()), None);
        for image in c.images() {
            assert!(image.image_file().ends_with(".qcow2"), "{}", image.key());
            assert!(image.image_url().starts_with("https://"), "{}", image.key());
        }
    }

    #[test]
    fn unknown_systems_are_refused_with_the_known_list() {
        let err = OsCatalog::builtin().find("arch").unwrap_err();
        assert_eq!(
            err.to_string(),
            "must be one of ubuntu-24.04, ubuntu-22.04, debian-12, debian-11"
        );
    }
}
