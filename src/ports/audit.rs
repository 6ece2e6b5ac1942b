//! The `AuditLog` port: an append-only record of privileged and destructive actions.

use async_trait::async_trait;
use chrono::{DateTime, Utc};

use super::StoreError;
use crate::domain::audit::AuditAction;
use crate::domain::ids::UserId;

/// One thing that happened.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuditEvent {
    pub at: DateTime<Utc>,
    pub action: AuditAction,
    /// Who did it, when known (a failed sign-in has no actor).
    pub actor: Option<UserId>,
    /// The actor's email at the time (or the email a failed sign-in named).
    pub actor_email: Option<String>,
    /// What it was done to, as `kind:id` (`user:…`, `token:…`, `setting:…`).
    pub target: Option<String>,
    /// A readable name of the target (an email, a token name).
    pub target_label: Option<String>,
    /// The client address.
    pub ip: Option<String>,
    /// A short sentence with the particulars ("member → admin").
    pub detail: String,
}

/// A recorded event with its position in the log.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuditEntry {
    /// Increasing with time; pages go backwards from a `before` id.
    pub id: i64,
    pub event: AuditEvent,
}

/// Which entries to read, newest first.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AuditQuery {
    pub action: Option<AuditAction>,
    pub actor: Option<UserId>,
    /// Entries whose actor email or target label contains this text (case-insensitive).
    pub text: Option<String>,
    /// Only entries older than this id (the next page).
    pub before: Option<i64>,
    pub limit: u32,
}

#[cfg_attr(test, mockall::automock)]
#[async_trait]
pub trait AuditLog: Send + Sync {
    /// Appends an event. Errors: [`StoreError::Unavailable`].
    async fn record(&self, event: AuditEvent) -> Result<(), StoreError>;

    /// Entries matching `query`, newest first, at most `query.limit`.
    ///
    /// Errors: [`StoreError::Unavailable`], [`StoreError::Corrupt`].
    async fn list(&self, query: AuditQuery) -> Result<Vec<AuditEntry>, StoreError>;
}
