//! The `TunnelGateway` port: what Nimbus asks of Gopher, the reverse-tunnel gateway that gives a
//! VM a public SSH endpoint and publishes its ports as subdomains. Implemented by the HTTP client
//! of Gopher's external API v1 (production) and by the Gopher simulator (tests, `nimbus demo`).
//!
//! A machine is made pending with a one-time bootstrap URL; running that URL's script inside the
//! VM registers it and makes it connected. Tunnels are made only on a connected machine. Deleting
//! a machine removes its tunnels too.

mod opener;
mod types;

use async_trait::async_trait;

pub use opener::*;
pub use types::*;

/// Why a call failed, by kind, with words an admin can act on.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum GatewayError {
    /// The API key was refused (401).
    #[error("Gopher refused the API key: check GOPHER_API_KEY against a key from Gopher's Access Control page")]
    Unauthorized,
    /// The machine or tunnel does not exist (404).
    #[error("not found on Gopher: {0}")]
    NotFound(String),
    /// A unique value is taken (409): for tunnels, the subdomain.
    #[error("{field} is taken on Gopher: {message}; choose another {field}")]
    Conflict { field: String, message: String },
    /// Gopher refused the request (400), in its words: a machine not connected yet, an invalid
    /// subdomain, no SSH key configured on Gopher, no domain configured.
    #[error("Gopher refused the request: {0}")]
    Invalid(String),
    /// Gopher could not be reached in time, or it said it cannot serve (503: its external API is
    /// not configured, or it is down); retrying later may succeed.
    #[error("Gopher is unavailable: {0}")]
    Unavailable(String),
    /// Gopher failed on its side (500) or answered something that is not its v1 API.
    #[error("Gopher failed: {0}")]
    Failed(String),
}

impl GatewayError {
    /// Whether retrying the same call later may succeed.
    pub fn is_transient(&self) -> bool {
        matches!(self, Self::Unavailable(_) | Self::Failed(_))
    }
}

pub type GatewayResult<T> = Result<T, GatewayError>;

/// A Gopher gateway. Every method may also fail with [`GatewayError::Unauthorized`],
/// [`GatewayError::Unavailable`] and [`GatewayError::Failed`]; the lists below name the others.
#[cfg_attr(test, mockall::automock)]
#[async_trait]
pub trait TunnelGateway: Send + Sync {
    /// `POST /api/v1/machines`: a pending machine and its one-time bootstrap URL, with the SSH
    /// back-tunnel public when `public_ssh`. Errors: `Invalid` when Gopher has no SSH key to
    /// install.
    async fn create_machine(&self, public_ssh: bool) -> GatewayResult<CreatedMachine>;

    /// `GET /api/v1/machines/{id}`. Errors: `NotFound`.
    async fn machine(&self, id: &MachineId) -> GatewayResult<Machine>;

    /// `GET /api/v1/machines`, every page.
    async fn machines(&self) -> GatewayResult<Vec<Machine>>;

    /// `DELETE /api/v1/machines/{id}`: the machine and all its tunnels. A machine that is
    /// already gone counts as deleted.
    async fn delete_machine(&self, id: &MachineId) -> GatewayResult<()>;

    /// `POST /api/v1/tunnels`: synchronous; the tunnel is active or failed when this returns.
    /// Errors: `NotFound` for an unknown machine, `Invalid` for a machine not connected yet or a
    /// subdomain Gopher will not take, `Conflict { field: "subdomain" }` for one in use.
    async fn create_tunnel(&self, request: &TunnelRequest) -> GatewayResult<Tunnel>;

    /// `GET /api/v1/tunnels/{id}`. Errors: `NotFound`.
    async fn tunnel(&self, id: &TunnelId) -> GatewayResult<Tunnel>;

    /// `GET /api/v1/tunnels`, every page.
    async fn tunnels(&self) -> GatewayResult<Vec<Tunnel>>;

    /// `DELETE /api/v1/tunnels/{id}`: that tunnel only. A tunnel that is already gone counts as
    /// deleted.
    async fn delete_tunnel(&self, id: &TunnelId) -> GatewayResult<()>;

    /// `GET /api/v1/tunnels/check?subdomain=`: whether no tunnel uses `subdomain` (Gopher
    /// lowercases and trims it). Errors: `Invalid` for an empty subdomain.
    async fn subdomain_available(&self, subdomain: &str) -> GatewayResult<bool>;
}
