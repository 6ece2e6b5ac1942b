//! Proxmox adapters: the cluster simulator with its REST face, and the HTTP client.

pub mod http;
pub mod rest;
pub mod sim;
pub mod switchable;
