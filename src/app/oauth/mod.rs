//! Signing in with GitHub and Google: starting the flow (state and PKCE kept server-side for ten
//! minutes, bound to the browser by a cookie), the callback's decision (sign in a linked
//! identity, link to the signed-in account, create an account, or refuse with a reason), and
//! the providers' settings (client ids; secrets sealed; allow-lists), seeded once from the
//! environment.

mod errors;
mod outcome;
mod settings;

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use chrono::{DateTime, Duration, Utc};
use uuid::Uuid;

pub use errors::OAuthError;
pub use outcome::{Outcome, safe_next};
pub use settings::{OAuthSettings, SettingsUpdate, SettingsView};

use super::accounts::{AccountService, Caller, ClientInfo};
use super::audit::Auditor;
use super::secrets::SecretBox;
use super::signups::SignupSwitch;
use crate::domain::account::{DisplayName, Email, UserStatus};
use crate::domain::audit::AuditAction;
use crate::domain::ids::UserId;
use crate::domain::oauth::{Provider, ProviderIdentity};
use crate::ports::accounts::{AccountStoreError, AdminSeat, IdentityRecord, NewUser, User};
use crate::ports::{AccountStore, Clock, OAuthClient, Store};

/// How long a started sign-in waits for its callback.
const FLOW_LIFETIME: Duration = Duration::minutes(10);
/// At most this many sign-ins wait at once (older ones are dropped).
const MAX_FLOWS: usize = 10_000;

/// A started sign-in. Not `Debug`: it holds the PKCE verifier.
#[derive(Clone)]
struct Flow {
    provider: Provider,
    verifier: String,
    redirect_uri: String,
    want_orgs: bool,
    /// Linking to this signed-in account instead of signing in.
    link_to: Option<UserId>,
    next: String,
    expires: DateTime<Utc>,
}

pub struct OAuthService {
    client: Arc<dyn OAuthClient>,
    accounts: Arc<AccountService>,
    store: Arc<dyn AccountStore>,
    audit: Arc<Auditor>,
    clock: Arc<dyn Clock>,
    pub settings: OAuthSettings,
    signups: Arc<SignupSwitch>,
    flows: Mutex<HashMap<String, Flow>>,
}

impl OAuthService {
    #[allow(clippy::too_many_arguments)] // one port or service each; only the wiring calls it
    pub fn new(
        client: Arc<dyn OAuthClient>,
        accounts: Arc<AccountService>,
        store: Arc<dyn AccountStore>,
        settings_store: Arc<dyn Store>,
        secrets: Arc<SecretBox>,
        audit: Arc<Auditor>,
        clock: Arc<dyn Clock>,
        signups: Arc<SignupSwitch>,
    ) -> Self {
        Self {
            client,
            signups,
            accounts,
            store,
            settings: OAuthSettings::new(settings_store, secrets, audit.clone(), clock.clone()),
            audit,
            clock,
            flows: Mutex::new(HashMap::new()),
        }
    }

