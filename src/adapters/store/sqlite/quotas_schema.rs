//! Migrations: `quotas`, the member limits an admin set: one row `default`, and one per member
//! with limits of their own (keyed by user id). A missing limit is NULL (no limit). Later, the cap
//! on requests waiting for approval (`max_pending`), which existing rows get at its default.

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
    MaxPending,
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

/// Adds `max_pending`. Rows saved before it existed get the built-in cap (3) rather than no
/// limit: the cap is what stops one member from holding any number of hostnames in requests.
pub struct AddPendingCap;

impl MigrationName for AddPendingCap {
    fn name(&self) -> &str {
        "m20261207_000009_quotas_max_pending"
    }
}

#[async_trait::async_trait]
impl MigrationTrait for AddPendingCap {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table(Quotas::Table)
                    .add_column(ColumnDef::new(Quotas::MaxPending).big_integer().null())
                    .to_owned(),
            )
            .await?;
        manager
            .exec_stmt(
                Query::update()
                    .table(Quotas::Table)
                    .value(Quotas::MaxPending, 3)
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table(Quotas::Table)
                    .drop_column(Quotas::MaxPending)
                    .to_owned(),
            )
            .await
    }
}
