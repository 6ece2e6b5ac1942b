//! Migration: `secret_values`, the named sealed secrets.

use sea_orm_migration::prelude::*;

#[derive(DeriveIden)]
enum SecretValues {
    Table,
    Name,
    Sealed,
    UpdatedAt,
}

pub struct CreateSecretValues;

impl MigrationName for CreateSecretValues {
    fn name(&self) -> &str {
        "m20261129_000002_create_secret_values"
    }
}

#[async_trait::async_trait]
impl MigrationTrait for CreateSecretValues {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(SecretValues::Table)
                    .col(ColumnDef::new(SecretValues::Name).string().not_null().primary_key())
                    .col(ColumnDef::new(SecretValues::Sealed).string().not_null())
                    .col(
                        ColumnDef::new(SecretValues::UpdatedAt)
                            .timestamp_with_time_zone()
                            .not_null(),
                    )
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(SecretValues::Table).to_owned())
            .await
    }
}
