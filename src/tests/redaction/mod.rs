//! Every type that carries a password, token, client secret, private key or master key keeps it
//! out of `Debug` (logs, panic messages, `tracing` fields): each is formatted with `{:?}` here
//! with a marked secret in every secret field, and the marker must not appear.
//!
//! The samples are in `inner.rs` (ports, use cases, configuration, the Proxmox client) and
//! `http.rs` (the API's bodies) and `gopher.rs` (the Gopher client and simulator).

mod gopher;
mod http;
mod inner;

use chrono::{DateTime, Utc};
use uuid::Uuid;

use crate::adapters::http::accounts::LoginRequest;
use crate::app::accounts::{BootReport, TokenView};
use crate::domain::account::{Email, TokenScope, UserStatus};
use crate::domain::ids::UserId;
use crate::domain::keys::KeyAlgorithm;
use crate::domain::role::Role;
use crate::ports::accounts::{TokenRecord, User};
use crate::ports::ssh_keys::PublicKeyInfo;

const SECRET: &str = "TOPSECRET-4f1c";

fn secret() -> String {
    SECRET.to_string()
}

fn at() -> DateTime<Utc> {
    DateTime::from_timestamp(1_800_000_000, 0).unwrap()
}

fn user() -> User {
    User {
        id: UserId::from_uuid(Uuid::from_u128(1)),
        email: Email::parse("ada@lab.example").unwrap(),
        name: "Ada".into(),
        role: Role::Member,
        status: UserStatus::Active,
        created_at: at(),
        last_seen_at: None,
        access_code_version: None,
        has_password: true,
        email_verified: false,
        email_conflict_at: None,
    }
}

fn token_view() -> TokenView {
    TokenView {
        record: TokenRecord {
            id: Uuid::from_u128(2),
            user_id: UserId::from_uuid(Uuid::from_u128(1)),
            name: "ci".into(),
            prefix: "nmb_ab".into(),
            scope: TokenScope::ReadWrite,
            created_at: at(),
            expires_at: at(),
            last_used_at: None,
        },
        expired: false,
    }
}

fn public_key() -> PublicKeyInfo {
    PublicKeyInfo {
        algorithm: KeyAlgorithm::Ed25519,
        bits: 256,
        fingerprint: "SHA256:abc".into(),
        line: "ssh-ed25519 AAAA ada".into(),
        comment: "ada".into(),
    }
}

/// `(type, its Debug text)` for each type with a secret field.
fn every_type() -> Vec<(&'static str, String)> {
    let mut all = inner::samples();
    all.extend(http::samples());
    all.extend(gopher::samples());
    all
}

#[test]
fn no_type_that_carries_a_secret_prints_it_through_debug() {
    let leaks: Vec<String> = every_type()
        .into_iter()
        .filter(|(_, debug)| debug.contains(SECRET))
        .map(|(name, debug)| format!("{name}: {debug}"))
        .collect();
    assert!(leaks.is_empty(), "secrets printed by Debug:\n  {}", leaks.join("\n  "));
}

#[test]
fn redacted_fields_still_say_whether_a_secret_was_given() {
    let given = format!(
        "{:?}",
        LoginRequest {
            email: "ada@lab.example".into(),
            password: secret()
        }
    );
    assert!(
        given.contains("ada@lab.example") && given.contains("password: [redacted]"),
        "{given}"
    );
    let none = format!(
        "{:?}",
        BootReport {
            promoted: None,
            setup_token: None
        }
    );
    assert!(none.contains("setup_token: None"), "{none}");
}
