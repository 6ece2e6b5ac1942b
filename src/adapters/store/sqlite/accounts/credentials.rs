//! Session and API-token rows: stored under the digest of their secret, found by it, touched
//! at most as often as the caller decides, listed per user and purged when expired.

use chrono::{DateTime, Utc};
use sea_orm::sea_query::Expr;
use sea_orm::{ActiveModelTrait, ColumnTrait, Condition, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder, Set};
use uuid::Uuid;

use super::super::SqliteStore;
use super::super::entities::{api_token, session, user};
use super::rows::{db, hex, to_session, to_token, to_user};
use crate::domain::ids::UserId;
use crate::ports::accounts::{AccountStoreError, SessionRecord, TokenRecord, User};

type Outcome<T> = Result<T, AccountStoreError>;

impl SqliteStore {
    async fn user_of(&self, id: &str) -> Outcome<Option<User>> {
        let row = user::Entity::find_by_id(id.to_string())
            .one(self.reader())
            .await
            .map_err(db)?;
        row.as_ref().map(to_user).transpose()
    }

    async fn seen(&self, user: UserId, now: DateTime<Utc>) -> Outcome<()> {
        user::Entity::update_many()
            .col_expr(user::Column::LastSeenAt, Expr::value(now))
            .filter(user::Column::Id.eq(user.to_string()))
            .exec(self.writer())
            .await
            .map_err(db)?;
        Ok(())
    }

    pub(super) async fn create_session_row(&self, s: SessionRecord, digest: &[u8; 32]) -> Outcome<()> {
        session::ActiveModel {
            id: Set(s.id.to_string()),
            user_id: Set(s.user_id.to_string()),
            secret_digest: Set(hex(digest)),
            created_at: Set(s.created_at),
            last_used_at: Set(s.last_used_at),
            user_agent: Set(s.user_agent),
            ip: Set(s.ip),
        }
        .insert(self.writer())
        .await
        .map_err(db)?;
        Ok(())
    }

    pub(super) async fn find_session_row(&self, digest: &[u8; 32]) -> Outcome<Option<(SessionRecord, User)>> {
        let row = session::Entity::find()
            .filter(session::Column::SecretDigest.eq(hex(digest)))
            .one(self.reader())
            .await
            .map_err(db)?;
        let Some(row) = row else { return Ok(None) };
        let Some(user) = self.user_of(&row.user_id).await? else {
            return Ok(None);
        };
        Ok(Some((to_session(&row)?, user)))
    }

    pub(super) async fn touch_session_row(&self, id: Uuid, user: UserId, now: DateTime<Utc>) -> Outcome<()> {
        session::Entity::update_many()
            .col_expr(session::Column::LastUsedAt, Expr::value(now))
            .filter(session::Column::Id.eq(id.to_string()))
            .exec(self.writer())
            .await
            .map_err(db)?;
        self.seen(user, now).await
    }

    pub(super) async fn list_session_rows(&self, user: UserId) -> Outcome<Vec<SessionRecord>> {
        let rows = session::Entity::find()
            .filter(session::Column::UserId.eq(user.to_string()))
            .order_by_desc(session::Column::CreatedAt)
            .all(self.reader())
            .await
            .map_err(db)?;
        rows.iter().map(to_session).collect()
    }

    pub(super) async fn delete_session_row(&self, user: UserId, id: Uuid) -> Outcome<bool> {
        let done = session::Entity::delete_many()
            .filter(session::Column::Id.eq(id.to_string()))
            .filter(session::Column::UserId.eq(user.to_string()))
            .exec(self.writer())
            .await
            .map_err(db)?;
        Ok(done.rows_affected > 0)
    }

    pub(super) async fn delete_session_rows(&self, user: UserId, keep: Option<Uuid>) -> Outcome<u64> {
        super::users::end_sessions(self.writer(), &user.to_string(), keep)
            .await
            .map_err(db)
    }

    pub(super) async fn purge_rows(
        &self,
        idle_cutoff: DateTime<Utc>,
        absolute_cutoff: DateTime<Utc>,
        token_cutoff: DateTime<Utc>,
    ) -> Outcome<(u64, u64)> {
        let sessions = session::Entity::delete_many()
            .filter(
                Condition::any()
                    .add(session::Column::LastUsedAt.lt(idle_cutoff))
                    .add(session::Column::CreatedAt.lt(absolute_cutoff)),
            )
            .exec(self.writer())
            .await
            .map_err(db)?;
        let tokens = api_token::Entity::delete_many()
            .filter(api_token::Column::ExpiresAt.lt(token_cutoff))
            .exec(self.writer())
            .await
            .map_err(db)?;
        Ok((sessions.rows_affected, tokens.rows_affected))
    }

    pub(super) async fn create_token_row(&self, t: TokenRecord, digest: &[u8; 32]) -> Outcome<()> {
        let digest = hex(digest);
        let outcome = self
            .write(move |txn| {
                Box::pin(async move {
                    let taken = api_token::Entity::find()
                        .filter(api_token::Column::UserId.eq(t.user_id.to_string()))
                        .filter(api_token::Column::Name.eq(t.name.clone()))
                        .count(txn)
                        .await?;
                    if taken > 0 {
                        return Ok(Err(AccountStoreError::TokenNameTaken));
                    }
                    api_token::ActiveModel {
                        id: Set(t.id.to_string()),
                        user_id: Set(t.user_id.to_string()),
                        name: Set(t.name),
                        prefix: Set(t.prefix),
                        scope: Set(t.scope.as_str().to_string()),
                        secret_digest: Set(digest),
                        created_at: Set(t.created_at),
                        expires_at: Set(t.expires_at),
                        last_used_at: Set(None),
                    }
                    .insert(txn)
                    .await?;
                    Ok(Ok(()))
                })
            })
            .await;
        outcome.map_err(AccountStoreError::Store)?
    }

    pub(super) async fn find_token_row(&self, digest: &[u8; 32]) -> Outcome<Option<(TokenRecord, User)>> {
        let row = api_token::Entity::find()
            .filter(api_token::Column::SecretDigest.eq(hex(digest)))
            .one(self.reader())
            .await
            .map_err(db)?;
        let Some(row) = row else { return Ok(None) };
        let Some(user) = self.user_of(&row.user_id).await? else {
            return Ok(None);
        };
        Ok(Some((to_token(&row)?, user)))
    }

    pub(super) async fn touch_token_row(&self, id: Uuid, user: UserId, now: DateTime<Utc>) -> Outcome<()> {
        api_token::Entity::update_many()
            .col_expr(api_token::Column::LastUsedAt, Expr::value(Some(now)))
            .filter(api_token::Column::Id.eq(id.to_string()))
            .exec(self.writer())
            .await
            .map_err(db)?;
        self.seen(user, now).await
    }

    pub(super) async fn list_token_rows(&self, user: UserId) -> Outcome<Vec<TokenRecord>> {
        let rows = api_token::Entity::find()
            .filter(api_token::Column::UserId.eq(user.to_string()))
            .order_by_desc(api_token::Column::CreatedAt)
            .all(self.reader())
            .await
            .map_err(db)?;
        rows.iter().map(to_token).collect()
    }

    pub(super) async fn delete_token_row(&self, user: UserId, id: Uuid) -> Outcome<bool> {
        let done = api_token::Entity::delete_many()
            .filter(api_token::Column::Id.eq(id.to_string()))
            .filter(api_token::Column::UserId.eq(user.to_string()))
            .exec(self.writer())
            .await
            .map_err(db)?;
        Ok(done.rows_affected > 0)
    }
}
