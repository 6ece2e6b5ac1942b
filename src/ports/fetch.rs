//! The `TextFetch` port: reads a small text document over HTTP(S) — a distribution's checksum
//! list, so a cloud image Proxmox downloads can be verified against it.

use async_trait::async_trait;

/// Why a document could not be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum FetchError {
    /// No answer: DNS, connection, TLS or timeout.
    #[error("{url} could not be reached: {reason}")]
    Unreachable { url: String, reason: String },
    /// The server answered with an error status.
    #[error("{url} answered HTTP {status}")]
    Status { url: String, status: u16 },
    /// The answer was not text, or larger than a checksum list can be.
    #[error("{url} did not return a checksum list: {reason}")]
    Invalid { url: String, reason: String },
}

#[cfg_attr(test, mockall::automock)]
#[async_trait]
pub trait TextFetch: Send + Sync {
    /// The body of `url` as text. Errors: every [`FetchError`].
    async fn fetch_text(&self, url: &str) -> Result<String, FetchError>;
}
