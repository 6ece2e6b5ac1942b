//! The `AddressPool` port on SQLite: one row per assignable address. Every change loads the row,
//! applies the domain's transition and writes it back inside one write transaction, so a row can
//! never be handed to two provisions.

use std::net::Ipv4Addr;

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, DatabaseTransaction, DbErr, EntityTrait, IntoActiveModel, QueryFilter, QueryOrder,
};

use super::SqliteStore;
use crate::domain::ids::InstanceId;
use crate::domain::ip_pool::{Action, AddressState, Holder, NetworkPlan, PoolAddress, Reservation};
use crate::domain::vmid::VmId;
use crate::ports::StoreError;
use crate::ports::pool::{AddressPool, Contest, LeaseChange, LeaseError};

pub(super) mod row {
    //! `pool_addresses`: one row per assignable pool address.

    use sea_orm::entity::prelude::*;

    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "pool_addresses")]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub addr: String,
        pub num: i64,
        pub state: String,
        pub provision_id: Option<String>,
        pub vmid: Option<i32>,
        pub holder: Option<String>,
        pub holder_name: Option<String>,
        pub reserved_at: Option<ChronoDateTimeUtc>,
        pub renewed_at: Option<ChronoDateTimeUtc>,
        pub since: Option<ChronoDateTimeUtc>,
        pub missed: i32,
        pub last_seen: Option<ChronoDateTimeUtc>,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

/// A failure inside a write: the database's, or a row that breaks the format.
enum TxError {
    Db(DbErr),
    Corrupt(String),
}

impl From<DbErr> for TxError {
    fn from(e: DbErr) -> Self {
        Self::Db(e)
    }
}

fn corrupt(what: &str, value: impl std::fmt::Display) -> String {
    format!("pool address {what}: {value}")
}

fn vmid_of(v: Option<i32>) -> Result<VmId, String> {
    let v = v.ok_or_else(|| corrupt("vmid", "missing"))?;
    u32::try_from(v)
        .ok()
        .and_then(|v| VmId::new(v).ok())
        .ok_or_else(|| corrupt("vmid", v))
}

fn decode(m: &row::Model) -> Result<PoolAddress, String> {
    let addr: Ipv4Addr = m.addr.parse().map_err(|_| corrupt("address", &m.addr))?;
    let instance = |id: &Option<String>| -> Result<InstanceId, String> {
        let text = id.as_deref().ok_or_else(|| corrupt("provision", "missing"))?;
        text.parse().map_err(|_| corrupt("provision", text))
    };
    let at = |t: Option<DateTime<Utc>>, what: &str| t.ok_or_else(|| corrupt(what, "missing"));
    let state = match m.state.as_str() {
        "free" => AddressState::Free,
        "reserved" => AddressState::Reserved(Reservation {
            provision: instance(&m.provision_id)?,
            vmid: m.vmid.map(|v| vmid_of(Some(v))).transpose()?,
            reserved_at: at(m.reserved_at, "reserved_at")?,
            renewed_at: at(m.renewed_at, "renewed_at")?,
        }),
        "allocated" => AddressState::Allocated {
            holder: match m.holder.as_deref() {
                Some("local") => Holder::Local {
                    instance: instance(&m.provision_id)?,
                    vmid: vmid_of(m.vmid)?,
                },
                Some("adopted") => Holder::Adopted {
                    vmid: vmid_of(m.vmid)?,
                    name: m.holder_name.clone().unwrap_or_default(),
                },
                Some("external") => Holder::External,
                other => return Err(corrupt("holder", format!("{other:?}"))),
            },
            since: at(m.since, "since")?,
        },
        other => return Err(corrupt("state", other)),
    };
    Ok(PoolAddress {
        addr,
        state,
        missed: u32::try_from(m.missed).unwrap_or(0),
        last_seen: m.last_seen,
    })
}

