//! The IP pool: the network plan addresses come from, each address's state (free, reserved for a
//! provision under a renewed lease, allocated to a local, adopted or external holder), and the
//! pure reconcile decisions that keep it in line with Proxmox and the LAN.

mod address;
mod book;
mod lease;
mod plan;
mod plan_review;
#[cfg(test)]
mod props;
mod reconcile;
#[cfg(test)]
mod reconcile_tests;
#[cfg(test)]
mod tests;

pub use address::{AddressError, AddressState, Holder, PoolAddress, Reservation, Source};
pub use book::{PoolBook, PoolError, SeedReport, lowest_free};
pub use lease::{LeasePolicy, ProvisionLiveness};
pub use plan::{NetworkPlan, NetworkPlanError, PoolRange, PoolRangeError, PrefixLen, PrefixLenError};
pub use plan_review::{PlanFinding, SMALL_POOL, Severity, review as review_plan};
pub use reconcile::{Action, Claim, Conflict, Probe, ProxmoxSnapshot, ReconcilePlan, ReconcilePolicy, reconcile};
