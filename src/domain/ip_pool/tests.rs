//! Pool transitions, lease rules and reconcile decisions, including the Go version's test cases
//! and the bugs it had (text order, stale miss counters, external rows never promoted).

use std::net::Ipv4Addr;

use chrono::{DateTime, Duration, TimeZone, Utc};
use uuid::Uuid;

use super::*;
use crate::domain::ids::InstanceId;
use crate::domain::vmid::VmId;

pub(super) fn ip(s: &str) -> Ipv4Addr {
    s.parse().unwrap()
}

pub(super) fn t0() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 28, 12, 0, 0).unwrap()
}

pub(super) fn pid(n: u128) -> InstanceId {
    InstanceId::from_uuid(Uuid::from_u128(n))
}

pub(super) fn vmid(n: u32) -> VmId {
    VmId::new(n).unwrap()
}

fn plan(pool: &str, reserved: &[&str]) -> NetworkPlan {
    NetworkPlan::new(
        pool.parse().unwrap(),
        PrefixLen::new(24).unwrap(),
        ip("127.0.77.1"),
        reserved.iter().map(|r| r.parse().unwrap()).collect(),
    )
    .unwrap()
}

#[test]
fn reserve_hands_out_the_lowest_address_by_number_not_by_text() {
    let mut book = PoolBook::new(&plan("127.0.77.5-127.0.77.120", &[]));
    let got: Vec<Ipv4Addr> = (1..=6).map(|n| book.reserve(pid(n), t0()).unwrap()).collect();
    assert_eq!(got[..2], [ip("127.0.77.5"), ip("127.0.77.6")]);
    assert_eq!(got[5], ip("127.0.77.10"));
    // Free .5 again: it comes back before .11 and .100.
    book.with(ip("127.0.77.5"), |r| r.release_for(pid(1))).unwrap();
    assert_eq!(book.reserve(pid(7), t0()).unwrap(), ip("127.0.77.5"));
}

#[test]
fn reserve_skips_reserved_addresses_and_reports_exhaustion_exactly_when_nothing_is_free() {
    let mut book = PoolBook::new(&plan("127.0.77.10-127.0.77.12", &["127.0.77.11"]));
    assert_eq!(book.rows().count(), 2);
    assert_eq!(book.reserve(pid(1), t0()), Ok(ip("127.0.77.10")));
    assert_eq!(book.reserve(pid(2), t0()), Ok(ip("127.0.77.12")));
    assert_eq!(book.reserve(pid(3), t0()), Err(PoolError::Exhausted));
    assert_eq!(book.free_count(), 0);
}

#[test]
fn reseeding_adds_new_addresses_keeps_held_ones_and_drops_free_ones_outside() {
    let mut book = PoolBook::new(&plan("127.0.77.10-127.0.77.14", &[]));
    book.reserve(pid(1), t0()).unwrap();
    let report = book.reseed(&plan("127.0.77.12-127.0.77.20", &[]));
    assert_eq!(report.added, 6);
    assert_eq!(report.removed, 1);
    assert_eq!(report.stranded, [ip("127.0.77.10")]);
    assert_eq!(book.get(ip("127.0.77.10")).unwrap().owner(), Some(pid(1)));
    assert!(book.get(ip("127.0.77.11")).is_none());
    assert_eq!(book.reseed(&plan("127.0.77.12-127.0.77.20", &[])).added, 0);
}

