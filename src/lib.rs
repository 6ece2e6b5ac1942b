//! Nimbus: a self-hosted VM provisioning portal for Proxmox VE clusters, as a library so that the
//! binary, the integration tests and the simulations share one wiring. See ARCHITECTURE.md.

pub mod adapters;
pub mod app;
pub mod domain;
pub mod ports;
#[cfg(test)]
mod tests;
