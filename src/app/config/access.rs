//! Builds the access sections of the configuration: sessions, rate limits and the sign-in
//! providers' endpoints.

use std::num::NonZeroU32;
use std::time::Duration;

use super::ConfigError;
use super::parse::{self, Raw};
use super::sections::*;

pub(super) fn auth(raw: &Raw) -> Result<AuthConfig, ConfigError> {
    let secs = |key: &'static str, default: u64| raw.number(key, default, 60..=31_536_000).map(Duration::from_secs);
    let session_idle = secs("SESSION_IDLE_TIMEOUT_SECONDS", 7 * 86_400)?;
    let session_max_age = secs("SESSION_MAX_AGE_SECONDS", 30 * 86_400)?;
    if session_idle > session_max_age {
        return Err(raw.invalid(
            "SESSION_IDLE_TIMEOUT_SECONDS",
            "at most SESSION_MAX_AGE_SECONDS (a session cannot idle longer than it lives)",
        ));
    }
    let rate = |key: &'static str, default: &str| {
        let text = raw.get(key).unwrap_or(default);
        parse_rate(text).ok_or_else(|| ConfigError::Invalid {
            var: key,
            value: text.to_string(),
            expected: "COUNT/PERIOD such as 10/1m, 20/15m or 5/1h, or 'off'".into(),
        })
    };
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
    let hash_concurrency = raw.number("PASSWORD_HASH_CONCURRENCY", cores, 1..=1024)?;
    // A class of thirty signing in at once must fit even on a two-core host; a waiting request
    // holds no hashing memory, so the floor costs little.
    let hash_queue = raw.number("PASSWORD_HASH_QUEUE", (8 * hash_concurrency).max(32), 0..=100_000)?;
    let hash_wait = Duration::from_secs(raw.number("PASSWORD_HASH_WAIT_SECONDS", 5, 0..=600)?);
    Ok(AuthConfig {
        hash_concurrency,
        hash_queue,
        hash_wait,
        session_idle,
        session_max_age,
        purge_interval: raw.interval("SESSION_PURGE_INTERVAL_SECONDS", 3600)?,
        rate_limits: RateLimitPolicy {
            signin_per_ip: rate("RATE_LIMIT_SIGNIN_PER_IP", "30/1m")?,
            signin_per_account: rate("RATE_LIMIT_SIGNIN_PER_ACCOUNT", "50/15m")?,
            signin_per_account_and_ip: rate("RATE_LIMIT_SIGNIN_PER_ACCOUNT_AND_IP", "5/15m")?,
            register_per_ip: rate("RATE_LIMIT_REGISTER_PER_IP", "20/1h")?,
            register_per_account: rate("RATE_LIMIT_REGISTER_PER_ACCOUNT", "5/1h")?,
            tokens_per_ip: rate("RATE_LIMIT_TOKENS_PER_IP", "60/1h")?,
            tokens_per_account: rate("RATE_LIMIT_TOKENS_PER_ACCOUNT", "30/1h")?,
            access_code_per_ip: rate("RATE_LIMIT_ACCESS_CODE_PER_IP", "30/15m")?,
            access_code_per_account: rate("RATE_LIMIT_ACCESS_CODE_PER_ACCOUNT", "5/15m")?,
            password_per_account: rate("RATE_LIMIT_PASSWORD_PER_ACCOUNT", "10/1h")?,
            oauth_start_per_ip: rate("RATE_LIMIT_OAUTH_START_PER_IP", "30/10m")?,
            vms_per_account: rate("RATE_LIMIT_VMS_PER_ACCOUNT", "30/1h")?,
        },
    })
}

/// `off`, or `COUNT/PERIOD` with a period of whole seconds, minutes, hours or days (`10/15m`).
pub(super) fn parse_rate(text: &str) -> Option<Option<Rate>> {
    let text = text.trim();
    if text.eq_ignore_ascii_case("off") {
        return Some(None);
    }
    let (count, period) = text.split_once('/')?;
    let count = count.trim().parse::<NonZeroU32>().ok()?;
    let period = period.trim();
    let split = period.find(|c: char| !c.is_ascii_digit()).unwrap_or(period.len());
    let (number, unit) = period.split_at(split);
    let number: u64 = if number.is_empty() { 1 } else { number.parse().ok()? };
    let unit_secs = match unit {
        "s" => 1,
        "m" => 60,
        "h" => 3600,
        "d" => 86_400,
        _ => return None,
    };
    let per = Duration::from_secs(number.checked_mul(unit_secs).filter(|s| *s > 0)?);
    Some(Some(Rate { count, per }))
}

pub(super) fn oauth_endpoints(raw: &Raw) -> Result<OAuthEndpointConfig, ConfigError> {
    let url = |key: &'static str| raw.parse_opt(key, "an http(s) URL", parse::http_url);
    Ok(OAuthEndpointConfig {
        github_authorize: url("GITHUB_OAUTH_AUTHORIZE_URL")?,
        github_token: url("GITHUB_OAUTH_TOKEN_URL")?,
        github_api: url("GITHUB_API_URL")?,
        google_authorize: url("GOOGLE_OAUTH_AUTHORIZE_URL")?,
        google_token: url("GOOGLE_OAUTH_TOKEN_URL")?,
        google_userinfo: url("GOOGLE_USERINFO_URL")?,
    })
}
