//! Reading the checksum lists distributions publish beside their cloud images. Ubuntu writes
//! `<hex> *<file>`, Debian `<hex>  <file>`, and BSD-style tools `SHA256 (<file>) = <hex>`; all
//! three are read, and only a digest of the expected length counts.

use crate::domain::os_image::DigestAlgorithm;

/// Why no checksum could be taken from a list.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ChecksumError {
    #[error(
        "the checksum list has no {algorithm} line for {file}; check that the checksum URL belongs to this image \
         (or the mirror's copy is complete)"
    )]
    Missing { file: String, algorithm: &'static str },
}

/// The lower-case hex digest of `file` in `list`.
pub fn find_checksum(list: &str, file: &str, algorithm: DigestAlgorithm) -> Result<String, ChecksumError> {
    let is_digest = |d: &str| d.len() == algorithm.hex_len() && d.chars().all(|c| c.is_ascii_hexdigit());
    list.lines()
        .find_map(|line| {
            let line = line.trim();
            if let Some(rest) = line.strip_prefix(&format!("{} (", algorithm.proxmox_name().to_uppercase())) {
                let (name, digest) = rest.split_once(") = ")?;
                return (name == file && is_digest(digest.trim())).then(|| digest.trim().to_ascii_lowercase());
            }
            let (digest, name) = line.split_once(char::is_whitespace)?;
            let name = name.trim_start().trim_start_matches('*');
            (name == file && is_digest(digest)).then(|| digest.to_ascii_lowercase())
        })
        .ok_or_else(|| ChecksumError::Missing {
            file: file.to_owned(),
            algorithm: algorithm.proxmox_name(),
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    const A: &str = "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";

    #[test]
    fn ubuntu_debian_and_bsd_lines_are_read() {
        let ubuntu = format!("{} *other.img\n{} *noble.img\n", "f".repeat(64), A);
        assert_eq!(find_checksum(&ubuntu, "noble.img", DigestAlgorithm::Sha256).unwrap(), A);
        let debian = format!("{}  debian-12.qcow2\n", A.to_uppercase());
        assert_eq!(
            find_checksum(&debian, "debian-12.qcow2", DigestAlgorithm::Sha256).unwrap(),
            A
        );
        let bsd = format!("SHA256 (noble.img) = {A}\n");
        assert_eq!(find_checksum(&bsd, "noble.img", DigestAlgorithm::Sha256).unwrap(), A);
    }

    #[test]
    fn a_missing_file_or_a_digest_of_the_wrong_length_is_an_error_naming_the_file() {
        let list = format!("{A} *noble.img\n");
        let err = find_checksum(&list, "jammy.img", DigestAlgorithm::Sha256).unwrap_err();
        assert!(err.to_string().contains("jammy.img"), "{err}");
        // A sha256 line does not satisfy a sha512 list.
        assert!(find_checksum(&list, "noble.img", DigestAlgorithm::Sha512).is_err());
        assert!(find_checksum("not a list at all", "noble.img", DigestAlgorithm::Sha256).is_err());
        assert!(find_checksum("", "noble.img", DigestAlgorithm::Sha256).is_err());
    }
}
