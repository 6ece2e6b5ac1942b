//! Identity rows: linking GitHub and Google identities to accounts, and creating an account
//! together with its first identity.

use sea_orm::{
    ActiveModelTrait, ColumnTrait, DatabaseTransaction, DbErr, EntityTrait, PaginatorTrait, QueryFilter, Set,
};

use super::super::SqliteStore;
use super::super::entities::identity;
use super::rows::{corrupt, db, to_user, user_id};
use super::users::insert_user;
use crate::domain::ids::UserId;
use crate::domain::oauth::Provider;
use crate::ports::accounts::{AccountStoreError, AdminSeat, IdentityRecord, NewUser, User};

type Outcome<T> = Result<T, AccountStoreError>;

fn to_identity(m: &identity::Model) -> Outcome<IdentityRecord> {
    Ok(IdentityRecord {
        provider: m.provider.parse().map_err(|_| corrupt("provider", &m.provider))?,
        subject: m.subject.clone(),
        user_id: user_id(&m.user_id)?,
        login: m.login.clone(),
        email: m.email.clone(),
        linked_at: m.linked_at,
    })
}

/// Inserts the identity unless its subject or the user's provider slot is taken.
async fn insert_identity(txn: &DatabaseTransaction, id: &IdentityRecord) -> Result<Outcome<()>, DbErr> {
    let subject_taken = identity::Entity::find_by_id((id.provider.as_str().to_string(), id.subject.clone()))
        .one(txn)
        .await?;
    if subject_taken.is_some() {
        return Ok(Err(AccountStoreError::IdentityInUse));
    }
    let slot_taken = identity::Entity::find()
        .filter(identity::Column::UserId.eq(id.user_id.to_string()))
        .filter(identity::Column::Provider.eq(id.provider.as_str()))
        .count(txn)
        .await?;
    if slot_taken > 0 {
        return Ok(Err(AccountStoreError::ProviderAlreadyLinked));
    }
    identity::ActiveModel {
        provider: Set(id.provider.as_str().to_string()),
        subject: Set(id.subject.clone()),
        user_id: Set(id.user_id.to_string()),
        login: Set(id.login.clone()),
        email: Set(id.email.clone()),
        linked_at: Set(id.linked_at),
    }
    .insert(txn)
    .await?;
    Ok(Ok(()))
}

impl SqliteStore {
    pub(super) async fn find_identity_row(
        &self,
        provider: Provider,
        subject: &str,
    ) -> Outcome<Option<(IdentityRecord, User)>> {
        let row = identity::Entity::find_by_id((provider.as_str().to_string(), subject.to_string()))
            .one(self.reader())
            .await
            .map_err(db)?;
        let Some(row) = row else { return Ok(None) };
        let Some(user) = self.get_user_row(user_id(&row.user_id)?).await? else {
            return Ok(None);
        };
        Ok(Some((to_identity(&row)?, user.user)))
    }

    pub(super) async fn link_identity_row(&self, id: IdentityRecord) -> Outcome<()> {
        let outcome = self
            .write(move |txn| {
                Box::pin(async move {
                    let exists = super::super::entities::user::Entity::find_by_id(id.user_id.to_string())
                        .count(txn)
                        .await?;
                    if exists == 0 {
                        return Ok(Err(AccountStoreError::NotFound));
                    }
                    insert_identity(txn, &id).await
                })
            })
            .await;
        outcome.map_err(AccountStoreError::Store)?
    }

    pub(super) async fn create_user_with_identity_row(
        &self,
        new: NewUser,
        id: IdentityRecord,
        seat: AdminSeat,
    ) -> Outcome<User> {
        let outcome = self
            .write(move |txn| {
                Box::pin(async move {
                    use super::super::entities::user;
                    let model = match insert_user(txn, new, seat).await? {
                        Ok(model) => model,
                        Err(refused) => return Ok(Err(refused)),
                    };
                    if let Err(refused) = insert_identity(txn, &id).await? {
                        // Undo the account: the identity was the point of it.
                        user::Entity::delete_by_id(model.id.clone()).exec(txn).await?;
                        return Ok(Err(refused));
                    }
                    Ok(to_user(&model))
                })
            })
            .await;
        outcome.map_err(AccountStoreError::Store)?
    }

    pub(super) async fn list_identity_rows(&self, user: UserId) -> Outcome<Vec<IdentityRecord>> {
        let rows = identity::Entity::find()
            .filter(identity::Column::UserId.eq(user.to_string()))
            .all(self.reader())
            .await
            .map_err(db)?;
        rows.iter().map(to_identity).collect()
    }

    pub(super) async fn unlink_identity_row(&self, user: UserId, provider: Provider) -> Outcome<bool> {
        let done = identity::Entity::delete_many()
            .filter(identity::Column::UserId.eq(user.to_string()))
            .filter(identity::Column::Provider.eq(provider.as_str()))
            .exec(self.writer())
            .await
            .map_err(db)?;
        Ok(done.rows_affected > 0)
    }
}
