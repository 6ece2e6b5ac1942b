//! The sign-in limits, which count failures only: a wrong password costs its (account, address)
//! pair, its address and, against a looser ceiling, its account; a right one costs nothing and
//! clears its pair's failures. So an attacker guessing at one account from one address is
//! stopped by the pair long before the account's ceiling, and its owner still signs in from
//! elsewhere.

use std::time::Duration;

use chrono::{DateTime, Utc};

use super::budget::Budget;
use crate::domain::rate_limit::{RateLimitPolicy, address_key};

pub(super) struct SignInLimits {
    per_pair: Option<Budget>,
    per_address: Option<Budget>,
    per_account: Option<Budget>,
}

/// The keys one sign-in is counted under.
struct Keys {
    pair: String,
    address: String,
    account: String,
}

fn keys(address: Option<&str>, email: &str) -> Keys {
    let address = address_key(address.unwrap_or("unknown"));
    let account = email.trim().to_lowercase();
    Keys {
        pair: format!("{account}\n{address}"),
        address,
        account,
    }
}

impl SignInLimits {
    pub(super) fn new(policy: &RateLimitPolicy, cap: usize) -> Self {
        let budget = |rate: Option<_>| rate.map(|rate| Budget::new(rate, cap));
        Self {
            per_pair: budget(policy.signin_per_account_and_ip),
            per_address: budget(policy.signin_per_ip),
            per_account: budget(policy.signin_per_account),
        }
    }

    fn budgets<'a>(&'a self, keys: &'a Keys) -> impl Iterator<Item = (&'a Budget, &'a str)> {
        [
            (self.per_pair.as_ref(), keys.pair.as_str()),
            (self.per_address.as_ref(), keys.address.as_str()),
            (self.per_account.as_ref(), keys.account.as_str()),
        ]
        .into_iter()
        .filter_map(|(budget, key)| Some((budget?, key)))
    }

    /// Whether a sign-in may be tried (spends nothing); if not, how long until it may.
    pub(super) fn admit(&self, address: Option<&str>, email: &str, now: DateTime<Utc>) -> Result<(), Duration> {
        let keys = keys(address, email);
        let waits = self.budgets(&keys).filter_map(|(b, key)| b.peek(key, now).err());
        match waits.max() {
            Some(wait) => Err(wait),
            None => Ok(()),
        }
    }

    /// Counts a wrong email or password.
    pub(super) fn failed(&self, address: Option<&str>, email: &str, now: DateTime<Utc>) {
        let keys = keys(address, email);
        for (budget, key) in self.budgets(&keys) {
            budget.charge(key, now);
        }
    }

    /// A right password clears its (account, address) pair; the address's failures on other
    /// accounts and the account's failures from other addresses still count.
    pub(super) fn succeeded(&self, address: Option<&str>, email: &str) {
        if let Some(pair) = &self.per_pair {
            pair.forget(&keys(address, email).pair);
        }
    }

    pub(super) fn sweep(&self, now: DateTime<Utc>) {
        for budget in [&self.per_pair, &self.per_address, &self.per_account]
            .into_iter()
            .flatten()
        {
            budget.sweep(now);
        }
    }

    pub(super) fn stored_keys(&self) -> usize {
        [&self.per_pair, &self.per_address, &self.per_account]
            .into_iter()
            .flatten()
            .map(Budget::len)
            .sum()
    }
}
