//! What signed-in people do with their account (name, password, sessions, API tokens) and what
//! admins do with everyone's (roles and standing, releasing an unproven address), plus the purge
//! of expired credentials.

use std::sync::Arc;

use chrono::{DateTime, Duration, Utc};
use uuid::Uuid;

use super::caller::Caller;
use super::errors::AccountError;
use super::secrets;
use super::service::{AccountService, ClientInfo};
use crate::app::stream_budget::StreamBudget;
use crate::domain::account::{DisplayName, Email, TokenExpiry, TokenName, TokenScope};
use crate::domain::audit::AuditAction;
use crate::domain::ids::UserId;
use crate::ports::accounts::{SessionRecord, StandingUpdate, TokenRecord, User};

/// How long an expired token stays listed (marked expired) before the purge removes it.
pub const EXPIRED_TOKENS_KEPT: Duration = Duration::days(30);

/// A token as its owner sees it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TokenView {
    pub record: TokenRecord,
    pub expired: bool,
}

/// A token just made: the only time its secret exists outside the caller's hands.
#[derive(Clone, PartialEq, Eq)]
pub struct CreatedToken {
    pub token: TokenView,
    pub secret: String,
}

crate::domain::redact::debug_redacted!(CreatedToken { token } secret { secret });

/// What a password change ended: other sessions, API tokens revoked, and the secret of the
/// session that replaces the caller's.
#[derive(Clone, PartialEq, Eq)]
pub struct PasswordChanged {
    pub sessions_ended: u64,
    pub tokens_revoked: u64,
    pub secret: String,
}

crate::domain::redact::debug_redacted!(PasswordChanged { sessions_ended, tokens_revoked } secret { secret });

/// What signed-in people do with their own account and admins with everyone's; it signs people
/// in again through the `AccountService` when a password change ends their other sessions.
pub struct AccountManagement {
    accounts: Arc<AccountService>,
    /// The streams people hold open, ended when an admin changes their role or standing.
    streams: Arc<StreamBudget>,
}

impl AccountManagement {
    pub fn new(accounts: Arc<AccountService>, streams: Arc<StreamBudget>) -> Self {
        Self { accounts, streams }
    }

    pub async fn rename(&self, caller: &Caller, name: &str) -> Result<User, AccountError> {
        let name = DisplayName::parse(name).map_err(|e| AccountError::invalid("name", e))?;
        Ok(self
            .accounts
            .store
            .rename_user(caller.user.id, name.as_str(), self.accounts.clock.now())
            .await?)
    }

    /// Changes the caller's password after checking the current one (an account that signs in
    /// with GitHub or Google only sets its first password without one); every other session
    /// ends, this one is replaced by a fresh one and, with `revoke_tokens`, every API token of
    /// the caller is revoked (a leaked password may have made some).
    pub async fn change_password(
        &self,
        caller: &Caller,
        current: Option<&str>,
        new: &str,
        revoke_tokens: bool,
        client: ClientInfo,
    ) -> Result<PasswordChanged, AccountError> {
        if caller.session_id().is_none() {
            return Err(AccountError::SessionRequired("change the password"));
        }
        let stored = self
            .accounts
            .store
            .get_user(caller.user.id)
            .await?
            .ok_or(AccountError::NotFound("account"))?;
        if stored.password_hash.is_some() {
            let current = current.unwrap_or_default().to_string();
            if !self.accounts.verify(current, stored.password_hash).await? {
                return Err(AccountError::WrongCurrentPassword);
            }
        }
        self.accounts
            .settings
            .passwords
            .check(new, &caller.user.email, &caller.user.name)
            .map_err(|e| AccountError::invalid("new_password", e))?;
        let hash = self.accounts.hash(new.to_string()).await?;
        let ended = self
            .accounts
            .store
            .set_password(caller.user.id, &hash, None, self.accounts.clock.now())
            .await?;
        let tokens_revoked = if revoke_tokens {
            self.revoke_every_token(caller).await?
        } else {
            0
        };
        // The caller's own session was among those ended; it is not counted as "other".
        let sessions_ended = ended.saturating_sub(1);
        let entry = self.accounts.audit.entry(AuditAction::PasswordChanged).by(&caller.user);
        let entry = entry.on("user", caller.user.id, caller.user.email.to_string());
        let detail = format!("{sessions_ended} other sessions ended, {tokens_revoked} API tokens revoked");
        self.accounts
            .audit
            .record(entry.from(client.ip.as_deref()).detail(detail))
            .await;
        let secret = self.accounts.start_session(&caller.user, client).await?;
        Ok(PasswordChanged {
            sessions_ended,
            tokens_revoked,
            secret,
        })
    }

