//! The rate limits as the API applies them, in time driven by a manual clock.

use std::num::NonZeroU32;
use std::sync::Arc;
use std::time::Duration;

use chrono::{DateTime, TimeDelta};

use super::*;
use crate::adapters::clock::ManualClock;

fn rate(count: u32, secs: u64) -> Option<Rate> {
    Some(Rate {
        count: NonZeroU32::new(count).unwrap(),
        per: Duration::from_secs(secs),
    })
}

fn policy() -> RateLimitPolicy {
    RateLimitPolicy {
        signin_per_ip: rate(8, 3600),
        signin_per_account: rate(5, 3600),
        signin_per_account_and_ip: rate(2, 3600),
        register_per_ip: None,
        register_per_account: None,
        tokens_per_ip: rate(1, 3600),
        tokens_per_account: None,
        access_code_per_ip: None,
        access_code_per_account: rate(2, 3600),
        password_per_account: rate(1, 3600),
        oauth_start_per_ip: rate(1, 3600),
        vms_per_account: rate(2, 3600),
    }
}

fn clock() -> Arc<ManualClock> {
    Arc::new(ManualClock::new(DateTime::from_timestamp(1_800_000_000, 0).unwrap()))
}

fn limits(clock: &Arc<ManualClock>) -> RateLimits {
    RateLimits::new(&policy(), clock.clone())
}

/// One sign-in with a wrong password, if admitted; whether it was.
fn guess(limits: &RateLimits, ip: &str, email: &str) -> bool {
    let admitted = limits.admit_sign_in(Some(ip), email).is_ok();
    if admitted {
        limits.sign_in_failed(Some(ip), email);
    }
    admitted
}

#[test]
fn failures_stop_their_pair_before_the_account_and_others_still_sign_in() {
    let clock = clock();
    let limits = limits(&clock);
    assert!(guess(&limits, "198.51.100.7", "ada@lab.example"));
    assert!(guess(&limits, "198.51.100.7", "ADA@lab.example "));
    let wait = limits
        .admit_sign_in(Some("198.51.100.7"), "ada@lab.example")
        .unwrap_err();
    assert_eq!(wait, Duration::from_secs(1800), "one failure's share of the hour");
    assert!(
        limits.admit_sign_in(Some("203.0.113.9"), "ada@lab.example").is_ok(),
        "the account's owner, elsewhere"
    );
    assert!(limits.admit_sign_in(Some("198.51.100.7"), "bob@lab.example").is_ok());
    clock.advance(TimeDelta::minutes(30));
    assert!(
        guess(&limits, "198.51.100.7", "ada@lab.example"),
        "a failure's share recovered"
    );
}

#[test]
fn the_account_ceiling_stops_failures_spread_over_many_addresses() {
    let clock = clock();
    let limits = limits(&clock);
    for n in 1..=5 {
        assert!(guess(&limits, &format!("198.51.100.{n}"), "ada@lab.example"));
    }
    assert!(limits.admit_sign_in(Some("198.51.100.99"), "ada@lab.example").is_err());
}

#[test]
fn an_address_is_limited_on_failures_whatever_the_account() {
    let clock = clock();
    let limits = limits(&clock);
    for n in 0..8 {
        assert!(guess(&limits, "198.51.100.7", &format!("user{n}@lab.example")));
    }
    assert!(limits.admit_sign_in(Some("198.51.100.7"), "new@lab.example").is_err());
    assert!(limits.admit_sign_in(Some("2001:db8::1"), "new@lab.example").is_ok());
}

#[test]
fn only_failures_count_and_a_right_password_clears_its_pair() {
    let clock = clock();
    let limits = limits(&clock);
    for _ in 0..100 {
        assert!(limits.admit_sign_in(Some("198.51.100.7"), "ada@lab.example").is_ok());
        limits.signed_in(Some("198.51.100.7"), "ada@lab.example");
    }
    assert!(guess(&limits, "198.51.100.7", "ada@lab.example"));
    limits.signed_in(Some("198.51.100.7"), "ada@lab.example");
    assert!(guess(&limits, "198.51.100.7", "ada@lab.example"));
    assert!(
        guess(&limits, "198.51.100.7", "ada@lab.example"),
        "the earlier failure was cleared"
    );
    assert!(!guess(&limits, "198.51.100.7", "ada@lab.example"));
}

