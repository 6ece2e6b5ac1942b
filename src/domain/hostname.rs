//! A VM's hostname: one RFC 1123 label, the only form Proxmox, cloud-init and DNS all accept.

use std::fmt;

/// 1..=63 of `[a-z0-9-]`, neither starting nor ending with `-`. Built only by [`Hostname::parse`].
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Hostname(String);

/// Why a hostname was refused. Each message says what to change.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum HostnameError {
    #[error("enter a hostname, for example web-1")]
    Empty,
    #[error("use at most 63 characters (this one has {len})")]
    TooLong { len: usize },
    #[error("use lowercase letters: '{found}' is uppercase")]
    Uppercase { found: char },
    #[error("use only lowercase letters, digits and '-': '{found}' is not allowed")]
    InvalidChar { found: char },
    #[error("start and end with a letter or digit, not '-'")]
    HyphenAtEdge,
}

impl Hostname {
    pub const MAX_LEN: usize = 63;

    /// Surrounding whitespace is ignored; nothing else is rewritten, so what the user typed is
    /// exactly what the VM will be called.
    pub fn parse(raw: &str) -> Result<Self, HostnameError> {
        let s = raw.trim();
        if s.is_empty() {
            return Err(HostnameError::Empty);
        }
        if let Some(found) = s.chars().find(|c| c.is_ascii_uppercase()) {
            return Err(HostnameError::Uppercase { found });
        }
        if let Some(found) = s
            .chars()
            .find(|c| !(c.is_ascii_lowercase() || c.is_ascii_digit() || *c == '-'))
        {
            return Err(HostnameError::InvalidChar { found });
        }
        if s.len() > Self::MAX_LEN {
            return Err(HostnameError::TooLong { len: s.len() });
        }
        if s.starts_with('-') || s.ends_with('-') {
            return Err(HostnameError::HyphenAtEdge);
        }
        Ok(Self(s.to_owned()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for Hostname {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn accepts_labels_of_letters_digits_and_inner_hyphens() {
        for ok in ["a", "web-1", "0", "a--b", "123", &"x".repeat(63)] {
            assert_eq!(Hostname::parse(ok).unwrap().as_str(), ok);
        }
        assert_eq!(Hostname::parse("  db  ").unwrap().as_str(), "db");
    }

    #[test]
    fn refuses_each_broken_rule_with_its_own_reason() {
        assert_eq!(Hostname::parse("  "), Err(HostnameError::Empty));
        assert_eq!(
            Hostname::parse(&"x".repeat(64)),
            Err(HostnameError::TooLong { len: 64 })
        );
        assert_eq!(Hostname::parse("Web"), Err(HostnameError::Uppercase { found: 'W' }));
        assert_eq!(
            Hostname::parse("web.lan"),
            Err(HostnameError::InvalidChar { found: '.' })
        );
        assert_eq!(Hostname::parse("web_1"), Err(HostnameError::InvalidChar { found: '_' }));
        assert_eq!(Hostname::parse("café"), Err(HostnameError::InvalidChar { found: 'é' }));
        assert_eq!(Hostname::parse("-web"), Err(HostnameError::HyphenAtEdge));
        assert_eq!(Hostname::parse("web-"), Err(HostnameError::HyphenAtEdge));
    }

    proptest! {
        #![proptest_config(crate::domain::proptest_config::with_cases(512))]

        /// The parser agrees with the RFC 1123 label grammar on arbitrary input.
        #[test]
        fn parse_accepts_exactly_the_label_grammar(s in "[a-zA-Z0-9._ -]{0,70}") {
            let t = s.trim();
            let grammar = !t.is_empty()
                && t.len() <= 63
                && t.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
                && !t.starts_with('-')
                && !t.ends_with('-');
            prop_assert_eq!(Hostname::parse(&s).is_ok(), grammar);
        }
    }
}
