//! Who may create an account on their own: anyone who can reach Nimbus, anyone who has the access
//! code, or only people an admin invited. The first account (the admin's) and invited people are
//! never refused by it.

use std::fmt;
use std::str::FromStr;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum SignupMode {
    /// Anyone who can reach Nimbus signs up and uses it.
    #[default]
    Open,
    /// Anyone signs up, and members enter the access code before anything else works.
    AccessCode,
    /// Only people an admin invites sign up.
    InviteOnly,
}

impl SignupMode {
    pub const ALL: [SignupMode; 3] = [Self::Open, Self::AccessCode, Self::InviteOnly];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Open => "open",
            Self::AccessCode => "access_code",
            Self::InviteOnly => "invite_only",
        }
    }

    /// Whether people may sign up without an invitation.
    pub fn lets_anyone_sign_up(self) -> bool {
        self != Self::InviteOnly
    }
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("expected 'open', 'access_code' or 'invite_only'")]
pub struct SignupModeError;

impl FromStr for SignupMode {
    type Err = SignupModeError;

    /// Also reads `closed`, the stored word of the former open/closed switch.
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.trim() {
            "open" => Ok(Self::Open),
            "access_code" => Ok(Self::AccessCode),
            "invite_only" | "closed" => Ok(Self::InviteOnly),
            _ => Err(SignupModeError),
        }
    }
}

impl fmt::Display for SignupMode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn modes_round_trip_and_the_former_closed_reads_as_invite_only() {
        for mode in SignupMode::ALL {
            assert_eq!(mode.as_str().parse::<SignupMode>(), Ok(mode));
        }
        assert_eq!("closed".parse::<SignupMode>(), Ok(SignupMode::InviteOnly));
        assert_eq!("shut".parse::<SignupMode>(), Err(SignupModeError));
        assert!(SignupMode::AccessCode.lets_anyone_sign_up());
        assert!(!SignupMode::InviteOnly.lets_anyone_sign_up());
    }
}
