//! Reconcile decisions, one per row of the decision table, plus the Go version's reconcile tests.

use std::collections::BTreeMap;
use std::net::Ipv4Addr;

use chrono::{DateTime, Duration, Utc};

use super::tests::{ip, pid, t0, vmid};
use super::*;
use crate::domain::cluster::NodeName;
use crate::domain::ids::InstanceId;

fn claim(addr: &str, id: u32, name: &str) -> Claim {
    Claim {
        addr: ip(addr),
        vmid: vmid(id),
        node: NodeName::parse("pve1").unwrap(),
        name: name.into(),
        marker: None,
    }
}

fn snapshot(claims: Vec<Claim>) -> ProxmoxSnapshot {
    ProxmoxSnapshot {
        vmids: claims.iter().map(|c| c.vmid).collect(),
        claims,
        complete: true,
    }
}

fn policy() -> ReconcilePolicy {
    ReconcilePolicy {
        miss_threshold: 3,
        lease: LeasePolicy {
            ttl: Duration::minutes(10),
            process_started_at: t0(),
        },
    }
}

/// A tiny world: pool rows plus who is live, reconciled with one call.
struct World {
    book: PoolBook,
    live: BTreeMap<InstanceId, ProvisionLiveness>,
    probes: BTreeMap<Ipv4Addr, Probe>,
}

impl World {
    fn new() -> Self {
        let plan = NetworkPlan::new(
            "127.0.77.10-127.0.77.14".parse().unwrap(),
            PrefixLen::new(24).unwrap(),
            ip("127.0.77.1"),
            vec![],
        )
        .unwrap();
        Self {
            book: PoolBook::new(&plan),
            live: BTreeMap::new(),
            probes: BTreeMap::new(),
        }
    }

    fn run(&mut self, snap: &ProxmoxSnapshot, now: DateTime<Utc>) -> ReconcilePlan {
        let rows: Vec<PoolAddress> = self.book.rows().cloned().collect();
        let plan = reconcile(&rows, snap, &self.probes, &self.live, now, &policy());
        self.book.apply(&plan, now);
        plan
    }

    fn row(&self, addr: &str) -> &PoolAddress {
        self.book.get(ip(addr)).unwrap()
    }

    fn allocate(&mut self, addr: &str, p: u128, id: u32) {
        self.book.with(ip(addr), |r| r.reserve(pid(p), t0())).unwrap();
        self.book
            .with(ip(addr), |r| r.allocate(pid(p), vmid(id), t0()))
            .unwrap();
    }
}

fn actions(plan: &ReconcilePlan) -> Vec<(String, Action)> {
    plan.actions.iter().map(|(a, x)| (a.to_string(), x.clone())).collect()
}

#[test]
fn a_free_address_used_by_a_guest_is_adopted() {
    let mut w = World::new();
    let plan = w.run(&snapshot(vec![claim("127.0.77.11", 200, "foreign-vm")]), t0());
    assert_eq!(
        actions(&plan),
        [(
            "127.0.77.11".into(),
            Action::Adopt {
                vmid: vmid(200),
                name: "foreign-vm".into()
            }
        )]
    );
    let row = w.row("127.0.77.11");
    assert_eq!((row.state_word(), row.source()), ("allocated", Some(Source::Adopted)));
    assert_eq!(plan.unchanged, 4);
}

#[test]
fn a_holder_seen_where_recorded_is_touched_and_nothing_is_reported() {
    let mut w = World::new();
    w.allocate("127.0.77.10", 1, 200);
    let later = t0() + Duration::minutes(1);
    let plan = w.run(&snapshot(vec![claim("127.0.77.10", 200, "web")]), later);
    assert_eq!(actions(&plan), [("127.0.77.10".into(), Action::Touch)]);
    assert!(plan.conflicts.is_empty());
    assert_eq!(w.row("127.0.77.10").last_seen, Some(later));
}

