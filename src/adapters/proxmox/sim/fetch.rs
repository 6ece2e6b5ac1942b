//! What the simulator's `download-url` really fetches. Nothing leaves the machine: only a loopback
//! host (127.0.0.0/8, ::1, `localhost`) is asked; any other host fails the task without a
//! connection attempt. Also the checksums Proxmox verifies downloads with.

use std::time::Duration;

use sha2::Digest as _;

use crate::ports::proxmox::ChecksumAlgorithm;

/// How long a fetch from a loopback file server may take.
const FETCH_TIMEOUT: Duration = Duration::from_secs(30);

/// The body at `url`, or the task's error text (`download failed: …`).
pub(super) async fn fetch(url: &str) -> Result<Vec<u8>, String> {
    let parsed = url::Url::parse(url).map_err(|e| format!("download failed: invalid URL '{url}': {e}"))?;
    let loopback = match parsed.host() {
        Some(url::Host::Domain(name)) => name.eq_ignore_ascii_case("localhost"),
        Some(url::Host::Ipv4(ip)) => ip.is_loopback(),
        Some(url::Host::Ipv6(ip)) => ip.is_loopback(),
        None => false,
    };
    if !loopback {
        let host = parsed.host_str().unwrap_or_default();
        return Err(format!(
            "download failed: {host} is not reachable from the simulator (loopback only)"
        ));
    }
    let client = reqwest::Client::builder()
        .no_proxy()
        .timeout(FETCH_TIMEOUT)
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .map_err(|e| format!("download failed: {e}"))?;
    let response = client.get(parsed).send().await.map_err(|e| failed(&e))?;
    let status = response.status();
    if !status.is_success() {
        return Err(format!("download failed: {status}"));
    }
    let body = response.bytes().await.map_err(|e| failed(&e))?;
    Ok(body.to_vec())
}

/// `download failed: <error>: <cause>` for a transport error.
fn failed(e: &reqwest::Error) -> String {
    let mut text = format!("download failed: {e}");
    let mut source = std::error::Error::source(e);
    while let Some(cause) = source {
        text.push_str(&format!(": {cause}"));
        source = cause.source();
    }
    text
}

/// The lowercase hex digest of `bytes`.
pub(super) fn hex_digest(algorithm: ChecksumAlgorithm, bytes: &[u8]) -> String {
    let raw: Vec<u8> = match algorithm {
        ChecksumAlgorithm::Md5 => {
            use md5::Digest as _;
            md5::Md5::digest(bytes).to_vec()
        }
        ChecksumAlgorithm::Sha1 => sha1::Sha1::digest(bytes).to_vec(),
        ChecksumAlgorithm::Sha224 => sha2::Sha224::digest(bytes).to_vec(),
        ChecksumAlgorithm::Sha256 => sha2::Sha256::digest(bytes).to_vec(),
        ChecksumAlgorithm::Sha384 => sha2::Sha384::digest(bytes).to_vec(),
        ChecksumAlgorithm::Sha512 => sha2::Sha512::digest(bytes).to_vec(),
    };
    raw.iter().map(|b| format!("{b:02x}")).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn digests_match_the_known_answers_for_abc() {
        let want = [
            (ChecksumAlgorithm::Md5, "900150983cd24fb0d6963f7d28e17f72"),
            (ChecksumAlgorithm::Sha1, "a9993e364706816aba3e25717850c26c9cd0d89d"),
            (
                ChecksumAlgorithm::Sha224,
                "23097d223405d8228642a477bda255b32aadbce4bda0b3f7e36c9da7",
            ),
            (
                ChecksumAlgorithm::Sha256,
                "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad",
            ),
        ];
        for (algorithm, hex) in want {
            assert_eq!(hex_digest(algorithm, b"abc"), hex, "{algorithm:?}");
        }
        assert_eq!(hex_digest(ChecksumAlgorithm::Sha384, b"abc").len(), 96);
        assert_eq!(hex_digest(ChecksumAlgorithm::Sha512, b"abc").len(), 128);
    }

    #[tokio::test]
    async fn a_host_off_loopback_fails_without_a_connection_attempt() {
        for url in [
            "http://192.0.2.7/noble.qcow2",
            "https://cloud-images.ubuntu.com/noble.img",
            "http://[2001:db8::1]:8080/x.iso",
        ] {
            let error = fetch(url).await.unwrap_err();
            assert!(
                error.starts_with("download failed: ")
                    && error.ends_with("is not reachable from the simulator (loopback only)"),
                "{url}: {error}"
            );
        }
        let error = fetch("http://192.0.2.7/x").await.unwrap_err();
        assert_eq!(
            error,
            "download failed: 192.0.2.7 is not reachable from the simulator (loopback only)"
        );
    }
}
