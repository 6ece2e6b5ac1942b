//! Nimbus: a self-hosted VM provisioning portal for Proxmox VE clusters, as a library so that the
//! binary, the integration tests and the simulations share one wiring. See ARCHITECTURE.md.

// The HTTP routes' endpoint type (one data layer per service) is deeper than rustc's default
// query depth allows when it computes the layout of its async `call`.
#![recursion_limit = "256"]

pub mod adapters;
pub mod app;
pub mod domain;
pub mod ports;
#[cfg(test)]
mod tests;
