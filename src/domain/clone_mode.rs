//! How a VM is cloned from its template: a full copy or a linked (copy-on-write) clone.

use std::fmt;
use std::str::FromStr;

/// Proxmox clone style. `Full` copies the disk (works on any storage); `Linked` shares the
/// template's base image and needs storage that supports it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum CloneMode {
    #[default]
    Full,
    Linked,
}

/// The text was neither `full` nor `linked`.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("expected 'full' or 'linked'")]
pub struct CloneModeError;

impl FromStr for CloneMode {
    type Err = CloneModeError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.trim().to_ascii_lowercase().as_str() {
            "full" => Ok(Self::Full),
            "linked" => Ok(Self::Linked),
            _ => Err(CloneModeError),
        }
    }
}

impl fmt::Display for CloneMode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::Full => "full",
            Self::Linked => "linked",
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_both_modes_case_insensitively() {
        assert_eq!("full".parse(), Ok(CloneMode::Full));
        assert_eq!(" Linked ".parse(), Ok(CloneMode::Linked));
    }

    #[test]
    fn rejects_unknown_modes() {
        assert_eq!("thin".parse::<CloneMode>(), Err(CloneModeError));
        assert_eq!("".parse::<CloneMode>(), Err(CloneModeError));
    }
}
