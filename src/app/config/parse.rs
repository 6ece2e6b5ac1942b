//! Text-to-value parsers for configuration. Each returns the one-line error that names the
//! variable, shows the value (hidden for secrets) and says what form is expected.

use std::collections::BTreeMap;
use std::str::FromStr;
use std::time::Duration;

use super::ConfigError;

/// Variables whose values must never be printed, even in an error.
const SECRET_KEYS: &[&str] = &[
    "PROXMOX_TOKEN_SECRET",
    "NIMBUS_ENCRYPTION_KEY",
    "GITHUB_CLIENT_SECRET",
    "GOOGLE_CLIENT_SECRET",
    "GOPHER_API_KEY",
];

/// Variables where an empty value is meaningful ("turn this off") rather than "not set".
const EMPTY_IS_A_VALUE: &[&str] = &["NIMBUS_VM_DISK_STORAGE"];

/// The merged text values, with helpers that parse one variable each.
pub struct Raw {
    values: BTreeMap<String, String>,
}

impl Raw {
    pub fn new(values: BTreeMap<String, String>) -> Self {
        Self { values }
    }

    /// The trimmed value, `None` when unset (or empty, for variables where empty means unset).
    pub fn get(&self, key: &str) -> Option<&str> {
        let value = self.values.get(key).map(|v| v.trim())?;
        if value.is_empty() && !EMPTY_IS_A_VALUE.contains(&key) {
            None
        } else {
            Some(value)
        }
    }

    pub fn is_set(&self, key: &str) -> bool {
        self.get(key).is_some()
    }

    pub fn invalid(&self, key: &'static str, expected: impl Into<String>) -> ConfigError {
        let shown = if SECRET_KEYS.contains(&key) {
            "(hidden)".to_string()
        } else {
            format!("'{}'", self.get(key).unwrap_or(""))
        };
        ConfigError::Invalid {
            var: key,
            value: shown,
            expected: expected.into(),
        }
    }

    /// Parses `key` with `f`, or returns `default` when unset.
    pub fn parse_or<T>(
        &self,
        key: &'static str,
        default: T,
        expected: &str,
        f: impl FnOnce(&str) -> Option<T>,
    ) -> Result<T, ConfigError> {
        match self.get(key) {
            None => Ok(default),
            Some(text) => f(text).ok_or_else(|| self.invalid(key, expected)),
        }
    }

    /// Parses `key` with `f` when set.
    pub fn parse_opt<T>(
        &self,
        key: &'static str,
        expected: &str,
        f: impl FnOnce(&str) -> Option<T>,
    ) -> Result<Option<T>, ConfigError> {
        self.get(key)
            .map(|text| f(text).ok_or_else(|| self.invalid(key, expected)))
            .transpose()
    }

    /// A whole number within `range`, or `default` when unset.
    pub fn number<T>(&self, key: &'static str, default: T, range: std::ops::RangeInclusive<T>) -> Result<T, ConfigError>
    where
        T: FromStr + PartialOrd + std::fmt::Display + Copy,
    {
        let expected = format!("a whole number from {} to {}", range.start(), range.end());
        self.parse_or(key, default, &expected, |t| {
            t.parse::<T>().ok().filter(|v| range.contains(v))
        })
    }

    /// Seconds where 0 turns the feature off: `None` means off.
    pub fn interval(&self, key: &'static str, default_secs: u64) -> Result<Option<Duration>, ConfigError> {
        let secs = self.parse_or(key, default_secs, "a whole number of seconds (0 turns it off)", |t| {
            t.parse::<u64>().ok().filter(|v| *v <= 30 * 24 * 3600)
        })?;
        Ok((secs > 0).then(|| Duration::from_secs(secs)))
    }
}

/// Splits a list written with commas and/or spaces.
pub fn list(text: &str) -> Vec<&str> {
    text.split(|c: char| c == ',' || c.is_whitespace())
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .collect()
}

/// A Proxmox identifier (node, storage, CPU type): letters, digits, `-`, `_`, `.`, `+`.
pub fn is_identifier(text: &str) -> bool {
    !text.is_empty()
        && text.len() <= 64
        && text
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.' | '+'))
}

/// `true` or `false` (also `1`/`0`, `yes`/`no`, `on`/`off`, any case).
pub fn boolean(text: &str) -> Option<bool> {
    match text.to_ascii_lowercase().as_str() {
        "true" | "1" | "yes" | "on" => Some(true),
        "false" | "0" | "no" | "off" => Some(false),
        _ => None,
    }
}

/// A DNS name made of RFC 1123 labels.
pub fn is_dns_name(text: &str) -> bool {
    !text.is_empty()
        && text.len() <= 253
        && text.split('.').all(|label| {
            !label.is_empty()
                && label.len() <= 63
                && !label.starts_with('-')
                && !label.ends_with('-')
                && label.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
        })
}

/// An http(s) URL with a host, without query or fragment; the trailing `/` is dropped.
pub fn http_url(text: &str) -> Option<url::Url> {
    let url = url::Url::parse(text).ok()?;
    let ok = matches!(url.scheme(), "http" | "https")
        && url.host_str().is_some_and(|h| !h.is_empty())
        && url.query().is_none()
        && url.fragment().is_none()
        && url.username().is_empty()
        && url.password().is_none();
    ok.then_some(url)
}

/// A browser origin: scheme, host and optional port, nothing else.
pub fn origin(text: &str) -> Option<String> {
    let url = http_url(text)?;
    (url.path() == "/").then(|| url.origin().ascii_serialization())
}
