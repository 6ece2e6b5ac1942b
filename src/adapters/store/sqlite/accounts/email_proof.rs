//! Whether an account's address is proven: a provider proving it, a provider sign-in flagging
//! an unproven one, and an admin releasing it. Each is decided inside one write, so an address
//! released meanwhile is never marked proven.

use chrono::{DateTime, Utc};
use sea_orm::{ActiveModelTrait, ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter, Set};

use super::super::SqliteStore;
use super::super::entities::user;
use super::rows::{role, to_user};
use super::users::end_sessions;
use crate::domain::account::Email;
use crate::domain::ids::UserId;
use crate::domain::role::Role;
use crate::ports::accounts::{AccountStoreError, User};

type Outcome<T> = Result<T, AccountStoreError>;

impl SqliteStore {
    pub(super) async fn prove_email_row(&self, id: UserId, email: Email, now: DateTime<Utc>) -> Outcome<bool> {
        let outcome = self
            .write(move |txn| {
                Box::pin(async move {
                    let Some(row) = user::Entity::find_by_id(id.to_string()).one(txn).await? else {
                        return Ok(false);
                    };
                    if row.email != email.as_str() || (row.email_verified && row.email_conflict_at.is_none()) {
                        return Ok(false);
                    }
                    let mut active: user::ActiveModel = row.into();
                    active.email_verified = Set(true);
                    active.email_conflict_at = Set(None);
                    active.updated_at = Set(now);
                    active.update(txn).await?;
                    Ok(true)
                })
            })
            .await;
        outcome.map_err(AccountStoreError::Store)
    }

    pub(super) async fn flag_email_conflict_row(&self, id: UserId, now: DateTime<Utc>) -> Outcome<User> {
        let outcome = self
            .write(move |txn| {
                Box::pin(async move {
                    let Some(row) = user::Entity::find_by_id(id.to_string()).one(txn).await? else {
                        return Ok(Err(AccountStoreError::NotFound));
                    };
                    if row.email_verified || row.email_conflict_at.is_some() {
                        return Ok(to_user(&row));
                    }
                    let mut active: user::ActiveModel = row.into();
                    active.email_conflict_at = Set(Some(now));
                    Ok(to_user(&active.update(txn).await?))
                })
            })
            .await;
        outcome.map_err(AccountStoreError::Store)?
    }

    pub(super) async fn release_email_row(
        &self,
        id: UserId,
        placeholder: Email,
        now: DateTime<Utc>,
    ) -> Outcome<(User, u64)> {
        let outcome = self
            .write(move |txn| {
                Box::pin(async move {
                    let Some(row) = user::Entity::find_by_id(id.to_string()).one(txn).await? else {
                        return Ok(Err(AccountStoreError::NotFound));
                    };
                    match role(&row.role) {
                        Ok(Role::Admin) => return Ok(Err(AccountStoreError::AdminAccount)),
                        Ok(Role::Member) => {}
                        Err(corrupt) => return Ok(Err(corrupt)),
                    }
                    let taken = user::Entity::find()
                        .filter(user::Column::Email.eq(placeholder.as_str()))
                        .filter(user::Column::Id.ne(row.id.clone()))
                        .count(txn)
                        .await?;
                    if taken > 0 {
                        return Ok(Err(AccountStoreError::EmailTaken));
                    }
                    let mut active: user::ActiveModel = row.into();
                    active.email = Set(placeholder.as_str().to_string());
                    active.email_verified = Set(false);
                    active.email_conflict_at = Set(None);
                    active.updated_at = Set(now);
                    let model = active.update(txn).await?;
                    let ended = end_sessions(txn, &model.id, None).await?;
                    Ok(to_user(&model).map(|user| (user, ended)))
                })
            })
            .await;
        outcome.map_err(AccountStoreError::Store)?
    }
}
