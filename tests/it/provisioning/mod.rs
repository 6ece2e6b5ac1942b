//! The provisioner over the simulated cluster: whole flows, faults and crashes, in simulated time.

mod crash;
mod faults;
mod flows;
mod lifecycle;
mod reconcile;
mod sim;
