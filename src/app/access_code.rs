//! The access-code gate (off by default): while it is on, members must enter the current code
//! before anything but their own account page works. Admins see, rotate and re-require the code;
//! each rotation or re-require bumps the version, which stales every member's entry at once.
//! The gate is on exactly when the sign-up setting is `access_code` (`signups.rs` holds it); the
//! gate's own switch sets that mode. A code typed at sign-up, or an invitation, counts as entered.
//! The state is read once at start and kept in memory (this process is its only writer).

use std::sync::{Arc, RwLock};

use super::accounts::Caller;
use super::audit::Auditor;
use super::secrets::SecretBox;
use super::signups::{SignupSwitch, SignupsError};
use crate::domain::account::SignupMode;
use crate::domain::audit::AuditAction;
use crate::domain::role::Role;
use crate::ports::{AccountStore, Clock, Store};

const VERSION: &str = "access_code.version";
/// The code itself is a sealed secret.
const CODE: &str = "access_code";

/// The gate as admins see it.
#[derive(Clone, PartialEq, Eq)]
pub struct GateState {
    pub enabled: bool,
    /// The current code (8 digits), once one was made.
    pub code: Option<String>,
    pub version: i64,
}

crate::domain::redact::debug_redacted!(GateState { enabled, version } secret { code });

#[derive(Debug, thiserror::Error)]
pub enum GateError {
    #[error("That is not the current access code. Ask an admin of this Nimbus for it.")]
    WrongCode,
    #[error("internal failure: {0}")]
    Internal(String),
}

fn internal(e: impl std::fmt::Display) -> GateError {
    GateError::Internal(e.to_string())
}

impl From<SignupsError> for GateError {
    fn from(e: SignupsError) -> Self {
        internal(e)
    }
}

pub struct AccessGate {
    store: Arc<dyn Store>,
    accounts: Arc<dyn AccountStore>,
    secrets: Arc<SecretBox>,
    audit: Arc<Auditor>,
    clock: Arc<dyn Clock>,
    signups: Arc<SignupSwitch>,
    /// The code and version; `enabled` is read from `signups` whenever asked.
    state: RwLock<GateState>,
}

/// Eight random digits, drawn without modulo bias.
fn new_code() -> String {
    let mut digits = String::with_capacity(8);
    while digits.len() < 8 {
        let mut byte = [0u8; 1];
        getrandom::fill(&mut byte).expect("the operating system has no randomness to give");
        if byte[0] < 250 {
            digits.push(char::from(b'0' + byte[0] % 10));
        }
    }
    digits
}

