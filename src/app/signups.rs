//! Whether new people may create accounts on their own (open by default). Admins close sign-ups
//! when everyone who should have an account has one; the first account (the admin) can always be
//! made. Read at start and kept in memory; this process is its only writer.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use super::accounts::Caller;
use super::audit::Auditor;
use crate::domain::audit::AuditAction;
use crate::ports::{Clock, Store, StoreError};

const KEY: &str = "accounts.signups";

/// Why the sign-up setting could not be changed (nothing is refused: only the store can fail).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SignupsError {
    #[error("internal failure: {0}")]
    Internal(#[from] StoreError),
}

pub struct SignupSwitch {
    store: Arc<dyn Store>,
    audit: Arc<Auditor>,
    clock: Arc<dyn Clock>,
    open: AtomicBool,
}

impl SignupSwitch {
    pub async fn load(store: Arc<dyn Store>, audit: Arc<Auditor>, clock: Arc<dyn Clock>) -> Result<Self, StoreError> {
        let open = store.get_setting(KEY).await?.as_deref() != Some("closed");
        Ok(Self {
            store,
            audit,
            clock,
            open: AtomicBool::new(open),
        })
    }

    pub fn is_open(&self) -> bool {
        self.open.load(Ordering::SeqCst)
    }

    /// Errors: [`SignupsError::Internal`] when the store fails (the setting is then unchanged).
    pub async fn set(&self, admin: &Caller, open: bool) -> Result<bool, SignupsError> {
        let value = if open { "open" } else { "closed" };
        self.store.put_setting(KEY, value, self.clock.now()).await?;
        self.open.store(open, Ordering::SeqCst);
        let entry = self.audit.entry(AuditAction::SettingsChanged).by(&admin.user);
        let entry = entry.on("setting", "signups", "new accounts").from(admin.ip.as_deref());
        let detail = if open { "sign-ups opened" } else { "sign-ups closed" };
        self.audit.record(entry.detail(detail)).await;
        Ok(open)
    }
}
