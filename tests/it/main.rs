//! HTTP integration tests: each test spawns the real application (real wiring, its own SQLite
//! file in a temp dir, port 0) and talks to it over loopback.

pub mod accounts;
mod bootstrap_cli;
mod cidata_iso;
mod cli;
mod crash_process;
mod demo_empty;
mod file_modes;
mod fleet;
mod forwarded;
mod gopher_contract;
mod gopher_settings;
mod gpu;
mod guest_bootstrap_cli;
mod helpers;
mod http_surface;
mod install;
mod keys;
mod migration_copy;
mod oauth;
mod openapi;
mod processes;
mod provisioning;
mod proxmox_contract;
mod proxmox_trust;
mod pve_fidelity;
mod quickinstall;
mod secrets;
mod setup;
mod sim_gopher_cli;
mod tunnels_api;
mod vms;
