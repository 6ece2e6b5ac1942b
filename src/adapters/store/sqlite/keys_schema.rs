//! Migration: `ssh_keys`, each owner's SSH keys (names unique per owner; removed with the owner).

use sea_orm_migration::prelude::*;

#[derive(DeriveIden)]
enum SshKeys {
    Table,
    Id,
    OwnerId,
    Name,
    Label,
    PublicKey,
    Comment,
    Algorithm,
    Bits,
    Fingerprint,
    PrivateKey,
    IsDefault,
    Source,
    CreatedAt,
}

#[derive(DeriveIden)]
enum Users {
    Table,
    Id,
}

pub struct CreateSshKeys;

impl MigrationName for CreateSshKeys {
    fn name(&self) -> &str {
        "m20261129_000005_create_ssh_keys"
    }
}

#[async_trait::async_trait]
impl MigrationTrait for CreateSshKeys {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let text = |c: SshKeys| ColumnDef::new(c).string().not_null().to_owned();
        manager
            .create_table(
                Table::create()
                    .table(SshKeys::Table)
                    .col(ColumnDef::new(SshKeys::Id).string().not_null().primary_key())
                    .col(text(SshKeys::OwnerId))
                    .col(text(SshKeys::Name))
                    .col(ColumnDef::new(SshKeys::Label).string().null())
                    .col(text(SshKeys::PublicKey))
                    .col(text(SshKeys::Comment))
                    .col(text(SshKeys::Algorithm))
                    .col(ColumnDef::new(SshKeys::Bits).integer().not_null())
                    .col(text(SshKeys::Fingerprint))
                    .col(ColumnDef::new(SshKeys::PrivateKey).string().null())
                    .col(ColumnDef::new(SshKeys::IsDefault).boolean().not_null())
                    .col(text(SshKeys::Source))
                    .col(ColumnDef::new(SshKeys::CreatedAt).timestamp_with_time_zone().not_null())
                    .foreign_key(
                        ForeignKey::create()
                            .from(SshKeys::Table, SshKeys::OwnerId)
                            .to(Users::Table, Users::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("ssh_keys_name_per_owner")
                    .table(SshKeys::Table)
                    .col(SshKeys::OwnerId)
                    .col(SshKeys::Name)
                    .unique()
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager.drop_table(Table::drop().table(SshKeys::Table).to_owned()).await
    }
}