fn encode(a: &PoolAddress) -> row::Model {
    let mut m = row::Model {
        addr: a.addr.to_string(),
        num: i64::from(u32::from(a.addr)),
        state: a.state_word().to_owned(),
        provision_id: None,
        vmid: None,
        holder: None,
        holder_name: None,
        reserved_at: None,
        renewed_at: None,
        since: None,
        missed: i32::try_from(a.missed).unwrap_or(i32::MAX),
        last_seen: a.last_seen,
    };
    let vmid = |v: VmId| i32::try_from(v.get()).ok();
    match &a.state {
        AddressState::Free => {}
        AddressState::Reserved(r) => {
            m.provision_id = Some(r.provision.to_string());
            m.vmid = r.vmid.and_then(vmid);
            m.reserved_at = Some(r.reserved_at);
            m.renewed_at = Some(r.renewed_at);
        }
        AddressState::Allocated { holder, since } => {
            m.since = Some(*since);
            match holder {
                Holder::Local { instance, vmid: v } => {
                    m.holder = Some("local".into());
                    m.provision_id = Some(instance.to_string());
                    m.vmid = vmid(*v);
                }
                Holder::Adopted { vmid: v, name } => {
                    m.holder = Some("adopted".into());
                    m.vmid = vmid(*v);
                    m.holder_name = Some(name.clone());
                }
                Holder::External => m.holder = Some("external".into()),
            }
        }
    }
    m
}

async fn load(txn: &DatabaseTransaction, addr: Ipv4Addr) -> Result<Option<PoolAddress>, TxError> {
    match row::Entity::find_by_id(addr.to_string()).one(txn).await? {
        Some(m) => decode(&m).map(Some).map_err(TxError::Corrupt),
        None => Ok(None),
    }
}

async fn store(txn: &DatabaseTransaction, a: &PoolAddress) -> Result<(), DbErr> {
    encode(a).into_active_model().reset_all().update(txn).await?;
    Ok(())
}

impl SqliteStore {
    /// Runs `f` in a write transaction, mapping its two kinds of failure.
    async fn pool_write<T, F>(&self, f: F) -> Result<T, StoreError>
    where
        T: Send + 'static,
        F: for<'c> FnOnce(&'c DatabaseTransaction) -> super::TxFuture<'c, Result<T, String>> + Send + 'static,
    {
        self.write(f).await?.map_err(StoreError::Corrupt)
    }
}

/// Turns the inner result of a row transaction into the outer shape `pool_write` wants.
fn settle<T>(r: Result<T, TxError>) -> Result<Result<T, String>, DbErr> {
    match r {
        Ok(v) => Ok(Ok(v)),
        Err(TxError::Db(e)) => Err(e),
        Err(TxError::Corrupt(c)) => Ok(Err(c)),
    }
}

#[async_trait]
impl AddressPool for SqliteStore {
    async fn seed_pool(&self, plan: &NetworkPlan) -> Result<(usize, usize), StoreError> {
        let wanted: Vec<Ipv4Addr> = plan.assignable().collect();
        let plan = plan.clone();
        self.pool_write(move |txn| {
            Box::pin(async move {
                settle(
                    async {
                        let have: Vec<row::Model> = row::Entity::find().all(txn).await?;
                        let known: std::collections::BTreeSet<String> = have.iter().map(|m| m.addr.clone()).collect();
                        let mut added = 0;
                        for addr in &wanted {
                            if !known.contains(&addr.to_string()) {
                                encode(&PoolAddress::free(*addr))
                                    .into_active_model()
                                    .reset_all()
                                    .insert(txn)
                                    .await?;
                                added += 1;
                            }
                        }
                        let mut removed = 0;
                        for m in have {
                            let outside = m.addr.parse::<Ipv4Addr>().is_ok_and(|a| !plan.is_assignable(a));
                            if outside && m.state == "free" {
                                row::Entity::delete_by_id(m.addr).exec(txn).await?;
                                removed += 1;
                            }
                        }
                        Ok((added, removed))
                    }
                    .await,
                )
            })
        })
        .await
    }

