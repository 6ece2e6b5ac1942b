//! The `AccountStore` port: users, browser sessions and API tokens, durably. Session and token
//! secrets never reach this port: only their SHA-256 digests do.

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use uuid::Uuid;

use crate::domain::account::{Email, TokenScope, UserStatus};
use crate::domain::ids::UserId;
use crate::domain::oauth::Provider;
use crate::domain::role::Role;

use super::StoreError;

/// An account as the rest of Nimbus sees it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct User {
    pub id: UserId,
    pub email: Email,
    pub name: String,
    pub role: Role,
    pub status: UserStatus,
    pub created_at: DateTime<Utc>,
    /// When a session or token of this user was last seen (at most a minute stale).
    pub last_seen_at: Option<DateTime<Utc>>,
    /// The access-code version this account last entered (see the access-code gate).
    pub access_code_version: Option<i64>,
    /// The account has a password (accounts made by GitHub or Google sign-in may not).
    pub has_password: bool,
    /// A provider proved the address (it made the account, or a sign-in or link of the account
    /// carried it verified). An address typed at sign-up is not proven: anyone can type one.
    pub email_verified: bool,
    /// When a provider sign-in with this (unproven) address was refused: someone else may own
    /// it, and admins see the account flagged until the address is proven or released.
    pub email_conflict_at: Option<DateTime<Utc>>,
}

/// A user with the stored password hash (sign-in only).
#[derive(Clone, PartialEq, Eq)]
pub struct UserCredentials {
    pub user: User,
    /// The PHC string of the password hash; `None` for accounts without a password.
    pub password_hash: Option<String>,
}

crate::domain::redact::debug_redacted!(UserCredentials { user } secret { password_hash });

/// A new account. Its role is decided by the store inside the write (see `create_user`).
#[derive(Clone, PartialEq, Eq)]
pub struct NewUser {
    pub id: UserId,
    pub email: Email,
    pub name: String,
    /// `None` for an account that signs in with GitHub or Google only.
    pub password_hash: Option<String>,
    /// A provider vouched for `email` (the account is made by a provider sign-in).
    pub email_verified: bool,
    pub now: DateTime<Utc>,
}

crate::domain::redact::debug_redacted!(NewUser { id, email, name, email_verified, now } secret { password_hash });

/// A GitHub or Google identity linked to an account.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IdentityRecord {
    pub provider: Provider,
    /// The provider's stable user id.
    pub subject: String,
    pub user_id: UserId,
    pub login: String,
    pub email: Option<String>,
    pub linked_at: DateTime<Utc>,
}

/// Whether a new account may take the admin seat when no active admin exists.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AdminSeat {
    /// Yes: the first account becomes admin (demo, or a valid setup token was given).
    MayTake,
    /// No: refuse the registration while no admin exists.
    MustNotTake,
}

/// A stored browser session.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SessionRecord {
    pub id: Uuid,
    pub user_id: UserId,
    pub created_at: DateTime<Utc>,
    pub last_used_at: DateTime<Utc>,
    pub user_agent: Option<String>,
    pub ip: Option<String>,
}

/// A stored API token (never the secret).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TokenRecord {
    pub id: Uuid,
    pub user_id: UserId,
    pub name: String,
    /// The first characters of the secret, shown so people can tell tokens apart.
    pub prefix: String,
    pub scope: TokenScope,
    pub created_at: DateTime<Utc>,
    pub expires_at: DateTime<Utc>,
    pub last_used_at: Option<DateTime<Utc>>,
}

/// Refusals of account writes.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum AccountStoreError {
    #[error("an account with this email already exists")]
    EmailTaken,
    #[error("no admin exists and this registration may not create one")]
    AdminSeatClosed,
    #[error("the change would leave no active admin")]
    LastAdmin,
    #[error("no such record")]
    NotFound,
    #[error("a token with this name already exists")]
    TokenNameTaken,
    #[error("the account is an admin's")]
    AdminAccount,
    #[error("this provider identity is linked to another account")]
    IdentityInUse,
    #[error("the account already has an identity of this provider")]
    ProviderAlreadyLinked,
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// A change of role or standing made by an admin.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct StandingUpdate {
    pub role: Option<Role>,
    pub status: Option<UserStatus>,
}

