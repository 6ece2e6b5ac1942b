//! Migration: `provisions` (one row per VM Nimbus builds, its state as a JSON document; live
//! hostnames unique, idempotency keys unique per owner) and `pool_addresses` (the IP pool, one row
//! per assignable address).

use sea_orm_migration::prelude::*;

#[derive(DeriveIden)]
enum Provisions {
    Table,
    Id,
    OwnerId,
    Hostname,
    Live,
    Settled,
    IdemKey,
    RequestedAt,
    State,
}

#[derive(DeriveIden)]
enum PoolAddresses {
    Table,
    Addr,
    Num,
    State,
    ProvisionId,
    Vmid,
    Holder,
    HolderName,
    ReservedAt,
    RenewedAt,
    Since,
    Missed,
    LastSeen,
}

pub struct CreateProvisions;

impl MigrationName for CreateProvisions {
    fn name(&self) -> &str {
        "m20261129_000006_create_provisions"
    }
}

#[async_trait::async_trait]
impl MigrationTrait for CreateProvisions {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let text = |c: Provisions| ColumnDef::new(c).string().not_null().to_owned();
        manager
            .create_table(
                Table::create()
                    .table(Provisions::Table)
                    .col(ColumnDef::new(Provisions::Id).string().not_null().primary_key())
                    .col(text(Provisions::OwnerId))
                    .col(text(Provisions::Hostname))
                    .col(ColumnDef::new(Provisions::Live).boolean().not_null())
                    .col(ColumnDef::new(Provisions::Settled).boolean().not_null())
                    .col(ColumnDef::new(Provisions::IdemKey).string().null())
                    .col(
                        ColumnDef::new(Provisions::RequestedAt)
                            .timestamp_with_time_zone()
                            .not_null(),
                    )
                    .col(text(Provisions::State))
                    .to_owned(),
            )
            .await?;
        let db = manager.get_connection();
        db.execute_unprepared("CREATE UNIQUE INDEX provisions_live_hostname ON provisions (hostname) WHERE live = 1")
            .await?;
        db.execute_unprepared(
            "CREATE UNIQUE INDEX provisions_idempotency ON provisions (owner_id, idem_key) WHERE idem_key IS NOT NULL",
        )
        .await?;
        db.execute_unprepared("CREATE INDEX provisions_owner ON provisions (owner_id, requested_at)")
            .await?;
        db.execute_unprepared("CREATE INDEX provisions_unsettled ON provisions (settled) WHERE settled = 0")
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(PoolAddresses::Table)
                    .col(ColumnDef::new(PoolAddresses::Addr).string().not_null().primary_key())
                    .col(ColumnDef::new(PoolAddresses::Num).big_integer().not_null().unique_key())
                    .col(ColumnDef::new(PoolAddresses::State).string().not_null())
                    .col(ColumnDef::new(PoolAddresses::ProvisionId).string().null())
                    .col(ColumnDef::new(PoolAddresses::Vmid).integer().null())
                    .col(ColumnDef::new(PoolAddresses::Holder).string().null())
                    .col(ColumnDef::new(PoolAddresses::HolderName).string().null())
                    .col(
                        ColumnDef::new(PoolAddresses::ReservedAt)
                            .timestamp_with_time_zone()
                            .null(),
                    )
                    .col(
                        ColumnDef::new(PoolAddresses::RenewedAt)
                            .timestamp_with_time_zone()
                            .null(),
                    )
                    .col(ColumnDef::new(PoolAddresses::Since).timestamp_with_time_zone().null())
                    .col(ColumnDef::new(PoolAddresses::Missed).integer().not_null())
                    .col(
                        ColumnDef::new(PoolAddresses::LastSeen)
                            .timestamp_with_time_zone()
                            .null(),
                    )
                    .to_owned(),
            )
            .await?;
        db.execute_unprepared("CREATE INDEX pool_addresses_free ON pool_addresses (num) WHERE state = 'free'")
            .await?;
        db.execute_unprepared("CREATE INDEX pool_addresses_provision ON pool_addresses (provision_id)")
            .await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(PoolAddresses::Table).to_owned())
            .await?;
        manager
            .drop_table(Table::drop().table(Provisions::Table).to_owned())
            .await
    }
}
