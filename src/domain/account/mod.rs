//! Accounts: the values a sign-up or sign-in is made of (email, display name, password policy),
//! the user's standing, the session and API-token lifetimes, and the rule that a Nimbus always
//! keeps one active admin, who may sign up (`signup_mode.rs`) and the invitations that let people
//! in regardless (`invitation.rs`). Hashing, randomness and storage live outside the domain.

mod admins;
mod common_passwords;
mod email;
mod invitation;
mod name;
mod password;
mod session;
mod signup_mode;
mod token;

pub use admins::{LastAdminError, StandingChange, check_standing_change};
pub use email::{Email, EmailError};
pub use invitation::{InvitationState, InviteLifetime, InviteLifetimeError, InviteRefusal, check_redeem};
pub use name::{DisplayName, NameError};
pub use password::{PasswordError, PasswordPolicy};
pub use session::{SessionPolicy, SessionState, SessionTimes};
pub use signup_mode::{SignupMode, SignupModeError};
pub use token::{TOKEN_PREFIX, TokenExpiry, TokenExpiryError, TokenName, TokenNameError, TokenScope};

use std::fmt;
use std::str::FromStr;

/// Whether an account may sign in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum UserStatus {
    Active,
    /// Disabled by an admin: no sign-in, no session, no token works.
    Disabled,
}

impl UserStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Active => "active",
            Self::Disabled => "disabled",
        }
    }
}

/// The text was neither `active` nor `disabled`.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("expected 'active' or 'disabled'")]
pub struct UserStatusError;

impl FromStr for UserStatus {
    type Err = UserStatusError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.trim() {
            "active" => Ok(Self::Active),
            "disabled" => Ok(Self::Disabled),
            _ => Err(UserStatusError),
        }
    }
}

impl fmt::Display for UserStatus {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn statuses_round_trip_through_their_names() {
        for status in [UserStatus::Active, UserStatus::Disabled] {
            assert_eq!(status.as_str().parse::<UserStatus>(), Ok(status));
        }
        assert_eq!("banned".parse::<UserStatus>(), Err(UserStatusError));
    }
}
