//! Use cases, configuration, wiring and the command-line entry points. `wiring` (and
//! `sim_proxmox` and `sim_gopher`, which run only a simulator) are the only modules that name concrete adapters.

pub mod access_code;
pub mod accounts;
pub mod audit;
pub mod bootstrap_cli;
pub mod cli;
pub mod cluster_settings;
pub mod config;
pub mod gateway_switch;
pub mod gopher_settings;
pub mod gpu_queue;
pub mod guest_setup;
pub mod health;
pub mod install;
pub mod invitations;
pub mod jobs;
pub mod keys;
pub mod maintenance;
pub mod oauth;
pub mod provisioning;
pub mod quotas;
pub mod secrets;
pub mod server;
pub mod setup_wizard;
pub mod signups;
pub mod sim_gopher;
pub mod sim_proxmox;
pub mod single_flight;
pub mod stream_budget;
pub mod telemetry;
pub mod wiring;
