//! Configuration of sessions, the purge and the rate limits.

use std::num::NonZeroU32;
use std::time::Duration;

use super::super::*;
use super::{Env, message};

#[test]
fn session_and_rate_limit_defaults() {
    let auth = Env::cluster(&[]).serve().unwrap().auth;
    assert_eq!(auth.session_idle, Duration::from_secs(7 * 86_400));
    assert_eq!(auth.session_max_age, Duration::from_secs(30 * 86_400));
    assert_eq!(auth.purge_interval, Some(Duration::from_secs(3600)));
    let per_quarter = |count| {
        Some(Rate {
            count: NonZeroU32::new(count).unwrap(),
            per: Duration::from_secs(900),
        })
    };
    assert_eq!(auth.rate_limits.signin_per_account_and_ip, per_quarter(5));
    assert_eq!(
        auth.rate_limits.signin_per_account,
        per_quarter(50),
        "looser than the pair"
    );
}

#[test]
fn rate_limits_read_count_per_period_and_off() {
    let env = Env::cluster(&[
        ("RATE_LIMIT_SIGNIN_PER_IP", "5/30s"),
        ("RATE_LIMIT_REGISTER_PER_IP", "OFF"),
        ("RATE_LIMIT_TOKENS_PER_ACCOUNT", "3/h"),
        ("RATE_LIMIT_TOKENS_PER_IP", " 100 / 2d "),
    ]);
    let limits = env.serve().unwrap().auth.rate_limits;
    assert_eq!(limits.signin_per_ip.unwrap().per, Duration::from_secs(30));
    assert_eq!(limits.signin_per_ip.unwrap().count.get(), 5);
    assert_eq!(limits.register_per_ip, None);
    assert_eq!(limits.tokens_per_account.unwrap().per, Duration::from_secs(3600));
    assert_eq!(limits.tokens_per_ip.unwrap().per, Duration::from_secs(2 * 86_400));
}

#[test]
fn bad_rate_limits_and_session_lifetimes_stop_boot_naming_the_variable() {
    for (var, value) in [
        ("RATE_LIMIT_SIGNIN_PER_IP", "0/1m"),
        ("RATE_LIMIT_SIGNIN_PER_IP", "10"),
        ("RATE_LIMIT_SIGNIN_PER_IP", "10/1w"),
        ("RATE_LIMIT_SIGNIN_PER_IP", "10/0m"),
        ("SESSION_IDLE_TIMEOUT_SECONDS", "5"),
    ] {
        let text = message(Env::cluster(&[(var, value)]).serve().unwrap_err());
        assert!(text.contains(var), "{var}={value}: {text}");
    }
    let longer = Env::cluster(&[
        ("SESSION_IDLE_TIMEOUT_SECONDS", "7200"),
        ("SESSION_MAX_AGE_SECONDS", "3600"),
    ]);
    let text = message(longer.serve().unwrap_err());
    assert!(
        text.contains("SESSION_IDLE_TIMEOUT_SECONDS") && text.contains("SESSION_MAX_AGE_SECONDS"),
        "{text}"
    );
}

#[test]
fn the_demo_takes_session_and_rate_limit_settings_from_its_environment() {
    let env = Env::new(&[
        ("RATE_LIMIT_SIGNIN_PER_IP", "off"),
        ("SESSION_PURGE_INTERVAL_SECONDS", "0"),
    ]);
    let config = Config::load(Mode::Demo, &env.sources()).unwrap();
    assert_eq!(config.auth.rate_limits.signin_per_ip, None);
    assert_eq!(config.auth.purge_interval, None);
}

#[test]
fn trusted_proxies_are_addresses_or_networks() {
    let config = Env::cluster(&[("TRUSTED_PROXIES", "127.0.0.1, 10.9.0.0/16 ::1")])
        .serve()
        .unwrap();
    let proxies: Vec<String> = config.server.trusted_proxies.iter().map(|n| n.to_string()).collect();
    assert_eq!(proxies, ["127.0.0.1/32", "10.9.0.0/16", "::1/128"]);
    let text = message(Env::cluster(&[("TRUSTED_PROXIES", "proxy.lan")]).serve().unwrap_err());
    assert!(text.contains("TRUSTED_PROXIES"), "{text}");
}

#[test]
fn password_hashing_runs_a_hash_per_core_with_room_for_a_class_to_wait() {
    let auth = Env::cluster(&[]).serve().unwrap().auth;
    assert!(auth.hash_concurrency >= 1);
    assert!(auth.hash_queue >= 8 * auth.hash_concurrency, "{}", auth.hash_queue);
    assert!(auth.hash_concurrency + auth.hash_queue >= 30, "a class of thirty fits");
    assert_eq!(auth.hash_wait, Duration::from_secs(5));
    let env = Env::cluster(&[
        ("PASSWORD_HASH_CONCURRENCY", "3"),
        ("PASSWORD_HASH_QUEUE", "0"),
        ("PASSWORD_HASH_WAIT_SECONDS", "2"),
    ]);
    let auth = env.serve().unwrap().auth;
    assert_eq!(
        (auth.hash_concurrency, auth.hash_queue, auth.hash_wait),
        (3, 0, Duration::from_secs(2))
    );
    for (var, value) in [
        ("PASSWORD_HASH_CONCURRENCY", "0"),
        ("PASSWORD_HASH_QUEUE", "-1"),
        ("PASSWORD_HASH_WAIT_SECONDS", "soon"),
    ] {
        let text = message(Env::cluster(&[(var, value)]).serve().unwrap_err());
        assert!(text.contains(var), "{var}={value}: {text}");
    }
}
