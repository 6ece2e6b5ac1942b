//! The name an account shows in the portal ("Ada Lovelace"): trimmed, inner runs of spaces
//! collapsed, 1–80 characters, no control characters.

use std::fmt;

#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct DisplayName(String);

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum NameError {
    #[error("Enter your name.")]
    Empty,
    #[error("A name is at most 80 characters.")]
    TooLong,
    #[error("A name cannot contain control characters.")]
    ControlCharacter,
}

impl DisplayName {
    pub const MAX_CHARS: usize = 80;

    pub fn parse(text: &str) -> Result<Self, NameError> {
        if text.chars().any(char::is_control) {
            return Err(NameError::ControlCharacter);
        }
        let collapsed = text.split_whitespace().collect::<Vec<_>>().join(" ");
        if collapsed.is_empty() {
            return Err(NameError::Empty);
        }
        if collapsed.chars().count() > Self::MAX_CHARS {
            return Err(NameError::TooLong);
        }
        Ok(Self(collapsed))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for DisplayName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_trimmed_and_collapsed() {
        assert_eq!(
            DisplayName::parse("  Ada   Lovelace ").unwrap().as_str(),
            "Ada Lovelace"
        );
        assert_eq!(DisplayName::parse("Łukasz Żółw").unwrap().as_str(), "Łukasz Żółw");
    }

    #[test]
    fn empty_long_and_control_names_are_refused() {
        assert_eq!(DisplayName::parse("   "), Err(NameError::Empty));
        assert_eq!(DisplayName::parse(&"é".repeat(81)), Err(NameError::TooLong));
        assert!(DisplayName::parse(&"é".repeat(80)).is_ok());
        assert_eq!(DisplayName::parse("Ada\u{0}"), Err(NameError::ControlCharacter));
        assert_eq!(DisplayName::parse("Ada\nBob"), Err(NameError::ControlCharacter));
    }
}
