//! The `ProvisionStore` port on SQLite. The record lives in one JSON column; the columns beside
//! it are what the queries and the uniqueness rules need (live hostnames, idempotency keys).

mod codec;
mod phase;
#[cfg(test)]
mod stored_text_tests;
#[cfg(test)]
mod tests;

use async_trait::async_trait;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, DbErr, EntityTrait, IntoActiveModel, PaginatorTrait, QueryFilter, QueryOrder,
};

use super::SqliteStore;
use crate::domain::ids::{InstanceId, UserId};
use crate::domain::provisioning::Phase;
use crate::domain::quota::{QuotaBreach, QuotaLimits, Usage};
use crate::ports::StoreError;
use crate::ports::provisions::{CreateError, DecideError, ProvisionRecord, ProvisionStore};

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
        id: p.id().to_string(),
        owner_id: p.spec().owner.to_string(),
        hostname: p.spec().hostname.as_str().to_owned(),
        live: p.phase().holds_hostname(),
        settled: p.phase().is_at_rest(),
        idem_key: r.idempotency.as_ref().map(|i| i.key.clone()),
        requested_at: p.requested_at(),
        state: codec::encode(r),
    }
}

fn from_rows(rows: Vec<row::Model>) -> Result<Vec<ProvisionRecord>, StoreError> {
    rows.iter().map(|m| codec::decode(&m.state)).collect()
}

fn usage_in(records: &[ProvisionRecord]) -> Usage {
    records
        .iter()
        .map(|r| &r.provision)
        .filter(|p| p.phase().counts_toward_quota())
        .fold(Usage::default(), |sum, p| {
            sum.plus(Usage::one(p.spec().vcpus, p.spec().memory_mib, p.spec().disk_gib))
        })
}

fn asks(r: &ProvisionRecord) -> Usage {
    let s = r.provision.spec();
    Usage::one(s.vcpus, s.memory_mib, s.disk_gib)
}

/// The owner's live rows other than `except`, decoded, inside a write.
async fn live_of(
    txn: &sea_orm::DatabaseTransaction,
    owner: &str,
    except: &str,
) -> Result<Result<Vec<ProvisionRecord>, StoreError>, DbErr> {
    let rows = row::Entity::find()
        .filter(row::Column::OwnerId.eq(owner))
        .filter(row::Column::Live.eq(true))
        .filter(row::Column::Id.ne(except))
        .all(txn)
        .await?;
    Ok(from_rows(rows))
}

/// Inside a write: whether the owner's quota has room for `record` (and, for a request that
/// will wait for approval, whether fewer than `max_pending` of theirs wait already).
async fn quota_check(
    txn: &sea_orm::DatabaseTransaction,
    record: &ProvisionRecord,
    quota: Option<&QuotaLimits>,
) -> Result<Result<Result<(), QuotaBreach>, StoreError>, DbErr> {
    let Some(limits) = quota else { return Ok(Ok(Ok(()))) };
    let owner = record.owner().to_string();
    let others = match live_of(txn, &owner, &record.id().to_string()).await? {
        Ok(others) => others,
        Err(e) => return Ok(Err(e)),
    };
    if *record.provision.phase() == Phase::PendingApproval {
        let waiting = others
            .iter()
            .filter(|r| *r.provision.phase() == Phase::PendingApproval)
            .count();
        if let Err(breach) = limits.admit_request(u32::try_from(waiting).unwrap_or(u32::MAX)) {
            return Ok(Ok(Err(breach)));
        }
    }
    Ok(Ok(limits.admit(usage_in(&others), asks(record))))
}

/// What a write that admits a record concluded.
enum Admit {
    Done,
    Refused(CreateError),
}

#[async_trait]
impl ProvisionStore for SqliteStore {
    async fn create_provision(&self, record: &ProvisionRecord, quota: Option<QuotaLimits>) -> Result<(), CreateError> {
        let model = to_row(record);
        let digest = record.idempotency.as_ref().map(|i| i.digest.clone());
        let record = record.clone();
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
                            let used = codec::decode(&used.state);
                            return Ok(Admit::Refused(match used {
                                Ok(used) => CreateError::KeyUsed {
                                    existing: used.provision.id(),
                                    digest: used.idempotency.map(|i| i.digest).or(digest).unwrap_or_default(),
                                },
                                Err(e) => CreateError::Store(e),
                            }));
                        }
                    }
                    let taken = row::Entity::find()
                        .filter(row::Column::Hostname.eq(model.hostname.clone()))
                        .filter(row::Column::Live.eq(true))
                        .count(txn)
                        .await?;
                    if taken > 0 && model.live {
                        return Ok(Admit::Refused(CreateError::HostnameTaken));
                    }
                    if record.provision.phase().counts_toward_quota()
                        || *record.provision.phase() == Phase::PendingApproval
                    {
                        match quota_check(txn, &record, quota.as_ref()).await? {
                            Ok(Ok(())) => {}
                            Ok(Err(breach)) => return Ok(Admit::Refused(CreateError::OverQuota(breach))),
                            Err(e) => return Ok(Admit::Refused(CreateError::Store(e))),
                        }
                    }
                    model.into_active_model().reset_all().insert(txn).await?;
                    Ok(Admit::Done)
                })
            })
            .await?;
        match outcome {
            Admit::Done => Ok(()),
            Admit::Refused(e) => Err(e),
        }
    }

    async fn decide_provision(&self, record: &ProvisionRecord, quota: Option<QuotaLimits>) -> Result<(), DecideError> {
        let model = to_row(record);
        let record = record.clone();
        self.write(move |txn| {
            Box::pin(async move {
                let Some(stored) = row::Entity::find_by_id(model.id.clone()).one(txn).await? else {
                    return Ok(Err(DecideError::NotPending));
                };
                match codec::decode(&stored.state) {
                    Ok(s) if *s.provision.phase() == Phase::PendingApproval => {}
                    Ok(_) => return Ok(Err(DecideError::NotPending)),
                    Err(e) => return Ok(Err(DecideError::Store(e))),
                }
                if record.provision.phase().counts_toward_quota() {
                    match quota_check(txn, &record, quota.as_ref()).await? {
                        Ok(Ok(())) => {}
                        Ok(Err(breach)) => return Ok(Err(DecideError::OverQuota(breach))),
                        Err(e) => return Ok(Err(DecideError::Store(e))),
                    }
                }
                model.into_active_model().reset_all().update(txn).await?;
                Ok(Ok(()))
            })
        })
        .await?
    }

    async fn usage_of(&self, owner: UserId) -> Result<Usage, StoreError> {
        let rows = row::Entity::find()
            .filter(row::Column::OwnerId.eq(owner.to_string()))
            .filter(row::Column::Live.eq(true))
            .all(self.reader())
            .await
            .map_err(db)?;
        Ok(usage_in(&from_rows(rows)?))
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
            .filter(|r| *r.provision.phase() != Phase::Deleted)
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
            .filter(|r| *r.provision.phase() != Phase::Deleted)
            .collect())
    }

    async fn provisions_since(&self, since: chrono::DateTime<chrono::Utc>) -> Result<Vec<ProvisionRecord>, StoreError> {
        let rows = row::Entity::find()
            .filter(row::Column::RequestedAt.gte(since))
            .order_by_asc(row::Column::RequestedAt)
            .all(self.reader())
            .await
            .map_err(db)?;
        from_rows(rows)
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
            .filter(|r| *r.provision.phase() == Phase::Ready)
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
                    r.provision.id(),
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
