//! Publishing a port as `<subdomain>.<gopher domain>`: the subdomain a member asks for (one DNS
//! label, lowercased as Gopher stores it) and the policy it must pass (names admins keep back, and
//! how many published ports a member may hold).

use std::fmt;

/// One DNS label of `[a-z0-9-]`, 1..=63 long, not starting or ending with `-`. Built only by
/// [`Subdomain::parse`], which lowercases and trims as Gopher does.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Subdomain(String);

/// Why a subdomain was refused. Each message says what to change.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SubdomainError {
    #[error("enter a subdomain, for example my-app")]
    Empty,
    #[error("use at most 63 characters (this one has {len})")]
    TooLong { len: usize },
    #[error("use only letters, digits and '-': '{found}' is not allowed (one label, no dots)")]
    InvalidChar { found: char },
    #[error("start and end with a letter or digit, not '-'")]
    HyphenAtEdge,
    #[error("'{0}' is reserved on this Nimbus; choose another subdomain")]
    Reserved(String),
}

impl Subdomain {
    pub const MAX_LEN: usize = 63;

    pub fn parse(raw: &str) -> Result<Self, SubdomainError> {
        let s = raw.trim().to_ascii_lowercase();
        if s.is_empty() {
            return Err(SubdomainError::Empty);
        }
        if let Some(found) = s
            .chars()
            .find(|c| !(c.is_ascii_lowercase() || c.is_ascii_digit() || *c == '-'))
        {
            return Err(SubdomainError::InvalidChar { found });
        }
        if s.len() > Self::MAX_LEN {
            return Err(SubdomainError::TooLong { len: s.len() });
        }
        if s.starts_with('-') || s.ends_with('-') {
            return Err(SubdomainError::HyphenAtEdge);
        }
        Ok(Self(s))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for Subdomain {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// What admins decide about published ports.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TunnelPolicy {
    /// Subdomains nobody may take (lowercase labels).
    pub reserved: Vec<Subdomain>,
    /// Published ports one member may hold across all their machines (admins are not limited).
    pub per_member_quota: u32,
}

impl TunnelPolicy {
    /// Names that would let a published port pass for the site itself or its mail and DNS.
    pub const DEFAULT_RESERVED: &'static [&'static str] = &[
        "www",
        "api",
        "admin",
        "app",
        "auth",
        "login",
        "mail",
        "smtp",
        "imap",
        "pop",
        "ftp",
        "ns1",
        "ns2",
        "dns",
        "router",
        "gopher",
        "nimbus",
        "status",
        "root",
        "localhost",
    ];
    pub const DEFAULT_QUOTA: u32 = 5;
    /// The most reserved names a policy keeps.
    pub const MAX_RESERVED: usize = 200;

    /// `subdomain` may be asked for under this policy.
    pub fn admits(&self, subdomain: &Subdomain) -> Result<(), SubdomainError> {
        if self.reserved.contains(subdomain) {
            return Err(SubdomainError::Reserved(subdomain.0.clone()));
        }
        Ok(())
    }
}

impl Default for TunnelPolicy {
    fn default() -> Self {
        Self {
            reserved: Self::DEFAULT_RESERVED
                .iter()
                .map(|s| Subdomain((*s).to_owned()))
                .collect(),
            per_member_quota: Self::DEFAULT_QUOTA,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_subdomain_is_one_lowercased_label() {
        assert_eq!(Subdomain::parse("  My-App ").unwrap().as_str(), "my-app");
        assert_eq!(Subdomain::parse(""), Err(SubdomainError::Empty));
        assert_eq!(Subdomain::parse("a.b"), Err(SubdomainError::InvalidChar { found: '.' }));
        assert_eq!(Subdomain::parse("-x"), Err(SubdomainError::HyphenAtEdge));
        assert_eq!(
            Subdomain::parse(&"a".repeat(64)),
            Err(SubdomainError::TooLong { len: 64 })
        );
        assert!(Subdomain::parse(&"a".repeat(63)).is_ok());
    }

    #[test]
    fn reserved_names_are_refused_with_words() {
        let policy = TunnelPolicy::default();
        let www = Subdomain::parse("WWW").unwrap();
        let err = policy.admits(&www).unwrap_err();
        assert_eq!(
            err.to_string(),
            "'www' is reserved on this Nimbus; choose another subdomain"
        );
        assert!(policy.admits(&Subdomain::parse("my-blog").unwrap()).is_ok());
    }
}