#[test]
fn a_different_guest_on_a_nimbus_address_is_a_conflict_left_for_an_admin() {
    let mut w = World::new();
    w.allocate("127.0.77.10", 1, 200);
    let before = w.row("127.0.77.10").clone();
    let plan = w.run(&snapshot(vec![claim("127.0.77.10", 999, "intruder")]), t0());
    assert_eq!(
        plan.conflicts,
        [Conflict::DifferentGuest {
            addr: ip("127.0.77.10"),
            recorded: Some(vmid(200)),
            claimed: vmid(999),
            node: NodeName::parse("pve1").unwrap(),
        }]
    );
    assert_eq!(w.row("127.0.77.10"), &before);
}

#[test]
fn an_adopted_address_follows_a_new_guest_once_the_old_one_is_gone() {
    let mut w = World::new();
    w.run(&snapshot(vec![claim("127.0.77.12", 300, "old")]), t0());
    let plan = w.run(&snapshot(vec![claim("127.0.77.12", 301, "new")]), t0());
    assert!(plan.conflicts.is_empty());
    assert_eq!(
        w.row("127.0.77.12").state,
        AddressState::Allocated {
            holder: Holder::Adopted {
                vmid: vmid(301),
                name: "new".into()
            },
            since: t0()
        }
    );
}

#[test]
fn reservations_expire_only_when_their_provision_ended_or_stopped_renewing() {
    let mut w = World::new();
    let a = w.book.reserve(pid(1), t0()).unwrap();
    let b = w.book.reserve(pid(2), t0()).unwrap();
    let c = w.book.reserve(pid(3), t0()).unwrap();
    w.live.insert(pid(1), ProvisionLiveness::Active);
    w.live.insert(pid(2), ProvisionLiveness::Ended);
    w.live.insert(pid(3), ProvisionLiveness::Active);
    // pid 1 keeps renewing; pid 3 went quiet.
    let later = t0() + Duration::minutes(30);
    w.book
        .with(a, |r| r.renew(pid(1), later - Duration::minutes(1)))
        .unwrap();
    let plan = w.run(&snapshot(vec![]), later);
    assert_eq!(
        actions(&plan),
        [(b.to_string(), Action::Expire), (c.to_string(), Action::Expire)]
    );
    assert_eq!(w.row(&a.to_string()).owner(), Some(pid(1)));
    assert!(w.row(&b.to_string()).is_free() && w.row(&c.to_string()).is_free());
}

#[test]
fn a_missing_holder_is_vacated_after_the_threshold_of_consecutive_misses() {
    let mut w = World::new();
    w.allocate("127.0.77.10", 1, 200);
    let empty = snapshot(vec![]);
    assert_eq!(actions(&w.run(&empty, t0()))[0].1, Action::Miss { missed: 1 });
    assert_eq!(actions(&w.run(&empty, t0()))[0].1, Action::Miss { missed: 2 });
    assert_eq!(w.row("127.0.77.10").state_word(), "allocated");
    assert_eq!(actions(&w.run(&empty, t0()))[0], ("127.0.77.10".into(), Action::Vacate));
    assert!(w.row("127.0.77.10").is_free());
}

#[test]
fn a_holder_seen_again_resets_its_miss_counter() {
    let mut w = World::new();
    w.allocate("127.0.77.10", 1, 200);
    let (empty, back) = (snapshot(vec![]), snapshot(vec![claim("127.0.77.10", 200, "web")]));
    w.run(&empty, t0());
    w.run(&empty, t0());
    assert_eq!(w.row("127.0.77.10").missed, 2);
    w.run(&back, t0());
    assert_eq!(w.row("127.0.77.10").missed, 0);
    w.run(&empty, t0());
    w.run(&empty, t0());
    assert_eq!(w.row("127.0.77.10").state_word(), "allocated");
}

#[test]
fn a_partial_snapshot_never_counts_a_miss() {
    let mut w = World::new();
    w.allocate("127.0.77.10", 1, 200);
    let mut partial = snapshot(vec![]);
    partial.complete = false;
    for _ in 0..5 {
        assert!(w.run(&partial, t0()).actions.is_empty());
    }
    assert_eq!(w.row("127.0.77.10").missed, 0);
}

#[test]
fn guests_outside_the_pool_are_ignored() {
    let mut w = World::new();
    let plan = w.run(&snapshot(vec![claim("127.0.99.99", 200, "elsewhere")]), t0());
    assert!(plan.actions.is_empty() && plan.conflicts.is_empty());
}

