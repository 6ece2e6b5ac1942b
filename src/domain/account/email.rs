//! Email addresses as account identifiers: trimmed and lower-cased, so `Ada@Lab.Example ` and
//! `ada@lab.example` are one account, and checked for a plausible shape (one `@`, a dotted
//! domain, no spaces). Nimbus does not send mail, so it never needs more than that.

use std::fmt;

/// Where released addresses go (see [`Email::released`]).
const RELEASED_DOMAIN: &str = "nimbus.invalid";

/// A normalised email address.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Email(String);

/// Why a text is not an email address. `Display` is a sentence for the sign-up form.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum EmailError {
    #[error("Enter your email address.")]
    Empty,
    #[error("An email address is at most 254 characters.")]
    TooLong,
    #[error("Enter an email address like name@example.org.")]
    Malformed,
    #[error("Addresses at .invalid are reserved and reach nobody. Enter your own email address.")]
    Reserved,
}

impl Email {
    /// The longest address SMTP allows (RFC 5321).
    pub const MAX_LEN: usize = 254;

    pub fn parse(text: &str) -> Result<Self, EmailError> {
        let text = text.trim();
        if text.is_empty() {
            return Err(EmailError::Empty);
        }
        if text.len() > Self::MAX_LEN {
            return Err(EmailError::TooLong);
        }
        let lower = text.to_lowercase();
        let (local, domain) = lower.split_once('@').ok_or(EmailError::Malformed)?;
        let plain = |part: &str| part.chars().all(|c| !c.is_whitespace() && !c.is_control() && c != '@');
        let labels_ok = domain
            .split('.')
            .all(|l| !l.is_empty() && !l.starts_with('-') && !l.ends_with('-'));
        if local.is_empty()
            || local.len() > 64
            || !plain(local)
            || !plain(domain)
            || !domain.contains('.')
            || !labels_ok
        {
            return Err(EmailError::Malformed);
        }
        Ok(Self(lower))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The address an admin puts on an account in place of one they released: at `.invalid`
    /// (RFC 2606), which no mailbox, provider or sign-up can have, and unique per account.
    pub fn released(account: &crate::domain::ids::UserId) -> Self {
        Self(format!("released-{account}@{RELEASED_DOMAIN}"))
    }

    /// The address is at the reserved `.invalid` domain: a released account's placeholder, never
    /// a person's address, so sign-up refuses it.
    pub fn is_reserved(&self) -> bool {
        let domain = self.0.rsplit_once('@').map_or("", |(_, d)| d);
        domain == "invalid" || domain.ends_with(".invalid")
    }

    /// The part before the `@`, used to refuse passwords built from the address.
    pub fn local_part(&self) -> &str {
        self.0.split_once('@').map_or(self.0.as_str(), |(l, _)| l)
    }
}

impl fmt::Display for Email {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn addresses_are_trimmed_and_lower_cased() {
        let email = Email::parse("  Ada.Lovelace@Lab.Example ").unwrap();
        assert_eq!(email.as_str(), "ada.lovelace@lab.example");
        assert_eq!(email.local_part(), "ada.lovelace");
        assert_eq!(Email::parse("ADA.LOVELACE@LAB.EXAMPLE"), Ok(email.clone()));
    }

    #[test]
    fn implausible_addresses_are_refused_with_a_reason() {
        assert_eq!(Email::parse("   "), Err(EmailError::Empty));
        for bad in [
            "ada",
            "ada@",
            "@lab.example",
            "ada@lab",
            "ada@@lab.example",
            "a da@lab.example",
            "ada@lab..example",
            "ada@-lab.example",
        ] {
            assert_eq!(Email::parse(bad), Err(EmailError::Malformed), "{bad}");
        }
        let long = format!("{}@lab.example", "a".repeat(250));
        assert_eq!(Email::parse(&long), Err(EmailError::TooLong));
        let long_local = format!("{}@lab.example", "a".repeat(65));
        assert_eq!(Email::parse(&long_local), Err(EmailError::Malformed));
    }

    #[test]
    fn a_released_address_is_a_reserved_address_unique_to_its_account() {
        let a = crate::domain::ids::UserId::from_uuid(uuid::Uuid::from_u128(1));
        let b = crate::domain::ids::UserId::from_uuid(uuid::Uuid::from_u128(2));
        let released = Email::released(&a);
        assert_eq!(Email::parse(released.as_str()), Ok(released.clone()), "it reads back");
        assert!(released.is_reserved());
        assert_ne!(released, Email::released(&b));
        assert!(Email::parse("ada@nimbus.invalid").unwrap().is_reserved());
        assert!(!Email::parse("ada@invalid.example").unwrap().is_reserved());
        assert!(!Email::parse("ada@lab.example").unwrap().is_reserved());
    }

    #[test]
    fn plus_addressing_and_subdomains_are_fine() {
        assert!(Email::parse("ada+nimbus@cs.uni.example").is_ok());
    }
}