    /// Revokes every API token of the caller; returns how many.
    async fn revoke_every_token(&self, caller: &Caller) -> Result<u64, AccountError> {
        let mut revoked = 0;
        for token in self.accounts.store.list_tokens(caller.user.id).await? {
            revoked += u64::from(self.accounts.store.delete_token(caller.user.id, token.id).await?);
        }
        Ok(revoked)
    }

    pub async fn list_sessions(&self, caller: &Caller) -> Result<Vec<SessionRecord>, AccountError> {
        Ok(self.accounts.store.list_sessions(caller.user.id).await?)
    }

    pub async fn end_session(&self, caller: &Caller, id: Uuid) -> Result<(), AccountError> {
        if self.accounts.store.delete_session(caller.user.id, id).await? {
            Ok(())
        } else {
            Err(AccountError::NotFound("session"))
        }
    }

    /// Ends every session of the caller, the current one included.
    pub async fn logout_all(&self, caller: &Caller) -> Result<u64, AccountError> {
        let ended = self.accounts.store.delete_sessions_of(caller.user.id, None).await?;
        let entry = self
            .accounts
            .audit
            .entry(AuditAction::SignedOutEverywhere)
            .by(&caller.user);
        let entry = entry
            .from(caller.ip.as_deref())
            .detail(format!("{ended} sessions ended"));
        self.accounts.audit.record(entry).await;
        Ok(ended)
    }

    /// When the session ends if it keeps being used (the Account page shows it).
    pub fn session_ends_at(&self, session: &SessionRecord) -> DateTime<Utc> {
        let times = crate::domain::account::SessionTimes {
            created_at: session.created_at,
            last_used_at: session.last_used_at,
        };
        self.accounts.settings.sessions.ends_at(times)
    }

    pub async fn list_tokens(&self, caller: &Caller) -> Result<Vec<TokenView>, AccountError> {
        let now = self.accounts.clock.now();
        let tokens = self.accounts.store.list_tokens(caller.user.id).await?;
        Ok(tokens.into_iter().map(|record| view(record, now)).collect())
    }

    /// Mints a token for the caller. Only a browser session may mint (a leaked token cannot
    /// make itself permanent).
    pub async fn create_token(
        &self,
        caller: &Caller,
        name: &str,
        scope: TokenScope,
        expires_in_days: Option<i64>,
    ) -> Result<CreatedToken, AccountError> {
        if caller.session_id().is_none() {
            return Err(AccountError::SessionRequired("create API tokens"));
        }
        let name = TokenName::parse(name).map_err(|e| AccountError::invalid("name", e))?;
        let expiry = match expires_in_days {
            Some(days) => TokenExpiry::days(days).map_err(|e| AccountError::invalid("expires_in_days", e))?,
            None => TokenExpiry::default(),
        };
        let now = self.accounts.clock.now();
        let secret = secrets::token_secret();
        let record = TokenRecord {
            id: Uuid::new_v4(),
            user_id: caller.user.id,
            name: name.as_str().to_string(),
            prefix: secrets::shown_prefix(&secret),
            scope,
            created_at: now,
            expires_at: expiry.expires_at(now),
            last_used_at: None,
        };
        self.accounts
            .store
            .create_token(record.clone(), &secrets::digest(&secret))
            .await?;
        let entry = self.accounts.audit.entry(AuditAction::TokenCreated).by(&caller.user);
        let entry = entry
            .on("token", record.id, record.name.clone())
            .from(caller.ip.as_deref());
        let detail = format!("{}, expires {}", scope.as_str(), record.expires_at.format("%Y-%m-%d"));
        self.accounts.audit.record(entry.detail(detail)).await;
        Ok(CreatedToken {
            token: view(record, now),
            secret,
        })
    }

