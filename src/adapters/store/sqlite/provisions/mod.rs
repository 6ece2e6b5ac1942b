//! The `ProvisionStore` port on SQLite. The record lives in one JSON column; the columns beside
//! it are what the queries and the uniqueness rules need (live hostnames, idempotency keys).

mod codec;
mod phase;
#[cfg(test)]
mod tests;

use async_trait::async_trait;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, DbErr, EntityTrait, IntoActiveModel, PaginatorTrait, QueryFilter, QueryOrder,
};

use super::SqliteStore;
use crate::domain::ids::{InstanceId, UserId};
use crate::domain::provisioning::Phase;
use crate::ports::StoreError;
use crate::ports::provisions::{CreateError, ProvisionRecord, ProvisionStore};

pub(super) mod row {
    //! `provisions`: one row per provision.

    use sea_orm::entity::prelude::*;

    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "provisions")]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub id: String,
        pub owner_id: String,
        pub hostname: String,
        pub live: bool,
        pub settled: bool,
        pub idem_key: Option<String>,
        pub requested_at: ChronoDateTimeUtc,
        pub state: String,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

fn db(e: DbErr) -> StoreError {
    StoreError::Unavailable(e.to_string())
}

fn to_row(r: &ProvisionRecord) -> row::Model {
    let p = &r.provision;
    row::Model {
        id: p.id.to_string(),
        owner_id: p.spec.owner.to_string(),
        hostname: p.spec.hostname.as_str().to_owned(),
        live: p.phase.holds_hostname(),
        settled: p.phase.is_at_rest(),
        idem_key: r.idempotency.as_ref().map(|i| i.key.clone()),
        requested_at: p.requested_at,
        state: codec::encode(r),
    }
}

fn from_rows(rows: Vec<row::Model>) -> Result<Vec<ProvisionRecord>, StoreError> {
    rows.iter().map(|m| codec::decode(&m.state)).collect()
}

#[async_trait]
impl ProvisionStore for SqliteStore {
    async fn create_provision(&self, record: &ProvisionRecord) -> Result<(), CreateError> {
        let model = to_row(record);
        let digest = record.idempotency.as_ref().map(|i| i.digest.clone());
        let outcome = self
            .write(move |txn| {
                Box::pin(async move {
                    if let Some(key) = &model.idem_key {
                        let used = row::Entity::find()
                            .filter(row::Column::OwnerId.eq(model.owner_id.clone()))
                            .filter(row::Column::IdemKey.eq(key.clone()))
                            .one(txn)
                            .await?;
                        if let Some(used) = used {
                            return Ok(Err(used.state));
                        }
                    }
                    let taken = row::Entity::find()
                        .filter(row::Column::Hostname.eq(model.hostname.clone()))
                        .filter(row::Column::Live.eq(true))
                        .count(txn)
                        .await?;
                    if taken > 0 && model.live {
                        return Ok(Ok(false));
                    }
                    model.into_active_model().reset_all().insert(txn).await?;
                    Ok(Ok(true))
                })
            })
            .await?;
        match outcome {
            Ok(true) => Ok(()),
            Ok(false) => Err(CreateError::HostnameTaken),
            Err(state) => {
                let used = codec::decode(&state)?;
                let digest = used.idempotency.map(|i| i.digest).or(digest).unwrap_or_default();
                Err(CreateError::KeyUsed {
                    existing: used.provision.id,
                    digest,
                })
            }
        }
    }

    async fn save_provision(&self, record: &ProvisionRecord) -> Result<(), StoreError> {
        let model = to_row(record);
        self.write(move |txn| {
            Box::pin(async move {
                model.into_active_model().reset_all().update(txn).await?;
                Ok(())
            })
        })
        .await
    }

    async fn get_provision(&self, id: InstanceId) -> Result<Option<ProvisionRecord>, StoreError> {
        let found = row::Entity::find_by_id(id.to_string())
            .one(self.reader())
            .await
            .map_err(db)?;
        found.map(|m| codec::decode(&m.state)).transpose()
    }

    async fn provisions_of(&self, owner: UserId) -> Result<Vec<ProvisionRecord>, StoreError> {
        let rows = row::Entity::find()
            .filter(row::Column::OwnerId.eq(owner.to_string()))
            .order_by_desc(row::Column::RequestedAt)
            .all(self.reader())
            .await
            .map_err(db)?;
        let records = from_rows(rows)?;
        Ok(records
            .into_iter()
            .filter(|r| r.provision.phase != Phase::Deleted)
            .collect())
    }

    async fn all_provisions(&self) -> Result<Vec<ProvisionRecord>, StoreError> {
        let rows = row::Entity::find()
            .order_by_desc(row::Column::RequestedAt)
            .all(self.reader())
            .await
            .map_err(db)?;
        Ok(from_rows(rows)?
            .into_iter()
            .filter(|r| r.provision.phase != Phase::Deleted)
            .collect())
    }

    async fn unsettled_provisions(&self) -> Result<Vec<ProvisionRecord>, StoreError> {
        let rows = row::Entity::find()
            .filter(row::Column::Settled.eq(false))
            .order_by_asc(row::Column::RequestedAt)
            .all(self.reader())
            .await
            .map_err(db)?;
        from_rows(rows)
    }

    async fn ready_provisions(&self) -> Result<Vec<ProvisionRecord>, StoreError> {
        let rows = row::Entity::find()
            .filter(row::Column::Settled.eq(true))
            .filter(row::Column::Live.eq(true))
            .order_by_asc(row::Column::RequestedAt)
            .all(self.reader())
            .await
            .map_err(db)?;
        Ok(from_rows(rows)?
            .into_iter()
            .filter(|r| r.provision.phase == Phase::Ready)
            .collect())
    }

    async fn find_idempotent(&self, owner: UserId, key: &str) -> Result<Option<(InstanceId, String)>, StoreError> {
        let found = row::Entity::find()
            .filter(row::Column::OwnerId.eq(owner.to_string()))
            .filter(row::Column::IdemKey.eq(key))
            .one(self.reader())
            .await
            .map_err(db)?;
        match found {
            None => Ok(None),
            Some(m) => {
                let r = codec::decode(&m.state)?;
                Ok(Some((
                    r.provision.id,
                    r.idempotency.map(|i| i.digest).unwrap_or_default(),
                )))
            }
        }
    }

    async fn hostname_in_use(&self, hostname: &str) -> Result<bool, StoreError> {
        let n = row::Entity::find()
            .filter(row::Column::Hostname.eq(hostname))
            .filter(row::Column::Live.eq(true))
            .count(self.reader())
            .await
            .map_err(db)?;
        Ok(n > 0)
    }
}
