//! The `ProxmoxAccess` port: Proxmox VE's access control, as far as Nimbus's setup needs it —
//! who the cluster is, what the caller may do, and making a dedicated user, role and API token
//! (signed in with a one-time root password, never stored). Implemented by the HTTP client and
//! by the cluster simulator, beside the `Proxmox` port.

use std::sync::Arc;

use async_trait::async_trait;

use super::ProxmoxError;
use crate::domain::cluster::NodeName;
pub use crate::domain::proxmox_privileges::{EffectivePermissions, Grantee};

/// `GET /cluster/status`: the cluster's name and its members.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClusterIdentity {
    /// `None` for a single node that is not part of a cluster.
    pub name: Option<String>,
    pub nodes: Vec<ClusterMember>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClusterMember {
    pub name: NodeName,
    pub online: bool,
    /// The node's address on the cluster network, when Proxmox reports it.
    pub ip: Option<std::net::Ipv4Addr>,
}

/// What `POST /access/roles` did: a new role, or an existing one given the wanted privileges.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RoleOutcome {
    Created,
    Updated,
}

/// A new API token: `user@realm!tokenid` and its secret, which Proxmox shows only once.
#[derive(Clone, PartialEq, Eq)]
pub struct NewToken {
    pub full_id: String,
    pub secret: String,
}

crate::domain::redact::debug_redacted!(NewToken { full_id } secret { secret });

/// A password typed once for signing in; it is never stored and never shown.
#[derive(Clone, PartialEq, Eq)]
pub struct SignInPassword(String);

impl SignInPassword {
    pub fn new(password: impl Into<String>) -> Self {
        Self(password.into())
    }

    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Debug for SignInPassword {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "SignInPassword({:?})", crate::domain::redact::Redacted(&self.0))
    }
}

/// A signed-in session (`POST /access/ticket`): the ticket goes in the `PVEAuthCookie` cookie,
/// the CSRF token in the `CSRFPreventionToken` header of every write. Valid for two hours.
#[derive(Clone, PartialEq, Eq)]
pub struct PveSession {
    /// `root@pam`, as Proxmox spells it.
    pub username: String,
    pub ticket: String,
    pub csrf_token: String,
}

crate::domain::redact::debug_redacted!(PveSession { username } secret { ticket, csrf_token });

/// What an access-control object is, for "already exists".
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AccessObject {
    User,
    Role,
    Token,
}

impl std::fmt::Display for AccessObject {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Self::User => "user",
            Self::Role => "role",
            Self::Token => "API token",
        })
    }
}

/// Why an access call failed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum AccessError {
    /// The user or token already exists (Proxmox: `create user failed: user '…' already
    /// exists`, `tokenid: Token already exists.`).
    #[error("{kind} '{id}' already exists")]
    AlreadyExists { kind: AccessObject, id: String },
    /// The password was right but the account has two-factor authentication: Proxmox answered
    /// with a ticket that waits for a second factor (`NeedTFA`). Nimbus cannot answer one; the
    /// admin must paste an API token instead.
    #[error(
        "{username} has two-factor authentication, so Nimbus cannot sign in with its password; \
         create an API token in Proxmox and paste it instead"
    )]
    SecondFactorRequired { username: String },
    /// Anything else, by kind: `Unauthorized` (wrong user name or password, a refused token or
    /// ticket), `Forbidden` (Proxmox's `Permission check failed (path, privilege)`),
    /// `NotFound` (an unknown user, role or token named in a grant), `InvalidParameters`
    /// (a malformed id or privilege, a `PVE…` role name), `Unavailable`.
    #[error(transparent)]
    Proxmox(#[from] ProxmoxError),
}

pub type AccessResult<T> = Result<T, AccessError>;

/// Proxmox VE's access control. Every method may also fail with `Proxmox(Unauthorized)` and
/// `Proxmox(Unavailable)`; the lists below name the other errors.
#[cfg_attr(test, mockall::automock)]
#[async_trait]
pub trait ProxmoxAccess: Send + Sync {
    /// `GET /cluster/status` (needs `Sys.Audit` on `/`). Errors: `Forbidden`.
    async fn cluster_identity(&self) -> AccessResult<ClusterIdentity>;

    /// `GET /access/permissions`: the caller's effective privileges per ACL path; for an API
    /// token the token's own set (privilege-separated: what both the token and its user hold).
    async fn permissions(&self) -> AccessResult<EffectivePermissions>;

    /// `POST /access/users` (`userid` is `name@realm`, e.g. `nimbus@pve`; no password: it signs
    /// in only with tokens). Errors: `AlreadyExists`, `InvalidParameters`, `Forbidden`.
    async fn create_user(&self, userid: &str, comment: &str) -> AccessResult<()>;

    /// `POST /access/roles`, or, when the role exists, `PUT /access/roles/{roleid}` setting
    /// exactly `privs`. Errors: `InvalidParameters` (an unknown privilege, a `PVE…` name),
    /// `Refused` (a built-in role cannot be modified), `Forbidden`.
    async fn create_role(&self, roleid: &str, privs: &[String]) -> AccessResult<RoleOutcome>;

    /// `PUT /access/acl` with `users=` or `tokens=`, `propagate=1`. Errors: `NotFound` (the
    /// role, user or token does not exist), `InvalidParameters` (the path), `Forbidden`.
    async fn grant(&self, path: &str, role: &str, subject: &Grantee) -> AccessResult<()>;

    /// `POST /access/users/{userid}/token/{tokenid}`. Errors: `AlreadyExists`, `NotFound` (no
    /// such user), `InvalidParameters`, `Forbidden`.
    async fn create_token(&self, userid: &str, tokenid: &str, privsep: bool, comment: &str) -> AccessResult<NewToken>;

    /// `POST /access/ticket`: signs in with a password. Errors: `Unauthorized` (Proxmox says
    /// only `authentication failure`, whatever was wrong), `SecondFactorRequired`.
    async fn ticket(&self, username: &str, password: &SignInPassword) -> AccessResult<PveSession>;

    /// The same cluster, called with `session` (from [`ProxmoxAccess::ticket`]) instead of this
    /// face's credentials. Errors: `Unavailable` (a ticket an HTTP header cannot carry).
    fn signed_in(&self, session: &PveSession) -> AccessResult<Arc<dyn ProxmoxAccess>>;
}
