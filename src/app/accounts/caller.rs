//! Who is calling: the credentials a request presented, how the caller proved who they are, and
//! what the credentials amount to.

use uuid::Uuid;

use super::errors::AuthRejection;
use crate::domain::account::TokenScope;
use crate::domain::redact::Redacted;
use crate::domain::role::Role;
use crate::ports::accounts::User;

/// Credentials a request presented.
#[derive(Clone, PartialEq, Eq)]
pub enum Credential {
    /// The session cookie's value.
    Session(String),
    /// An `Authorization: Bearer` token.
    Bearer(String),
}

impl std::fmt::Debug for Credential {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let (kind, secret) = match self {
            Self::Session(secret) => ("Session", secret),
            Self::Bearer(secret) => ("Bearer", secret),
        };
        f.debug_tuple(kind).field(&Redacted(secret)).finish()
    }
}

/// How the caller proved who they are.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Via {
    Session { id: Uuid },
    Token { id: Uuid, scope: TokenScope },
}

/// The authenticated caller of a request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Caller {
    pub user: User,
    pub via: Via,
    /// The client address of the request (for the audit log).
    pub ip: Option<String>,
}

impl Caller {
    pub fn is_admin(&self) -> bool {
        self.user.role == Role::Admin
    }

    pub fn read_only(&self) -> bool {
        matches!(
            self.via,
            Via::Token {
                scope: TokenScope::ReadOnly,
                ..
            }
        )
    }

    pub fn session_id(&self) -> Option<Uuid> {
        match self.via {
            Via::Session { id } => Some(id),
            Via::Token { .. } => None,
        }
    }
}

/// What the credentials of a request amount to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AuthOutcome {
    Anonymous,
    Rejected(AuthRejection),
    Caller(Box<Caller>),
}
