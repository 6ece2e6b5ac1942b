//! Model-based property tests for the pool: random reservations, renewals, allocations, releases,
//! reconcile passes and clock steps, checked after every step against a ledger of hand-offs.
//!
//! The ledger changes only through explicit hand-offs that require the address to be free (or,
//! for a promotion, held by a LAN host), so "the book's holder equals the ledger's" means no
//! address ever had two holders and no holder was silently replaced.

use std::collections::BTreeMap;
use std::net::Ipv4Addr;

use chrono::{DateTime, Duration, TimeZone, Utc};
use proptest::prelude::*;
use uuid::Uuid;

use super::*;
use crate::domain::cluster::NodeName;
use crate::domain::ids::InstanceId;
use crate::domain::vmid::VmId;

const ADDRS: u8 = 6;
const PROVISIONS: u8 = 8;

#[derive(Debug, Clone)]
enum Op {
    Reserve(u8),
    Attach(u8, u32),
    Allocate(u8),
    Release(u8),
    /// The provision ends without releasing (a lost rollback); reconcile must clean up.
    Abandon(u8),
    /// The provision stops renewing from now on (hung); its lease may lapse.
    Hang(u8),
    Reconcile {
        claims: Vec<(u8, u32, Option<u8>)>,
        probes: Vec<(u8, bool)>,
        complete: bool,
    },
    Advance(i64),
}

fn arb_op() -> impl Strategy<Value = Op> {
    let p = 0..PROVISIONS;
    prop_oneof![
        4 => p.clone().prop_map(Op::Reserve),
        1 => (p.clone(), 200u32..206).prop_map(|(p, v)| Op::Attach(p, v)),
        2 => p.clone().prop_map(Op::Allocate),
        2 => p.clone().prop_map(Op::Release),
        1 => p.clone().prop_map(Op::Abandon),
        1 => p.prop_map(Op::Hang),
        2 => (
            prop::collection::vec((0..ADDRS + 2, 200u32..206, prop::option::of(0..PROVISIONS)), 0..4),
            prop::collection::vec((0..ADDRS + 2, any::<bool>()), 0..4),
            prop::bool::weighted(0.8),
        )
            .prop_map(|(claims, probes, complete)| Op::Reconcile { claims, probes, complete }),
        2 => (1i64..=20).prop_map(Op::Advance),
    ]
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Who {
    Provision(InstanceId),
    Guest(VmId),
    External,
}

fn who(row: &PoolAddress) -> Option<Who> {
    match &row.state {
        AddressState::Free => None,
        AddressState::Reserved(r) => Some(Who::Provision(r.provision)),
        AddressState::Allocated { holder, .. } => Some(match holder {
            Holder::Local { instance, .. } => Who::Provision(*instance),
            Holder::Adopted { vmid, .. } => Who::Guest(*vmid),
            Holder::External => Who::External,
        }),
    }
}

fn addr(i: u8) -> Ipv4Addr {
    Ipv4Addr::new(127, 0, 77, 10 + i)
}

fn pid(p: u8) -> InstanceId {
    InstanceId::from_uuid(Uuid::from_u128(u128::from(p) + 1))
}

#[derive(Default, Clone, Copy, PartialEq, Eq)]
enum Life {
    #[default]
    Diligent,
    Hung,
    Ended,
}

fn start() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 28, 12, 0, 0).unwrap()
}

