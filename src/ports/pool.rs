//! The `AddressPool` port: the IP pool's rows, each changed only inside one write transaction so
//! two provisions can never hold the same address.

use std::net::Ipv4Addr;

use async_trait::async_trait;
use chrono::{DateTime, Utc};

use super::store::StoreError;
use crate::domain::ids::InstanceId;
use crate::domain::ip_pool::{Action, NetworkPlan, PoolAddress};
use crate::domain::vmid::VmId;

/// Why an address a provision reserved turned out to be in use.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Contest {
    /// A Proxmox guest is configured with it.
    Guest { vmid: VmId, name: String },
    /// Something on the LAN answers on it.
    LanHost,
}

/// A change a provision makes to its own reservation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LeaseChange {
    Renew,
    AttachVmid(VmId),
    /// The VM is built: the address is allocated to it.
    Allocate(VmId),
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum LeaseError {
    /// The address is no longer reserved for this provision.
    #[error("the address is no longer held for this provision")]
    Lost,
    #[error(transparent)]
    Store(#[from] StoreError),
}

#[cfg_attr(test, mockall::automock)]
#[async_trait]
pub trait AddressPool: Send + Sync {
    /// Adds a free row for every assignable address the plan has and the table lacks, and removes
    /// free rows the plan no longer assigns. Returns (added, removed).
    ///
    /// Errors: [`StoreError`].
    async fn seed_pool(&self, plan: &NetworkPlan) -> Result<(usize, usize), StoreError>;

    /// Reserves the numerically lowest free address for `provision`; the address it already holds
    /// when it has one (a resumed provision). `None` when the pool is exhausted.
    ///
    /// Errors: [`StoreError`].
    async fn reserve(&self, provision: InstanceId, now: DateTime<Utc>) -> Result<Option<Ipv4Addr>, StoreError>;

    /// The provision's reservation turned out to be in use: the row records the real holder and
    /// the provision no longer holds it.
    ///
    /// Errors: [`StoreError`].
    async fn contested(
        &self,
        provision: InstanceId,
        addr: Ipv4Addr,
        contest: Contest,
        now: DateTime<Utc>,
    ) -> Result<(), StoreError>;

    /// Renews, tags or allocates the provision's reservation.
    ///
    /// Errors: [`LeaseError::Lost`] when the address is not the provision's.
    async fn lease(
        &self,
        provision: InstanceId,
        addr: Ipv4Addr,
        change: LeaseChange,
        now: DateTime<Utc>,
    ) -> Result<(), LeaseError>;

    /// Gives the provision's address back. An address held by someone else is left alone
    /// (returns false).
    ///
    /// Errors: [`StoreError`].
    async fn release(&self, provision: InstanceId, addr: Ipv4Addr) -> Result<bool, StoreError>;

    /// Applies reconcile decisions made on `seen` (the rows as they were read): a row that
    /// changed since is left alone (the next pass decides again). Returns how many were applied.
    ///
    /// Errors: [`StoreError`].
    async fn apply_reconcile(
        &self,
        seen: &[PoolAddress],
        actions: &[(Ipv4Addr, Action)],
        now: DateTime<Utc>,
    ) -> Result<usize, StoreError>;

    /// Every row, in address order.
    ///
    /// Errors: [`StoreError`].
    async fn pool_rows(&self) -> Result<Vec<PoolAddress>, StoreError>;
}