#[test]
fn a_reservation_moves_through_vmid_renewal_and_allocation() {
    let mut row = PoolAddress::free(ip("127.0.77.10"));
    row.reserve(pid(1), t0()).unwrap();
    assert_eq!((row.state_word(), row.source()), ("reserved", Some(Source::Local)));
    row.attach_vmid(pid(1), vmid(201)).unwrap();
    row.renew(pid(1), t0() + Duration::seconds(30)).unwrap();
    // A renewal stamped earlier than the last one never moves the lease back.
    row.renew(pid(1), t0()).unwrap();
    match &row.state {
        AddressState::Reserved(r) => {
            assert_eq!(r.vmid, Some(vmid(201)));
            assert_eq!(r.renewed_at, t0() + Duration::seconds(30));
        }
        other => panic!("{other:?}"),
    }
    row.allocate(pid(1), vmid(201), t0()).unwrap();
    assert_eq!(row.state_word(), "allocated");
    // Finishing again after a crash is harmless; another VM is refused.
    row.allocate(pid(1), vmid(201), t0()).unwrap();
    assert!(row.allocate(pid(1), vmid(202), t0()).is_err());
    row.release_for(pid(1)).unwrap();
    assert!(row.is_free());
}

#[test]
fn transitions_for_someone_elses_address_are_refused_and_change_nothing() {
    let mut row = PoolAddress::free(ip("127.0.77.10"));
    row.reserve(pid(1), t0()).unwrap();
    let before = row.clone();
    let not_yours = AddressError::NotYours {
        addr: row.addr,
        provision: pid(2),
    };
    assert_eq!(
        row.reserve(pid(2), t0()).unwrap_err().to_string(),
        "127.0.77.10 is not free (it is reserved)"
    );
    assert_eq!(row.attach_vmid(pid(2), vmid(300)), Err(not_yours.clone()));
    assert_eq!(row.renew(pid(2), t0()), Err(not_yours.clone()));
    assert_eq!(row.allocate(pid(2), vmid(300), t0()), Err(not_yours.clone()));
    assert_eq!(row.release_for(pid(2)), Err(not_yours));
    assert!(row.mark_external(t0()).is_err());
    assert_eq!(row, before);
    // On a free address only reserve and external marking apply.
    let mut free = PoolAddress::free(ip("127.0.77.11"));
    assert!(free.renew(pid(1), t0()).is_err());
    assert!(free.allocate(pid(1), vmid(300), t0()).is_err());
    assert_eq!(free.release_for(pid(1)), Ok(()));
}

#[test]
fn release_clears_the_miss_counter_so_the_next_holder_starts_fresh() {
    let mut row = PoolAddress::free(ip("127.0.77.10"));
    row.adopt(vmid(500), "foreign-vm", t0());
    row.missed = 2;
    row.release();
    assert_eq!((row.missed, row.source()), (0, None));
    row.reserve(pid(1), t0()).unwrap();
    row.allocate(pid(1), vmid(201), t0()).unwrap();
    assert_eq!(row.missed, 0);
}

fn lease() -> LeasePolicy {
    LeasePolicy {
        ttl: Duration::minutes(10),
        process_started_at: t0(),
    }
}

fn reservation(renewed: DateTime<Utc>) -> Reservation {
    Reservation {
        provision: pid(1),
        vmid: None,
        reserved_at: renewed,
        renewed_at: renewed,
    }
}

#[test]
fn a_live_provision_keeps_its_reservation_while_it_renews() {
    let r = reservation(t0() + Duration::minutes(50));
    assert!(!lease().expired(&r, ProvisionLiveness::Active, t0() + Duration::minutes(60)));
    assert!(!lease().expired(
        &r,
        ProvisionLiveness::Active,
        t0() + Duration::minutes(60) + Duration::seconds(0)
    ));
    assert!(lease().expired(
        &r,
        ProvisionLiveness::Active,
        t0() + Duration::minutes(60) + Duration::seconds(1)
    ));
}

#[test]
fn an_ended_provision_loses_its_reservation_at_once() {
    let r = reservation(t0());
    assert!(lease().expired(&r, ProvisionLiveness::Ended, t0()));
}

#[test]
fn time_spent_down_does_not_count_against_a_lease_after_a_restart() {
    // Renewed an hour before the process (re)started: the provision gets a full TTL to resume.
    let r = reservation(t0() - Duration::hours(1));
    assert!(!lease().expired(&r, ProvisionLiveness::Active, t0() + Duration::minutes(9)));
    assert!(lease().expired(&r, ProvisionLiveness::Active, t0() + Duration::minutes(11)));
}
