//! Rate limits on the account endpoints (sign-in, registration, token creation, the access
//! code, password changes, provider sign-in starts, members' machine requests), per client address and per account: GCRA budgets keyed by address (an IPv6 client by
//! its /64) or account, each holding a bounded number of keys (`budget.rs`). Sign-in counts
//! failures only (`sign_in.rs`). A refusal carries how long to wait, which the API sends as
//! `Retry-After`. Time is the `Clock` port's, so tests drive it.

mod budget;
mod sign_in;

use std::sync::Arc;
use std::time::Duration;

use budget::Budget;
use sign_in::SignInLimits;

use crate::domain::rate_limit::{Rate, RateLimitPolicy, address_key};
use crate::ports::Clock;

/// At most this many keys per limit (about a MiB and a half each); beyond it the most recovered are
/// forgotten, so no flood of emails or addresses grows memory.
pub const MAX_KEYS_PER_LIMIT: usize = 20_000;

/// The limited actions (sign-in has its own rules: see [`RateLimits::admit_sign_in`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action {
    Register,
    CreateToken,
    AccessCode,
    ChangePassword,
    OAuthStart,
    /// A member's machine request (admins are not limited: callers skip the check for them).
    CreateVm,
}

struct Pair {
    per_ip: Option<Budget>,
    per_account: Option<Budget>,
}

impl Pair {
    fn budgets(&self) -> impl Iterator<Item = &Budget> {
        [&self.per_ip, &self.per_account].into_iter().flatten()
    }
}

/// Every limiter of the API.
pub struct RateLimits {
    signin: SignInLimits,
    register: Pair,
    tokens: Pair,
    access_code: Pair,
    password: Pair,
    oauth_start: Pair,
    vms: Pair,
    clock: Arc<dyn Clock>,
}

impl RateLimits {
    pub fn new(config: &RateLimitPolicy, clock: Arc<dyn Clock>) -> Self {
        Self::with_capacity(config, clock, MAX_KEYS_PER_LIMIT)
    }

    /// As `new`, holding at most `cap` keys per limit.
    pub fn with_capacity(config: &RateLimitPolicy, clock: Arc<dyn Clock>, cap: usize) -> Self {
        let limiter = |rate: Option<Rate>| rate.map(|rate| Budget::new(rate, cap));
        Self {
            signin: SignInLimits::new(config, cap),
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
            password: Pair {
                per_ip: None,
                per_account: limiter(config.password_per_account),
            },
            oauth_start: Pair {
                per_ip: limiter(config.oauth_start_per_ip),
                per_account: None,
            },
            vms: Pair {
                per_ip: None,
                per_account: limiter(config.vms_per_account),
            },
            clock,
        }
    }

    fn pair(&self, action: Action) -> &Pair {
        match action {
            Action::Register => &self.register,
            Action::CreateToken => &self.tokens,
            Action::AccessCode => &self.access_code,
            Action::ChangePassword => &self.password,
            Action::OAuthStart => &self.oauth_start,
            Action::CreateVm => &self.vms,
        }
    }

    fn pairs(&self) -> [&Pair; 6] {
        [
            &self.register,
            &self.tokens,
            &self.access_code,
            &self.password,
            &self.oauth_start,
            &self.vms,
        ]
    }

    /// Counts one attempt of `action` from `ip` on `account` (an email or a user id). Refused
    /// attempts return how long to wait (at least a second).
    pub fn check(&self, action: Action, ip: Option<&str>, account: &str) -> Result<(), Duration> {
        let pair = self.pair(action);
        let now = self.clock.now();
        let keys = [
            (pair.per_ip.as_ref(), address_key(ip.unwrap_or("unknown"))),
            (pair.per_account.as_ref(), account.trim().to_lowercase()),
        ];
        for (limiter, key) in keys {
            if let Some(limiter) = limiter {
                limiter.take(&key, now).map_err(at_least_a_second)?;
            }
        }
        Ok(())
    }

    /// Whether a sign-in from `ip` as `email` may check its password (it spends nothing: only
    /// a failure counts, through [`Self::sign_in_failed`]).
    pub fn admit_sign_in(&self, ip: Option<&str>, email: &str) -> Result<(), Duration> {
        self.signin
            .admit(ip, email, self.clock.now())
            .map_err(at_least_a_second)
    }

    /// Counts a sign-in refused for a wrong email or password.
    pub fn sign_in_failed(&self, ip: Option<&str>, email: &str) {
        self.signin.failed(ip, email, self.clock.now());
    }

    /// A sign-in with the right password clears the failures of its (account, address) pair.
    pub fn signed_in(&self, ip: Option<&str>, email: &str) {
        self.signin.succeeded(ip, email);
    }

    /// Forgets keys whose limits have fully recovered by `now`.
    pub fn sweep(&self, now: chrono::DateTime<chrono::Utc>) {
        self.signin.sweep(now);
        for budget in self.pairs().into_iter().flat_map(Pair::budgets) {
            budget.sweep(now);
        }
    }

    /// How many keys every limit holds together (each limit holds at most its cap).
    pub fn stored_keys(&self) -> usize {
        let pairs: usize = self.pairs().into_iter().flat_map(Pair::budgets).map(Budget::len).sum();
        pairs + self.signin.stored_keys()
    }
}

fn at_least_a_second(wait: Duration) -> Duration {
    wait.max(Duration::from_secs(1))
}

/// The job that forgets recovered rate-limit keys.
#[async_trait::async_trait]
impl crate::app::jobs::Job for RateLimits {
    fn name(&self) -> &'static str {
        "rate_limit_sweep"
    }

    fn title(&self) -> &'static str {
        "Forget rate-limit counters that have recovered"
    }

    async fn tick(&self, now: chrono::DateTime<chrono::Utc>) -> crate::app::jobs::JobReport {
        self.sweep(now);
        crate::app::jobs::JobReport::quiet("Recovered rate-limit counters forgotten.")
    }
}

/// Whole seconds to announce in `Retry-After`, rounded up.
pub fn retry_after_secs(wait: Duration) -> u64 {
    wait.as_secs() + u64::from(wait.subsec_nanos() > 0)
}

#[cfg(test)]
mod tests;
