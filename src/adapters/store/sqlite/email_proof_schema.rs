//! Migration: whether each account's address is proven (`users.email_verified`) and when a
//! provider sign-in was refused over it (`users.email_conflict_at`).
//!
//! Existing accounts are judged by what Nimbus already knows: an account made by a provider
//! (no password) or linked to an identity that carried the same address is proven; every other
//! account, the first admin included, keeps working exactly as before and is merely unproven.
//! That only changes what a provider sign-in with its address is told (sign in and link, or ask
//! an admin), and an admin's address is never released, so no admin can lose theirs this way.

use sea_orm_migration::prelude::*;

#[derive(DeriveIden)]
enum Users {
    Table,
    EmailVerified,
    EmailConflictAt,
}

pub struct ProveEmails;

impl MigrationName for ProveEmails {
    fn name(&self) -> &str {
        "m20261207_000001_prove_emails"
    }
}

/// Identities store the address as the provider sent it; accounts store it lower-cased.
const PROVEN_ALREADY: &str = "UPDATE users SET email_verified = 1 \
     WHERE password_hash IS NULL \
        OR EXISTS (SELECT 1 FROM identities i WHERE i.user_id = users.id AND lower(trim(i.email)) = users.email)";

#[async_trait::async_trait]
impl MigrationTrait for ProveEmails {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        // SQLite adds one column per ALTER TABLE.
        manager
            .alter_table(
                Table::alter()
                    .table(Users::Table)
                    .add_column(ColumnDef::new(Users::EmailVerified).boolean().not_null().default(false))
                    .to_owned(),
            )
            .await?;
        manager
            .alter_table(
                Table::alter()
                    .table(Users::Table)
                    .add_column(ColumnDef::new(Users::EmailConflictAt).timestamp_with_time_zone().null())
                    .to_owned(),
            )
            .await?;
        manager.get_connection().execute_unprepared(PROVEN_ALREADY).await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for column in [Users::EmailConflictAt, Users::EmailVerified] {
            manager
                .alter_table(Table::alter().table(Users::Table).drop_column(column).to_owned())
                .await?;
        }
        Ok(())
    }
}