proptest! {
    #![proptest_config(crate::domain::proptest_config::with_cases(512))]

    #[test]
    fn no_address_ever_has_two_holders_and_exhaustion_is_exact(ops in prop::collection::vec(arb_op(), 1..60)) {
        let plan = NetworkPlan::new(
            PoolRange::new(addr(0), addr(ADDRS - 1)).unwrap(),
            PrefixLen::new(24).unwrap(),
            Ipv4Addr::new(127, 0, 77, 1),
            vec![],
        ).unwrap();
        let mut book = PoolBook::new(&plan);
        let mut ledger: BTreeMap<Ipv4Addr, Who> = BTreeMap::new();
        let mut life: BTreeMap<InstanceId, Life> = BTreeMap::new();
        let mut now = start();
        let policy = ReconcilePolicy {
            miss_threshold: 3,
            lease: LeasePolicy { ttl: Duration::minutes(10), process_started_at: start() },
        };

        for op in ops {
            match op {
                Op::Reserve(p) => {
                    if life.get(&pid(p)).is_some_and(|l| *l != Life::Diligent) {
                        continue;
                    }
                    let free_before = book.free_count();
                    match book.reserve(pid(p), now) {
                        Ok(a) => {
                            prop_assert!(!ledger.contains_key(&a), "{a} handed out while held by {:?}", ledger[&a]);
                            ledger.insert(a, Who::Provision(pid(p)));
                            life.entry(pid(p)).or_default();
                        }
                        Err(PoolError::Exhausted) => prop_assert_eq!(free_before, 0),
                        Err(e) => prop_assert!(false, "unexpected {e}"),
                    }
                }
                Op::Attach(p, v) => {
                    let mine: Vec<Ipv4Addr> = book.rows().filter(|r| matches!(&r.state, AddressState::Reserved(x) if x.provision == pid(p))).map(|r| r.addr).collect();
                    for a in mine {
                        book.with(a, |r| r.attach_vmid(pid(p), VmId::new(v).unwrap())).unwrap();
                    }
                }
                Op::Allocate(p) => {
                    let first = book.rows().find(|r| matches!(&r.state, AddressState::Reserved(x) if x.provision == pid(p))).map(|r| r.addr);
                    if let Some(a) = first {
                        book.with(a, |r| r.allocate(pid(p), VmId::new(900 + u32::from(p)).unwrap(), now)).unwrap();
                    }
                }
                Op::Release(p) => {
                    let mine: Vec<Ipv4Addr> = book.rows().filter(|r| r.owner() == Some(pid(p))).map(|r| r.addr).collect();
                    for a in mine {
                        book.with(a, |r| r.release_for(pid(p))).unwrap();
                        ledger.remove(&a);
                    }
                }
                Op::Abandon(p) => { life.insert(pid(p), Life::Ended); }
                Op::Hang(p) => {
                    if life.get(&pid(p)) != Some(&Life::Ended) {
                        life.insert(pid(p), Life::Hung);
                    }
                }
                Op::Advance(minutes) => {
                    // Diligent provisions renew as they make progress, at least once a minute.
                    for step in 0..minutes {
                        let t = now + Duration::minutes(step + 1);
                        let mine: Vec<(Ipv4Addr, InstanceId)> = book.rows().filter_map(|r| match &r.state {
                            AddressState::Reserved(x) if life.get(&x.provision) == Some(&Life::Diligent) => Some((r.addr, x.provision)),
                            _ => None,
                        }).collect();
                        for (a, owner) in mine {
                            book.with(a, |r| r.renew(owner, t)).unwrap();
                        }
                    }
                    now += Duration::minutes(minutes);
                }
                Op::Reconcile { claims, probes, complete } => {
                    let claims: Vec<Claim> = claims.into_iter().map(|(i, v, m)| Claim {
                        addr: addr(i),
                        vmid: VmId::new(v).unwrap(),
                        node: NodeName::parse("pve1").unwrap(),
                        name: format!("vm{v}"),
                        marker: m.map(pid),
                    }).collect();
                    let snap = ProxmoxSnapshot { vmids: claims.iter().map(|c| c.vmid).collect(), claims, complete };
                    let probes: BTreeMap<Ipv4Addr, Probe> = probes.into_iter()
                        .map(|(i, up)| (addr(i), if up { Probe::Answered } else { Probe::Silent })).collect();
                    let liveness: BTreeMap<InstanceId, ProvisionLiveness> = life.iter()
                        .map(|(k, l)| (*k, if *l == Life::Ended { ProvisionLiveness::Ended } else { ProvisionLiveness::Active }))
                        .collect();
                    let rows: Vec<PoolAddress> = book.rows().cloned().collect();
                    let decided = reconcile(&rows, &snap, &probes, &liveness, now, &policy);
                    for (a, action) in &decided.actions {
                        let held = ledger.get(a).copied();
                        match action {
                            Action::Adopt { vmid, .. } => {
                                prop_assert!(held.is_none() || matches!(held, Some(Who::Guest(_))), "adopted {a} from {held:?}");
                                ledger.insert(*a, Who::Guest(*vmid));
                            }
                            Action::Promote { vmid, .. } => {
                                prop_assert_eq!(held, Some(Who::External));
                                ledger.insert(*a, Who::Guest(*vmid));
                            }
                            Action::MarkExternal => {
                                prop_assert!(held.is_none());
                                ledger.insert(*a, Who::External);
                            }
                            Action::Expire => {
                                let Some(Who::Provision(p)) = held else {
                                    return Err(TestCaseError::fail(format!("expired {a} held by {held:?}")));
                                };
                                prop_assert!(life.get(&p) != Some(&Life::Diligent), "a renewing provision lost {a}");
                                ledger.remove(a);
                            }
                            Action::Vacate => { ledger.remove(a); }
                            Action::Touch | Action::AttachVmid(_) | Action::Miss { .. } => {}
                        }
                    }
                    book.apply(&decided, now);
                }
            }
            for row in book.rows() {
                prop_assert_eq!(who(row), ledger.get(&row.addr).copied(), "book and ledger disagree on {}", row.addr);
            }
            prop_assert_eq!(book.free_count(), usize::from(ADDRS) - ledger.len());
        }
    }
}
