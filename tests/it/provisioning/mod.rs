//! The provisioner over the simulated cluster: whole flows, faults and crashes, in simulated time,
//! with the seed from `SIM_SEED` and the invariants checked at every step of every run.

mod at_rest;
mod bootstrap;

mod crash;
mod faults;
mod flows;
mod gateway;
mod harness;
mod invariants;
mod lifecycle;
mod network_change;
mod progress;
mod reconcile;
mod seed;
mod sim;
mod snapshot;
mod tunnels;
