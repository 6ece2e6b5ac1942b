//! The random secrets of accounts: session cookies, API tokens and the one-time setup token,
//! and the SHA-256 digests under which the first two are stored. Secrets are 256-bit random
//! values, so a fast digest is enough (unlike passwords, they cannot be guessed from a list).

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use sha2::{Digest, Sha256};

use crate::domain::account::TOKEN_PREFIX;

/// How many characters of a token (its prefix included) are stored to tell tokens apart.
pub const SHOWN_PREFIX_CHARS: usize = TOKEN_PREFIX.len() + 6;

fn random_bytes<const N: usize>() -> [u8; N] {
    let mut bytes = [0u8; N];
    getrandom::fill(&mut bytes).expect("the operating system has no randomness to give");
    bytes
}

/// A new session secret for the cookie (43 URL-safe characters).
pub fn session_secret() -> String {
    URL_SAFE_NO_PAD.encode(random_bytes::<32>())
}

/// A new API token secret: `nimbus_` and 43 URL-safe characters.
pub fn token_secret() -> String {
    format!("{TOKEN_PREFIX}{}", URL_SAFE_NO_PAD.encode(random_bytes::<32>()))
}

/// A new setup token, in groups people can read out: `1f2e3d4c-…` (128 bits).
pub fn setup_token() -> String {
    let hex: String = random_bytes::<16>().iter().map(|b| format!("{b:02x}")).collect();
    hex.as_bytes()
        .chunks(8)
        .map(|c| std::str::from_utf8(c).unwrap_or_default())
        .collect::<Vec<_>>()
        .join("-")
}

/// What a typed setup token is compared as: lower case, without spaces or dashes.
pub fn normalise_setup_token(text: &str) -> String {
    text.chars()
        .filter(|c| !c.is_whitespace() && *c != '-')
        .flat_map(char::to_lowercase)
        .collect()
}

/// The stored form of a secret.
pub fn digest(secret: &str) -> [u8; 32] {
    Sha256::digest(secret.as_bytes()).into()
}

/// The shown prefix of a token secret.
pub fn shown_prefix(secret: &str) -> String {
    secret.chars().take(SHOWN_PREFIX_CHARS).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secrets_are_long_random_and_distinct() {
        let (a, b) = (session_secret(), session_secret());
        assert_eq!(a.len(), 43);
        assert_ne!(a, b);
        let token = token_secret();
        assert!(token.starts_with("nimbus_") && token.len() == 50, "{token}");
        assert_eq!(shown_prefix(&token).len(), 13);
        assert_ne!(digest(&a), digest(&b));
        assert_eq!(digest(&a), digest(&a.clone()));
    }

    #[test]
    fn setup_tokens_read_in_groups_and_compare_loosely() {
        let token = setup_token();
        assert_eq!(token.len(), 35, "{token}");
        assert_eq!(token.split('-').count(), 4);
        let typed = format!("  {} ", token.to_uppercase().replace('-', " "));
        assert_eq!(normalise_setup_token(&typed), normalise_setup_token(&token));
    }
}
