//! The LAN probe's mode: whether and how Nimbus looks for non-VM holders of pool addresses.

use std::fmt;
use std::str::FromStr;

/// `Off` never probes; `Tcp` dials a few well-known ports per address; `Both` also reads the
/// host's ARP neighbour table. Unknown text is an error, never a silent `Both`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum NetscanMode {
    Off,
    Tcp,
    #[default]
    Both,
}

/// The text was not one of `off`, `tcp`, `both`.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("expected one of 'off', 'tcp', 'both'")]
pub struct NetscanModeError;

impl FromStr for NetscanMode {
    type Err = NetscanModeError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.trim().to_ascii_lowercase().as_str() {
            "off" => Ok(Self::Off),
            "tcp" => Ok(Self::Tcp),
            "both" => Ok(Self::Both),
            _ => Err(NetscanModeError),
        }
    }
}

impl fmt::Display for NetscanMode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::Off => "off",
            Self::Tcp => "tcp",
            Self::Both => "both",
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_every_mode() {
        assert_eq!("off".parse(), Ok(NetscanMode::Off));
        assert_eq!("TCP".parse(), Ok(NetscanMode::Tcp));
        assert_eq!("both".parse(), Ok(NetscanMode::Both));
    }

    #[test]
    fn rejects_the_upstream_arp_mode_instead_of_treating_it_as_both() {
        assert_eq!("arp".parse::<NetscanMode>(), Err(NetscanModeError));
    }
}
