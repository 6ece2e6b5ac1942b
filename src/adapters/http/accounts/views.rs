//! The JSON shapes of the account API.

use chrono::{DateTime, Utc};
use poem_openapi::{Enum, Object};

use crate::app::accounts::{Caller, TokenView, Via};
use crate::domain::account::{TokenScope, UserStatus};
use crate::domain::role::Role;
use crate::ports::accounts::{SessionRecord, User};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Enum)]
#[oai(rename = "Role", rename_all = "snake_case")]
pub enum RoleView {
    /// Runs this Nimbus: sees every VM, manages users and settings.
    Admin,
    /// Uses this Nimbus: their own machines, keys and tokens.
    Member,
}

impl From<Role> for RoleView {
    fn from(r: Role) -> Self {
        match r {
            Role::Admin => Self::Admin,
            Role::Member => Self::Member,
        }
    }
}

impl From<RoleView> for Role {
    fn from(r: RoleView) -> Self {
        match r {
            RoleView::Admin => Self::Admin,
            RoleView::Member => Self::Member,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Enum)]
#[oai(rename = "UserStatus", rename_all = "snake_case")]
pub enum StatusView {
    /// Can sign in.
    Active,
    /// Disabled by an admin: cannot sign in, sessions and tokens do not work.
    Disabled,
}

impl From<UserStatus> for StatusView {
    fn from(s: UserStatus) -> Self {
        match s {
            UserStatus::Active => Self::Active,
            UserStatus::Disabled => Self::Disabled,
        }
    }
}

impl From<StatusView> for UserStatus {
    fn from(s: StatusView) -> Self {
        match s {
            StatusView::Active => Self::Active,
            StatusView::Disabled => Self::Disabled,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Enum)]
#[oai(rename = "TokenScope", rename_all = "snake_case")]
pub enum ScopeView {
    /// Everything the owner may do, except creating tokens and changing the password.
    ReadWrite,
    /// Reads only (GET).
    ReadOnly,
}

impl From<TokenScope> for ScopeView {
    fn from(s: TokenScope) -> Self {
        match s {
            TokenScope::ReadWrite => Self::ReadWrite,
            TokenScope::ReadOnly => Self::ReadOnly,
        }
    }
}

impl From<ScopeView> for TokenScope {
    fn from(s: ScopeView) -> Self {
        match s {
            ScopeView::ReadWrite => Self::ReadWrite,
            ScopeView::ReadOnly => Self::ReadOnly,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Enum)]
#[oai(rename = "AuthVia", rename_all = "snake_case")]
pub enum ViaView {
    /// A browser session (cookie).
    Session,
    /// A personal API token (Bearer).
    Token,
}

/// An account.
#[derive(Debug, Clone, Object)]
#[oai(rename = "User")]
pub struct UserView {
    pub id: String,
    pub email: String,
    pub name: String,
    pub role: RoleView,
    pub status: StatusView,
    pub created_at: DateTime<Utc>,
    /// When a session or token of this account was last used (up to a minute stale).
    #[oai(skip_serializing_if_is_none)]
    pub last_seen_at: Option<DateTime<Utc>>,
    /// A GitHub or Google sign-in proved the address; an address typed at sign-up is unproven.
    pub email_verified: bool,
    /// A GitHub or Google sign-in with this (unproven) address was refused: its owner may not be
    /// this account's. Clears when the account proves the address (links a provider with it);
    /// otherwise an admin can release the address.
    pub email_conflict: bool,
}

impl From<&User> for UserView {
    fn from(u: &User) -> Self {
        Self {
            id: u.id.to_string(),
            email: u.email.to_string(),
            name: u.name.clone(),
            role: u.role.into(),
            status: u.status.into(),
            created_at: u.created_at,
            last_seen_at: u.last_seen_at,
            email_verified: u.email_verified,
            email_conflict: u.email_conflict_at.is_some(),
        }
    }
}

/// The signed-in caller.
#[derive(Debug, Clone, Object)]
#[oai(rename = "Me")]
pub struct MeView {
    pub id: String,
    pub email: String,
    pub name: String,
    pub role: RoleView,
    pub status: StatusView,
    pub created_at: DateTime<Utc>,
    /// How this request was authenticated.
    pub via: ViaView,
    /// A read-only API token made this request.
    pub read_only: bool,
    /// The account has a password; without one (GitHub/Google only) the first one is set
    /// without `current_password`.
    pub has_password: bool,
}

impl From<&Caller> for MeView {
    fn from(c: &Caller) -> Self {
        let u = &c.user;
        Self {
            id: u.id.to_string(),
            email: u.email.to_string(),
            name: u.name.clone(),
            role: u.role.into(),
            status: u.status.into(),
            created_at: u.created_at,
            via: match c.via {
                Via::Session { .. } => ViaView::Session,
                Via::Token { .. } => ViaView::Token,
            },
            read_only: c.read_only(),
            has_password: u.has_password,
        }
    }
}

/// What the sign-in and sign-up pages need to know.
#[derive(Debug, Clone, Object)]
pub struct AuthStatus {
    /// An active admin exists. While none does, the first account becomes admin.
    pub has_admin: bool,
    /// Creating the first account needs the setup token from the server log (`nimbus serve`).
    pub setup_token_required: bool,
    /// The signed-in caller must enter the access code before anything else works.
    pub access_code_required: bool,
    /// New people may create accounts without an invitation (always true while no admin exists).
    pub signups_open: bool,
    /// Who may sign up: `access_code` means the sign-up form may take the access code.
    pub signup_mode: super::signups::SignupModeView,
    /// The caller, when signed in.
    #[oai(skip_serializing_if_is_none)]
    pub user: Option<MeView>,
}

/// One browser session of the caller.
#[derive(Debug, Clone, Object)]
pub struct SessionInfo {
    pub id: String,
    pub created_at: DateTime<Utc>,
    pub last_used_at: DateTime<Utc>,
    /// When it ends if it keeps being used (idle and absolute limits).
    pub expires_at: DateTime<Utc>,
    #[oai(skip_serializing_if_is_none)]
    pub user_agent: Option<String>,
    #[oai(skip_serializing_if_is_none)]
    pub ip: Option<String>,
    /// This is the session making the request.
    pub current: bool,
}

impl SessionInfo {
    pub fn new(s: &SessionRecord, expires_at: DateTime<Utc>, current: Option<uuid::Uuid>) -> Self {
        Self {
            id: s.id.to_string(),
            created_at: s.created_at,
            last_used_at: s.last_used_at,
            expires_at,
            user_agent: s.user_agent.clone(),
            ip: s.ip.clone(),
            current: current == Some(s.id),
        }
    }
}

/// A personal API token (never its secret).
#[derive(Debug, Clone, Object)]
#[oai(rename = "ApiToken")]
pub struct ApiTokenView {
    pub id: String,
    pub name: String,
    /// The first characters of the secret, to tell tokens apart.
    pub prefix: String,
    pub scope: ScopeView,
    pub created_at: DateTime<Utc>,
    pub expires_at: DateTime<Utc>,
    #[oai(skip_serializing_if_is_none)]
    pub last_used_at: Option<DateTime<Utc>>,
    pub expired: bool,
}

impl From<&TokenView> for ApiTokenView {
    fn from(t: &TokenView) -> Self {
        let r = &t.record;
        Self {
            id: r.id.to_string(),
            name: r.name.clone(),
            prefix: r.prefix.clone(),
            scope: r.scope.into(),
            created_at: r.created_at,
            expires_at: r.expires_at,
            last_used_at: r.last_used_at,
            expired: t.expired,
        }
    }
}

/// A token just created. `secret` is shown this once: Nimbus keeps only its hash.
#[derive(Clone, Object)]
pub struct CreatedToken {
    pub token: ApiTokenView,
    pub secret: String,
}

crate::domain::redact::debug_redacted!(CreatedToken { token } secret { secret });

/// How many sessions a sign-out ended.
#[derive(Debug, Clone, Object)]
pub struct SignedOut {
    pub sessions_ended: u64,
}

/// What a password change ended besides the old password.
#[derive(Debug, Clone, Object)]
#[oai(rename = "PasswordChanged")]
pub struct PasswordChangedView {
    /// Other sessions signed out (this one continues under a new cookie).
    pub sessions_ended: u64,
    /// API tokens revoked (0 when asked to keep them).
    pub tokens_revoked: u64,
}

/// The id of what was deleted.
#[derive(Debug, Clone, Object)]
pub struct Deleted {
    pub id: String,
}