#[cfg_attr(test, mockall::automock)]
#[async_trait]
pub trait AccountStore: Send + Sync {
    /// Creates an account, atomically deciding its role: admin when no active admin exists and
    /// `seat` allows it, member otherwise.
    ///
    /// Errors: `EmailTaken`; `AdminSeatClosed` when no active admin exists and `seat` is
    /// `MustNotTake`; `Store`.
    async fn create_user(&self, new: NewUser, seat: AdminSeat) -> Result<User, AccountStoreError>;

    /// Errors: `Store`.
    async fn find_user_by_email(&self, email: &Email) -> Result<Option<UserCredentials>, AccountStoreError>;

    /// Errors: `Store`.
    async fn get_user(&self, id: UserId) -> Result<Option<UserCredentials>, AccountStoreError>;

    /// Every account, oldest first. Errors: `Store`.
    async fn list_users(&self) -> Result<Vec<User>, AccountStoreError>;

    /// Active admins. Errors: `Store`.
    async fn count_active_admins(&self) -> Result<u64, AccountStoreError>;

    /// Errors: `NotFound`, `Store`.
    async fn rename_user(&self, id: UserId, name: &str, now: DateTime<Utc>) -> Result<User, AccountStoreError>;

    /// Replaces the password hash and ends every session of the user except `keep`, in one write.
    /// Returns how many sessions ended. Errors: `NotFound`, `Store`.
    async fn set_password(
        &self,
        id: UserId,
        password_hash: &str,
        keep: Option<Uuid>,
        now: DateTime<Utc>,
    ) -> Result<u64, AccountStoreError>;

    /// Changes role and/or standing, refusing (inside the same write) a change that leaves no
    /// active admin, and ends every session of the user except `keep`.
    ///
    /// Errors: `NotFound`, `LastAdmin`, `Store`.
    async fn update_standing(
        &self,
        id: UserId,
        update: StandingUpdate,
        keep: Option<Uuid>,
        now: DateTime<Utc>,
    ) -> Result<User, AccountStoreError>;

    /// When no active admin exists, makes the oldest active account admin (ending its
    /// sessions) and returns it. Errors: `Store`.
    async fn promote_oldest_if_no_admin(&self, now: DateTime<Utc>) -> Result<Option<User>, AccountStoreError>;

    /// Stores a session under the digest of its secret. Errors: `Store`.
    async fn create_session(&self, session: SessionRecord, secret_digest: &[u8; 32]) -> Result<(), AccountStoreError>;

    /// The session with this secret digest and its user. Errors: `Store`.
    async fn find_session(&self, secret_digest: &[u8; 32]) -> Result<Option<(SessionRecord, User)>, AccountStoreError>;

    /// Writes a session's (and its user's) last-used time. Errors: `Store`.
    async fn touch_session(&self, id: Uuid, user: UserId, now: DateTime<Utc>) -> Result<(), AccountStoreError>;

    /// The user's sessions, newest first. Errors: `Store`.
    async fn list_sessions(&self, user: UserId) -> Result<Vec<SessionRecord>, AccountStoreError>;

    /// Ends one session of `user`; `false` when it is not theirs or does not exist.
    /// Errors: `Store`.
    async fn delete_session(&self, user: UserId, id: Uuid) -> Result<bool, AccountStoreError>;

    /// Ends every session of `user` except `keep`; returns how many ended. Errors: `Store`.
    async fn delete_sessions_of(&self, user: UserId, keep: Option<Uuid>) -> Result<u64, AccountStoreError>;

