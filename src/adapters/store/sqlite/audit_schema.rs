//! Migration: `audit_events`, the append-only audit log, indexed for its filters; and the
//! access-code version each account last entered.

use sea_orm_migration::prelude::*;

#[derive(DeriveIden)]
enum AuditEvents {
    Table,
    Id,
    At,
    Action,
    ActorId,
    ActorEmail,
    Target,
    TargetLabel,
    Ip,
    Detail,
}

#[derive(DeriveIden)]
enum Users {
    Table,
    AccessCodeVersion,
}

pub struct CreateAuditEvents;

impl MigrationName for CreateAuditEvents {
    fn name(&self) -> &str {
        "m20261129_000003_create_audit_events"
    }
}

#[async_trait::async_trait]
impl MigrationTrait for CreateAuditEvents {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(AuditEvents::Table)
                    .col(
                        ColumnDef::new(AuditEvents::Id)
                            .big_integer()
                            .not_null()
                            .auto_increment()
                            .primary_key(),
                    )
                    .col(ColumnDef::new(AuditEvents::At).timestamp_with_time_zone().not_null())
                    .col(ColumnDef::new(AuditEvents::Action).string().not_null())
                    .col(ColumnDef::new(AuditEvents::ActorId).string().null())
                    .col(ColumnDef::new(AuditEvents::ActorEmail).string().null())
                    .col(ColumnDef::new(AuditEvents::Target).string().null())
                    .col(ColumnDef::new(AuditEvents::TargetLabel).string().null())
                    .col(ColumnDef::new(AuditEvents::Ip).string().null())
                    .col(ColumnDef::new(AuditEvents::Detail).string().not_null())
                    .to_owned(),
            )
            .await?;
        for (name, column) in [
            ("audit_by_action", AuditEvents::Action),
            ("audit_by_actor", AuditEvents::ActorId),
        ] {
            manager
                .create_index(
                    Index::create()
                        .name(name)
                        .table(AuditEvents::Table)
                        .col(column)
                        .col(AuditEvents::Id)
                        .to_owned(),
                )
                .await?;
        }
        // Accounts remember the access-code version they last entered.
        manager
            .alter_table(
                Table::alter()
                    .table(Users::Table)
                    .add_column(ColumnDef::new(Users::AccessCodeVersion).big_integer().null())
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(AuditEvents::Table).to_owned())
            .await
    }
}
