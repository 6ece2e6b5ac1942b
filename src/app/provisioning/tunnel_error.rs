//! Why a tunnel operation was refused, each with a stable code and words saying what to do.

use crate::ports::StoreError;
use crate::ports::tunnel_gateway::GatewayError;

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TunnelError {
    /// A field is wrong; the message says what to change.
    #[error("{message}")]
    Invalid { field: &'static str, message: String },
    /// The machine (or the tunnel on it) does not exist, or is not the caller's.
    #[error("There is no such {0}.")]
    NotFound(&'static str),
    #[error("The subdomain '{0}' is already in use on Gopher. Choose another subdomain.")]
    SubdomainTaken(String),
    #[error(
        "You have {used} published ports, the most a member may have ({quota}). Remove one first, or ask an admin."
    )]
    QuotaReached { used: u32, quota: u32 },
    /// The machine has no public access to publish through yet.
    #[error("{0}")]
    NotReady(String),
    #[error("Tunnels are not set up on this Nimbus: an admin sets up Gopher in Settings → Gopher.")]
    Off,
    /// Gopher could not be reached or failed.
    #[error("Gopher did not answer ({0}). Try again in a minute.")]
    GatewayUnavailable(String),
    #[error("Only admins can do that.")]
    AdminOnly,
    #[error("internal failure: {0}")]
    Internal(String),
}

impl TunnelError {
    pub fn code(&self) -> &'static str {
        match self {
            Self::Invalid { .. } => "validation_failed",
            Self::NotFound(_) => "not_found",
            Self::SubdomainTaken(_) => "subdomain_taken",
            Self::QuotaReached { .. } => "tunnel_quota_reached",
            Self::NotReady(_) => "public_access_not_ready",
            Self::Off => "tunnels_off",
            Self::GatewayUnavailable(_) => "gateway_unavailable",
            Self::AdminOnly => "admin_required",
            Self::Internal(_) => "internal",
        }
    }

    /// The request field the refusal is about.
    pub fn field(&self) -> Option<&'static str> {
        match self {
            Self::Invalid { field, .. } => Some(field),
            Self::SubdomainTaken(_) => Some("subdomain"),
            _ => None,
        }
    }

    /// A refusal of Gopher's, for a call about `subdomain`.
    pub fn from_gateway(e: GatewayError, subdomain: &str) -> Self {
        match e {
            GatewayError::Conflict { .. } => Self::SubdomainTaken(subdomain.to_owned()),
            GatewayError::NotFound(_) => Self::NotFound("tunnel"),
            GatewayError::Invalid(message) => Self::Invalid {
                field: "subdomain",
                message: format!("Gopher refused the tunnel: {message}"),
            },
            other => Self::GatewayUnavailable(other.to_string()),
        }
    }
}

impl From<StoreError> for TunnelError {
    fn from(e: StoreError) -> Self {
        Self::Internal(e.to_string())
    }
}
