//! Who may create an account on their own: anyone (`open`, the default), anyone who has the access
//! code (`access_code`: the access-code gate is on exactly then), or only people an admin invited
//! (`invite_only`). The first account (the admin) and invited people are never refused by it.
//! Read at start and kept in memory; this process is its only writer. (Before the three-way
//! setting this was an open/closed switch; a migration folded the stored values in.)

use std::sync::{Arc, RwLock};

use super::accounts::Caller;
use super::audit::Auditor;
use crate::domain::account::SignupMode;
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
    mode: RwLock<SignupMode>,
}

impl SignupSwitch {
    /// Errors: the store's; a stored value Nimbus does not know is corruption.
    pub async fn load(store: Arc<dyn Store>, audit: Arc<Auditor>, clock: Arc<dyn Clock>) -> Result<Self, StoreError> {
        let mode = match store.get_setting(KEY).await? {
            Some(text) => text
                .parse()
                .map_err(|_| StoreError::Corrupt(format!("setting {KEY}: {text:?}")))?,
            None => SignupMode::default(),
        };
        Ok(Self {
            store,
            audit,
            clock,
            mode: RwLock::new(mode),
        })
    }

    pub fn mode(&self) -> SignupMode {
        *self.mode.read().expect("sign-up mode lock")
    }

    /// Whether people may sign up without an invitation.
    pub fn is_open(&self) -> bool {
        self.mode().lets_anyone_sign_up()
    }

    /// Errors: [`SignupsError::Internal`] when the store fails (the setting is then unchanged).
    pub async fn set(&self, admin: &Caller, mode: SignupMode) -> Result<SignupMode, SignupsError> {
        let before = self.mode();
        self.store.put_setting(KEY, mode.as_str(), self.clock.now()).await?;
        *self.mode.write().expect("sign-up mode lock") = mode;
        if before != mode {
            let entry = self.audit.entry(AuditAction::SettingsChanged).by(&admin.user);
            let entry = entry
                .on("setting", "signups", "who may sign up")
                .from(admin.ip.as_deref());
            let detail = format!("who may sign up: {before} → {mode}");
            self.audit.record(entry.detail(detail)).await;
        }
        Ok(mode)
    }
}
