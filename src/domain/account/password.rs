//! What Nimbus accepts as a password: long enough, not absurdly long (hashing cost), and not
//! one of the passwords every attacker tries first. No composition rules: length and
//! unpredictability are what matter.

use super::common_passwords::{BASE_WORDS, WALKS, WHOLE};
use super::email::Email;

/// The password rules. `Default` is the production policy.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PasswordPolicy {
    /// Fewest characters accepted.
    pub min_chars: usize,
    /// Most bytes accepted (the hash reads every byte).
    pub max_bytes: usize,
}

impl Default for PasswordPolicy {
    fn default() -> Self {
        Self {
            min_chars: 10,
            max_bytes: 256,
        }
    }
}

/// Why a password is refused. `Display` is the sentence the form shows.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PasswordError {
    #[error("Use at least {0} characters.")]
    TooShort(usize),
    #[error("Use at most {0} bytes.")]
    TooLong(usize),
    #[error("This password is among the most common ones attackers try first. Choose another.")]
    Common,
    #[error("This password repeats one character or follows the keyboard. Choose another.")]
    Pattern,
    #[error("Do not build the password from your email address or name.")]
    Personal,
}

impl PasswordPolicy {
    /// Checks `password` for an account with `email` and `name`.
    pub fn check(&self, password: &str, email: &Email, name: &str) -> Result<(), PasswordError> {
        if password.chars().count() < self.min_chars {
            return Err(PasswordError::TooShort(self.min_chars));
        }
        if password.len() > self.max_bytes {
            return Err(PasswordError::TooLong(self.max_bytes));
        }
        let lower = password.to_lowercase();
        if WHOLE.contains(&lower.as_str()) || is_base_word_with_suffix(&lower) {
            return Err(PasswordError::Common);
        }
        if is_one_character(&lower) || is_walk(&lower) {
            return Err(PasswordError::Pattern);
        }
        if is_personal(&lower, email, name) {
            return Err(PasswordError::Personal);
        }
        Ok(())
    }
}

/// `password2024!`, `Welcome#1`, `admin123456`: a base word and at most six digits or symbols.
fn is_base_word_with_suffix(lower: &str) -> bool {
    let stem = lower.trim_end_matches(|c: char| !c.is_alphabetic());
    let stem = stem.trim_start_matches(|c: char| !c.is_alphabetic());
    let extra = lower.chars().count() - stem.chars().count();
    let doubled = BASE_WORDS.iter().any(|w| *stem == format!("{w}{w}"));
    (BASE_WORDS.contains(&stem) || doubled) && extra <= 6
}

fn is_one_character(lower: &str) -> bool {
    let mut chars = lower.chars();
    let first = chars.next();
    chars.all(|c| Some(c) == first)
}

fn is_walk(lower: &str) -> bool {
    WALKS.iter().any(|row| row.contains(lower))
}

fn is_personal(lower: &str, email: &Email, name: &str) -> bool {
    let local: String = email.local_part().chars().filter(|c| c.is_alphanumeric()).collect();
    let squashed: String = lower.chars().filter(|c| c.is_alphanumeric()).collect();
    let name_squashed: String = name.to_lowercase().chars().filter(|c| c.is_alphanumeric()).collect();
    // Built from: the word plus at most six more letters or digits around it.
    let built_from = |word: &str| {
        word.chars().count() >= 4 && squashed.contains(word) && squashed.chars().count() - word.chars().count() <= 6
    };
    lower == email.as_str() || built_from(&local) || built_from(&name_squashed)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(password: &str) -> Result<(), PasswordError> {
        let email = Email::parse("ada.lovelace@lab.example").unwrap();
        PasswordPolicy::default().check(password, &email, "Ada Lovelace")
    }

    #[test]
    fn long_unpredictable_passwords_pass() {
        for good in [
            "correct horse battery staple",
            "v9#Lq2!mZ8",
            "Kettle-Orbit-Fjord-42",
            "password manager generated: 8fT!x2Qp",
        ] {
            assert_eq!(check(good), Ok(()), "{good}");
        }
    }

    #[test]
    fn short_and_huge_passwords_are_refused_with_the_limit() {
        assert_eq!(check("short1!"), Err(PasswordError::TooShort(10)));
        assert_eq!(check("ñññññññññ"), Err(PasswordError::TooShort(10)));
        assert_eq!(check(&"x1".repeat(200)), Err(PasswordError::TooLong(256)));
    }

    #[test]
    fn common_passwords_and_their_decorated_forms_are_refused() {
        for weak in [
            "1234567890",
            "Password2024!",
            "password1234",
            "Welcome#2026",
            "qwertyuiop",
            "iloveyou123",
            "adminadmin1",
            "Nimbus123456",
            "letmein!!!!!",
            "passwordpassword",
        ] {
            assert_eq!(check(weak), Err(PasswordError::Common), "{weak}");
        }
    }

    #[test]
    fn repeats_and_keyboard_walks_are_refused() {
        for weak in [
            "aaaaaaaaaaaa",
            "zzzzzzzzzzzzzz",
            "asdfghjkl",
            "7890123456",
            "mnbvcxzmnb",
            "fghijklmnop",
        ] {
            let got = check(weak);
            assert!(
                matches!(got, Err(PasswordError::Pattern | PasswordError::TooShort(_))),
                "{weak}: {got:?}"
            );
        }
        assert_eq!(check("ghijklmnopq"), Err(PasswordError::Pattern));
    }

    #[test]
    fn passwords_made_from_the_email_or_name_are_refused() {
        assert_eq!(check("ada.lovelace@lab.example"), Err(PasswordError::Personal));
        assert_eq!(check("adalovelace2024"), Err(PasswordError::Personal));
        assert_eq!(check("AdaLovelace!1"), Err(PasswordError::Personal));
        assert_eq!(check("Ada Lovelace rides a bicycle to Kyoto"), Ok(()));
    }
}
