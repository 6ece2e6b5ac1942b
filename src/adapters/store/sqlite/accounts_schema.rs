//! Migration: the account tables (`users`, `sessions`, `api_tokens`). Sessions and tokens go
//! with their user (`ON DELETE CASCADE`); secrets are stored only as digests.

use sea_orm_migration::prelude::*;

#[derive(DeriveIden)]
enum Users {
    Table,
    Id,
    Email,
    Name,
    PasswordHash,
    Role,
    Status,
    CreatedAt,
    UpdatedAt,
    LastSeenAt,
}

#[derive(DeriveIden)]
enum Sessions {
    Table,
    Id,
    UserId,
    SecretDigest,
    CreatedAt,
    LastUsedAt,
    UserAgent,
    Ip,
}

#[derive(DeriveIden)]
enum ApiTokens {
    Table,
    Id,
    UserId,
    Name,
    Prefix,
    Scope,
    SecretDigest,
    CreatedAt,
    ExpiresAt,
    LastUsedAt,
}

pub struct CreateAccounts;

impl MigrationName for CreateAccounts {
    fn name(&self) -> &str {
        "m20261129_000001_create_accounts"
    }
}

fn time(col: impl IntoIden) -> ColumnDef {
    ColumnDef::new(col).timestamp_with_time_zone().not_null().to_owned()
}

#[async_trait::async_trait]
impl MigrationTrait for CreateAccounts {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(Users::Table)
                    .col(ColumnDef::new(Users::Id).string().not_null().primary_key())
                    .col(ColumnDef::new(Users::Email).string().not_null().unique_key())
                    .col(ColumnDef::new(Users::Name).string().not_null())
                    .col(ColumnDef::new(Users::PasswordHash).string().null())
                    .col(ColumnDef::new(Users::Role).string().not_null())
                    .col(ColumnDef::new(Users::Status).string().not_null())
                    .col(time(Users::CreatedAt))
                    .col(time(Users::UpdatedAt))
                    .col(ColumnDef::new(Users::LastSeenAt).timestamp_with_time_zone().null())
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(Sessions::Table)
                    .col(ColumnDef::new(Sessions::Id).string().not_null().primary_key())
                    .col(ColumnDef::new(Sessions::UserId).string().not_null())
                    .col(ColumnDef::new(Sessions::SecretDigest).string().not_null().unique_key())
                    .col(time(Sessions::CreatedAt))
                    .col(time(Sessions::LastUsedAt))
                    .col(ColumnDef::new(Sessions::UserAgent).string().null())
                    .col(ColumnDef::new(Sessions::Ip).string().null())
                    .foreign_key(
                        ForeignKey::create()
                            .from(Sessions::Table, Sessions::UserId)
                            .to(Users::Table, Users::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("sessions_by_user")
                    .table(Sessions::Table)
                    .col(Sessions::UserId)
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(ApiTokens::Table)
                    .col(ColumnDef::new(ApiTokens::Id).string().not_null().primary_key())
                    .col(ColumnDef::new(ApiTokens::UserId).string().not_null())
                    .col(ColumnDef::new(ApiTokens::Name).string().not_null())
                    .col(ColumnDef::new(ApiTokens::Prefix).string().not_null())
                    .col(ColumnDef::new(ApiTokens::Scope).string().not_null())
                    .col(ColumnDef::new(ApiTokens::SecretDigest).string().not_null().unique_key())
                    .col(time(ApiTokens::CreatedAt))
                    .col(time(ApiTokens::ExpiresAt))
                    .col(ColumnDef::new(ApiTokens::LastUsedAt).timestamp_with_time_zone().null())
                    .foreign_key(
                        ForeignKey::create()
                            .from(ApiTokens::Table, ApiTokens::UserId)
                            .to(Users::Table, Users::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("api_tokens_name_per_user")
                    .table(ApiTokens::Table)
                    .col(ApiTokens::UserId)
                    .col(ApiTokens::Name)
                    .unique()
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for table in [
            Table::drop().table(ApiTokens::Table).to_owned(),
            Table::drop().table(Sessions::Table).to_owned(),
            Table::drop().table(Users::Table).to_owned(),
        ] {
            manager.drop_table(table).await?;
        }
        Ok(())
    }
}