/// Compares without stopping at the first difference.
fn same(a: &str, b: &str) -> bool {
    let (a, b) = (a.as_bytes(), b.as_bytes());
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

impl AccessGate {
    pub async fn load(
        store: Arc<dyn Store>,
        accounts: Arc<dyn AccountStore>,
        secrets: Arc<SecretBox>,
        audit: Arc<Auditor>,
        clock: Arc<dyn Clock>,
        signups: Arc<SignupSwitch>,
    ) -> anyhow::Result<Self> {
        let enabled = signups.mode() == SignupMode::AccessCode;
        let version = store
            .get_setting(VERSION)
            .await?
            .and_then(|v| v.parse().ok())
            .unwrap_or(1);
        let code = secrets.get(CODE).await?;
        Ok(Self {
            store,
            accounts,
            secrets,
            audit,
            clock,
            signups,
            state: RwLock::new(GateState { enabled, code, version }),
        })
    }

    pub fn state(&self) -> GateState {
        let mut state = self.state.read().expect("gate lock").clone();
        state.enabled = self.signups.mode() == SignupMode::AccessCode;
        state
    }

    /// Whether `caller` must enter the code before going on. Admins never must.
    pub fn blocks(&self, caller: &Caller) -> bool {
        let state = self.state();
        state.enabled && caller.user.role != Role::Admin && caller.user.access_code_version != Some(state.version)
    }

    /// The version a new account counts as having entered while the gate is on: with the code
    /// typed at sign-up (checked here, refused when wrong), or because an invitation replaces the
    /// code (`invited`). `None` when the gate is off or nothing was given.
    pub fn entered_at_sign_up(&self, typed: Option<&str>, invited: bool) -> Result<Option<i64>, GateError> {
        let state = self.state();
        if !state.enabled {
            return Ok(None);
        }
        if invited {
            return Ok(Some(state.version));
        }
        let Some(typed) = typed.map(|t| t.chars().filter(|c| !c.is_whitespace()).collect::<String>()) else {
            return Ok(None);
        };
        if typed.is_empty() {
            return Ok(None);
        }
        match state.code.as_deref() {
            Some(code) if same(code, &typed) => Ok(Some(state.version)),
            _ => Err(GateError::WrongCode),
        }
    }

    /// Sets who may sign up; `access_code` turns the gate on (making a code the first time).
    pub async fn set_signup_mode(&self, admin: &Caller, mode: SignupMode) -> Result<SignupMode, GateError> {
        if mode == SignupMode::AccessCode && self.state().code.is_none() {
            self.store_code(&new_code()).await?;
        }
        Ok(self.signups.set(admin, mode).await?)
    }

    /// Checks a code a member typed; on success the member passes until the next version.
    pub async fn verify(&self, caller: &Caller, typed: &str) -> Result<(), GateError> {
        let state = self.state();
        let typed: String = typed.chars().filter(|c| !c.is_whitespace()).collect();
        let matches = state.code.as_deref().is_some_and(|code| same(code, &typed));
        if !matches {
            let entry = self.audit.entry(AuditAction::AccessCodeFailed).by(&caller.user);
            self.audit
                .record(entry.from(caller.ip.as_deref()).detail("wrong code"))
                .await;
            return Err(GateError::WrongCode);
        }
        self.accounts
            .set_access_code_version(caller.user.id, state.version)
            .await
            .map_err(internal)
    }

    /// Turns the gate on or off, which is the sign-up setting's `access_code` (off goes back to
    /// `open` when the gate was on, and leaves an invite-only setting as it is). Turning it on the
    /// first time makes a code.
    pub async fn set_enabled(&self, admin: &Caller, enabled: bool) -> Result<GateState, GateError> {
        let current = self.signups.mode();
        let mode = match (enabled, current) {
            (true, _) => SignupMode::AccessCode,
            (false, SignupMode::AccessCode) => SignupMode::Open,
            (false, other) => other,
        };
        if mode != current {
            self.set_signup_mode(admin, mode).await?;
        }
        Ok(self.state())
    }

    /// A new code (when `new_code`) and a new version: every member enters the code again.
    pub async fn rotate(&self, admin: &Caller, fresh_code: bool) -> Result<GateState, GateError> {
        if fresh_code || self.state().code.is_none() {
            self.store_code(&new_code()).await?;
        }
        let version = self.state().version + 1;
        self.store
            .put_setting(VERSION, &version.to_string(), self.clock.now())
            .await
            .map_err(internal)?;
        self.state.write().expect("gate lock").version = version;
        let entry = self.audit.entry(AuditAction::AccessCodeRotated).by(&admin.user);
        let entry = entry
            .on("setting", "access_code", "access code")
            .from(admin.ip.as_deref());
        let detail = if fresh_code {
            format!("new code, version {version}")
        } else {
            format!("everyone enters the code again, version {version}")
        };
        self.audit.record(entry.detail(detail)).await;
        Ok(self.state())
    }

    async fn store_code(&self, code: &str) -> Result<(), GateError> {
        self.secrets.put(CODE, code).await.map_err(internal)?;
        self.state.write().expect("gate lock").code = Some(code.to_string());
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_eight_digits_and_differ() {
        let (a, b) = (new_code(), new_code());
        assert_eq!(a.len(), 8);
        assert!(a.chars().all(|c| c.is_ascii_digit()));
        assert_ne!(a, b);
    }

    #[test]
    fn comparison_needs_equal_length_and_bytes() {
        assert!(same("12345678", "12345678"));
        assert!(!same("12345678", "12345679"));
        assert!(!same("12345678", "1234567"));
        assert!(!same("", "1"));
    }
}
