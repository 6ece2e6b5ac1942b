//! Row ↔ port-type mapping for the account tables. A stored value that does not parse is
//! reported as corruption, never guessed.

use sea_orm::DbErr;

use super::super::entities::{api_token, session, user};
use crate::domain::account::{Email, TokenScope, UserStatus};
use crate::domain::ids::UserId;
use crate::domain::role::Role;
use crate::ports::StoreError;
use crate::ports::accounts::{AccountStoreError, SessionRecord, TokenRecord, User, UserCredentials};

pub(super) fn corrupt(what: &str, value: &str) -> AccountStoreError {
    AccountStoreError::Store(StoreError::Corrupt(format!("{what}: {value:?}")))
}

pub(super) fn db(e: DbErr) -> AccountStoreError {
    AccountStoreError::Store(StoreError::Unavailable(e.to_string()))
}

pub(super) fn user_id(text: &str) -> Result<UserId, AccountStoreError> {
    text.parse().map_err(|_| corrupt("user id", text))
}

pub(super) fn uuid(text: &str) -> Result<uuid::Uuid, AccountStoreError> {
    uuid::Uuid::parse_str(text).map_err(|_| corrupt("record id", text))
}

pub(super) fn role(text: &str) -> Result<Role, AccountStoreError> {
    text.parse().map_err(|_| corrupt("role", text))
}

pub(super) fn status(text: &str) -> Result<UserStatus, AccountStoreError> {
    text.parse().map_err(|_| corrupt("user status", text))
}

pub(super) fn to_user(m: &user::Model) -> Result<User, AccountStoreError> {
    Ok(User {
        id: user_id(&m.id)?,
        email: Email::parse(&m.email).map_err(|_| corrupt("email", &m.email))?,
        name: m.name.clone(),
        role: role(&m.role)?,
        status: status(&m.status)?,
        created_at: m.created_at,
        last_seen_at: m.last_seen_at,
        access_code_version: m.access_code_version,
        has_password: m.password_hash.is_some(),
        email_verified: m.email_verified,
        email_conflict_at: m.email_conflict_at,
    })
}

pub(super) fn to_credentials(m: user::Model) -> Result<UserCredentials, AccountStoreError> {
    Ok(UserCredentials {
        user: to_user(&m)?,
        password_hash: m.password_hash,
    })
}

pub(super) fn to_session(m: &session::Model) -> Result<SessionRecord, AccountStoreError> {
    Ok(SessionRecord {
        id: uuid(&m.id)?,
        user_id: user_id(&m.user_id)?,
        created_at: m.created_at,
        last_used_at: m.last_used_at,
        user_agent: m.user_agent.clone(),
        ip: m.ip.clone(),
    })
}

pub(super) fn to_token(m: &api_token::Model) -> Result<TokenRecord, AccountStoreError> {
    Ok(TokenRecord {
        id: uuid(&m.id)?,
        user_id: user_id(&m.user_id)?,
        name: m.name.clone(),
        prefix: m.prefix.clone(),
        scope: m
            .scope
            .parse::<TokenScope>()
            .map_err(|_| corrupt("token scope", &m.scope))?,
        created_at: m.created_at,
        expires_at: m.expires_at,
        last_used_at: m.last_used_at,
    })
}

/// Digests are stored as lower-case hex.
pub(super) fn hex(digest: &[u8; 32]) -> String {
    digest.iter().map(|b| format!("{b:02x}")).collect()
}
