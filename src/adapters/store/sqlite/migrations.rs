//! Schema migrations, applied at start-up in order. A migration, once released, is never edited:
//! changes come as new migrations appended to the list.

use sea_orm_migration::prelude::*;

pub struct Migrator;

#[async_trait::async_trait]
impl MigratorTrait for Migrator {
    fn migrations() -> Vec<Box<dyn MigrationTrait>> {
        vec![
            Box::new(CreateSettings),
            Box::new(super::accounts_schema::CreateAccounts),
            Box::new(super::secrets_schema::CreateSecretValues),
            Box::new(super::audit_schema::CreateAuditEvents),
            Box::new(super::identities_schema::CreateIdentities),
            Box::new(super::keys_schema::CreateSshKeys),
            Box::new(super::provisions_schema::CreateProvisions),
            Box::new(super::quotas_schema::CreateQuotas),
            Box::new(super::quotas_schema::AddPendingCap),
            Box::new(super::email_proof_schema::ProveEmails),
            Box::new(super::bakes_schema::CreateTemplateBakes),
            Box::new(super::invitations_schema::CreateInvitations),
            Box::new(super::invitations_schema::FoldSignupSetting),
            Box::new(super::gpu_jobs_schema::CreateGpuJobs),
            Box::new(super::gpu_jobs_schema::CreateGpuWorkers),
        ]
    }
}

#[derive(DeriveIden)]
enum Settings {
    Table,
    Key,
    Value,
    UpdatedAt,
}

struct CreateSettings;

impl MigrationName for CreateSettings {
    fn name(&self) -> &str {
        "m20261128_000001_create_settings"
    }
}

#[async_trait::async_trait]
impl MigrationTrait for CreateSettings {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(Settings::Table)
                    .col(ColumnDef::new(Settings::Key).string().not_null().primary_key())
                    .col(ColumnDef::new(Settings::Value).string().not_null())
                    .col(
                        ColumnDef::new(Settings::UpdatedAt)
                            .timestamp_with_time_zone()
                            .not_null(),
                    )
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(Settings::Table).to_owned())
            .await
    }
}
