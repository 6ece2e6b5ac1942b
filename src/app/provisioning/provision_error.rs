//! What can go wrong with a provision request, each with the field it concerns and a message
//! that says what to do.

use crate::domain::provisioning::FailureCode;

/// A refusal of a request, or a provision that failed after it was accepted.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ProvisionError {
    #[error("{message}")]
    Invalid { field: &'static str, message: String },
    #[error("A machine named '{0}' already exists. Choose another hostname.")]
    HostnameTaken(String),
    #[error("There is no such key in your vault. Pick one of your keys, paste a public key or generate one.")]
    KeyNotFound,
    #[error("{0}")]
    ApprovalRequired(String),
    /// The owner's quota has no room; the message names the limit, the use and what to do.
    #[error("{message}")]
    OverQuota { limit: &'static str, message: String },
    /// The owner's quota has no room for a request an admin approves: it conflicts with what the
    /// owner has now (the request keeps waiting).
    #[error("{message}")]
    ApprovalOverQuota { limit: &'static str, message: String },
    #[error(
        "This Idempotency-Key was already used for a different request. Send the same request again, or use a new key for a new machine."
    )]
    IdempotencyConflict,
    #[error("{0}")]
    NotConfigured(String),
    #[error("{0}")]
    NoTemplate(String),
    #[error("{0}")]
    NoCapacity(String),
    #[error("{0}")]
    PoolExhausted(String),
    /// Proxmox cannot answer what the request needs right now.
    #[error("{0}")]
    ProxmoxUnavailable(String),
    #[error("There is no such machine.")]
    NotFound,
    /// The machine's generated private key is not kept (or not its caller's to read).
    #[error("No private key is kept for this machine.")]
    NoPrivateKey,
    #[error("Only admins can see every machine.")]
    AdminOnly,
    #[error("Only admins can provision a machine for someone else. Leave owner_id out to provision for yourself.")]
    OnBehalfAdminOnly,
    #[error("{0}")]
    Conflict(String),
    /// An admin denied the request, for this reason.
    #[error("An admin denied this request: {0}")]
    Denied(String),
    /// The provision was accepted and then failed at `step`; everything it built is being
    /// taken down.
    #[error("{message}")]
    Failed {
        code: FailureCode,
        step: &'static str,
        message: String,
    },
    #[error("internal failure: {0}")]
    Internal(String),
}

impl ProvisionError {
    pub fn invalid(field: &'static str, message: impl ToString) -> Self {
        Self::Invalid {
            field,
            message: message.to_string(),
        }
    }

    /// Stable machine code, as sent in the error envelope and the NDJSON error line.
    pub fn code(&self) -> &'static str {
        match self {
            Self::Invalid { .. } => "validation_failed",
            Self::HostnameTaken(_) => "hostname_taken",
            Self::KeyNotFound => "key_not_found",
            Self::ApprovalRequired(_) => "approval_required",
            Self::OverQuota { .. } | Self::ApprovalOverQuota { .. } => "quota_exceeded",
            Self::IdempotencyConflict => "idempotency_conflict",
            Self::NotConfigured(_) => "not_configured",
            Self::NoTemplate(_) => FailureCode::NoTemplate.as_str(),
            Self::NoCapacity(_) => FailureCode::NoCapacity.as_str(),
            Self::PoolExhausted(_) => FailureCode::PoolExhausted.as_str(),
            Self::ProxmoxUnavailable(_) => "proxmox_unavailable",
            Self::NotFound => "not_found",
            Self::NoPrivateKey => "no_private_key",
            Self::AdminOnly | Self::OnBehalfAdminOnly => "admin_required",
            Self::Conflict(_) => "conflict",
            Self::Denied(_) => "request_denied",
            Self::Failed { code, .. } => code.as_str(),
            Self::Internal(_) => "internal",
        }
    }

    /// The request field the error is about, if any.
    pub fn field(&self) -> Option<&'static str> {
        match self {
            Self::Invalid { field, .. } => Some(field),
            Self::HostnameTaken(_) => Some("hostname"),
            Self::KeyNotFound => Some("ssh_key_id"),
            Self::ApprovalRequired(_) => Some("tier"),
            Self::NoTemplate(_) => Some("os_template"),
            Self::OnBehalfAdminOnly => Some("owner_id"),
            _ => None,
        }
    }
}

impl From<crate::ports::StoreError> for ProvisionError {
    fn from(e: crate::ports::StoreError) -> Self {
        Self::Internal(e.to_string())
    }
}