#[test]
fn lan_hosts_become_external_and_are_promoted_when_a_guest_claims_the_address() {
    let mut w = World::new();
    w.probes.insert(ip("127.0.77.13"), Probe::Answered);
    w.run(&snapshot(vec![]), t0());
    assert_eq!(w.row("127.0.77.13").source(), Some(Source::External));
    let plan = w.run(&snapshot(vec![claim("127.0.77.13", 420, "late-vm")]), t0());
    assert_eq!(
        actions(&plan),
        [(
            "127.0.77.13".into(),
            Action::Promote {
                vmid: vmid(420),
                name: "late-vm".into()
            }
        )]
    );
    assert_eq!(w.row("127.0.77.13").source(), Some(Source::Adopted));
}

#[test]
fn an_external_host_that_falls_silent_is_released_after_the_threshold() {
    let mut w = World::new();
    w.probes.insert(ip("127.0.77.13"), Probe::Answered);
    w.run(&snapshot(vec![]), t0());
    w.probes.insert(ip("127.0.77.13"), Probe::Silent);
    w.run(&snapshot(vec![]), t0());
    w.run(&snapshot(vec![]), t0());
    assert_eq!(w.row("127.0.77.13").missed, 2);
    // Not probed this cycle (netscan off): nothing is concluded.
    w.probes.clear();
    assert!(w.run(&snapshot(vec![]), t0()).actions.is_empty());
    w.probes.insert(ip("127.0.77.13"), Probe::Silent);
    w.run(&snapshot(vec![]), t0());
    assert!(w.row("127.0.77.13").is_free());
}

#[test]
fn a_reservation_recognises_its_own_clone_by_vmid_or_marker_and_flags_strangers() {
    let mut w = World::new();
    let a = w.book.reserve(pid(1), t0()).unwrap();
    let b = w.book.reserve(pid(2), t0()).unwrap();
    let c = w.book.reserve(pid(3), t0()).unwrap();
    for p in 1..=3 {
        w.live.insert(pid(p), ProvisionLiveness::Active);
    }
    w.book.with(a, |r| r.attach_vmid(pid(1), vmid(201))).unwrap();
    let mut by_marker = claim(&b.to_string(), 202, "mine-too");
    by_marker.marker = Some(pid(2));
    let snap = snapshot(vec![
        claim(&a.to_string(), 201, "mine"),
        by_marker,
        claim(&c.to_string(), 999, "stranger"),
    ]);
    let plan = w.run(&snap, t0());
    assert_eq!(
        actions(&plan),
        [
            (a.to_string(), Action::Touch),
            (b.to_string(), Action::AttachVmid(vmid(202)))
        ]
    );
    assert_eq!(
        plan.conflicts,
        [Conflict::ReservedButClaimed {
            addr: c,
            provision: pid(3),
            vmid: vmid(999)
        }]
    );
    assert_eq!(w.row(&c.to_string()).owner(), Some(pid(3)));
}

#[test]
fn a_reserved_address_answering_on_the_lan_is_reported() {
    let mut w = World::new();
    let a = w.book.reserve(pid(1), t0()).unwrap();
    w.live.insert(pid(1), ProvisionLiveness::Active);
    w.probes.insert(a, Probe::Answered);
    let plan = w.run(&snapshot(vec![]), t0());
    assert_eq!(
        plan.conflicts,
        [Conflict::ReservedButAnswering {
            addr: a,
            provision: pid(1)
        }]
    );
    assert_eq!(w.row(&a.to_string()).owner(), Some(pid(1)));
}

#[test]
fn two_guests_on_one_address_are_reported_and_the_address_is_still_protected() {
    let mut w = World::new();
    let plan = w.run(
        &snapshot(vec![claim("127.0.77.11", 301, "b"), claim("127.0.77.11", 300, "a")]),
        t0(),
    );
    assert_eq!(
        plan.conflicts,
        [Conflict::DuplicateClaim {
            addr: ip("127.0.77.11"),
            vmids: vec![vmid(300), vmid(301)]
        }]
    );
    assert_eq!(w.row("127.0.77.11").source(), Some(Source::Adopted));
}
