//! `OpenSshCodec`: the `KeyCodec` port with the ssh-key crate — authorized_keys lines, OpenSSH
//! private keys (refusing passphrase-protected ones), SHA-256 fingerprints as `ssh-keygen -l`
//! prints them, and Ed25519 generation.

use rand_core::OsRng;
use ssh_key::public::KeyData;
use ssh_key::{Algorithm, EcdsaCurve, HashAlg, LineEnding, PrivateKey, PublicKey};

use crate::domain::keys::KeyAlgorithm;
use crate::ports::ssh_keys::{KeyCodec, KeyParseError, PrivateKeyInfo, PublicKeyInfo};

pub struct OpenSshCodec;

/// Bits of a big-endian unsigned integer.
fn bit_length(bytes: &[u8]) -> u32 {
    let trimmed: Vec<u8> = bytes.iter().copied().skip_while(|b| *b == 0).collect();
    match trimmed.first() {
        None => 0,
        Some(first) => (trimmed.len() as u32 - 1) * 8 + (8 - first.leading_zeros()),
    }
}

fn describe(key: &PublicKey) -> Result<PublicKeyInfo, KeyParseError> {
    let (algorithm, bits) = match (key.algorithm(), key.key_data()) {
        (Algorithm::Ed25519, _) => (KeyAlgorithm::Ed25519, 256),
        (Algorithm::Ecdsa { curve }, _) => match curve {
            EcdsaCurve::NistP256 => (KeyAlgorithm::EcdsaP256, 256),
            EcdsaCurve::NistP384 => (KeyAlgorithm::EcdsaP384, 384),
            EcdsaCurve::NistP521 => (KeyAlgorithm::EcdsaP521, 521),
        },
        (Algorithm::Rsa { .. }, KeyData::Rsa(rsa)) => {
            let bits = rsa.n.as_positive_bytes().map(bit_length).unwrap_or(0);
            (KeyAlgorithm::Rsa, bits)
        }
        (Algorithm::Dsa, _) => return Err(KeyParseError::Unsupported("DSA".into())),
        (other, _) => return Err(KeyParseError::Unsupported(other.as_str().to_string())),
    };
    let line = key.to_openssh().map_err(|e| KeyParseError::Internal(e.to_string()))?;
    Ok(PublicKeyInfo {
        algorithm,
        bits,
        fingerprint: key.fingerprint(HashAlg::Sha256).to_string(),
        line,
        comment: key.comment().to_string(),
    })
}

fn looks_private(text: &str) -> bool {
    text.contains("PRIVATE KEY-----")
}

impl KeyCodec for OpenSshCodec {
    fn parse_public(&self, text: &str) -> Result<PublicKeyInfo, KeyParseError> {
        if looks_private(text) {
            return Err(KeyParseError::PrivateInPublicField);
        }
        let line = text
            .lines()
            .map(str::trim)
            .find(|l| !l.is_empty())
            .ok_or(KeyParseError::NotPublic)?;
        let key = PublicKey::from_openssh(line).map_err(|_| {
            let algorithm = line.split_whitespace().next().unwrap_or_default();
            if algorithm.starts_with("ssh-dss") {
                KeyParseError::Unsupported("DSA".into())
            } else if algorithm.starts_with("sk-") {
                KeyParseError::Unsupported(algorithm.to_string())
            } else {
                KeyParseError::NotPublic
            }
        })?;
        if key.comment().chars().any(char::is_control) {
            return Err(KeyParseError::ControlCharacter);
        }
        describe(&key)
    }

    fn parse_private(&self, text: &str) -> Result<PrivateKeyInfo, KeyParseError> {
        let text = text.trim();
        if text.starts_with("ssh-") || text.starts_with("ecdsa-") {
            return Err(KeyParseError::PublicInPrivateField);
        }
        if !text.starts_with("-----BEGIN OPENSSH PRIVATE KEY-----") {
            return Err(KeyParseError::NotPrivate);
        }
        let key = PrivateKey::from_openssh(text).map_err(|_| KeyParseError::NotPrivate)?;
        if key.is_encrypted() {
            return Err(KeyParseError::Encrypted);
        }
        let public = describe(key.public_key())?;
        let openssh = key
            .to_openssh(LineEnding::LF)
            .map_err(|e| KeyParseError::Internal(e.to_string()))?;
        Ok(PrivateKeyInfo {
            public,
            openssh: openssh.to_string(),
        })
    }

    fn generate_ed25519(&self, comment: &str) -> Result<PrivateKeyInfo, KeyParseError> {
        let mut key =
            PrivateKey::random(&mut OsRng, Algorithm::Ed25519).map_err(|e| KeyParseError::Internal(e.to_string()))?;
        key.set_comment(comment);
        let public = describe(key.public_key())?;
        let openssh = key
            .to_openssh(LineEnding::LF)
            .map_err(|e| KeyParseError::Internal(e.to_string()))?;
        Ok(PrivateKeyInfo {
            public,
            openssh: openssh.to_string(),
        })
    }
}

#[cfg(test)]
mod tests;
