//! Sign-up, sign-in, sign-out and the authentication of every request.

use std::sync::{Arc, Mutex};

use uuid::Uuid;

use super::caller::{AuthOutcome, Caller, Credential, Via};
use super::errors::{AccountError, AuthRejection};
use super::hash_gate::{HashGate, HashLimits, HashRefusal};
use super::secrets;
use crate::app::audit::Auditor;
use crate::domain::account::{
    DisplayName, Email, EmailError, PasswordPolicy, SessionPolicy, SessionState, SessionTimes, UserStatus,
};
use crate::domain::audit::AuditAction;
use crate::domain::ids::UserId;
use crate::domain::role::Role;
use crate::ports::accounts::{AdminSeat, NewUser, SessionRecord, User};
use crate::ports::{AccountStore, Clock, PasswordHasher};

/// How accounts behave in this installation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AuthSettings {
    pub sessions: SessionPolicy,
    pub passwords: PasswordPolicy,
    /// `nimbus serve`: the first account needs the setup token. `nimbus demo`: it does not.
    pub setup_token_required: bool,
    /// How many password hashes run and wait at once.
    pub hashing: HashLimits,
}

/// Where a request came from, kept with its session so people recognise their devices.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ClientInfo {
    pub ip: Option<String>,
    pub user_agent: Option<String>,
}

/// A sign-up form.
#[derive(Clone, Default)]
pub struct Registration {
    pub email: String,
    pub name: String,
    pub password: String,
    pub setup_token: Option<String>,
}

crate::domain::redact::debug_redacted!(Registration { email, name } secret { password, setup_token });

/// The accounts use cases.
pub struct AccountService {
    pub(super) store: Arc<dyn AccountStore>,
    pub(super) hasher: Arc<dyn PasswordHasher>,
    pub(super) clock: Arc<dyn Clock>,
    pub(super) settings: AuthSettings,
    pub(super) audit: Arc<Auditor>,
    hashing: Arc<HashGate>,
    /// Digest of the current setup token, while no admin exists in `serve`.
    setup: Mutex<Option<[u8; 32]>>,
}

impl AccountService {
    pub fn new(
        store: Arc<dyn AccountStore>,
        hasher: Arc<dyn PasswordHasher>,
        clock: Arc<dyn Clock>,
        settings: AuthSettings,
        audit: Arc<Auditor>,
    ) -> Self {
        Self {
            store,
            hasher,
            clock,
            settings,
            audit,
            hashing: Arc::new(HashGate::new(settings.hashing)),
            setup: Mutex::new(None),
        }
    }

    pub fn settings(&self) -> AuthSettings {
        self.settings
    }

    /// The gate every password hash and check goes through.
    pub fn hashing(&self) -> &Arc<HashGate> {
        &self.hashing
    }

    /// The boot-time check: when no active admin exists, the oldest active account becomes admin;
    /// when there is still none (no accounts) and a setup token is required, a fresh one is made
    /// and returned for the log.
    pub async fn boot(&self) -> Result<BootReport, AccountError> {
        let promoted = self.store.promote_oldest_if_no_admin(self.clock.now()).await?;
        if let Some(user) = &promoted {
            let entry = self.audit.entry(AuditAction::PromotedAtBoot);
            let entry = entry
                .on("user", user.id, user.email.to_string())
                .detail("no active admin existed at start: the oldest active account was made admin");
            self.audit.record(entry).await;
        }
        let has_admin = promoted.is_some() || self.store.count_active_admins().await? > 0;
        let setup_token = (!has_admin && self.settings.setup_token_required).then(|| {
            let token = secrets::setup_token();
            *self.setup.lock().expect("setup lock") = Some(secrets::digest(&secrets::normalise_setup_token(&token)));
            token
        });
        Ok(BootReport { promoted, setup_token })
    }

    /// Whether an admin exists, and whether creating the first account needs the setup token.
    pub async fn has_admin(&self) -> Result<bool, AccountError> {
        Ok(self.store.count_active_admins().await? > 0)
    }

    /// Creates an account and signs it in. Returns the account and the new session's secret.
    /// Nimbus sends no mail, so the typed address stays unproven until a provider proves it.
    pub async fn register(&self, form: Registration, client: ClientInfo) -> Result<(User, String), AccountError> {
        let seat_token = form.setup_token.clone();
        let new = self.new_user(form, || self.admin_seat(seat_token.as_deref())).await?;
        let (new, seat) = new;
        let user = self.store.create_user(new, seat).await?;
        let detail = if user.role == Role::Admin {
            "the first account: admin"
        } else {
            "member"
        };
        self.record_created(&user, detail, client.ip.as_deref()).await;
        if user.role == Role::Admin {
            // The seat is taken: the setup token is spent.
            *self.setup.lock().expect("setup lock") = None;
            tracing::info!(user = %user.id, "the first admin account was created");
        }
        let secret = self.start_session(&user, client).await?;
        Ok((user, secret))
    }