    /// Deletes sessions last used before `idle_cutoff` or created before `absolute_cutoff`, and
    /// tokens that expired before `token_cutoff`. Returns (sessions, tokens) removed.
    /// Errors: `Store`.
    async fn purge_expired(
        &self,
        idle_cutoff: DateTime<Utc>,
        absolute_cutoff: DateTime<Utc>,
        token_cutoff: DateTime<Utc>,
    ) -> Result<(u64, u64), AccountStoreError>;

    /// Stores a token under the digest of its secret. Errors: `TokenNameTaken`, `Store`.
    async fn create_token(&self, token: TokenRecord, secret_digest: &[u8; 32]) -> Result<(), AccountStoreError>;

    /// The token with this secret digest and its user. Errors: `Store`.
    async fn find_token(&self, secret_digest: &[u8; 32]) -> Result<Option<(TokenRecord, User)>, AccountStoreError>;

    /// Writes a token's (and its user's) last-used time. Errors: `Store`.
    async fn touch_token(&self, id: Uuid, user: UserId, now: DateTime<Utc>) -> Result<(), AccountStoreError>;

    /// The user's tokens, newest first. Errors: `Store`.
    async fn list_tokens(&self, user: UserId) -> Result<Vec<TokenRecord>, AccountStoreError>;

    /// Records that `user` entered the access code of `version`. Errors: `NotFound`, `Store`.
    async fn set_access_code_version(&self, user: UserId, version: i64) -> Result<(), AccountStoreError>;

    /// The account an identity is linked to. Errors: `Store`.
    async fn find_identity(
        &self,
        provider: Provider,
        subject: &str,
    ) -> Result<Option<(IdentityRecord, User)>, AccountStoreError>;

    /// Links an identity to its `user_id`. Errors: `IdentityInUse`, `ProviderAlreadyLinked`,
    /// `NotFound`, `Store`.
    async fn link_identity(&self, identity: IdentityRecord) -> Result<(), AccountStoreError>;

    /// Creates an account already linked to `identity` (whose `user_id` is the new account's),
    /// in one write, with the same admin-seat rule as `create_user`.
    ///
    /// Errors: `EmailTaken`, `AdminSeatClosed`, `IdentityInUse`, `Store`.
    async fn create_user_with_identity(
        &self,
        new: NewUser,
        identity: IdentityRecord,
        seat: AdminSeat,
    ) -> Result<User, AccountStoreError>;

    /// The user's linked identities. Errors: `Store`.
    async fn list_identities(&self, user: UserId) -> Result<Vec<IdentityRecord>, AccountStoreError>;

    /// Unlinks the user's identity of `provider`; `false` when there was none. Errors: `Store`.
    async fn unlink_identity(&self, user: UserId, provider: Provider) -> Result<bool, AccountStoreError>;

    /// Marks the account's address proven and clears its conflict flag, if the address is still
    /// `email` (it may have been released meanwhile). Returns whether the account changed.
    /// Errors: `Store`.
    async fn prove_email(&self, user: UserId, email: &Email, now: DateTime<Utc>) -> Result<bool, AccountStoreError>;

    /// Flags the account's address as claimed by a provider sign-in (keeping the first time
    /// it was flagged), unless the address is proven. Errors: `NotFound`, `Store`.
    async fn flag_email_conflict(&self, user: UserId, now: DateTime<Utc>) -> Result<User, AccountStoreError>;

    /// Replaces a member's address with `placeholder` (unproven, unflagged) and ends every session
    /// of the account, in one write. Returns the account as changed and how many sessions ended.
    ///
    /// Errors: `NotFound`; `AdminAccount` when the account is an admin's; `EmailTaken` when
    /// `placeholder` is another account's; `Store`.
    async fn release_email(
        &self,
        user: UserId,
        placeholder: &Email,
        now: DateTime<Utc>,
    ) -> Result<(User, u64), AccountStoreError>;

    /// Revokes one token of `user`; `false` when it is not theirs or does not exist.
    /// Errors: `Store`.
    async fn delete_token(&self, user: UserId, id: Uuid) -> Result<bool, AccountStoreError>;
}
