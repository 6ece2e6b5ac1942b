//! Rate limits as values: how many attempts an action allows in a burst and how fast the
//! allowance refills, per client address and per account. The configuration reads them; the
//! HTTP adapter enforces them.

use std::net::{IpAddr, Ipv6Addr};
use std::num::NonZeroU32;
use std::time::Duration;

/// A rate limit: at most `count` attempts in a burst, refilled evenly over `per`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Rate {
    pub count: NonZeroU32,
    pub per: Duration,
}

/// Rate limits on the account endpoints; `None` turns one off. The sign-in limits count failed
/// sign-ins only: per (account, address) pair, per address, and a looser ceiling per account.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RateLimitPolicy {
    pub signin_per_ip: Option<Rate>,
    pub signin_per_account: Option<Rate>,
    pub signin_per_account_and_ip: Option<Rate>,
    pub register_per_ip: Option<Rate>,
    pub register_per_account: Option<Rate>,
    pub tokens_per_ip: Option<Rate>,
    pub tokens_per_account: Option<Rate>,
    pub access_code_per_ip: Option<Rate>,
    pub access_code_per_account: Option<Rate>,
    /// Password changes per account (every attempt counts).
    pub password_per_account: Option<Rate>,
    /// Provider sign-in starts per address: each leaves a pending sign-in in a bounded store.
    pub oauth_start_per_ip: Option<Rate>,
    /// Machine requests per member account (admins are not limited).
    pub vms_per_account: Option<Rate>,
}

/// Which clients share one per-address budget: an IPv4 address alone, an IPv6 address with its
/// whole /64 (the smallest network a site is given, so one client can take any address in it),
/// an IPv4-mapped IPv6 address as the IPv4 address it is. Anything else counts as written.
pub fn address_key(address: &str) -> String {
    match address.trim().parse::<IpAddr>() {
        Ok(IpAddr::V4(v4)) => v4.to_string(),
        Ok(IpAddr::V6(v6)) => match v6.to_ipv4_mapped() {
            Some(v4) => v4.to_string(),
            None => {
                let network = u128::from(v6) & !((1u128 << 64) - 1);
                format!("{}/64", Ipv6Addr::from(network))
            }
        },
        Err(_) => address.trim().to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ipv6_clients_share_a_budget_with_their_64_and_ipv4_clients_only_with_themselves() {
        assert_eq!(address_key("2001:db8:7:9::1"), "2001:db8:7:9::/64");
        assert_eq!(address_key("2001:db8:7:9:ffff:1:2:3"), "2001:db8:7:9::/64");
        assert_eq!(address_key("2001:db8:7:a::1"), "2001:db8:7:a::/64");
        assert_eq!(address_key("::ffff:198.51.100.7"), "198.51.100.7");
        assert_eq!(address_key("198.51.100.7"), "198.51.100.7");
        assert_ne!(address_key("198.51.100.8"), address_key("198.51.100.7"));
        assert_eq!(address_key("unknown"), "unknown");
    }
}
