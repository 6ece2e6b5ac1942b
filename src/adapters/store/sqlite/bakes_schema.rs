//! Migration: `template_bakes`, one row per node × OS with the last bootstrap's slot as a JSON
//! document (see `bakes.rs`).

use sea_orm_migration::prelude::*;

#[derive(DeriveIden)]
enum TemplateBakes {
    Table,
    Node,
    Os,
    Phase,
    Doc,
    UpdatedAt,
}

pub struct CreateTemplateBakes;

impl MigrationName for CreateTemplateBakes {
    fn name(&self) -> &str {
        "m20261207_000011_create_template_bakes"
    }
}

#[async_trait::async_trait]
impl MigrationTrait for CreateTemplateBakes {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(TemplateBakes::Table)
                    .col(ColumnDef::new(TemplateBakes::Node).string().not_null())
                    .col(ColumnDef::new(TemplateBakes::Os).string().not_null())
                    .col(ColumnDef::new(TemplateBakes::Phase).string().not_null())
                    .col(ColumnDef::new(TemplateBakes::Doc).text().not_null())
                    .col(ColumnDef::new(TemplateBakes::UpdatedAt).string().not_null())
                    .primary_key(Index::create().col(TemplateBakes::Node).col(TemplateBakes::Os))
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(TemplateBakes::Table).to_owned())
            .await
    }
}
