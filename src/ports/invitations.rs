//! The `InvitationStore` port: invitations, durably, found by the SHA-256 digest of their
//! one-time token (the token itself never reaches this port), and redeemed in the same write that
//! creates the invited account.

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use uuid::Uuid;

use crate::domain::account::{Email, InvitationState, InviteRefusal};
use crate::domain::ids::UserId;
use crate::domain::role::Role;

use super::StoreError;
use super::accounts::{NewUser, User};

/// A stored invitation (never its token).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InvitationRecord {
    pub id: Uuid,
    /// The role the account gets.
    pub role: Role,
    /// Only this address may use it, when set.
    pub email: Option<Email>,
    pub created_by: UserId,
    pub created_at: DateTime<Utc>,
    pub expires_at: DateTime<Utc>,
    pub used_at: Option<DateTime<Utc>>,
    /// The account it made.
    pub used_by: Option<UserId>,
    pub revoked_at: Option<DateTime<Utc>>,
}

impl InvitationRecord {
    pub fn state(&self, now: DateTime<Utc>) -> InvitationState {
        InvitationState::at(self.expires_at, self.used_at.is_some(), self.revoked_at.is_some(), now)
    }
}

/// What an invited account is made with, besides the form.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Redemption {
    /// The digest of the invitation's token.
    pub token_digest: [u8; 32],
    /// The access-code version the account counts as having entered (the invitation replaces
    /// the code), when the gate has one.
    pub access_code_version: Option<i64>,
}

/// Refusals of invitation writes.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum InvitationStoreError {
    #[error("no such invitation")]
    NotFound,
    #[error("the invitation is {}, no longer pending", .0.as_str())]
    NotPending(InvitationState),
    /// The invitation cannot make this account (used meanwhile, expired, revoked, another address).
    #[error("{0}")]
    Refused(InviteRefusal),
    #[error("an account with this email already exists")]
    EmailTaken,
    #[error(transparent)]
    Store(#[from] StoreError),
}

#[cfg_attr(test, mockall::automock)]
#[async_trait]
pub trait InvitationStore: Send + Sync {
    /// Stores an invitation under the digest of its token. Errors: `Store`.
    async fn create_invitation(
        &self,
        invitation: InvitationRecord,
        token_digest: &[u8; 32],
    ) -> Result<(), InvitationStoreError>;

    /// The invitation with this token digest, in whatever state. Errors: `Store`.
    async fn find_invitation(&self, token_digest: &[u8; 32]) -> Result<Option<InvitationRecord>, InvitationStoreError>;

    /// Every invitation, newest first. Errors: `Store`.
    async fn list_invitations(&self) -> Result<Vec<InvitationRecord>, InvitationStoreError>;

    /// Revokes a pending invitation, deciding inside the write. Returns it as changed.
    ///
    /// Errors: `NotFound`; `NotPending` when it was used, has expired (at `now`) or was revoked
    /// already; `Store`.
    async fn revoke_invitation(&self, id: Uuid, now: DateTime<Utc>) -> Result<InvitationRecord, InvitationStoreError>;

    /// Creates `new`'s account with the invitation's role and marks the invitation used by it,
    /// in one write: of two redemptions of one invitation, exactly one makes an account. The
    /// invitation is judged at `new.now`.
    ///
    /// Errors: `Refused` (`Unknown` when no invitation has the digest; `Used`, `Expired`,
    /// `Revoked`, `WrongEmail`); `EmailTaken`; `Store`.
    async fn redeem_invitation(
        &self,
        new: NewUser,
        redemption: Redemption,
    ) -> Result<(User, InvitationRecord), InvitationStoreError>;
}
