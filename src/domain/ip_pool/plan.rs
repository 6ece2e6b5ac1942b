//! The VM network plan: the IPv4 pool Nimbus hands addresses out of, the subnet prefix, the
//! gateway and the reserved addresses. Construction checks every rule that would otherwise hand
//! out an address that can never work (gateway inside the pool, pool spanning two subnets, ...).

use std::fmt;
use std::net::Ipv4Addr;
use std::str::FromStr;

/// An inclusive range of IPv4 addresses with `start <= end`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PoolRange {
    start: Ipv4Addr,
    end: Ipv4Addr,
}

/// Why a range could not be built.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PoolRangeError {
    #[error("the range ends at {end}, before it starts at {start}")]
    EndBeforeStart { start: Ipv4Addr, end: Ipv4Addr },
    #[error("expected an IPv4 address or a range like 10.0.0.5-10.0.0.9")]
    Unparsable,
}

impl PoolRange {
    pub fn new(start: Ipv4Addr, end: Ipv4Addr) -> Result<Self, PoolRangeError> {
        if u32::from(start) > u32::from(end) {
            return Err(PoolRangeError::EndBeforeStart { start, end });
        }
        Ok(Self { start, end })
    }

    pub fn single(addr: Ipv4Addr) -> Self {
        Self { start: addr, end: addr }
    }

    pub fn start(&self) -> Ipv4Addr {
        self.start
    }

    pub fn end(&self) -> Ipv4Addr {
        self.end
    }

    /// Number of addresses in the range (at least 1).
    pub fn len(&self) -> u64 {
        u64::from(u32::from(self.end)) - u64::from(u32::from(self.start)) + 1
    }

    /// A range always holds at least one address; provided for API symmetry with `len`.
    pub fn is_empty(&self) -> bool {
        false
    }

    pub fn contains(&self, addr: Ipv4Addr) -> bool {
        (u32::from(self.start)..=u32::from(self.end)).contains(&u32::from(addr))
    }

    pub fn contains_range(&self, other: &PoolRange) -> bool {
        self.contains(other.start) && self.contains(other.end)
    }
}

impl FromStr for PoolRange {
    type Err = PoolRangeError;

    /// `a.b.c.d` or `a.b.c.d-e.f.g.h`.
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let parse = |t: &str| t.trim().parse::<Ipv4Addr>().map_err(|_| PoolRangeError::Unparsable);
        match s.split_once('-') {
            Some((a, b)) => Self::new(parse(a)?, parse(b)?),
            None => Ok(Self::single(parse(s)?)),
        }
    }
}

impl fmt::Display for PoolRange {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.start == self.end {
            write!(f, "{}", self.start)
        } else {
            write!(f, "{}-{}", self.start, self.end)
        }
    }
}

/// Subnet prefix length for VM addresses. Limited to 8..=30: a /31 or /32 leaves no room for a
/// gateway beside the VM, and anything wider than /8 is not a LAN.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PrefixLen(u8);

/// The prefix length was outside 8..=30.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("expected a prefix length from 8 to 30")]
pub struct PrefixLenError;

impl PrefixLen {
    pub fn new(len: u8) -> Result<Self, PrefixLenError> {
        if (8..=30).contains(&len) {
            Ok(Self(len))
        } else {
            Err(PrefixLenError)
        }
    }

    pub fn get(self) -> u8 {
        self.0
    }

    fn mask(self) -> u32 {
        u32::MAX << (32 - u32::from(self.0))
    }

    /// The network address of `addr` under this prefix.
    pub fn network_of(self, addr: Ipv4Addr) -> Ipv4Addr {
        Ipv4Addr::from(u32::from(addr) & self.mask())
    }
}

impl Default for PrefixLen {
    fn default() -> Self {
        Self(24)
    }
}

/// The whole VM network: where addresses come from and how VMs reach the rest of the LAN.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NetworkPlan {
    pool: PoolRange,
    prefix: PrefixLen,
    gateway: Ipv4Addr,
    reserved: Vec<PoolRange>,
}

