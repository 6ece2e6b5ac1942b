//! Proxmox adapters: the cluster simulator (and, later, the HTTP client).

pub mod sim;
