//! What account operations refuse, each with the sentence a person reads. The HTTP adapter maps
//! each case to a status and a stable code.

use crate::ports::AccountStoreError;

/// A refused or failed account operation.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum AccountError {
    /// A request field is invalid; `message` says how to fix it.
    #[error("{message}")]
    Invalid { field: &'static str, message: String },
    #[error("An account with this email already exists. Sign in instead, or use another email.")]
    EmailTaken,
    #[error(
        "Nimbus has no admin yet, so creating the first account needs the one-time setup token Nimbus printed \
         to its log when it started (for a systemd install: journalctl -u nimbus | grep 'setup token')."
    )]
    SetupTokenInvalid,
    #[error("The email or password is wrong.")]
    InvalidCredentials,
    #[error("The current password is wrong.")]
    WrongCurrentPassword,
    #[error("This account is disabled. Ask an admin of this Nimbus to enable it.")]
    AccountDisabled,
    #[error("There is no such {0}.")]
    NotFound(&'static str),
    #[error("Nimbus needs at least one active admin. Make someone else an admin first.")]
    LastAdmin,
    #[error(
        "An admin's address cannot be released. Make the account a member first, if it is not the \
         address's owner."
    )]
    AdminEmail,
    #[error("You already have a token with this name. Choose another name or revoke the old token.")]
    TokenNameTaken,
    #[error("This needs a signed-in browser session: API tokens cannot {0}.")]
    SessionRequired(&'static str),
    /// Too many passwords are being checked at once; `retry_after` says when to try again.
    #[error(
        "Nimbus is checking too many passwords at once. Try again in {} seconds.",
        retry_after.as_secs().max(1)
    )]
    Busy { retry_after: std::time::Duration },
    /// A dependency failed; the cause is logged, never shown.
    #[error("internal failure: {0}")]
    Internal(String),
}

impl AccountError {
    pub fn invalid(field: &'static str, message: impl ToString) -> Self {
        Self::Invalid {
            field,
            message: message.to_string(),
        }
    }
}

impl From<AccountStoreError> for AccountError {
    fn from(e: AccountStoreError) -> Self {
        match e {
            AccountStoreError::EmailTaken => Self::EmailTaken,
            AccountStoreError::AdminSeatClosed => Self::SetupTokenInvalid,
            AccountStoreError::LastAdmin => Self::LastAdmin,
            AccountStoreError::NotFound => Self::NotFound("account"),
            AccountStoreError::TokenNameTaken => Self::TokenNameTaken,
            AccountStoreError::AdminAccount => Self::AdminEmail,
            AccountStoreError::IdentityInUse | AccountStoreError::ProviderAlreadyLinked => {
                Self::Internal(format!("unexpected identity conflict: {e}"))
            }
            AccountStoreError::Store(e) => Self::Internal(e.to_string()),
        }
    }
}

/// Why presented credentials were not accepted.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum AuthRejection {
    #[error("Your session has ended. Sign in again.")]
    SessionEnded,
    #[error("This API token is not valid (revoked, mistyped or never issued). Create a new one on the Account page.")]
    TokenInvalid,
    #[error("This API token expired on {0}. Create a new one on the Account page.")]
    TokenExpired(String),
    #[error("This account is disabled. Ask an admin of this Nimbus to enable it.")]
    AccountDisabled,
}
