//! `Argon2idHasher`: the `PasswordHasher` port with Argon2id (RFC 9106), salted per password,
//! stored as PHC strings (`$argon2id$v=19$m=19456,t=2,p=1$…`) so the parameters travel with
//! each hash and can be raised later without breaking old ones.

use std::sync::OnceLock;

use argon2::password_hash::{PasswordHash, PasswordHasher as _, PasswordVerifier as _, SaltString};
use argon2::{Algorithm, Argon2, Params, Version};

use crate::ports::{HashError, PasswordHasher};

/// Argon2id with a memory cost, an iteration count and one lane.
#[derive(Debug, Clone)]
pub struct Argon2idHasher {
    params: Params,
    /// A hash of a random password, verified against when the account does not exist.
    decoy: OnceLock<String>,
}

impl Argon2idHasher {
    /// OWASP's recommended minimum for Argon2id: 19 MiB, 2 iterations, 1 lane.
    pub fn recommended() -> Self {
        Self::with_cost(19 * 1024, 2).expect("the recommended Argon2 parameters are valid")
    }

    /// Custom cost (memory in KiB, iterations), e.g. for benchmarks.
    ///
    /// Errors: [`HashError`] when the parameters are out of Argon2's range.
    pub fn with_cost(memory_kib: u32, iterations: u32) -> Result<Self, HashError> {
        let params = Params::new(memory_kib, iterations, 1, None).map_err(|e| HashError(e.to_string()))?;
        Ok(Self {
            params,
            decoy: OnceLock::new(),
        })
    }

    fn argon2(&self) -> Argon2<'static> {
        Argon2::new(Algorithm::Argon2id, Version::V0x13, self.params.clone())
    }

    fn decoy(&self) -> &str {
        self.decoy.get_or_init(|| {
            let mut noise = [0u8; 24];
            let _ = getrandom::fill(&mut noise);
            let text: String = noise.iter().map(|b| format!("{b:02x}")).collect();
            self.hash(&text).unwrap_or_default()
        })
    }
}

impl PasswordHasher for Argon2idHasher {
    fn hash(&self, password: &str) -> Result<String, HashError> {
        let mut salt = [0u8; 16];
        getrandom::fill(&mut salt).map_err(|e| HashError(format!("no randomness for the salt: {e}")))?;
        let salt = SaltString::encode_b64(&salt).map_err(|e| HashError(e.to_string()))?;
        self.argon2()
            .hash_password(password.as_bytes(), &salt)
            .map(|h| h.to_string())
            .map_err(|e| HashError(e.to_string()))
    }

    fn verify(&self, password: &str, phc: &str) -> bool {
        let Ok(parsed) = PasswordHash::new(phc) else {
            return false;
        };
        // Verify with the parameters stored in the hash, whatever today's defaults are.
        Argon2::default().verify_password(password.as_bytes(), &parsed).is_ok()
    }

    fn verify_nothing(&self, password: &str) {
        let decoy = self.decoy().to_string();
        let _ = self.verify(password, &decoy);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cheap() -> Argon2idHasher {
        Argon2idHasher::with_cost(1024, 1).unwrap()
    }

    #[test]
    fn a_hash_verifies_its_password_only() {
        let hasher = cheap();
        let phc = hasher.hash("correct horse battery staple").unwrap();
        assert!(phc.starts_with("$argon2id$v=19$m=1024,t=1,p=1$"), "{phc}");
        assert!(hasher.verify("correct horse battery staple", &phc));
        assert!(!hasher.verify("correct horse battery stapl", &phc));
        assert!(!hasher.verify("correct horse battery staple", "not a hash"));
    }

    #[test]
    fn salts_differ_so_equal_passwords_hash_differently() {
        let hasher = cheap();
        let a = hasher.hash("same password here").unwrap();
        let b = hasher.hash("same password here").unwrap();
        assert_ne!(a, b);
        assert!(hasher.verify("same password here", &b));
    }

    #[test]
    fn old_hashes_verify_after_the_cost_changes() {
        let old = cheap().hash("kept across upgrades").unwrap();
        assert!(Argon2idHasher::recommended().verify("kept across upgrades", &old));
        assert!(
            Argon2idHasher::recommended()
                .hash("x")
                .unwrap()
                .contains("m=19456,t=2,p=1")
        );
    }

    #[test]
    fn verifying_nothing_does_not_panic() {
        cheap().verify_nothing("anything");
    }
}
