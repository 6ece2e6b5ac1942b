//! Why a cluster setting was not checked or not saved.

use super::forms::field_of;

/// Why a cluster setting was not checked or not saved (nothing changed).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ClusterError {
    /// A value is wrong: `field` names the form field.
    #[error("{message}")]
    Field { field: String, message: String },
    /// The root account has two-factor authentication: paste a token instead.
    #[error("{0}")]
    SecondFactor(String),
    /// A pool change would drop addresses in use (the message names each holder).
    #[error("{0}")]
    PoolShrinkBlocked(String),
    /// The new endpoint is another cluster while machines exist on this one.
    #[error("{0}")]
    OtherCluster(String),
    #[error("{0}")]
    Internal(String),
}

impl ClusterError {
    pub fn field(field: &str, message: impl Into<String>) -> Self {
        Self::Field {
            field: field.to_owned(),
            message: message.into(),
        }
    }

    /// A configuration error, on the field of the variable it names.
    pub fn from_config(e: crate::app::config::ConfigError) -> Self {
        use crate::app::config::ConfigError as C;
        match &e {
            C::Invalid { var, .. } => Self::field(field_of(var), e.to_string()),
            C::Missing(vars) => Self::field(field_of(vars.first().copied().unwrap_or("")), e.to_string()),
            C::UntrustedProxmox { .. } => Self::field("fingerprint", e.to_string()),
            C::PlainHttpProxmox { .. } => Self::field("url", e.to_string()),
            C::Source { .. } => Self::Internal(e.to_string()),
        }
    }
}
