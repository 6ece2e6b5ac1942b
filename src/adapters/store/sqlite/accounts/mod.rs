//! The `AccountStore` port on SQLite: users (`users.rs`), whether their addresses are proven
//! (`email_proof.rs`), sessions and API tokens (`credentials.rs`), provider identities
//! (`identities.rs`), row mapping (`rows.rs`); and the `InvitationStore` port (`invitations.rs`),
//! whose redemption inserts the invited account in the same write.

mod credentials;
mod email_proof;
mod identities;
mod invitations;
mod rows;
mod users;

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use uuid::Uuid;

use super::SqliteStore;
use crate::domain::account::Email;
use crate::domain::ids::UserId;
use crate::domain::oauth::Provider;
use crate::ports::AccountStore;
use crate::ports::accounts::{
    AccountStoreError, AdminSeat, IdentityRecord, NewUser, SessionRecord, StandingUpdate, TokenRecord, User,
    UserCredentials,
};

#[async_trait]
impl AccountStore for SqliteStore {
    async fn create_user(&self, new: NewUser, seat: AdminSeat) -> Result<User, AccountStoreError> {
        self.create_user_row(new, seat).await
    }

    async fn find_user_by_email(&self, email: &Email) -> Result<Option<UserCredentials>, AccountStoreError> {
        self.find_user_row(email).await
    }

    async fn get_user(&self, id: UserId) -> Result<Option<UserCredentials>, AccountStoreError> {
        self.get_user_row(id).await
    }

    async fn list_users(&self) -> Result<Vec<User>, AccountStoreError> {
        self.list_user_rows().await
    }

    async fn count_active_admins(&self) -> Result<u64, AccountStoreError> {
        self.count_admin_rows().await
    }

    async fn rename_user(&self, id: UserId, name: &str, now: DateTime<Utc>) -> Result<User, AccountStoreError> {
        self.rename_user_row(id, name.to_string(), now).await
    }

    async fn set_password(
        &self,
        id: UserId,
        password_hash: &str,
        keep: Option<Uuid>,
        now: DateTime<Utc>,
    ) -> Result<u64, AccountStoreError> {
        self.set_password_row(id, password_hash.to_string(), keep, now).await
    }

    async fn update_standing(
        &self,
        id: UserId,
        update: StandingUpdate,
        keep: Option<Uuid>,
        now: DateTime<Utc>,
    ) -> Result<User, AccountStoreError> {
        self.update_standing_row(id, update, keep, now).await
    }

    async fn promote_oldest_if_no_admin(&self, now: DateTime<Utc>) -> Result<Option<User>, AccountStoreError> {
        self.promote_oldest_row(now).await
    }

    async fn create_session(&self, session: SessionRecord, secret_digest: &[u8; 32]) -> Result<(), AccountStoreError> {
        self.create_session_row(session, secret_digest).await
    }

    async fn find_session(&self, secret_digest: &[u8; 32]) -> Result<Option<(SessionRecord, User)>, AccountStoreError> {
        self.find_session_row(secret_digest).await
    }

    async fn touch_session(&self, id: Uuid, user: UserId, now: DateTime<Utc>) -> Result<(), AccountStoreError> {
        self.touch_session_row(id, user, now).await
    }

    async fn list_sessions(&self, user: UserId) -> Result<Vec<SessionRecord>, AccountStoreError> {
        self.list_session_rows(user).await
    }

    async fn delete_session(&self, user: UserId, id: Uuid) -> Result<bool, AccountStoreError> {
        self.delete_session_row(user, id).await
    }

    async fn delete_sessions_of(&self, user: UserId, keep: Option<Uuid>) -> Result<u64, AccountStoreError> {
        self.delete_session_rows(user, keep).await
    }

    async fn purge_expired(
        &self,
        idle_cutoff: DateTime<Utc>,
        absolute_cutoff: DateTime<Utc>,
        token_cutoff: DateTime<Utc>,
    ) -> Result<(u64, u64), AccountStoreError> {
        self.purge_rows(idle_cutoff, absolute_cutoff, token_cutoff).await
    }

    async fn create_token(&self, token: TokenRecord, secret_digest: &[u8; 32]) -> Result<(), AccountStoreError> {
        self.create_token_row(token, secret_digest).await
    }

    async fn find_token(&self, secret_digest: &[u8; 32]) -> Result<Option<(TokenRecord, User)>, AccountStoreError> {
        self.find_token_row(secret_digest).await
    }

    async fn touch_token(&self, id: Uuid, user: UserId, now: DateTime<Utc>) -> Result<(), AccountStoreError> {
        self.touch_token_row(id, user, now).await
    }

    async fn list_tokens(&self, user: UserId) -> Result<Vec<TokenRecord>, AccountStoreError> {
        self.list_token_rows(user).await
    }

    async fn set_access_code_version(&self, user: UserId, version: i64) -> Result<(), AccountStoreError> {
        self.set_access_code_version_row(user, version).await
    }

    async fn find_identity(
        &self,
        provider: Provider,
        subject: &str,
    ) -> Result<Option<(IdentityRecord, User)>, AccountStoreError> {
        self.find_identity_row(provider, subject).await
    }

    async fn link_identity(&self, identity: IdentityRecord) -> Result<(), AccountStoreError> {
        self.link_identity_row(identity).await
    }

    async fn create_user_with_identity(
        &self,
        new: NewUser,
        identity: IdentityRecord,
        seat: AdminSeat,
    ) -> Result<User, AccountStoreError> {
        self.create_user_with_identity_row(new, identity, seat).await
    }

    async fn list_identities(&self, user: UserId) -> Result<Vec<IdentityRecord>, AccountStoreError> {
        self.list_identity_rows(user).await
    }

    async fn unlink_identity(&self, user: UserId, provider: Provider) -> Result<bool, AccountStoreError> {
        self.unlink_identity_row(user, provider).await
    }

    async fn prove_email(&self, user: UserId, email: &Email, now: DateTime<Utc>) -> Result<bool, AccountStoreError> {
        self.prove_email_row(user, email.clone(), now).await
    }

    async fn flag_email_conflict(&self, user: UserId, now: DateTime<Utc>) -> Result<User, AccountStoreError> {
        self.flag_email_conflict_row(user, now).await
    }

    async fn release_email(
        &self,
        user: UserId,
        placeholder: &Email,
        now: DateTime<Utc>,
    ) -> Result<(User, u64), AccountStoreError> {
        self.release_email_row(user, placeholder.clone(), now).await
    }

    async fn delete_token(&self, user: UserId, id: Uuid) -> Result<bool, AccountStoreError> {
        self.delete_token_row(user, id).await
    }
}
