//! Migration: `identities`, GitHub and Google identities linked to accounts (one per provider
//! per account; removed with the account).

use sea_orm_migration::prelude::*;

#[derive(DeriveIden)]
enum Identities {
    Table,
    Provider,
    Subject,
    UserId,
    Login,
    Email,
    LinkedAt,
}

#[derive(DeriveIden)]
enum Users {
    Table,
    Id,
}

pub struct CreateIdentities;

impl MigrationName for CreateIdentities {
    fn name(&self) -> &str {
        "m20261129_000004_create_identities"
    }
}

#[async_trait::async_trait]
impl MigrationTrait for CreateIdentities {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(Identities::Table)
                    .col(ColumnDef::new(Identities::Provider).string().not_null())
                    .col(ColumnDef::new(Identities::Subject).string().not_null())
                    .col(ColumnDef::new(Identities::UserId).string().not_null())
                    .col(ColumnDef::new(Identities::Login).string().not_null())
                    .col(ColumnDef::new(Identities::Email).string().null())
                    .col(
                        ColumnDef::new(Identities::LinkedAt)
                            .timestamp_with_time_zone()
                            .not_null(),
                    )
                    .primary_key(Index::create().col(Identities::Provider).col(Identities::Subject))
                    .foreign_key(
                        ForeignKey::create()
                            .from(Identities::Table, Identities::UserId)
                            .to(Users::Table, Users::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("identities_one_per_provider")
                    .table(Identities::Table)
                    .col(Identities::UserId)
                    .col(Identities::Provider)
                    .unique()
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(Identities::Table).to_owned())
            .await
    }
}