    /// Starts a sign-in (or, with `link_to`, a link) and returns the provider URL and the state
    /// (which the browser must bring back in the cookie). `base` is the portal's public origin.
    pub async fn start(
        &self,
        provider: Provider,
        link_to: Option<&Caller>,
        next: Option<&str>,
        base: &str,
    ) -> Result<(String, String), &'static str> {
        let Some(app) = self.settings.app(provider).await else {
            return Err("not_configured");
        };
        let want_orgs = provider == Provider::GitHub && !self.settings.policy().await.github_orgs.is_empty();
        let state = super::accounts::secrets::session_secret();
        let redirect_uri = format!("{}/api/auth/{}/callback", base.trim_end_matches('/'), provider.as_str());
        let auth = self
            .client
            .authorize(provider, &app, &redirect_uri, &state, want_orgs)
            .map_err(|e| {
                tracing::warn!(error = %e, provider = %provider, "cannot start the provider sign-in");
                "not_configured"
            })?;
        let now = self.clock.now();
        let mut flows = self.flows.lock().expect("flows lock");
        flows.retain(|_, f| f.expires > now);
        if flows.len() >= MAX_FLOWS {
            let oldest = flows.iter().min_by_key(|(_, f)| f.expires).map(|(k, _)| k.clone());
            if let Some(key) = oldest {
                flows.remove(&key);
            }
        }
        let flow = Flow {
            provider,
            verifier: auth.pkce_verifier,
            redirect_uri,
            want_orgs,
            link_to: link_to.map(|c| c.user.id),
            next: safe_next(next),
            expires: now + FLOW_LIFETIME,
        };
        flows.insert(state.clone(), flow);
        Ok((auth.url, state))
    }

    /// Finishes a sign-in. `cookie_state` is the state cookie the browser sent; `signed_in` the
    /// session caller, if any (needed to finish a link).
    #[allow(clippy::too_many_arguments)] // the callback's inputs, each from a different place
    pub async fn callback(
        &self,
        provider: Provider,
        state: Option<&str>,
        cookie_state: Option<&str>,
        code: Option<&str>,
        provider_error: Option<&str>,
        signed_in: Option<&Caller>,
        client: ClientInfo,
    ) -> (Outcome, String) {
        let flow = match (state, cookie_state) {
            (Some(s), Some(c)) if s == c => self.flows.lock().expect("flows lock").remove(s),
            _ => None,
        };
        let Some(flow) = flow.filter(|f| f.provider == provider && f.expires > self.clock.now()) else {
            return (Outcome::Refused("invalid_state"), "/".into());
        };
        let next = flow.next.clone();
        if let Some(error) = provider_error {
            let code = if error == "access_denied" {
                "access_denied"
            } else {
                "provider_error"
            };
            return (Outcome::Refused(code), next);
        }
        let Some(code) = code else {
            return (Outcome::Refused("provider_error"), next);
        };
        let Some(app) = self.settings.app(provider).await else {
            return (Outcome::Refused("not_configured"), next);
        };
        let identity = match self
            .client
            .identity(provider, &app, &flow.redirect_uri, code, &flow.verifier, flow.want_orgs)
            .await
        {
            Ok(identity) => identity,
            Err(e) => {
                tracing::warn!(error = %e, provider = %provider, "the provider sign-in failed");
                return (Outcome::Refused("provider_error"), next);
            }
        };
        if let Err(refusal) = self.settings.policy().await.admit(&identity) {
            self.failed(&identity, refusal.code(), &client).await;
            return (Outcome::Refused(refusal.code()), next);
        }
        let outcome = match flow.link_to {
            Some(user) => self.link(user, signed_in, &identity, &client).await,
            None => self.sign_in(&identity, client.clone()).await,
        };
        if let Outcome::Refused(code) = outcome {
            self.failed(&identity, code, &client).await;
        }
        (outcome, next)
    }

    async fn failed(&self, identity: &ProviderIdentity, code: &str, client: &ClientInfo) {
        let who = identity.email.clone().unwrap_or_else(|| identity.login.clone());
        let entry = self.audit.entry(AuditAction::SignInFailed).by_email(&who);
        let detail = format!("{} sign-in refused: {code}", identity.provider.label());
        self.audit.record(entry.from(client.ip.as_deref()).detail(detail)).await;
    }

    async fn link(
        &self,
        user: UserId,
        signed_in: Option<&Caller>,
        identity: &ProviderIdentity,
        client: &ClientInfo,
    ) -> Outcome {
        let Some(caller) = signed_in.filter(|c| c.user.id == user) else {
            return Outcome::Refused("not_signed_in");
        };
        let record = self.record(identity, user);
        match self.store.link_identity(record).await {
            Ok(()) => {
                let entry = self.audit.entry(AuditAction::IdentityLinked).by(&caller.user);
                let entry = entry.on("identity", identity.provider, identity.login.clone());
                self.audit.record(entry.from(client.ip.as_deref())).await;
                self.prove(&caller.user, identity).await;
                Outcome::Linked
            }
            Err(AccountStoreError::IdentityInUse) => Outcome::Refused("identity_in_use"),
            Err(AccountStoreError::ProviderAlreadyLinked) => Outcome::Refused("identity_in_use"),
            Err(e) => {
                tracing::error!(error = %e, "linking an identity failed");
                Outcome::Refused("provider_error")
            }
        }
    }

    async fn sign_in(&self, identity: &ProviderIdentity, client: ClientInfo) -> Outcome {
        let user = match self.store.find_identity(identity.provider, &identity.subject).await {
            Ok(Some((_, user))) => {
                self.prove(&user, identity).await;
                user
            }
            Ok(None) => match self.create(identity, &client).await {
                Ok(user) => user,
                Err(code) => return Outcome::Refused(code),
            },
            Err(e) => {
                tracing::error!(error = %e, "reading identities failed");
                return Outcome::Refused("provider_error");
            }
        };
        if user.status == UserStatus::Disabled {
            return Outcome::Refused("account_disabled");
        }
        let entry = self
            .audit
            .entry(AuditAction::SignIn)
            .by(&user)
            .from(client.ip.as_deref());
        self.audit.record(entry.detail(identity.provider.label())).await;
        match self.accounts.start_session(&user, client).await {
            Ok(session) => Outcome::SignedIn { session },
            Err(e) => {
                tracing::error!(error = %e, "starting a session failed");
                Outcome::Refused("provider_error")
            }
        }
    }

    /// A sign-in or link whose (verified, as the policy admitted it) address is the account's
    /// proves the account's address. A failure is logged: the sign-in itself stands.
    async fn prove(&self, user: &User, identity: &ProviderIdentity) {
        let Some(email) = identity.email.as_deref().and_then(|e| Email::parse(e).ok()) else {
            return;
        };
        if !identity.email_verified || email != user.email || (user.email_verified && user.email_conflict_at.is_none())
        {
            return;
        }
        if let Err(e) = self.store.prove_email(user.id, &email, self.clock.now()).await {
            tracing::error!(error = %e, user = %user.id, "marking an address proven failed");
        }
    }

    /// A new member from a provider identity. Never while no admin exists, never over an
    /// existing account with the same email (that needs an explicit link). When that account's
    /// address was only typed at sign-up, someone may have taken another person's address: the
    /// account is flagged for admins, who can release the address.
    async fn create(&self, identity: &ProviderIdentity, client: &ClientInfo) -> Result<User, &'static str> {
        let email = identity
            .email
            .as_deref()
            .and_then(|e| Email::parse(e).ok())
            .ok_or("email_not_verified")?;
        match self.store.find_user_by_email(&email).await {
            Ok(Some(existing)) if existing.user.email_verified => return Err("email_in_use"),
            Ok(Some(existing)) => {
                self.conflict(&existing.user, identity, client).await;
                return Err("email_unproven");
            }
            Ok(None) => {}
            Err(e) => {
                tracing::error!(error = %e, "reading accounts failed");
                return Err("provider_error");
            }
        }
        if !self.signups.is_open() {
            return Err("signups_closed");
        }
        let name = identity
            .name
            .as_deref()
            .and_then(|n| DisplayName::parse(n).ok())
            .or_else(|| DisplayName::parse(&identity.login).ok())
            .map(|n| n.as_str().to_string())
            .unwrap_or_else(|| email.local_part().to_string());
        let id = UserId::from_uuid(Uuid::new_v4());
        let new = NewUser {
            id,
            email,
            name,
            password_hash: None,
            email_verified: true,
            now: self.clock.now(),
        };
        match self
            .store
            .create_user_with_identity(new, self.record(identity, id), AdminSeat::MustNotTake)
            .await
        {
            Ok(user) => {
                let entry = self.audit.entry(AuditAction::AccountCreated).by(&user);
                let entry = entry.on("user", user.id, user.email.to_string());
                self.audit
                    .record(entry.detail(format!("member, via {}", identity.provider.label())))
                    .await;
                Ok(user)
            }
            Err(AccountStoreError::AdminSeatClosed) => Err("no_admin_yet"),
            Err(AccountStoreError::EmailTaken) => Err("email_in_use"),
            Err(AccountStoreError::IdentityInUse) => Err("identity_in_use"),
            Err(e) => {
                tracing::error!(error = %e, "creating an account from a provider failed");
                Err("provider_error")
            }
        }
    }

    /// Flags `account` (its unproven address met a provider's verified one) and audits it.
    async fn conflict(&self, account: &User, identity: &ProviderIdentity, client: &ClientInfo) {
        if let Err(e) = self.store.flag_email_conflict(account.id, self.clock.now()).await {
            tracing::error!(error = %e, user = %account.id, "flagging an address conflict failed");
        }
        let entry = self
            .audit
            .entry(AuditAction::EmailConflict)
            .by_email(account.email.as_str());
        let entry = entry.on("user", account.id, account.email.to_string());
        let detail = format!(
            "{} sign-in of {} refused: it proves this address, which the account only typed at sign-up",
            identity.provider.label(),
            identity.login
        );
        self.audit.record(entry.from(client.ip.as_deref()).detail(detail)).await;
    }

    fn record(&self, identity: &ProviderIdentity, user: UserId) -> IdentityRecord {
        IdentityRecord {
            provider: identity.provider,
            subject: identity.subject.clone(),
            user_id: user,
            login: identity.login.clone(),
            email: identity.email.clone(),
            linked_at: self.clock.now(),
        }
    }

    /// Errors: [`OAuthError::Internal`].
    pub async fn identities(&self, caller: &Caller) -> Result<Vec<IdentityRecord>, OAuthError> {
        Ok(self.store.list_identities(caller.user.id).await?)
    }

    /// Unlinks a provider, unless it is the account's last way to sign in. Errors:
    /// [`OAuthError::NotLinked`], [`OAuthError::LastSignInMethod`], [`OAuthError::Internal`].
    pub async fn unlink(&self, caller: &Caller, provider: Provider) -> Result<(), OAuthError> {
        let identities = self.store.list_identities(caller.user.id).await?;
        if !identities.iter().any(|i| i.provider == provider) {
            return Err(OAuthError::NotLinked);
        }
        let has_password = self
            .store
            .get_user(caller.user.id)
            .await?
            .is_some_and(|c| c.password_hash.is_some());
        if !has_password && identities.len() == 1 {
            return Err(OAuthError::LastSignInMethod);
        }
        self.store.unlink_identity(caller.user.id, provider).await?;
        let entry = self.audit.entry(AuditAction::IdentityUnlinked).by(&caller.user);
        let entry = entry.on("identity", provider, provider.label());
        self.audit.record(entry.from(caller.ip.as_deref())).await;
        Ok(())
    }
}
