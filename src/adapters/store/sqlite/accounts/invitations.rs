//! The `InvitationStore` port on SQLite: invitations by token digest, revoked and redeemed inside
//! one write each, the redemption in the same transaction that inserts the invited account (the
//! single writer connection serialises two redemptions, so the second sees the first's mark).

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use sea_orm::{ActiveModelTrait, ColumnTrait, EntityTrait, QueryFilter, QueryOrder, Set};
use uuid::Uuid;

use super::super::SqliteStore;
use super::super::entities::invitation;
use super::rows::{hex, role, to_user, user_id, uuid};
use super::users::{Invited, insert_user_as};
use crate::domain::account::{Email, InvitationState, InviteRefusal, check_redeem};
use crate::ports::StoreError;
use crate::ports::accounts::{AccountStoreError, AdminSeat, NewUser, User};
use crate::ports::invitations::{InvitationRecord, InvitationStore, InvitationStoreError, Redemption};

type Outcome<T> = Result<T, InvitationStoreError>;

fn db(e: sea_orm::DbErr) -> InvitationStoreError {
    InvitationStoreError::Store(StoreError::Unavailable(e.to_string()))
}

fn from_account(e: AccountStoreError) -> InvitationStoreError {
    match e {
        AccountStoreError::EmailTaken => InvitationStoreError::EmailTaken,
        AccountStoreError::Store(e) => InvitationStoreError::Store(e),
        other => InvitationStoreError::Store(StoreError::Corrupt(other.to_string())),
    }
}

fn to_record(m: &invitation::Model) -> Outcome<InvitationRecord> {
    let corrupt =
        |what: &str, value: &str| InvitationStoreError::Store(StoreError::Corrupt(format!("{what}: {value:?}")));
    let email = match &m.email {
        Some(text) => Some(Email::parse(text).map_err(|_| corrupt("invitation email", text))?),
        None => None,
    };
    Ok(InvitationRecord {
        id: uuid(&m.id).map_err(from_account)?,
        role: role(&m.role).map_err(from_account)?,
        email,
        created_by: user_id(&m.created_by).map_err(from_account)?,
        created_at: m.created_at,
        expires_at: m.expires_at,
        used_at: m.used_at,
        used_by: m.used_by.as_deref().map(user_id).transpose().map_err(from_account)?,
        revoked_at: m.revoked_at,
    })
}

/// Flattens "the transaction failed" and "the transaction decided to refuse".
fn settle<T>(result: Result<Outcome<T>, StoreError>) -> Outcome<T> {
    result.map_err(InvitationStoreError::Store)?
}

#[async_trait]
impl InvitationStore for SqliteStore {
    async fn create_invitation(&self, invitation: InvitationRecord, token_digest: &[u8; 32]) -> Outcome<()> {
        let row = invitation::ActiveModel {
            id: Set(invitation.id.to_string()),
            token_digest: Set(hex(token_digest)),
            role: Set(invitation.role.as_str().to_string()),
            email: Set(invitation.email.map(|e| e.as_str().to_string())),
            created_by: Set(invitation.created_by.to_string()),
            created_at: Set(invitation.created_at),
            expires_at: Set(invitation.expires_at),
            used_at: Set(None),
            used_by: Set(None),
            revoked_at: Set(None),
        };
        row.insert(self.writer()).await.map_err(db)?;
        Ok(())
    }

    async fn find_invitation(&self, token_digest: &[u8; 32]) -> Outcome<Option<InvitationRecord>> {
        let row = invitation::Entity::find()
            .filter(invitation::Column::TokenDigest.eq(hex(token_digest)))
            .one(self.reader())
            .await
            .map_err(db)?;
        row.as_ref().map(to_record).transpose()
    }

    async fn list_invitations(&self) -> Outcome<Vec<InvitationRecord>> {
        let rows = invitation::Entity::find()
            .order_by_desc(invitation::Column::CreatedAt)
            .order_by_asc(invitation::Column::Id)
            .all(self.reader())
            .await
            .map_err(db)?;
        rows.iter().map(to_record).collect()
    }

    async fn revoke_invitation(&self, id: Uuid, now: DateTime<Utc>) -> Outcome<InvitationRecord> {
        settle(
            self.write(move |txn| {
                Box::pin(async move {
                    let Some(row) = invitation::Entity::find_by_id(id.to_string()).one(txn).await? else {
                        return Ok(Err(InvitationStoreError::NotFound));
                    };
                    let record = match to_record(&row) {
                        Ok(record) => record,
                        Err(e) => return Ok(Err(e)),
                    };
                    let state = record.state(now);
                    if state != InvitationState::Pending {
                        return Ok(Err(InvitationStoreError::NotPending(state)));
                    }
                    let mut active: invitation::ActiveModel = row.into();
                    active.revoked_at = Set(Some(now));
                    Ok(to_record(&active.update(txn).await?))
                })
            })
            .await,
        )
    }

    async fn redeem_invitation(&self, new: NewUser, redemption: Redemption) -> Outcome<(User, InvitationRecord)> {
        settle(
            self.write(move |txn| {
                Box::pin(async move {
                    let found = invitation::Entity::find()
                        .filter(invitation::Column::TokenDigest.eq(hex(&redemption.token_digest)))
                        .one(txn)
                        .await?;
                    let Some(row) = found else {
                        return Ok(Err(InvitationStoreError::Refused(InviteRefusal::Unknown)));
                    };
                    let record = match to_record(&row) {
                        Ok(record) => record,
                        Err(e) => return Ok(Err(e)),
                    };
                    let now = new.now;
                    if let Err(refusal) = check_redeem(record.state(now), record.email.as_ref(), &new.email) {
                        return Ok(Err(InvitationStoreError::Refused(refusal)));
                    }
                    let invited = Invited {
                        role: record.role,
                        access_code_version: redemption.access_code_version,
                    };
                    let model = match insert_user_as(txn, new, AdminSeat::MustNotTake, Some(invited)).await? {
                        Ok(model) => model,
                        Err(refused) => return Ok(Err(from_account(refused))),
                    };
                    let user = match to_user(&model) {
                        Ok(user) => user,
                        Err(e) => return Ok(Err(from_account(e))),
                    };
                    let mut active: invitation::ActiveModel = row.into();
                    active.used_at = Set(Some(now));
                    active.used_by = Set(Some(model.id.clone()));
                    Ok(to_record(&active.update(txn).await?).map(|record| (user, record)))
                })
            })
            .await,
        )
    }
}
