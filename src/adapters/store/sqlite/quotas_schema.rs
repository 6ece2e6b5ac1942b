//! Migration: `quotas`, the member limits an admin set: one row `default`, and one per member
//! with limits of their own (keyed by user id). A missing limit is NULL (no limit).

use sea_orm_migration::prelude::*;

#[derive(DeriveIden)]
enum Quotas {
    Table,
    Scope,
    MaxVms,
    MaxVcpus,
    MaxMemoryMib,
    MaxDiskGib,
    ApprovalAbove,
}

pub struct CreateQuotas;

impl MigrationName for CreateQuotas {
    fn name(&self) -> &str {
        "m20261130_000007_create_quotas"
    }
}

#[async_trait::async_trait]
impl MigrationTrait for CreateQuotas {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let limit = |c: Quotas| ColumnDef::new(c).big_integer().null().to_owned();
        manager
            .create_table(
                Table::create()
                    .table(Quotas::Table)
                    .col(ColumnDef::new(Quotas::Scope).string().not_null().primary_key())
                    .col(limit(Quotas::MaxVms))
                    .col(limit(Quotas::MaxVcpus))
                    .col(limit(Quotas::MaxMemoryMib))
                    .col(limit(Quotas::MaxDiskGib))
                    .col(ColumnDef::new(Quotas::ApprovalAbove).string().null())
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager.drop_table(Table::drop().table(Quotas::Table).to_owned()).await
    }
}
