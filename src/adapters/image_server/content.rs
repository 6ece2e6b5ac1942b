//! What the loopback image server serves: for each OS of the catalogue, a small stand-in cloud
//! image (a few KiB of pseudo-random bytes seeded by the OS key, equal on every run) under its
//! upstream file name, and the checksum file its upstream mirror publishes beside it (Ubuntu's
//! `SHA256SUMS`, `<hex> *<file>`; Debian's `SHA512SUMS`, `<hex>  <file>`), listing a second,
//! unserved architecture too, as the real files do, so a reader must pick its line by name.

use sha2::{Digest, Sha256, Sha512};

use crate::domain::os_image::OsImage;

/// How an upstream mirror publishes its checksums.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ChecksumStyle {
    /// `SHA256SUMS`, lines `<hex> *<file>` (cloud-images.ubuntu.com).
    Sha256Ubuntu,
    /// `SHA512SUMS`, lines `<hex>  <file>` (cloud.debian.org).
    Sha512Debian,
}

impl ChecksumStyle {
    /// Debian keys use Debian's file; every other OS uses Ubuntu's.
    pub fn of(os_key: &str) -> Self {
        if os_key.starts_with("debian") {
            Self::Sha512Debian
        } else {
            Self::Sha256Ubuntu
        }
    }

    /// The checksum file's name in the OS's folder.
    pub fn file_name(self) -> &'static str {
        match self {
            Self::Sha256Ubuntu => "SHA256SUMS",
            Self::Sha512Debian => "SHA512SUMS",
        }
    }

    /// The lowercase hex digest of `data` in this style's algorithm.
    pub fn digest(self, data: &[u8]) -> String {
        let bytes = match self {
            Self::Sha256Ubuntu => Sha256::digest(data).to_vec(),
            Self::Sha512Debian => Sha512::digest(data).to_vec(),
        };
        bytes.iter().map(|b| format!("{b:02x}")).collect()
    }

    fn line(self, data: &[u8], file: &str) -> String {
        match self {
            Self::Sha256Ubuntu => format!("{} *{file}\n", self.digest(data)),
            Self::Sha512Debian => format!("{}  {file}\n", self.digest(data)),
        }
    }
}

/// The last segment of the OS's upstream image URL, e.g. `ubuntu-24.04-server-cloudimg-amd64.img`.
pub fn upstream_file(os: &OsImage) -> &'static str {
    let url = os.image_url();
    url.rsplit('/').next().unwrap_or(url)
}

/// The stand-in image for `os_key`: 4-8 KiB of pseudo-random bytes, the same on every run.
pub fn stand_in_image(os_key: &str) -> Vec<u8> {
    // FNV-1a of the key seeds a splitmix64 stream.
    let mut state = os_key.bytes().fold(0xcbf2_9ce4_8422_2325_u64, |h, b| {
        (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3)
    });
    let mut next = move || {
        state = state.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = state;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    };
    let len = 4096 + usize::try_from(next() % 4096).unwrap_or(0);
    let mut out = Vec::with_capacity(len + 8);
    while out.len() < len {
        out.extend_from_slice(&next().to_le_bytes());
    }
    out.truncate(len);
    out
}

/// The checksum file for `os`, listing its stand-in image and an arm64 sibling.
pub fn checksum_file(os: &OsImage, image: &[u8]) -> String {
    let style = ChecksumStyle::of(os.key());
    let file = upstream_file(os);
    let sibling = file.replace("amd64", "arm64");
    let mut lines = [
        (sibling.clone(), style.line(&stand_in_image(&sibling), &sibling)),
        (file.to_owned(), style.line(image, file)),
    ];
    lines.sort();
    lines.into_iter().map(|(_, line)| line).collect()
}
