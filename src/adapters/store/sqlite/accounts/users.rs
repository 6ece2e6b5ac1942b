//! Account rows: creation with the admin-seat rule, lookups, renames, password changes and
//! standing changes with the last-admin rule, each decided inside one write transaction.

use chrono::{DateTime, Utc};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DatabaseTransaction, DbErr, EntityTrait, PaginatorTrait,
    QueryFilter, QueryOrder, Set,
};
use uuid::Uuid;

use super::super::SqliteStore;
use super::super::entities::{session, user};
use super::rows::{db, role, status, to_credentials, to_user};
use crate::domain::account::{Email, StandingChange, UserStatus, check_standing_change};
use crate::domain::ids::UserId;
use crate::domain::role::Role;
use crate::ports::accounts::{AccountStoreError, AdminSeat, NewUser, StandingUpdate, User, UserCredentials};

type Outcome<T> = Result<T, AccountStoreError>;

pub(super) async fn active_admin_count(c: &impl ConnectionTrait) -> Result<u64, DbErr> {
    user::Entity::find()
        .filter(user::Column::Role.eq(Role::Admin.as_str()))
        .filter(user::Column::Status.eq(UserStatus::Active.as_str()))
        .count(c)
        .await
}

/// Ends the user's sessions except `keep`.
pub(super) async fn end_sessions(c: &impl ConnectionTrait, user: &str, keep: Option<Uuid>) -> Result<u64, DbErr> {
    let mut query = session::Entity::delete_many().filter(session::Column::UserId.eq(user));
    if let Some(keep) = keep {
        query = query.filter(session::Column::Id.ne(keep.to_string()));
    }
    Ok(query.exec(c).await?.rows_affected)
}

/// Flattens "the transaction failed" and "the transaction decided to refuse".
fn settle<T>(result: Result<Outcome<T>, crate::ports::StoreError>) -> Outcome<T> {
    result.map_err(AccountStoreError::Store)?
}

/// What an invitation decides about the account it makes.
#[derive(Debug, Clone, Copy)]
pub(super) struct Invited {
    pub role: Role,
    /// The access-code version the account counts as having entered.
    pub access_code_version: Option<i64>,
}

/// Inserts a new account inside `txn`, deciding its role: admin when no active admin exists and
/// `seat` allows it, member otherwise. Refuses a taken email or a closed admin seat.
pub(super) async fn insert_user(
    txn: &DatabaseTransaction,
    new: NewUser,
    seat: AdminSeat,
) -> Result<Outcome<user::Model>, DbErr> {
    insert_user_as(txn, new, seat, None).await
}

/// As [`insert_user`]; an invited account gets the invitation's role (once an admin exists).
pub(super) async fn insert_user_as(
    txn: &DatabaseTransaction,
    new: NewUser,
    seat: AdminSeat,
    invited: Option<Invited>,
) -> Result<Outcome<user::Model>, DbErr> {
    let taken = user::Entity::find()
        .filter(user::Column::Email.eq(new.email.as_str()))
        .count(txn)
        .await?;
    if taken > 0 {
        return Ok(Err(AccountStoreError::EmailTaken));
    }
    let no_admin = active_admin_count(txn).await? == 0;
    if no_admin && seat == AdminSeat::MustNotTake {
        return Ok(Err(AccountStoreError::AdminSeatClosed));
    }
    let role = match invited {
        _ if no_admin => Role::Admin,
        Some(invited) => invited.role,
        None => Role::Member,
    };
    let row = user::ActiveModel {
        id: Set(new.id.to_string()),
        email: Set(new.email.as_str().to_string()),
        name: Set(new.name),
        password_hash: Set(new.password_hash),
        role: Set(role.as_str().to_string()),
        status: Set(UserStatus::Active.as_str().to_string()),
        created_at: Set(new.now),
        updated_at: Set(new.now),
        last_seen_at: Set(Some(new.now)),
        access_code_version: Set(invited.and_then(|i| i.access_code_version)),
        email_verified: Set(new.email_verified),
        email_conflict_at: Set(None),
    };
    Ok(Ok(row.insert(txn).await?))
}

impl SqliteStore {
    pub(super) async fn create_user_row(&self, new: NewUser, seat: AdminSeat) -> Outcome<User> {
        settle(
            self.write(move |txn| {
                Box::pin(async move {
                    Ok(match insert_user(txn, new, seat).await? {
                        Ok(model) => to_user(&model),
                        Err(refused) => Err(refused),
                    })
                })
            })
            .await,
        )
    }

    pub(super) async fn find_user_row(&self, email: &Email) -> Outcome<Option<UserCredentials>> {
        let row = user::Entity::find()
            .filter(user::Column::Email.eq(email.as_str()))
            .one(self.reader())
            .await
            .map_err(db)?;
        row.map(to_credentials).transpose()
    }

