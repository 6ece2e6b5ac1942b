//! Personal API tokens: their names, scopes and lifetimes. The secret itself is random and
//! made outside the domain; it always starts with [`TOKEN_PREFIX`] so a leaked token is easy to
//! recognise (and to search for in logs and repositories).

use std::fmt;
use std::str::FromStr;

use chrono::{DateTime, Duration, Utc};

/// Every token secret starts with this.
pub const TOKEN_PREFIX: &str = "nimbus_";

/// What a token may do.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum TokenScope {
    /// Everything its owner may do, except minting tokens and changing the password.
    ReadWrite,
    /// Only reads (GET and HEAD).
    ReadOnly,
}

impl TokenScope {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::ReadWrite => "read_write",
            Self::ReadOnly => "read_only",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("expected 'read_write' or 'read_only'")]
pub struct TokenScopeError;

impl FromStr for TokenScope {
    type Err = TokenScopeError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.trim() {
            "read_write" => Ok(Self::ReadWrite),
            "read_only" => Ok(Self::ReadOnly),
            _ => Err(TokenScopeError),
        }
    }
}

impl fmt::Display for TokenScope {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A token's name, unique among its owner's tokens ("laptop", "ci deploy").
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct TokenName(String);

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TokenNameError {
    #[error("Give the token a name, such as the script or machine that will use it.")]
    Empty,
    #[error("A token name is at most 64 characters.")]
    TooLong,
    #[error("A token name cannot contain control characters.")]
    ControlCharacter,
}

impl TokenName {
    pub fn parse(text: &str) -> Result<Self, TokenNameError> {
        let text = text.trim();
        if text.is_empty() {
            return Err(TokenNameError::Empty);
        }
        if text.chars().any(char::is_control) {
            return Err(TokenNameError::ControlCharacter);
        }
        if text.chars().count() > 64 {
            return Err(TokenNameError::TooLong);
        }
        Ok(Self(text.to_string()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// How long a new token lives: whole days, 1 to 365. Tokens always expire.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TokenExpiry(u16);

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("A token lives from 1 to 365 days.")]
pub struct TokenExpiryError;

impl TokenExpiry {
    pub const DEFAULT_DAYS: u16 = 30;

    pub fn days(days: i64) -> Result<Self, TokenExpiryError> {
        match u16::try_from(days) {
            Ok(d) if (1..=365).contains(&d) => Ok(Self(d)),
            _ => Err(TokenExpiryError),
        }
    }

    pub fn expires_at(self, created: DateTime<Utc>) -> DateTime<Utc> {
        created + Duration::days(i64::from(self.0))
    }
}

impl Default for TokenExpiry {
    fn default() -> Self {
        Self(Self::DEFAULT_DAYS)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scopes_round_trip_and_names_are_trimmed() {
        for scope in [TokenScope::ReadWrite, TokenScope::ReadOnly] {
            assert_eq!(scope.as_str().parse::<TokenScope>(), Ok(scope));
        }
        assert!("admin".parse::<TokenScope>().is_err());
        assert_eq!(TokenName::parse("  ci deploy ").unwrap().as_str(), "ci deploy");
        assert_eq!(TokenName::parse(" "), Err(TokenNameError::Empty));
        assert_eq!(TokenName::parse(&"x".repeat(65)), Err(TokenNameError::TooLong));
        assert_eq!(TokenName::parse("a\tb"), Err(TokenNameError::ControlCharacter));
    }

    #[test]
    fn expiry_is_one_to_365_days() {
        let created = DateTime::from_timestamp(1_800_000_000, 0).unwrap();
        assert_eq!(
            TokenExpiry::days(1).unwrap().expires_at(created),
            created + Duration::days(1)
        );
        assert_eq!(TokenExpiry::default().expires_at(created), created + Duration::days(30));
        assert!(TokenExpiry::days(365).is_ok());
        for bad in [0, -1, 366, 100_000] {
            assert_eq!(TokenExpiry::days(bad), Err(TokenExpiryError), "{bad}");
        }
    }
}