    /// A sign-up form checked field by field, then `before_hashing` (a check that needs no
    /// password, so a refused form costs no hash), then the password hashed: the account to
    /// create, and what `before_hashing` decided.
    pub async fn new_user<T, E, F>(
        &self,
        form: Registration,
        before_hashing: impl FnOnce() -> F,
    ) -> Result<(NewUser, T), E>
    where
        E: From<AccountError>,
        F: std::future::Future<Output = Result<T, E>>,
    {
        let (email, name) = self.check_fields(&form)?;
        let decided = before_hashing().await?;
        let hash = self.hash(form.password).await?;
        let new = NewUser {
            id: UserId::from_uuid(Uuid::new_v4()),
            email,
            name: name.as_str().to_string(),
            password_hash: Some(hash),
            email_verified: false,
            now: self.clock.now(),
        };
        Ok((new, decided))
    }

    /// Checks a sign-up form's fields (email, name, password) without creating anything.
    pub fn check_registration(&self, form: &Registration) -> Result<(), AccountError> {
        self.check_fields(form).map(|_| ())
    }

    /// The form's address and name, each field checked (the password too).
    fn check_fields(&self, form: &Registration) -> Result<(Email, DisplayName), AccountError> {
        let email = Email::parse(&form.email).map_err(|e| AccountError::invalid("email", e))?;
        if email.is_reserved() {
            return Err(AccountError::invalid("email", EmailError::Reserved));
        }
        let name = DisplayName::parse(&form.name).map_err(|e| AccountError::invalid("name", e))?;
        self.settings
            .passwords
            .check(&form.password, &email, name.as_str())
            .map_err(|e| AccountError::invalid("password", e))?;
        Ok((email, name))
    }

    /// Records that a new account entered the access code of `version` (typed at sign-up).
    pub async fn set_access_code_version(&self, user: UserId, version: i64) -> Result<(), AccountError> {
        Ok(self.store.set_access_code_version(user, version).await?)
    }

    /// Records a new account in the audit log (`how` says what kind: "member", "invited admin").
    pub async fn record_created(&self, user: &User, how: &str, ip: Option<&str>) {
        let entry = self.audit.entry(AuditAction::AccountCreated).by(user);
        let entry = entry.on("user", user.id, user.email.to_string()).from(ip);
        self.audit.record(entry.detail(how)).await;
    }

    /// Whether this registration may take the admin seat; refuses it when no admin exists and
    /// the setup token is required but missing or wrong.
    async fn admin_seat(&self, token: Option<&str>) -> Result<AdminSeat, AccountError> {
        if !self.settings.setup_token_required || self.has_admin().await? {
            // With an admin present the store makes members; in the demo the seat is open.
            return Ok(if self.settings.setup_token_required {
                AdminSeat::MustNotTake
            } else {
                AdminSeat::MayTake
            });
        }
        let expected = *self.setup.lock().expect("setup lock");
        let given = token.map(|t| secrets::digest(&secrets::normalise_setup_token(t)));
        match (expected, given) {
            (Some(expected), Some(given)) if expected == given => Ok(AdminSeat::MayTake),
            _ => Err(AccountError::SetupTokenInvalid),
        }
    }

