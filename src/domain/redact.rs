//! Keeping secrets out of `Debug`: passwords, tokens, client secrets, private keys and master
//! keys end up in logs and panic messages whenever a value holding them is printed with `{:?}`.
//! A type holding one implements `Debug` by hand with [`debug_redacted!`],
//! which prints [`REDACTED`] for its secret fields (or `None` when there is no secret), and names
//! every field, so a new field does not compile until it is declared shown or secret.

use std::fmt;

/// What a secret field shows instead of its value.
pub const REDACTED: &str = "[redacted]";

/// A secret value as `Debug` shows it: whether it is there, never what it is.
pub struct Redacted<'a, T: ?Sized>(pub &'a T);

/// A value whose `Debug` output would reveal a secret.
pub trait Secret {
    /// Whether there is a secret to hide (`false` for an absent optional one).
    fn is_present(&self) -> bool {
        true
    }
}

impl Secret for String {}
impl Secret for str {}
impl Secret for Vec<u8> {}
impl<const N: usize> Secret for [u8; N] {}
impl<T: Secret> Secret for Option<T> {
    fn is_present(&self) -> bool {
        self.as_ref().is_some_and(Secret::is_present)
    }
}

impl<T: Secret + ?Sized> fmt::Debug for Redacted<'_, T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(if self.0.is_present() { REDACTED } else { "None" })
    }
}

/// Implements `Debug` for a struct, printing the `secret` fields as [`REDACTED`]:
/// `debug_redacted!(Login { email } secret { password });`. Every field must be listed.
macro_rules! debug_redacted {
    ($ty:ident { $($shown:ident),* $(,)? } secret { $($secret:ident),+ $(,)? }) => {
        impl ::std::fmt::Debug for $ty {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                // Destructured without `..`: a field added later must be sorted in here.
                let Self { $($shown,)* $($secret,)* } = self;
                f.debug_struct(stringify!($ty))
                    $(.field(stringify!($shown), $shown))*
                    $(.field(stringify!($secret), &$crate::domain::redact::Redacted($secret)))*
                    .finish()
            }
        }
    };
}
pub(crate) use debug_redacted;

#[cfg(test)]
mod tests {
    use super::*;

    struct Login {
        email: String,
        password: String,
        setup_token: Option<String>,
    }

    debug_redacted!(Login { email } secret { password, setup_token });

    #[test]
    fn secret_fields_print_as_redacted_and_absent_ones_as_none() {
        let mut login = Login {
            email: "ada@lab.example".into(),
            password: "hunter2-hunter2".into(),
            setup_token: Some("ABCD-EFGH".into()),
        };
        let shown = format!("{login:?}");
        assert_eq!(
            shown,
            r#"Login { email: "ada@lab.example", password: [redacted], setup_token: [redacted] }"#
        );
        login.setup_token = None;
        assert!(format!("{login:?}").ends_with("setup_token: None }"));
        assert_eq!(format!("{:?}", Redacted(&[7u8; 32])), REDACTED);
    }
}