    pub async fn revoke_token(&self, caller: &Caller, id: Uuid) -> Result<(), AccountError> {
        let tokens = self.accounts.store.list_tokens(caller.user.id).await?;
        let name = tokens
            .into_iter()
            .find(|t| t.id == id)
            .map(|t| t.name)
            .unwrap_or_default();
        if self.accounts.store.delete_token(caller.user.id, id).await? {
            let entry = self.accounts.audit.entry(AuditAction::TokenRevoked).by(&caller.user);
            let entry = entry.on("token", id, name).from(caller.ip.as_deref());
            self.accounts.audit.record(entry).await;
            Ok(())
        } else {
            Err(AccountError::NotFound("API token"))
        }
    }

    pub async fn list_users(&self) -> Result<Vec<User>, AccountError> {
        Ok(self.accounts.store.list_users().await?)
    }

    /// An admin changes someone's role or standing. The user's sessions end (their privileges
    /// changed); when admins change themselves, their current session survives. The user's open
    /// streams end too: each was opened under the old privileges.
    pub async fn update_standing(
        &self,
        caller: &Caller,
        target: UserId,
        update: StandingUpdate,
    ) -> Result<User, AccountError> {
        let keep = (target == caller.user.id).then(|| caller.session_id()).flatten();
        let before = self.accounts.store.get_user(target).await?.map(|c| c.user);
        let user = self
            .accounts
            .store
            .update_standing(target, update, keep, self.accounts.clock.now())
            .await
            .map_err(|e| match AccountError::from(e) {
                AccountError::NotFound(_) => AccountError::NotFound("user"),
                other => other,
            })?;
        if before
            .as_ref()
            .is_none_or(|b| b.role != user.role || b.status != user.status)
        {
            self.streams.end_streams_of(user.id);
        }
        if let Some(before) = before {
            let changes = [
                (AuditAction::RoleChanged, before.role.as_str(), user.role.as_str()),
                (AuditAction::StatusChanged, before.status.as_str(), user.status.as_str()),
            ];
            for (action, from, to) in changes.into_iter().filter(|(_, from, to)| from != to) {
                let entry = self.accounts.audit.entry(action).by(&caller.user);
                let entry = entry
                    .on("user", user.id, user.email.to_string())
                    .from(caller.ip.as_deref());
                self.accounts.audit.record(entry.detail(format!("{from} → {to}"))).await;
            }
        }
        Ok(user)
    }

    /// An admin takes a (member's) address off their account: it becomes a placeholder no one
    /// can sign up or sign in with, and the account's sessions end. For an address someone
    /// typed at sign-up that a provider sign-in showed to be another person's: that person's
    /// sign-in then makes their own account. The account itself, its machines and its API
    /// tokens stay (disable it too if it should not be used).
    pub async fn release_email(&self, caller: &Caller, target: UserId) -> Result<User, AccountError> {
        let store = &self.accounts.store;
        let before = store
            .get_user(target)
            .await?
            .ok_or(AccountError::NotFound("user"))?
            .user;
        let placeholder = Email::released(&target);
        let (user, ended) = store
            .release_email(target, &placeholder, self.accounts.clock.now())
            .await
            .map_err(|e| match AccountError::from(e) {
                AccountError::NotFound(_) => AccountError::NotFound("user"),
                other => other,
            })?;
        let proven = if before.email_verified { "proven" } else { "unproven" };
        let entry = self.accounts.audit.entry(AuditAction::EmailReleased).by(&caller.user);
        let entry = entry
            .on("user", user.id, before.email.to_string())
            .from(caller.ip.as_deref());
        let detail = format!("{} ({proven}) → {}; {ended} sessions ended", before.email, user.email);
        self.accounts.audit.record(entry.detail(detail)).await;
        Ok(user)
    }

    /// Deletes sessions past their idle or absolute limit and tokens expired for a while.
    /// Returns (sessions, tokens) removed.
    pub async fn purge(&self, now: DateTime<Utc>) -> Result<(u64, u64), AccountError> {
        let policy = self.accounts.settings.sessions;
        Ok(self
            .accounts
            .store
            .purge_expired(
                policy.idle_cutoff(now),
                policy.absolute_cutoff(now),
                now - EXPIRED_TOKENS_KEPT,
            )
            .await?)
    }
}

fn view(record: TokenRecord, now: DateTime<Utc>) -> TokenView {
    let expired = now >= record.expires_at;
    TokenView { record, expired }
}