    /// Checks an email and password and starts a session. Unknown emails cost as much time as
    /// wrong passwords, and both get the same answer.
    pub async fn login(&self, email: &str, password: &str, client: ClientInfo) -> Result<(User, String), AccountError> {
        if email.trim().is_empty() {
            return Err(AccountError::invalid("email", "Enter your email address."));
        }
        if password.is_empty() {
            return Err(AccountError::invalid("password", "Enter your password."));
        }
        let found = match Email::parse(email) {
            Ok(email) => self.store.find_user_by_email(&email).await?,
            Err(_) => None,
        };
        let (user, hash) = match found {
            Some(c) => (Some(c.user), c.password_hash),
            None => (None, None),
        };
        let matches = self.verify(password.to_string(), hash).await?;
        let failed = |detail: &'static str| {
            let entry = self.audit.entry(AuditAction::SignInFailed).by_email(email);
            entry.from(client.ip.as_deref()).detail(detail)
        };
        let user = match user {
            Some(user) if matches => user,
            _ => {
                self.audit.record(failed("wrong email or password")).await;
                return Err(AccountError::InvalidCredentials);
            }
        };
        if user.status == UserStatus::Disabled {
            self.audit.record(failed("the account is disabled")).await;
            return Err(AccountError::AccountDisabled);
        }
        let entry = self
            .audit
            .entry(AuditAction::SignIn)
            .by(&user)
            .from(client.ip.as_deref());
        self.audit.record(entry.detail("password")).await;
        let secret = self.start_session(&user, client).await?;
        Ok((user, secret))
    }

    /// Starts a browser session for `user` (after any kind of sign-in) and returns its secret.
    pub async fn start_session(&self, user: &User, client: ClientInfo) -> Result<String, AccountError> {
        let secret = secrets::session_secret();
        let now = self.clock.now();
        let record = SessionRecord {
            id: Uuid::new_v4(),
            user_id: user.id,
            created_at: now,
            last_used_at: now,
            user_agent: client.user_agent.map(|ua| ua.chars().take(200).collect()),
            ip: client.ip,
        };
        self.store.create_session(record, &secrets::digest(&secret)).await?;
        Ok(secret)
    }

    /// Ends the session with this cookie value, if it exists. Returns how many ended (0 or 1).
    pub async fn logout(&self, session_secret: Option<&str>) -> Result<u64, AccountError> {
        let Some(secret) = session_secret else { return Ok(0) };
        match self.store.find_session(&secrets::digest(secret)).await? {
            Some((session, user)) => Ok(u64::from(self.store.delete_session(user.id, session.id).await?)),
            None => Ok(0),
        }
    }

    /// Resolves a request's credentials. Writes the last-used time at most once a minute.
    pub async fn authenticate(&self, credential: Option<&Credential>) -> Result<AuthOutcome, AccountError> {
        let now = self.clock.now();
        match credential {
            None => Ok(AuthOutcome::Anonymous),
            Some(Credential::Session(secret)) => {
                let Some((session, user)) = self.store.find_session(&secrets::digest(secret)).await? else {
                    return Ok(AuthOutcome::Rejected(AuthRejection::SessionEnded));
                };
                let times = SessionTimes {
                    created_at: session.created_at,
                    last_used_at: session.last_used_at,
                };
                let touch = match self.settings.sessions.state(times, now) {
                    SessionState::Live { touch } => touch,
                    SessionState::IdleExpired | SessionState::Expired => {
                        self.store.delete_session(user.id, session.id).await?;
                        return Ok(AuthOutcome::Rejected(AuthRejection::SessionEnded));
                    }
                };
                if user.status == UserStatus::Disabled {
                    return Ok(AuthOutcome::Rejected(AuthRejection::AccountDisabled));
                }
                if touch {
                    self.store.touch_session(session.id, user.id, now).await?;
                }
                let via = Via::Session { id: session.id };
                Ok(AuthOutcome::Caller(Box::new(Caller { user, via, ip: None })))
            }
            Some(Credential::Bearer(secret)) => {
                let Some((token, user)) = self.store.find_token(&secrets::digest(secret)).await? else {
                    return Ok(AuthOutcome::Rejected(AuthRejection::TokenInvalid));
                };
                if now >= token.expires_at {
                    let day = token.expires_at.format("%Y-%m-%d").to_string();
                    return Ok(AuthOutcome::Rejected(AuthRejection::TokenExpired(day)));
                }
                if user.status == UserStatus::Disabled {
                    return Ok(AuthOutcome::Rejected(AuthRejection::AccountDisabled));
                }
                let stale = token
                    .last_used_at
                    .is_none_or(|last| now - last >= self.settings.sessions.touch_every);
                if stale {
                    self.store.touch_token(token.id, user.id, now).await?;
                }
                let via = Via::Token {
                    id: token.id,
                    scope: token.scope,
                };
                Ok(AuthOutcome::Caller(Box::new(Caller { user, via, ip: None })))
            }
        }
    }

    /// Hashes off the async executor (Argon2 takes tens of milliseconds of CPU), through the
    /// hashing gate.
    pub(super) async fn hash(&self, password: String) -> Result<String, AccountError> {
        let hasher = self.hasher.clone();
        self.hashing
            .run(move || hasher.hash(&password))
            .await?
            .map_err(|e| AccountError::Internal(e.to_string()))
    }

    /// Verifies off the async executor, through the hashing gate; with no stored hash it spends
    /// the same time and fails.
    pub(super) async fn verify(&self, password: String, hash: Option<String>) -> Result<bool, AccountError> {
        let hasher = self.hasher.clone();
        Ok(self
            .hashing
            .run(move || match hash {
                Some(hash) => hasher.verify(&password, &hash),
                None => {
                    hasher.verify_nothing(&password);
                    false
                }
            })
            .await?)
    }
}

impl From<HashRefusal> for AccountError {
    fn from(refusal: HashRefusal) -> Self {
        match refusal {
            HashRefusal::Busy { retry_after } => Self::Busy { retry_after },
            HashRefusal::Failed(cause) => Self::Internal(cause),
        }
    }
}

/// What the boot-time check did.
#[derive(Clone, PartialEq, Eq)]
pub struct BootReport {
    /// The account made admin because none existed.
    pub promoted: Option<User>,
    /// The setup token to print, while no admin exists in `serve`.
    pub setup_token: Option<String>,
}

crate::domain::redact::debug_redacted!(BootReport { promoted } secret { setup_token });