    pub(super) async fn get_user_row(&self, id: UserId) -> Outcome<Option<UserCredentials>> {
        let row = user::Entity::find_by_id(id.to_string())
            .one(self.reader())
            .await
            .map_err(db)?;
        row.map(to_credentials).transpose()
    }

    pub(super) async fn list_user_rows(&self) -> Outcome<Vec<User>> {
        let rows = user::Entity::find()
            .order_by_asc(user::Column::CreatedAt)
            .order_by_asc(user::Column::Email)
            .all(self.reader())
            .await
            .map_err(db)?;
        rows.iter().map(to_user).collect()
    }

    pub(super) async fn count_admin_rows(&self) -> Outcome<u64> {
        active_admin_count(self.reader()).await.map_err(db)
    }

    pub(super) async fn rename_user_row(&self, id: UserId, name: String, now: DateTime<Utc>) -> Outcome<User> {
        settle(
            self.write(move |txn| {
                Box::pin(async move {
                    let Some(row) = user::Entity::find_by_id(id.to_string()).one(txn).await? else {
                        return Ok(Err(AccountStoreError::NotFound));
                    };
                    let mut row: user::ActiveModel = row.into();
                    row.name = Set(name);
                    row.updated_at = Set(now);
                    Ok(to_user(&row.update(txn).await?))
                })
            })
            .await,
        )
    }

    pub(super) async fn set_password_row(
        &self,
        id: UserId,
        hash: String,
        keep: Option<Uuid>,
        now: DateTime<Utc>,
    ) -> Outcome<u64> {
        settle(
            self.write(move |txn| {
                Box::pin(async move {
                    let Some(row) = user::Entity::find_by_id(id.to_string()).one(txn).await? else {
                        return Ok(Err(AccountStoreError::NotFound));
                    };
                    let mut row: user::ActiveModel = row.into();
                    row.password_hash = Set(Some(hash));
                    row.updated_at = Set(now);
                    row.update(txn).await?;
                    Ok(Ok(end_sessions(txn, &id.to_string(), keep).await?))
                })
            })
            .await,
        )
    }

    pub(super) async fn update_standing_row(
        &self,
        id: UserId,
        update: StandingUpdate,
        keep: Option<Uuid>,
        now: DateTime<Utc>,
    ) -> Outcome<User> {
        settle(
            self.write(move |txn| {
                Box::pin(async move {
                    let Some(row) = user::Entity::find_by_id(id.to_string()).one(txn).await? else {
                        return Ok(Err(AccountStoreError::NotFound));
                    };
                    let (current_role, current_status) = match (role(&row.role), status(&row.status)) {
                        (Ok(r), Ok(s)) => (r, s),
                        (Err(e), _) | (_, Err(e)) => return Ok(Err(e)),
                    };
                    let change = StandingChange {
                        current_role,
                        current_status,
                        new_role: update.role.unwrap_or(current_role),
                        new_status: update.status.unwrap_or(current_status),
                    };
                    if check_standing_change(change, active_admin_count(txn).await?).is_err() {
                        return Ok(Err(AccountStoreError::LastAdmin));
                    }
                    if change.new_role == current_role && change.new_status == current_status {
                        return Ok(to_user(&row));
                    }
                    let mut active: user::ActiveModel = row.into();
                    active.role = Set(change.new_role.as_str().to_string());
                    active.status = Set(change.new_status.as_str().to_string());
                    active.updated_at = Set(now);
                    let model = active.update(txn).await?;
                    end_sessions(txn, &model.id, keep).await?;
                    Ok(to_user(&model))
                })
            })
            .await,
        )
    }

    pub(super) async fn set_access_code_version_row(&self, id: UserId, version: i64) -> Outcome<()> {
        let done = user::Entity::update_many()
            .col_expr(
                user::Column::AccessCodeVersion,
                sea_orm::sea_query::Expr::value(version),
            )
            .filter(user::Column::Id.eq(id.to_string()))
            .exec(self.writer())
            .await
            .map_err(db)?;
        if done.rows_affected == 0 {
            return Err(AccountStoreError::NotFound);
        }
        Ok(())
    }

    pub(super) async fn promote_oldest_row(&self, now: DateTime<Utc>) -> Outcome<Option<User>> {
        settle(
            self.write(move |txn| {
                Box::pin(async move {
                    if active_admin_count(txn).await? > 0 {
                        return Ok(Ok(None));
                    }
                    let oldest = user::Entity::find()
                        .filter(user::Column::Status.eq(UserStatus::Active.as_str()))
                        .order_by_asc(user::Column::CreatedAt)
                        .order_by_asc(user::Column::Email)
                        .one(txn)
                        .await?;
                    let Some(row) = oldest else {
                        return Ok(Ok(None));
                    };
                    let mut active: user::ActiveModel = row.into();
                    active.role = Set(Role::Admin.as_str().to_string());
                    active.updated_at = Set(now);
                    let model = active.update(txn).await?;
                    end_sessions(txn, &model.id, None).await?;
                    Ok(to_user(&model).map(Some))
                })
            })
            .await,
        )
    }
}
