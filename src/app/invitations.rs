//! Invitations and the sign-up door. Admins make an invitation (a role, optionally an address, a
//! lifetime) whose one-time token is shown once and stored only as a digest; they list and revoke
//! them. Every password sign-up comes through [`Invitations::register`], which applies who may sign
//! up: with a valid invitation anyone gets in with its role (whatever the setting, the access code
//! counting as entered), without one the setting decides, and the first account (the admin, with
//! the setup token) can always be made. Every create, revoke and redeem is audited.

use std::sync::Arc;

use chrono::{DateTime, Utc};
use uuid::Uuid;

use super::access_code::{AccessGate, GateError};
use super::accounts::{AccountError, AccountService, Caller, ClientInfo, Registration, secrets};
use super::audit::Auditor;
use super::signups::SignupSwitch;
use crate::domain::account::{Email, InvitationState, InviteLifetime, InviteRefusal};
use crate::domain::audit::AuditAction;
use crate::domain::role::Role;
use crate::ports::accounts::User;
use crate::ports::invitations::{InvitationRecord, InvitationStoreError, Redemption};
use crate::ports::{Clock, InvitationStore};

/// What an admin asks for.
#[derive(Debug, Clone, Default)]
pub struct InvitationForm {
    /// Member unless the admin chooses admin.
    pub role: Option<Role>,
    /// Only this address may use it.
    pub email: Option<String>,
    /// 7 unless the admin chooses (1 to 30).
    pub expires_in_days: Option<i64>,
}

/// An invitation as admins see it, with its state now.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InvitationView {
    pub record: InvitationRecord,
    pub state: InvitationState,
}

/// A new invitation and its token, which is shown this once.
#[derive(Clone, PartialEq, Eq)]
pub struct CreatedInvitation {
    pub invitation: InvitationView,
    pub token: String,
}

crate::domain::redact::debug_redacted!(CreatedInvitation { invitation } secret { token });

/// What the public check of a token tells: enough for the sign-up page, nothing else.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InviteCheck {
    pub state: InvitationState,
    pub role: Role,
    pub expires_at: DateTime<Utc>,
    /// Only one address may use it (which one is not told).
    pub email_bound: bool,
}

/// Refused or failed invitation operations and sign-ups.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum InvitationError {
    /// The invitation cannot be used (`invite` is the field).
    #[error("{0}")]
    Invite(InviteRefusal),
    #[error("There is no such invitation.")]
    NotFound,
    #[error("This invitation is {}: only a pending invitation can be revoked.", .0.as_str())]
    NotPending(InvitationState),
    #[error("This Nimbus takes new accounts by invitation only. Ask one of its admins for an invitation link.")]
    SignupsClosed,
    #[error(
        "That is not the current access code. Ask an admin of this Nimbus for it, or leave it empty and enter it after signing up."
    )]
    WrongAccessCode,
    /// The form or the account refused it.
    #[error(transparent)]
    Account(#[from] AccountError),
}

impl From<InvitationStoreError> for InvitationError {
    fn from(e: InvitationStoreError) -> Self {
        match e {
            InvitationStoreError::NotFound => Self::NotFound,
            InvitationStoreError::NotPending(state) => Self::NotPending(state),
            InvitationStoreError::Refused(refusal) => Self::Invite(refusal),
            InvitationStoreError::EmailTaken => Self::Account(AccountError::EmailTaken),
            InvitationStoreError::Store(e) => Self::Account(AccountError::Internal(e.to_string())),
        }
    }
}

impl From<GateError> for InvitationError {
    fn from(e: GateError) -> Self {
        match e {
            GateError::WrongCode => Self::WrongAccessCode,
            GateError::Internal(cause) => Self::Account(AccountError::Internal(cause)),
        }
    }
}

pub struct Invitations {
    store: Arc<dyn InvitationStore>,
    accounts: Arc<AccountService>,
    signups: Arc<SignupSwitch>,
    gate: Arc<AccessGate>,
    audit: Arc<Auditor>,
    clock: Arc<dyn Clock>,
}

impl Invitations {
    pub fn new(
        store: Arc<dyn InvitationStore>,
        accounts: Arc<AccountService>,
        signups: Arc<SignupSwitch>,
        gate: Arc<AccessGate>,
        audit: Arc<Auditor>,
        clock: Arc<dyn Clock>,
    ) -> Self {
        Self {
            store,
            accounts,
            signups,
            gate,
            audit,
            clock,
        }
    }

    /// Makes an invitation. Errors: `Account(Invalid)` naming `email` or `expires_in_days`;
    /// `Account(Internal)`.
    pub async fn create(&self, admin: &Caller, form: InvitationForm) -> Result<CreatedInvitation, InvitationError> {
        let lifetime = match form.expires_in_days {
            Some(days) => InviteLifetime::days(days).map_err(|e| AccountError::invalid("expires_in_days", e))?,
            None => InviteLifetime::default(),
        };
        let email = match form.email.as_deref().map(str::trim).filter(|e| !e.is_empty()) {
            Some(text) => Some(Email::parse(text).map_err(|e| AccountError::invalid("email", e))?),
            None => None,
        };
        let now = self.clock.now();
        let record = InvitationRecord {
            id: Uuid::new_v4(),
            role: form.role.unwrap_or(Role::Member),
            email,
            created_by: admin.user.id,
            created_at: now,
            expires_at: lifetime.expiry(now),
            used_at: None,
            used_by: None,
            revoked_at: None,
        };
        let token = secrets::session_secret();
        self.store
            .create_invitation(record.clone(), &secrets::digest(&token))
            .await?;
        let entry = self.audit.entry(AuditAction::InvitationCreated).by(&admin.user);
        let entry = entry
            .on("invitation", record.id, describe(&record))
            .from(admin.ip.as_deref());
        let detail = format!("expires {}", record.expires_at.format("%Y-%m-%d %H:%M UTC"));
        self.audit.record(entry.detail(detail)).await;
        Ok(CreatedInvitation {
            invitation: InvitationView {
                state: record.state(now),
                record,
            },
            token,
        })
    }

