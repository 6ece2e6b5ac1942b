//! Rate limits on the account endpoints (sign-in, registration, token creation), per client
//! address and per account, with governor's keyed GCRA limiters. A refusal carries how long to
//! wait, which the API sends as `Retry-After`.

use std::time::Duration;

use governor::clock::{Clock as _, DefaultClock};
use governor::state::keyed::DefaultKeyedStateStore;
use governor::{Quota, RateLimiter};

use crate::domain::rate_limit::{Rate, RateLimitPolicy};

type Keyed = RateLimiter<String, DefaultKeyedStateStore<String>, DefaultClock>;

/// The limited actions.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action {
    SignIn,
    Register,
    CreateToken,
    AccessCode,
}

struct Pair {
    per_ip: Option<Keyed>,
    per_account: Option<Keyed>,
}

/// Every limiter of the API.
pub struct RateLimits {
    signin: Pair,
    register: Pair,
    tokens: Pair,
    access_code: Pair,
    clock: DefaultClock,
}

fn limiter(rate: Option<Rate>) -> Option<Keyed> {
    let rate = rate?;
    let one = rate.per / rate.count.get();
    let quota = Quota::with_period(one.max(Duration::from_millis(1)))?.allow_burst(rate.count);
    Some(RateLimiter::keyed(quota))
}

impl RateLimits {
    pub fn new(config: &RateLimitPolicy) -> Self {
        Self {
            signin: Pair {
                per_ip: limiter(config.signin_per_ip),
                per_account: limiter(config.signin_per_account),
            },
            register: Pair {
                per_ip: limiter(config.register_per_ip),
                per_account: limiter(config.register_per_account),
            },
            tokens: Pair {
                per_ip: limiter(config.tokens_per_ip),
                per_account: limiter(config.tokens_per_account),
            },
            access_code: Pair {
                per_ip: limiter(config.access_code_per_ip),
                per_account: limiter(config.access_code_per_account),
            },
            clock: DefaultClock::default(),
        }
    }

    /// Counts one attempt of `action` from `ip` on `account` (an email or a user id). Refused
    /// attempts return how long to wait (at least a second).
    pub fn check(&self, action: Action, ip: Option<&str>, account: &str) -> Result<(), Duration> {
        let pair = match action {
            Action::SignIn => &self.signin,
            Action::Register => &self.register,
            Action::CreateToken => &self.tokens,
            Action::AccessCode => &self.access_code,
        };
        let keys = [
            (pair.per_ip.as_ref(), ip.unwrap_or("unknown").to_string()),
            (pair.per_account.as_ref(), account.trim().to_lowercase()),
        ];
        for (limiter, key) in keys {
            if let Some(limiter) = limiter
                && let Err(not_until) = limiter.check_key(&key)
            {
                let wait = not_until.wait_time_from(self.clock.now());
                return Err(wait.max(Duration::from_secs(1)));
            }
        }
        Ok(())
    }

    /// Forgets keys whose limits have fully recovered, so memory stays bounded.
    pub fn sweep(&self) {
        for pair in [&self.signin, &self.register, &self.tokens, &self.access_code] {
            for limiter in [&pair.per_ip, &pair.per_account].into_iter().flatten() {
                limiter.retain_recent();
                limiter.shrink_to_fit();
            }
        }
    }
}

/// The job that forgets recovered rate-limit keys (it has no clock logic: the limiters keep
/// their own time).
#[async_trait::async_trait]
impl crate::app::jobs::Job for RateLimits {
    fn name(&self) -> &'static str {
        "rate_limit_sweep"
    }

    fn title(&self) -> &'static str {
        "Forget rate-limit counters that have recovered"
    }

    async fn tick(&self, _now: chrono::DateTime<chrono::Utc>) -> crate::app::jobs::JobReport {
        self.sweep();
        crate::app::jobs::JobReport::quiet("Recovered rate-limit counters forgotten.")
    }
}

/// Whole seconds to announce in `Retry-After`, rounded up.
pub fn retry_after_secs(wait: Duration) -> u64 {
    wait.as_secs() + u64::from(wait.subsec_nanos() > 0)
}

#[cfg(test)]
mod tests {
    use std::num::NonZeroU32;

    use super::*;

    fn rate(count: u32, secs: u64) -> Option<Rate> {
        Some(Rate {
            count: NonZeroU32::new(count).unwrap(),
            per: Duration::from_secs(secs),
        })
    }

    fn limits() -> RateLimits {
        RateLimits::new(&RateLimitPolicy {
            signin_per_ip: rate(5, 3600),
            signin_per_account: rate(2, 3600),
            register_per_ip: None,
            register_per_account: None,
            tokens_per_ip: rate(1, 3600),
            tokens_per_account: None,
            access_code_per_ip: None,
            access_code_per_account: rate(2, 3600),
        })
    }

    #[test]
    fn an_account_is_limited_whatever_the_address() {
        let limits = limits();
        assert!(
            limits
                .check(Action::SignIn, Some("127.0.0.1"), "ada@lab.example")
                .is_ok()
        );
        assert!(
            limits
                .check(Action::SignIn, Some("127.0.0.2"), "ADA@lab.example")
                .is_ok()
        );
        let wait = limits
            .check(Action::SignIn, Some("127.0.0.3"), "ada@lab.example")
            .unwrap_err();
        assert!(
            wait >= Duration::from_secs(1) && wait <= Duration::from_secs(1800),
            "{wait:?}"
        );
        assert!(
            limits
                .check(Action::SignIn, Some("127.0.0.3"), "bob@lab.example")
                .is_ok()
        );
    }

    #[test]
    fn an_address_is_limited_whatever_the_account() {
        let limits = limits();
        for n in 0..5 {
            let account = format!("user{n}@lab.example");
            assert!(limits.check(Action::SignIn, Some("127.0.0.9"), &account).is_ok());
        }
        assert!(
            limits
                .check(Action::SignIn, Some("127.0.0.9"), "new@lab.example")
                .is_err()
        );
        assert!(
            limits
                .check(Action::SignIn, Some("127.0.0.10"), "new@lab.example")
                .is_ok()
        );
    }

    #[test]
    fn actions_have_separate_budgets_and_off_means_unlimited() {
        let limits = limits();
        assert!(limits.check(Action::CreateToken, Some("127.0.0.1"), "u1").is_ok());
        assert!(limits.check(Action::CreateToken, Some("127.0.0.1"), "u1").is_err());
        for _ in 0..100 {
            assert!(
                limits
                    .check(Action::Register, Some("127.0.0.1"), "x@lab.example")
                    .is_ok()
            );
        }
        limits.sweep();
    }

    #[test]
    fn retry_after_rounds_up() {
        assert_eq!(retry_after_secs(Duration::from_millis(1500)), 2);
        assert_eq!(retry_after_secs(Duration::from_secs(3)), 3);
    }
}