#[test]
fn an_ipv6_client_is_one_address_across_its_64() {
    let clock = clock();
    let limits = limits(&clock);
    assert!(limits.check(Action::CreateToken, Some("2001:db8:7:9::1"), "u1").is_ok());
    assert!(
        limits
            .check(Action::CreateToken, Some("2001:db8:7:9::2"), "u2")
            .is_err()
    );
    assert!(limits.check(Action::CreateToken, Some("2001:db8:7:a::2"), "u2").is_ok());
    for n in 0..8 {
        assert!(guess(
            &limits,
            &format!("2001:db8:1:2::{n:x}"),
            &format!("u{n}@lab.example")
        ));
    }
    assert!(
        limits
            .admit_sign_in(Some("2001:db8:1:2:ffff::9"), "x@lab.example")
            .is_err()
    );
}

#[test]
fn a_hundred_thousand_emails_and_addresses_keep_a_bounded_number_of_keys() {
    let clock = clock();
    let limits = RateLimits::with_capacity(&policy(), clock.clone(), 1000);
    for n in 0u32..100_000 {
        let ip = std::net::Ipv4Addr::from(0x0a00_0000 + n).to_string();
        let email = format!("user{n}@lab.example");
        assert!(guess(&limits, &ip, &email));
        let _ = limits.check(Action::AccessCode, Some(&ip), &email);
        clock.advance(TimeDelta::milliseconds(1));
    }
    assert!(limits.stored_keys() <= 5 * 1000, "{}", limits.stored_keys());
}

#[test]
fn the_default_cap_bounds_a_flood_too_and_the_sweep_forgets_what_recovered() {
    let clock = clock();
    let limits = limits(&clock);
    for n in 0u32..100_000 {
        let ip = std::net::Ipv4Addr::from(0x0a00_0000 + n).to_string();
        limits.sign_in_failed(Some(&ip), &format!("user{n}@lab.example"));
    }
    assert!(
        limits.stored_keys() <= 3 * MAX_KEYS_PER_LIMIT,
        "{}",
        limits.stored_keys()
    );
    clock.advance(TimeDelta::hours(2));
    limits.sweep(clock.now());
    assert_eq!(limits.stored_keys(), 0);
}

#[test]
fn actions_have_separate_budgets_and_off_means_unlimited() {
    let clock = clock();
    let limits = limits(&clock);
    assert!(limits.check(Action::CreateToken, Some("127.0.0.1"), "u1").is_ok());
    assert!(limits.check(Action::CreateToken, Some("127.0.0.1"), "u1").is_err());
    for _ in 0..100 {
        assert!(
            limits
                .check(Action::Register, Some("127.0.0.1"), "x@lab.example")
                .is_ok()
        );
    }
    assert!(limits.check(Action::AccessCode, Some("127.0.0.1"), "u1").is_ok());
    assert!(limits.check(Action::ChangePassword, Some("127.0.0.1"), "u1").is_ok());
    assert!(
        limits.check(Action::ChangePassword, Some("127.0.0.2"), "u1").is_err(),
        "password changes count per account"
    );
    assert!(limits.check(Action::OAuthStart, Some("127.0.0.1"), "").is_ok());
    assert!(
        limits.check(Action::OAuthStart, Some("127.0.0.1"), "").is_err(),
        "sign-in starts count per address"
    );
    assert!(limits.check(Action::OAuthStart, Some("127.0.0.2"), "").is_ok());
    for ip in ["127.0.0.1", "127.0.0.2"] {
        assert!(limits.check(Action::CreateVm, Some(ip), "u1").is_ok());
    }
    assert!(
        limits.check(Action::CreateVm, Some("127.0.0.3"), "u1").is_err(),
        "machine requests count per account"
    );
    assert!(limits.check(Action::CreateVm, Some("127.0.0.3"), "u2").is_ok());
}

#[test]
fn retry_after_rounds_up() {
    assert_eq!(retry_after_secs(Duration::from_millis(1500)), 2);
    assert_eq!(retry_after_secs(Duration::from_secs(3)), 3);
}