    /// Every invitation, newest first, with its state now. Errors: `Account(Internal)`.
    pub async fn list(&self) -> Result<Vec<InvitationView>, InvitationError> {
        let now = self.clock.now();
        let records = self.store.list_invitations().await?;
        Ok(records
            .into_iter()
            .map(|record| InvitationView {
                state: record.state(now),
                record,
            })
            .collect())
    }

    /// Revokes a pending invitation. Errors: `NotFound`, `NotPending`, `Account(Internal)`.
    pub async fn revoke(&self, admin: &Caller, id: Uuid) -> Result<InvitationView, InvitationError> {
        let now = self.clock.now();
        let record = self.store.revoke_invitation(id, now).await?;
        let entry = self.audit.entry(AuditAction::InvitationRevoked).by(&admin.user);
        let entry = entry
            .on("invitation", record.id, describe(&record))
            .from(admin.ip.as_deref());
        self.audit.record(entry.detail("revoked before use")).await;
        Ok(InvitationView {
            state: record.state(now),
            record,
        })
    }

    /// What the sign-up page may show about a token. Errors: `Invite(Unknown)`,
    /// `Account(Internal)`.
    pub async fn check(&self, token: &str) -> Result<InviteCheck, InvitationError> {
        let Some(record) = self.store.find_invitation(&secrets::digest(token.trim())).await? else {
            return Err(InvitationError::Invite(InviteRefusal::Unknown));
        };
        Ok(InviteCheck {
            state: record.state(self.clock.now()),
            role: record.role,
            expires_at: record.expires_at,
            email_bound: record.email.is_some(),
        })
    }

    /// Creates an account and signs it in, applying who may sign up (see the module's words).
    /// `access_code` is the code typed at sign-up, when the setting is `access_code` (it may
    /// also be entered later, at the gate).
    ///
    /// Errors: `Invite` (the invitation cannot be used); `SignupsClosed`; `WrongAccessCode`;
    /// `Account` (a field, a taken address, the setup token, busy hashing, internal).
    pub async fn register(
        &self,
        form: Registration,
        invite: Option<&str>,
        access_code: Option<&str>,
        client: ClientInfo,
    ) -> Result<(User, String), InvitationError> {
        let invite = invite.map(str::trim).filter(|t| !t.is_empty());
        let Some(token) = invite else {
            return self.register_uninvited(form, access_code, client).await;
        };
        let token_digest = secrets::digest(token);
        let (new, ()) = self
            .accounts
            .new_user(form, || async {
                // Refuse an unusable invitation before spending a password hash on it.
                let found = self.store.find_invitation(&token_digest).await?;
                match found.map(|r| r.state(self.clock.now())) {
                    None => Err(InvitationError::Invite(InviteRefusal::Unknown)),
                    Some(state) => InviteRefusal::of(state).map_or(Ok(()), |r| Err(InvitationError::Invite(r))),
                }
            })
            .await?;
        let redemption = Redemption {
            token_digest,
            access_code_version: self.gate.entered_at_sign_up(None, true)?,
        };
        let (user, record) = self.store.redeem_invitation(new, redemption).await?;
        let how = format!("invited {}", user.role);
        self.accounts.record_created(&user, &how, client.ip.as_deref()).await;
        let entry = self.audit.entry(AuditAction::InvitationRedeemed).by(&user);
        let entry = entry
            .on("invitation", record.id, describe(&record))
            .from(client.ip.as_deref());
        self.audit.record(entry.detail(format!("account {}", user.email))).await;
        let secret = self.accounts.start_session(&user, client).await?;
        Ok((user, secret))
    }

    async fn register_uninvited(
        &self,
        form: Registration,
        access_code: Option<&str>,
        client: ClientInfo,
    ) -> Result<(User, String), InvitationError> {
        let first_account = !self.accounts.has_admin().await?;
        if !first_account && !self.signups.is_open() {
            return Err(InvitationError::SignupsClosed);
        }
        let entered = if first_account {
            None
        } else {
            self.gate.entered_at_sign_up(access_code, false)?
        };
        let (user, secret) = self.accounts.register(form, client).await?;
        if let Some(version) = entered {
            self.accounts.set_access_code_version(user.id, version).await?;
        }
        Ok((user, secret))
    }
}

/// How the audit log names an invitation.
fn describe(record: &InvitationRecord) -> String {
    match &record.email {
        Some(email) => format!("{} invitation for {email}", record.role),
        None => format!("{} invitation", record.role),
    }
}
