//! The audit log's use cases: recording (for every service that does something privileged) and
//! reading with filters (admins). A failure to record is logged loudly but does not undo the
//! action it describes.

use std::sync::Arc;

use crate::domain::audit::AuditAction;
use crate::ports::accounts::User;
use crate::ports::audit::{AuditEntry, AuditEvent, AuditQuery};
use crate::ports::{AuditLog, Clock, StoreError};

/// Most entries one page returns.
pub const MAX_PAGE: u32 = 200;

/// Why the audit log could not be read (nothing is refused: only the store can fail).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum AuditError {
    #[error("internal failure: {0}")]
    Internal(#[from] StoreError),
}

/// A builder for one event.
#[derive(Debug, Clone)]
pub struct Entry {
    event: AuditEvent,
}

impl Entry {
    pub fn by(mut self, user: &User) -> Self {
        self.event.actor = Some(user.id);
        self.event.actor_email = Some(user.email.to_string());
        self
    }

    /// A failed sign-in names the email that was tried, not an account.
    pub fn by_email(mut self, email: &str) -> Self {
        self.event.actor_email = Some(email.trim().to_lowercase().chars().take(254).collect());
        self
    }

    pub fn on(mut self, kind: &str, id: impl std::fmt::Display, label: impl Into<String>) -> Self {
        self.event.target = Some(format!("{kind}:{id}"));
        self.event.target_label = Some(label.into());
        self
    }

    pub fn from(mut self, ip: Option<&str>) -> Self {
        self.event.ip = ip.map(str::to_string);
        self
    }

    pub fn detail(mut self, text: impl Into<String>) -> Self {
        self.event.detail = text.into();
        self
    }
}

/// Records events and reads them back.
pub struct Auditor {
    log: Arc<dyn AuditLog>,
    clock: Arc<dyn Clock>,
}

impl Auditor {
    pub fn new(log: Arc<dyn AuditLog>, clock: Arc<dyn Clock>) -> Self {
        Self { log, clock }
    }

    /// Starts an event of `action`, stamped now.
    pub fn entry(&self, action: AuditAction) -> Entry {
        Entry {
            event: AuditEvent {
                at: self.clock.now(),
                action,
                actor: None,
                actor_email: None,
                target: None,
                target_label: None,
                ip: None,
                detail: String::new(),
            },
        }
    }

    pub async fn record(&self, entry: Entry) {
        let action = entry.event.action;
        if let Err(e) = self.log.record(entry.event).await {
            tracing::error!(error = %e, action = %action, "could not write to the audit log");
        }
    }

    /// Entries newest first; `limit` is clamped to 1..=200. Errors: [`AuditError::Internal`].
    pub async fn list(&self, mut query: AuditQuery) -> Result<Vec<AuditEntry>, AuditError> {
        query.limit = query.limit.clamp(1, MAX_PAGE);
        Ok(self.log.list(query).await?)
    }
}
