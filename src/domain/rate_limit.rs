//! Rate limits as values: how many attempts an action allows in a burst and how fast the
//! allowance refills, per client address and per account. The configuration reads them; the
//! HTTP adapter enforces them.

use std::num::NonZeroU32;
use std::time::Duration;

/// A rate limit: at most `count` attempts in a burst, refilled evenly over `per`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Rate {
    pub count: NonZeroU32,
    pub per: Duration,
}

/// Rate limits on the account endpoints; `None` turns one off.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RateLimitPolicy {
    pub signin_per_ip: Option<Rate>,
    pub signin_per_account: Option<Rate>,
    pub register_per_ip: Option<Rate>,
    pub register_per_account: Option<Rate>,
    pub tokens_per_ip: Option<Rate>,
    pub tokens_per_account: Option<Rate>,
    pub access_code_per_ip: Option<Rate>,
    pub access_code_per_account: Option<Rate>,
}
