//! The pure heart of Nimbus: value types and rules with no I/O, no clock reads and no framework
//! types. Everything here is constructed through validating constructors, so an invalid value
//! cannot exist past the edge of the system.

pub mod account;
pub mod audit;
pub mod bootstrap;
pub mod cidata;
pub mod clone_mode;
pub mod cloud_init;
pub mod cluster;
pub mod gpu_queue;
pub mod hostname;
pub mod ids;
pub mod ip_pool;
pub mod keys;
pub mod marker;
pub mod netscan;
pub mod oauth;
pub mod os_image;
#[cfg(test)]
pub(crate) mod proptest_config;
pub mod provisioning;
pub mod proxmox_privileges;
pub mod quota;
pub mod rate_limit;
pub mod redact;
pub mod role;
pub mod scoring;
pub mod stats;
pub mod subdomain;
pub mod tier;
pub mod upid;
pub mod vmid;