/// A rule the network plan broke. Each variant names the addresses involved.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum NetworkPlanError {
    #[error("the pool {pool} does not fit in one /{prefix} subnet")]
    PoolSpansSubnets { pool: PoolRange, prefix: u8 },
    #[error("the pool {pool} includes the subnet's network or broadcast address")]
    PoolIncludesNetworkOrBroadcast { pool: PoolRange },
    #[error("the gateway {gateway} is outside the pool's subnet {network}/{prefix}")]
    GatewayOutsideSubnet {
        gateway: Ipv4Addr,
        network: Ipv4Addr,
        prefix: u8,
    },
    #[error("the gateway {gateway} lies inside the pool {pool}; a VM would be handed the gateway's address")]
    GatewayInsidePool { gateway: Ipv4Addr, pool: PoolRange },
    #[error("the reserved range {reserved} is not inside the pool {pool}")]
    ReservedOutsidePool { reserved: PoolRange, pool: PoolRange },
}

impl NetworkPlan {
    pub fn new(
        pool: PoolRange,
        prefix: PrefixLen,
        gateway: Ipv4Addr,
        reserved: Vec<PoolRange>,
    ) -> Result<Self, NetworkPlanError> {
        let network = prefix.network_of(pool.start);
        if prefix.network_of(pool.end) != network {
            return Err(NetworkPlanError::PoolSpansSubnets {
                pool,
                prefix: prefix.get(),
            });
        }
        let broadcast = Ipv4Addr::from(u32::from(network) | !prefix.mask());
        if pool.contains(network) || pool.contains(broadcast) {
            return Err(NetworkPlanError::PoolIncludesNetworkOrBroadcast { pool });
        }
        if prefix.network_of(gateway) != network {
            return Err(NetworkPlanError::GatewayOutsideSubnet {
                gateway,
                network,
                prefix: prefix.get(),
            });
        }
        if pool.contains(gateway) {
            return Err(NetworkPlanError::GatewayInsidePool { gateway, pool });
        }
        if let Some(bad) = reserved.iter().find(|r| !pool.contains_range(r)) {
            return Err(NetworkPlanError::ReservedOutsidePool { reserved: *bad, pool });
        }
        Ok(Self {
            pool,
            prefix,
            gateway,
            reserved,
        })
    }

    pub fn pool(&self) -> PoolRange {
        self.pool
    }

    pub fn prefix(&self) -> PrefixLen {
        self.prefix
    }

    pub fn gateway(&self) -> Ipv4Addr {
        self.gateway
    }

    pub fn reserved(&self) -> &[PoolRange] {
        &self.reserved
    }

    /// True when `addr` may be handed to a VM: inside the pool and not reserved.
    pub fn is_assignable(&self, addr: Ipv4Addr) -> bool {
        self.pool.contains(addr) && !self.reserved.iter().any(|r| r.contains(addr))
    }

