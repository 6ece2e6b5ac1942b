//! What the setup wizard and Admin → Settings → Cluster say about a valid network plan before it
//! is saved: the rules `NetworkPlan::new` enforces are errors already; these are the facts of the
//! cluster it meets. A node's own address inside the pool is an error (a VM would be handed it);
//! a small pool is a warning.

use std::net::Ipv4Addr;

use super::NetworkPlan;

/// Fewer assignable addresses than this earn a warning.
pub const SMALL_POOL: u64 = 10;

/// How much a finding matters.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Severity {
    /// The plan must not be saved as it is.
    Error,
    /// The plan works; the admin should know.
    Warning,
}

/// One thing said about a plan: how much it matters, the setting to change, and the words.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PlanFinding {
    pub severity: Severity,
    /// The setting to change (`IP_POOL_START`, `IP_POOL_RESERVED`, ...).
    pub field: &'static str,
    pub message: String,
}

/// Reviews `plan` against the cluster's node addresses (name, address).
pub fn review(plan: &NetworkPlan, nodes: &[(String, Ipv4Addr)]) -> Vec<PlanFinding> {
    let mut findings: Vec<PlanFinding> = nodes
        .iter()
        .filter(|(_, addr)| plan.is_assignable(*addr))
        .map(|(name, addr)| PlanFinding {
            severity: Severity::Error,
            field: "IP_POOL_RESERVED",
            message: format!(
                "the pool includes {addr}, the address of node {name}: a machine would be handed it; \
                 reserve it (IP_POOL_RESERVED) or move the pool"
            ),
        })
        .collect();
    let capacity = plan.capacity();
    if capacity < SMALL_POOL {
        findings.push(PlanFinding {
            severity: Severity::Warning,
            field: "IP_POOL_END",
            message: format!(
                "the pool has {capacity} address{} for machines (each machine takes one, a template bake one \
                 while it runs); widen it if you expect more",
                if capacity == 1 { "" } else { "es" }
            ),
        });
    }
    findings
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::ip_pool::{PoolRange, PrefixLen};

    fn ip(n: u8) -> Ipv4Addr {
        Ipv4Addr::new(10, 0, 0, n)
    }

    fn plan(first: u8, last: u8, reserved: &[u8]) -> NetworkPlan {
        let reserved = reserved.iter().map(|n| PoolRange::single(ip(*n))).collect();
        NetworkPlan::new(
            PoolRange::new(ip(first), ip(last)).unwrap(),
            PrefixLen::default(),
            ip(1),
            reserved,
        )
        .unwrap()
    }

    #[test]
    fn a_node_address_in_the_pool_is_an_error_naming_the_node_unless_reserved() {
        let nodes = vec![("pve1".to_string(), ip(5)), ("pve2".to_string(), ip(60))];
        let findings = review(&plan(2, 50, &[]), &nodes);
        assert_eq!(findings.len(), 1, "{findings:?}");
        assert_eq!(findings[0].severity, Severity::Error);
        assert_eq!(findings[0].field, "IP_POOL_RESERVED");
        assert!(findings[0].message.contains("10.0.0.5, the address of node pve1"));
        assert!(review(&plan(2, 50, &[5]), &nodes).is_empty());
    }

    #[test]
    fn fewer_than_ten_addresses_is_a_warning_counting_what_is_left_after_reservations() {
        let findings = review(&plan(10, 20, &[11, 12]), &[]);
        assert_eq!(findings.len(), 1);
        assert_eq!(findings[0].severity, Severity::Warning);
        assert!(
            findings[0].message.contains("has 9 addresses"),
            "{}",
            findings[0].message
        );
        assert!(review(&plan(10, 19, &[]), &[]).is_empty());
        assert!(review(&plan(10, 10, &[]), &[])[0].message.contains("has 1 address for"));
    }
}
