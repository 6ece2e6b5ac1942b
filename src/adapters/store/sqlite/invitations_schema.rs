//! Migrations: `invitations` (an admin's one-time sign-up links, found by the SHA-256 digest of
//! their token), and the sign-up setting folded into one three-way value.
//!
//! Before, two settings decided who got in: `accounts.signups` (`open` or `closed`) and
//! `access_code.enabled` (`true` turned the access-code gate on). They become one,
//! `accounts.signups` = `open`, `access_code` or `invite_only`: closed reads as invite-only (only
//! invited people sign up, as no one could before), an open instance with the gate on as
//! `access_code`, and the gate's own switch goes (the gate is on exactly when the mode is
//! `access_code`). A closed instance with the gate on becomes invite-only: nobody new could sign
//! up there, and that stays so.

use sea_orm_migration::prelude::*;

#[derive(DeriveIden)]
enum Invitations {
    Table,
    Id,
    TokenDigest,
    Role,
    Email,
    CreatedBy,
    CreatedAt,
    ExpiresAt,
    UsedAt,
    UsedBy,
    RevokedAt,
}

pub struct CreateInvitations;

impl MigrationName for CreateInvitations {
    fn name(&self) -> &str {
        "m20261215_000001_create_invitations"
    }
}

#[async_trait::async_trait]
impl MigrationTrait for CreateInvitations {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let text = |c: Invitations| ColumnDef::new(c).string().not_null().to_owned();
        let time = |c: Invitations| ColumnDef::new(c).timestamp_with_time_zone().not_null().to_owned();
        let maybe_time = |c: Invitations| ColumnDef::new(c).timestamp_with_time_zone().null().to_owned();
        manager
            .create_table(
                Table::create()
                    .table(Invitations::Table)
                    .col(ColumnDef::new(Invitations::Id).string().not_null().primary_key())
                    .col(text(Invitations::TokenDigest).unique_key().to_owned())
                    .col(text(Invitations::Role))
                    .col(ColumnDef::new(Invitations::Email).string().null())
                    .col(text(Invitations::CreatedBy))
                    .col(time(Invitations::CreatedAt))
                    .col(time(Invitations::ExpiresAt))
                    .col(maybe_time(Invitations::UsedAt))
                    .col(ColumnDef::new(Invitations::UsedBy).string().null())
                    .col(maybe_time(Invitations::RevokedAt))
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(Invitations::Table).to_owned())
            .await
    }
}

pub struct FoldSignupSetting;

impl MigrationName for FoldSignupSetting {
    fn name(&self) -> &str {
        "m20261215_000002_fold_signup_setting"
    }
}

const CLOSED_IS_INVITE_ONLY: &str =
    "UPDATE settings SET value = 'invite_only' WHERE key = 'accounts.signups' AND value = 'closed'";
const GATE_IS_ACCESS_CODE: &str = "INSERT INTO settings (key, value, updated_at) \
     SELECT 'accounts.signups', 'access_code', updated_at FROM settings \
     WHERE key = 'access_code.enabled' AND value = 'true' \
       AND NOT EXISTS (SELECT 1 FROM settings WHERE key = 'accounts.signups' AND value = 'invite_only') \
     ON CONFLICT (key) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at";
const GATE_SWITCH_GOES: &str = "DELETE FROM settings WHERE key = 'access_code.enabled'";

const BACK_TO_THE_GATE_SWITCH: &str = "INSERT INTO settings (key, value, updated_at) \
     SELECT 'access_code.enabled', 'true', updated_at FROM settings \
     WHERE key = 'accounts.signups' AND value = 'access_code'";
const BACK_TO_OPEN_OR_CLOSED: &str = "UPDATE settings SET value = CASE value WHEN 'invite_only' THEN 'closed' \
     ELSE 'open' END WHERE key = 'accounts.signups'";

#[async_trait::async_trait]
impl MigrationTrait for FoldSignupSetting {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let db = manager.get_connection();
        for statement in [CLOSED_IS_INVITE_ONLY, GATE_IS_ACCESS_CODE, GATE_SWITCH_GOES] {
            db.execute_unprepared(statement).await?;
        }
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let db = manager.get_connection();
        for statement in [BACK_TO_THE_GATE_SWITCH, BACK_TO_OPEN_OR_CLOSED] {
            db.execute_unprepared(statement).await?;
        }
        Ok(())
    }
}
