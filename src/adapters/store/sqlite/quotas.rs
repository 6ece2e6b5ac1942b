//! The `QuotaStore` port on SQLite: one `quotas` row for the defaults (`scope = 'default'`) and
//! one per member override (`scope` = the user id).

use async_trait::async_trait;
use sea_orm::{ActiveModelTrait, ColumnTrait, DbErr, EntityTrait, IntoActiveModel, QueryFilter};

use super::SqliteStore;
use crate::domain::ids::UserId;
use crate::domain::quota::QuotaLimits;
use crate::domain::tier::TierName;
use crate::ports::StoreError;
use crate::ports::quotas::QuotaStore;

mod row {
    //! `quotas`: one row per scope.

    use sea_orm::entity::prelude::*;

    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "quotas")]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub scope: String,
        pub max_vms: Option<i64>,
        pub max_vcpus: Option<i64>,
        pub max_memory_mib: Option<i64>,
        pub max_disk_gib: Option<i64>,
        pub approval_above: Option<String>,
        pub max_pending: Option<i64>,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

const DEFAULTS: &str = "default";

fn db(e: DbErr) -> StoreError {
    StoreError::Unavailable(e.to_string())
}

fn corrupt(what: &str) -> StoreError {
    StoreError::Corrupt(format!("quota {what}"))
}

fn to_limits(m: &row::Model) -> Result<QuotaLimits, StoreError> {
    let u32_of = |v: Option<i64>, what| v.map(|v| u32::try_from(v).map_err(|_| corrupt(what))).transpose();
    let u64_of = |v: Option<i64>, what| v.map(|v| u64::try_from(v).map_err(|_| corrupt(what))).transpose();
    Ok(QuotaLimits {
        max_vms: u32_of(m.max_vms, "max_vms")?,
        max_vcpus: u32_of(m.max_vcpus, "max_vcpus")?,
        max_memory_mib: u64_of(m.max_memory_mib, "max_memory_mib")?,
        max_disk_gib: u64_of(m.max_disk_gib, "max_disk_gib")?,
        approval_above: m
            .approval_above
            .as_deref()
            .map(|t| TierName::parse(t).map_err(|_| corrupt("approval_above")))
            .transpose()?,
        max_pending: u32_of(m.max_pending, "max_pending")?,
    })
}

fn to_row(scope: String, l: &QuotaLimits) -> row::Model {
    let big = |v: u64| i64::try_from(v).unwrap_or(i64::MAX);
    row::Model {
        scope,
        max_vms: l.max_vms.map(i64::from),
        max_vcpus: l.max_vcpus.map(i64::from),
        max_memory_mib: l.max_memory_mib.map(big),
        max_disk_gib: l.max_disk_gib.map(big),
        approval_above: l.approval_above.as_ref().map(|t| t.as_str().to_owned()),
        max_pending: l.max_pending.map(i64::from),
    }
}

impl SqliteStore {
    async fn quota_row(&self, scope: String) -> Result<Option<QuotaLimits>, StoreError> {
        let found = row::Entity::find_by_id(scope).one(self.reader()).await.map_err(db)?;
        found.as_ref().map(to_limits).transpose()
    }

    async fn put_quota(&self, scope: String, limits: &QuotaLimits) -> Result<(), StoreError> {
        let model = to_row(scope, limits);
        self.write(move |txn| {
            Box::pin(async move {
                let exists = row::Entity::find_by_id(model.scope.clone()).one(txn).await?.is_some();
                let active = model.into_active_model().reset_all();
                if exists {
                    active.update(txn).await?;
                } else {
                    active.insert(txn).await?;
                }
                Ok(())
            })
        })
        .await
    }
}

#[async_trait]
impl QuotaStore for SqliteStore {
    async fn quota_defaults(&self) -> Result<Option<QuotaLimits>, StoreError> {
        self.quota_row(DEFAULTS.to_owned()).await
    }

    async fn set_quota_defaults(&self, limits: &QuotaLimits) -> Result<(), StoreError> {
        self.put_quota(DEFAULTS.to_owned(), limits).await
    }

    async fn quota_overrides(&self) -> Result<Vec<(UserId, QuotaLimits)>, StoreError> {
        let rows = row::Entity::find()
            .filter(row::Column::Scope.ne(DEFAULTS))
            .all(self.reader())
            .await
            .map_err(db)?;
        rows.iter()
            .map(|m| {
                let user = m.scope.parse().map_err(|_| corrupt("scope"))?;
                Ok((user, to_limits(m)?))
            })
            .collect()
    }

    async fn quota_override(&self, user: UserId) -> Result<Option<QuotaLimits>, StoreError> {
        self.quota_row(user.to_string()).await
    }

    async fn set_quota_override(&self, user: UserId, limits: &QuotaLimits) -> Result<(), StoreError> {
        self.put_quota(user.to_string(), limits).await
    }

    async fn clear_quota_override(&self, user: UserId) -> Result<bool, StoreError> {
        let scope = user.to_string();
        self.write(move |txn| {
            Box::pin(async move {
                let gone = row::Entity::delete_by_id(scope).exec(txn).await?;
                Ok(gone.rows_affected > 0)
            })
        })
        .await
    }
}