    async fn reserve(&self, provision: InstanceId, now: DateTime<Utc>) -> Result<Option<Ipv4Addr>, StoreError> {
        self.pool_write(move |txn| {
            Box::pin(async move {
                settle(
                    async {
                        let held = row::Entity::find()
                            .filter(row::Column::State.eq("reserved"))
                            .filter(row::Column::ProvisionId.eq(provision.to_string()))
                            .one(txn)
                            .await?;
                        if let Some(m) = held {
                            return Ok(Some(decode(&m).map_err(TxError::Corrupt)?.addr));
                        }
                        let free = row::Entity::find()
                            .filter(row::Column::State.eq("free"))
                            .order_by_asc(row::Column::Num)
                            .one(txn)
                            .await?;
                        let Some(m) = free else { return Ok(None) };
                        let mut a = decode(&m).map_err(TxError::Corrupt)?;
                        a.reserve(provision, now).map_err(|e| TxError::Corrupt(e.to_string()))?;
                        store(txn, &a).await?;
                        Ok(Some(a.addr))
                    }
                    .await,
                )
            })
        })
        .await
    }

    async fn contested(
        &self,
        provision: InstanceId,
        addr: Ipv4Addr,
        contest: Contest,
        now: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        self.pool_write(move |txn| {
            Box::pin(async move {
                settle(
                    async {
                        let Some(mut a) = load(txn, addr).await? else {
                            return Ok(());
                        };
                        if a.owner() != Some(provision) && !a.is_free() {
                            return Ok(());
                        }
                        a.release();
                        match contest {
                            Contest::Guest { vmid, name } => a.adopt(vmid, &name, now),
                            Contest::LanHost => a.mark_external(now).map_err(|e| TxError::Corrupt(e.to_string()))?,
                        }
                        store(txn, &a).await?;
                        Ok(())
                    }
                    .await,
                )
            })
        })
        .await
    }

    async fn lease(
        &self,
        provision: InstanceId,
        addr: Ipv4Addr,
        change: LeaseChange,
        now: DateTime<Utc>,
    ) -> Result<(), LeaseError> {
        let lost = self
            .pool_write(move |txn| {
                Box::pin(async move {
                    settle(
                        async {
                            let Some(mut a) = load(txn, addr).await? else {
                                return Ok(true);
                            };
                            let done = match change {
                                LeaseChange::Renew => a.renew(provision, now),
                                LeaseChange::AttachVmid(v) => a.attach_vmid(provision, v),
                                LeaseChange::Allocate(v) => a.allocate(provision, v, now),
                            };
                            if done.is_err() {
                                return Ok(true);
                            }
                            store(txn, &a).await?;
                            Ok(false)
                        }
                        .await,
                    )
                })
            })
            .await?;
        if lost { Err(LeaseError::Lost) } else { Ok(()) }
    }

    async fn release(&self, provision: InstanceId, addr: Ipv4Addr) -> Result<bool, StoreError> {
        self.pool_write(move |txn| {
            Box::pin(async move {
                settle(
                    async {
                        let Some(mut a) = load(txn, addr).await? else {
                            return Ok(false);
                        };
                        if a.release_for(provision).is_err() {
                            return Ok(false);
                        }
                        store(txn, &a).await?;
                        Ok(true)
                    }
                    .await,
                )
            })
        })
        .await
    }

    async fn apply_reconcile(
        &self,
        seen: &[PoolAddress],
        actions: &[(Ipv4Addr, Action)],
        now: DateTime<Utc>,
    ) -> Result<usize, StoreError> {
        let seen: std::collections::BTreeMap<Ipv4Addr, PoolAddress> =
            seen.iter().map(|r| (r.addr, r.clone())).collect();
        let actions = actions.to_vec();
        self.pool_write(move |txn| {
            Box::pin(async move {
                settle(
                    async {
                        let mut applied = 0;
                        for (addr, action) in &actions {
                            let Some(mut row) = load(txn, *addr).await? else {
                                continue;
                            };
                            if seen.get(addr) != Some(&row) {
                                continue;
                            }
                            action.apply(&mut row, now);
                            store(txn, &row).await?;
                            applied += 1;
                        }
                        Ok(applied)
                    }
                    .await,
                )
            })
        })
        .await
    }

    async fn pool_rows(&self) -> Result<Vec<PoolAddress>, StoreError> {
        let rows = row::Entity::find()
            .order_by_asc(row::Column::Num)
            .all(self.reader())
            .await
            .map_err(|e| StoreError::Unavailable(e.to_string()))?;
        rows.iter().map(|m| decode(m).map_err(StoreError::Corrupt)).collect()
    }
}
