//! The pool as a whole: which addresses exist, and handing out the lowest free one. The SQLite
//! store keeps the same rules with SQL guards; this in-memory form serves the simulator and the
//! property tests, and defines what "lowest" means (numeric, not text, order).

use std::collections::BTreeMap;
use std::net::Ipv4Addr;

use chrono::{DateTime, Utc};

use super::address::{AddressError, PoolAddress};
use super::plan::NetworkPlan;
use super::reconcile::ReconcilePlan;
use crate::domain::ids::InstanceId;

/// Pool-level failures.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PoolError {
    #[error("every address in the pool is in use; free one or widen IP_POOL_START..IP_POOL_END")]
    Exhausted,
    #[error("{0} is not an address of this pool")]
    NotInPool(Ipv4Addr),
    #[error(transparent)]
    Address(#[from] AddressError),
}

/// What re-seeding after a plan change did.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct SeedReport {
    pub added: usize,
    /// Free addresses no longer in the plan, dropped.
    pub removed: usize,
    /// Held addresses no longer in the plan, kept until their holder lets go.
    pub stranded: Vec<Ipv4Addr>,
}

/// The lowest free address by numeric value among `rows`.
pub fn lowest_free<'a>(rows: impl IntoIterator<Item = &'a PoolAddress>) -> Option<Ipv4Addr> {
    rows.into_iter()
        .filter(|r| r.is_free())
        .map(|r| r.addr)
        .min_by_key(|a| u32::from(*a))
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PoolBook {
    rows: BTreeMap<u32, PoolAddress>,
}

impl PoolBook {
    /// A pool with every assignable address of `plan` free.
    pub fn new(plan: &NetworkPlan) -> Self {
        let mut book = Self { rows: BTreeMap::new() };
        book.reseed(plan);
        book
    }

    /// Brings the rows in line with a (possibly changed) plan: new addresses appear free,
    /// free addresses outside the plan go, held ones stay until released.
    pub fn reseed(&mut self, plan: &NetworkPlan) -> SeedReport {
        let mut report = SeedReport::default();
        for addr in plan.assignable() {
            self.rows.entry(u32::from(addr)).or_insert_with(|| {
                report.added += 1;
                PoolAddress::free(addr)
            });
        }
        let outside: Vec<u32> = self
            .rows
            .keys()
            .copied()
            .filter(|k| !plan.is_assignable(Ipv4Addr::from(*k)))
            .collect();
        for k in outside {
            if self.rows[&k].is_free() {
                self.rows.remove(&k);
                report.removed += 1;
            } else {
                report.stranded.push(Ipv4Addr::from(k));
            }
        }
        report
    }

    pub fn rows(&self) -> impl Iterator<Item = &PoolAddress> {
        self.rows.values()
    }

    pub fn get(&self, addr: Ipv4Addr) -> Option<&PoolAddress> {
        self.rows.get(&u32::from(addr))
    }

    fn row_mut(&mut self, addr: Ipv4Addr) -> Result<&mut PoolAddress, PoolError> {
        self.rows.get_mut(&u32::from(addr)).ok_or(PoolError::NotInPool(addr))
    }

    pub fn free_count(&self) -> usize {
        self.rows.values().filter(|r| r.is_free()).count()
    }

    /// Reserves the lowest free address for `provision`.
    pub fn reserve(&mut self, provision: InstanceId, now: DateTime<Utc>) -> Result<Ipv4Addr, PoolError> {
        let addr = lowest_free(self.rows.values()).ok_or(PoolError::Exhausted)?;
        self.row_mut(addr)?.reserve(provision, now)?;
        Ok(addr)
    }

    /// Runs one row transition by address.
    pub fn with<T>(
        &mut self,
        addr: Ipv4Addr,
        f: impl FnOnce(&mut PoolAddress) -> Result<T, AddressError>,
    ) -> Result<T, PoolError> {
        Ok(f(self.row_mut(addr)?)?)
    }

    /// Applies a reconcile plan decided on this book's rows.
    pub fn apply(&mut self, plan: &ReconcilePlan, now: DateTime<Utc>) {
        for (addr, action) in &plan.actions {
            if let Some(row) = self.rows.get_mut(&u32::from(*addr)) {
                action.apply(row, now);
            }
        }
    }
}
