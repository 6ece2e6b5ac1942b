//! `AesGcmSecrets`: the `Secrets` port with AES-256-GCM. A sealed value is
//! `v1.<base64url(nonce ‖ ciphertext ‖ tag)>`, with a random 96-bit nonce per value and the slot
//! (`nimbus/v1/<table>/<column>/<row>`) as associated data.

use aes_gcm::aead::{Aead, KeyInit, Payload};
use aes_gcm::{Aes256Gcm, Nonce};
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;

use crate::ports::{SecretSlot, Secrets, SecretsError};

const PREFIX: &str = "v1.";
const NONCE_LEN: usize = 12;

/// AES-256-GCM under one 32-byte master key.
pub struct AesGcmSecrets {
    cipher: Aes256Gcm,
}

impl AesGcmSecrets {
    pub fn new(key: &[u8; 32]) -> Self {
        Self {
            cipher: Aes256Gcm::new(key.into()),
        }
    }
}

fn aad(slot: &SecretSlot) -> String {
    format!("nimbus/v1/{}/{}/{}", slot.table, slot.column, slot.row)
}

impl Secrets for AesGcmSecrets {
    fn seal(&self, slot: &SecretSlot, plaintext: &[u8]) -> Result<String, SecretsError> {
        let mut nonce = [0u8; NONCE_LEN];
        getrandom::fill(&mut nonce).map_err(|e| SecretsError::Internal(format!("no randomness: {e}")))?;
        let aad = aad(slot);
        let sealed = self
            .cipher
            .encrypt(
                &Nonce::from(nonce),
                Payload {
                    msg: plaintext,
                    aad: aad.as_bytes(),
                },
            )
            .map_err(|_| SecretsError::Internal("AES-GCM refused to encrypt".into()))?;
        let mut bytes = nonce.to_vec();
        bytes.extend(sealed);
        Ok(format!("{PREFIX}{}", URL_SAFE_NO_PAD.encode(bytes)))
    }

    fn open(&self, slot: &SecretSlot, sealed: &str) -> Result<Vec<u8>, SecretsError> {
        let malformed = || SecretsError::Malformed(slot.to_string());
        let body = sealed.strip_prefix(PREFIX).ok_or_else(malformed)?;
        let bytes = URL_SAFE_NO_PAD.decode(body).map_err(|_| malformed())?;
        if bytes.len() < NONCE_LEN + 16 {
            return Err(malformed());
        }
        let (nonce, ciphertext) = bytes.split_at(NONCE_LEN);
        let nonce: [u8; NONCE_LEN] = nonce.try_into().map_err(|_| malformed())?;
        let aad = aad(slot);
        self.cipher
            .decrypt(
                &Nonce::from(nonce),
                Payload {
                    msg: ciphertext,
                    aad: aad.as_bytes(),
                },
            )
            .map_err(|_| SecretsError::Undecryptable(slot.to_string()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const KEY: [u8; 32] = [7; 32];

    fn slot(row: &str) -> SecretSlot {
        SecretSlot::new("secret_values", "sealed", row)
    }

    #[test]
    fn a_sealed_value_opens_in_its_slot_and_never_repeats() {
        let secrets = AesGcmSecrets::new(&KEY);
        let a = secrets.seal(&slot("github"), b"client-secret").unwrap();
        let b = secrets.seal(&slot("github"), b"client-secret").unwrap();
        assert_ne!(a, b, "a fresh nonce per value");
        assert!(a.starts_with("v1.") && !a.contains("client-secret"));
        assert_eq!(secrets.open(&slot("github"), &a).unwrap(), b"client-secret");
    }

    #[test]
    fn a_value_moved_to_another_slot_fails_to_open() {
        let secrets = AesGcmSecrets::new(&KEY);
        let sealed = secrets.seal(&slot("github"), b"client-secret").unwrap();
        assert_eq!(
            secrets.open(&slot("google"), &sealed),
            Err(SecretsError::Undecryptable("secret_values.sealed[google]".into()))
        );
        let other_column = SecretSlot::new("secret_values", "other", "github");
        assert!(matches!(
            secrets.open(&other_column, &sealed),
            Err(SecretsError::Undecryptable(_))
        ));
    }

    #[test]
    fn a_tampered_value_or_a_wrong_key_fails_loudly() {
        let secrets = AesGcmSecrets::new(&KEY);
        let sealed = secrets.seal(&slot("github"), b"client-secret").unwrap();
        let mut bytes = URL_SAFE_NO_PAD.decode(&sealed[3..]).unwrap();
        let last = bytes.len() - 1;
        bytes[last] ^= 1;
        let tampered = format!("v1.{}", URL_SAFE_NO_PAD.encode(bytes));
        assert!(matches!(
            secrets.open(&slot("github"), &tampered),
            Err(SecretsError::Undecryptable(_))
        ));
        let wrong = AesGcmSecrets::new(&[8; 32]);
        assert!(matches!(
            wrong.open(&slot("github"), &sealed),
            Err(SecretsError::Undecryptable(_))
        ));
        for junk in ["", "v1.", "v1.!!!", "v2.AAAA", "plaintext"] {
            assert!(
                matches!(secrets.open(&slot("github"), junk), Err(SecretsError::Malformed(_))),
                "{junk}"
            );
        }
    }
}
