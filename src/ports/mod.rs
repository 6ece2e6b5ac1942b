//! The traits the application needs from the outside world. Each port is one file; it depends
//! only on `domain` and value crates, documents the errors of every method, and has a mockall
//! mock for use-case unit tests.

pub mod accounts;
pub mod audit;
pub mod bakes;
pub mod clock;
pub mod fetch;
pub mod gpu_jobs;
pub mod gpu_workers;
pub mod invitations;
pub mod lan;
pub mod oauth;
pub mod passwords;
pub mod pool;
pub mod provisions;
pub mod proxmox;
pub mod quotas;
pub mod secrets;
pub mod ssh_keys;
pub mod store;
pub mod tunnel_gateway;

pub use accounts::{AccountStore, AccountStoreError};
pub use audit::AuditLog;
pub use bakes::BakeStore;
pub use clock::Clock;
pub use fetch::{FetchError, TextFetch};
pub use gpu_jobs::{GpuJobStore, GpuStoreError};
pub use gpu_workers::{GpuWorkerStore, WorkerRecord, WorkerStoreError};
pub use invitations::{InvitationStore, InvitationStoreError};
pub use lan::LanProbe;
pub use oauth::{OAuthClient, OAuthError};
pub use passwords::{HashError, PasswordHasher};
pub use pool::AddressPool;
pub use provisions::ProvisionStore;
pub use proxmox::{Proxmox, ProxmoxError, ProxmoxResult};
pub use quotas::QuotaStore;
pub use secrets::{SecretSlot, Secrets, SecretsError};
pub use ssh_keys::{KeyCodec, KeyStore};
pub use store::{Store, StoreError};
pub use tunnel_gateway::{GatewayError, GatewayResult, TunnelGateway};
