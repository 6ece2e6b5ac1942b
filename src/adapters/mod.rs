//! Implementations of the ports, one folder per technology. Library error types stop here: each
//! adapter maps them to its port's error enum.

pub mod clock;
pub mod fetch;
pub mod gopher;
pub mod http;
pub mod image_server;
pub mod lan;
pub mod oauth;
pub mod passwords;
pub mod proxmox;
pub mod secrets;
pub mod ssh_keys;
pub mod store;
