//! Use cases, configuration, wiring and the command-line entry points. `wiring` is the only
//! module that names concrete adapters.

pub mod cli;
pub mod config;
pub mod health;
pub mod server;
pub mod telemetry;
pub mod wiring;