    /// Every address a VM may be handed, in numeric order.
    pub fn assignable(&self) -> impl Iterator<Item = Ipv4Addr> + '_ {
        (u32::from(self.pool.start)..=u32::from(self.pool.end))
            .map(Ipv4Addr::from)
            .filter(|a| self.is_assignable(*a))
    }

    /// How many addresses a VM may be handed.
    pub fn capacity(&self) -> u64 {
        let reserved: u64 = self.assignable_reserved().map(|r| r.len()).sum();
        self.pool.len() - reserved
    }

    /// Reserved ranges with overlaps merged, so each excluded address is counted once.
    fn assignable_reserved(&self) -> impl Iterator<Item = PoolRange> {
        let mut ranges = self.reserved.clone();
        ranges.sort_by_key(|r| u32::from(r.start));
        let mut merged: Vec<PoolRange> = Vec::new();
        for r in ranges {
            match merged.last_mut() {
                Some(last) if u32::from(r.start) <= u32::from(last.end).saturating_add(1) => {
                    if u32::from(r.end) > u32::from(last.end) {
                        last.end = r.end;
                    }
                }
                _ => merged.push(r),
            }
        }
        merged.into_iter()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ip(s: &str) -> Ipv4Addr {
        s.parse().unwrap()
    }

    fn range(s: &str) -> PoolRange {
        s.parse().unwrap()
    }

    #[test]
    fn range_refuses_an_end_before_its_start() {
        assert_eq!(
            PoolRange::new(ip("127.0.77.9"), ip("127.0.77.1")),
            Err(PoolRangeError::EndBeforeStart {
                start: ip("127.0.77.9"),
                end: ip("127.0.77.1")
            })
        );
    }

    #[test]
    fn range_parses_single_addresses_and_spans() {
        assert_eq!(range("127.0.0.5").len(), 1);
        assert_eq!(range("127.0.0.5 - 127.0.0.9").len(), 5);
        assert_eq!("127.0.0.x".parse::<PoolRange>(), Err(PoolRangeError::Unparsable));
        assert_eq!(range("127.0.0.5-127.0.0.9").to_string(), "127.0.0.5-127.0.0.9");
    }

    #[test]
    fn prefix_accepts_only_lan_sized_subnets() {
        assert!(PrefixLen::new(24).is_ok());
        assert!(PrefixLen::new(7).is_err());
        assert!(PrefixLen::new(31).is_err());
        assert_eq!(
            PrefixLen::new(20).unwrap().network_of(ip("127.1.17.3")),
            ip("127.1.16.0")
        );
    }

    fn plan(pool: &str, prefix: u8, gw: &str, reserved: &[&str]) -> Result<NetworkPlan, NetworkPlanError> {
        NetworkPlan::new(
            range(pool),
            PrefixLen::new(prefix).unwrap(),
            ip(gw),
            reserved.iter().map(|r| range(r)).collect(),
        )
    }

    #[test]
    fn plan_accepts_a_pool_with_the_gateway_beside_it() {
        let p = plan("127.0.77.10-127.0.77.200", 24, "127.0.77.1", &["127.0.77.50"]).unwrap();
        assert!(p.is_assignable(ip("127.0.77.10")));
        assert!(!p.is_assignable(ip("127.0.77.50")));
        assert!(!p.is_assignable(ip("127.0.77.201")));
    }

    #[test]
    fn assignable_addresses_skip_reserved_ones_in_numeric_order() {
        let p = plan(
            "127.0.77.5-127.0.77.20",
            24,
            "127.0.77.1",
            &["127.0.77.6-127.0.77.9", "127.0.77.8-127.0.77.10", "127.0.77.20"],
        )
        .unwrap();
        let all: Vec<String> = p.assignable().map(|a| a.to_string()).collect();
        assert_eq!(all.first().map(String::as_str), Some("127.0.77.5"));
        assert_eq!(all[1], "127.0.77.11");
        assert_eq!(all.last().map(String::as_str), Some("127.0.77.19"));
        assert_eq!(p.capacity(), all.len() as u64);
        assert_eq!(p.capacity(), 10);
    }

    #[test]
    fn plan_refuses_a_gateway_inside_the_pool() {
        assert!(matches!(
            plan("127.0.77.1-127.0.77.200", 24, "127.0.77.100", &[]),
            Err(NetworkPlanError::GatewayInsidePool { .. })
        ));
    }

    #[test]
    fn plan_refuses_a_gateway_outside_the_subnet() {
        assert!(matches!(
            plan("127.0.77.10-127.0.77.200", 24, "127.0.78.1", &[]),
            Err(NetworkPlanError::GatewayOutsideSubnet { .. })
        ));
    }

    #[test]
    fn plan_refuses_a_pool_across_two_subnets_or_over_the_broadcast() {
        assert!(matches!(
            plan("127.0.77.10-127.0.78.20", 24, "127.0.77.1", &[]),
            Err(NetworkPlanError::PoolSpansSubnets { .. })
        ));
        assert!(matches!(
            plan("127.0.77.10-127.0.77.255", 24, "127.0.77.1", &[]),
            Err(NetworkPlanError::PoolIncludesNetworkOrBroadcast { .. })
        ));
    }

    #[test]
    fn plan_refuses_reserved_addresses_outside_the_pool() {
        assert!(matches!(
            plan("127.0.77.10-127.0.77.20", 24, "127.0.77.1", &["127.0.77.30"]),
            Err(NetworkPlanError::ReservedOutsidePool { .. })
        ));
    }

    #[test]
    fn plan_uses_the_real_prefix_for_wider_subnets() {
        let p = plan("127.1.16.10-127.1.17.250", 20, "127.1.16.1", &[]).unwrap();
        assert_eq!(p.prefix().get(), 20);
    }
}
