//! Tests of the provision store and the address pool on a real SQLite file.

use std::net::Ipv4Addr;

use chrono::{DateTime, Duration, TimeZone, Utc};
use uuid::Uuid;

use super::super::SqliteStore;
use crate::domain::cluster::NodeName;
use crate::domain::hostname::Hostname;
use crate::domain::ids::{InstanceId, UserId};
use crate::domain::ip_pool::{NetworkPlan, PoolRange, PrefixLen};
use crate::domain::provisioning::{Event, Provision, ProvisionSpec};
use crate::domain::tier::TierName;
use crate::domain::upid::Upid;
use crate::domain::vmid::VmId;
use crate::ports::pool::{AddressPool, Contest, LeaseChange, LeaseError};
use crate::ports::provisions::{
    CreateError, Idempotency, KeyOrigin, KeyUse, ProvisionRecord, ProvisionStore, StepDetail,
};

pub(super) fn t0() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 29, 12, 0, 0).unwrap()
}

pub(super) async fn fresh() -> (tempfile::TempDir, SqliteStore) {
    let dir = tempfile::tempdir().unwrap();
    let store = SqliteStore::open(&dir.path().join("nimbus.db")).await.unwrap();
    (dir, store)
}

pub(super) fn record(host: &str, owner: UserId, key: Option<&str>) -> ProvisionRecord {
    let spec = ProvisionSpec {
        owner,
        hostname: Hostname::parse(host).unwrap(),
        tier: TierName::parse("small").unwrap(),
        vcpus: 1,
        memory_mib: 1024,
        disk_gib: 15,
        os: "debian-12".into(),
        expose_ssh: false,
        gpu_env: false,
    };
    ProvisionRecord {
        provision: Provision::new(InstanceId::from_uuid(Uuid::new_v4()), spec, false, t0()),
        username: "debian".into(),
        key: KeyUse {
            origin: KeyOrigin::Generated,
            key_id: Some(Uuid::new_v4()),
            key_name: Some(host.into()),
            public_key: "ssh-ed25519 AAAA me@x".into(),
            kept: true,
        },
        details: Vec::new(),
        idempotency: key.map(|k| Idempotency {
            key: k.into(),
            digest: format!("digest-of-{host}"),
        }),
        updated_at: t0(),
        finished_at: None,
        retry_of: None,
        failure_code: None,
        drift: None,
        review: Default::default(),
        public: Default::default(),
    }
}

#[tokio::test]
async fn public_access_round_trips_and_an_older_document_reads_as_waiting() {
    use crate::ports::provisions::{PublicAccess, PublicState, PublishedPort};
    let (_d, store) = fresh().await;
    let mut r = record("web-9", UserId::from_uuid(Uuid::new_v4()), None);
    store.create_provision(&r, None).await.unwrap();
    let fresh_record = store.get_provision(r.id()).await.unwrap().unwrap();
    assert_eq!(fresh_record.public, PublicAccess::default());
    assert_eq!(fresh_record.public.state, PublicState::Waiting);
    r.public = PublicAccess {
        state: PublicState::Connected,
        registering_since: Some(t0()),
        ssh_host: Some("gw.example.org".into()),
        ssh_port: Some(22_001),
        error: None,
        agent_silent: true,
        ports: vec![PublishedPort {
            id: "t1".into(),
            subdomain: "app".into(),
            url: Some("https://app.example.org".into()),
            target_port: 8080,
            private: false,
            tls: true,
            status: "active".into(),
            error: None,
            created_at: Some(t0()),
        }],
    };
    store.save_provision(&r).await.unwrap();
    assert_eq!(store.get_provision(r.id()).await.unwrap().unwrap().public, r.public);
}

#[tokio::test]
async fn a_record_round_trips_through_every_stage_it_reaches() {
    let (_d, store) = fresh().await;
    let owner = UserId::from_uuid(Uuid::new_v4());
    let mut r = record("web-1", owner, Some("k1"));
    store.create_provision(&r, None).await.unwrap();
    let ip = Ipv4Addr::new(127, 77, 0, 10);
    let node = NodeName::parse("atlas").unwrap();
    let vmid = VmId::new(120).unwrap();
    let upid = Upid::parse("UPID:atlas:00001234:00ABCDEF:674A1B2C:qmclone:9000:root@pam!nimbus:").unwrap();
    let events = [
        Event::IpReserved { ip },
        Event::NodePicked { node: node.clone() },
        Event::VmidChosen { vmid },
        Event::TaskStarted { upid: upid.clone() },
    ];
    for e in events {
        r.provision.apply(e, t0()).unwrap();
        r.details.resize(r.provision.steps().len(), StepDetail::default());
        store.save_provision(&r).await.unwrap();
        assert_eq!(store.get_provision(r.id()).await.unwrap().unwrap(), r);
    }
    r.details[1].node = Some(node);
    r.provision
        .apply(
            Event::StepFailed {
                reason: "the clone failed".into(),
            },
            t0(),
        )
        .unwrap();
    store.save_provision(&r).await.unwrap();
    assert_eq!(store.get_provision(r.id()).await.unwrap().unwrap(), r);
    r.provision.apply(Event::RollbackStarted, t0()).unwrap();
    r.provision
        .apply(
            Event::ProxmoxUnreachable {
                retry_at: t0() + Duration::seconds(30),
            },
            t0(),
        )
        .unwrap();
    store.save_provision(&r).await.unwrap();
    let back = store.get_provision(r.id()).await.unwrap().unwrap();
    assert_eq!(back, r);
    assert_eq!(back.provision.phase().word(), "rollback_pending");
    assert_eq!(store.unsettled_provisions().await.unwrap().len(), 1);
}

#[tokio::test]
async fn live_hostnames_are_unique_and_freed_by_a_rollback() {
    let (_d, store) = fresh().await;
    let (a, b) = (UserId::from_uuid(Uuid::new_v4()), UserId::from_uuid(Uuid::new_v4()));
    let mut first = record("db", a, None);
    store.create_provision(&first, None).await.unwrap();
    assert!(store.hostname_in_use("db").await.unwrap());
    let second = record("db", b, None);
    assert_eq!(
        store.create_provision(&second, None).await,
        Err(CreateError::HostnameTaken)
    );
    first
        .provision
        .apply(Event::StepFailed { reason: "no".into() }, t0())
        .unwrap();
    first.provision.apply(Event::RollbackStarted, t0()).unwrap();
    assert_eq!(first.provision.phase().word(), "rolled_back");
    store.save_provision(&first).await.unwrap();
    assert!(!store.hostname_in_use("db").await.unwrap());
    store.create_provision(&second, None).await.unwrap();
    assert_eq!(store.provisions_of(a).await.unwrap().len(), 1);
    assert_eq!(store.provisions_of(b).await.unwrap()[0].id(), second.id());
}

#[tokio::test]
async fn an_idempotency_key_names_its_first_request_per_owner() {
    let (_d, store) = fresh().await;
    let (a, b) = (UserId::from_uuid(Uuid::new_v4()), UserId::from_uuid(Uuid::new_v4()));
    let first = record("one", a, Some("key-1"));
    store.create_provision(&first, None).await.unwrap();
    let again = record("two", a, Some("key-1"));
    assert_eq!(
        store.create_provision(&again, None).await,
        Err(CreateError::KeyUsed {
            existing: first.id(),
            digest: "digest-of-one".into()
        })
    );
    assert_eq!(
        store.find_idempotent(a, "key-1").await.unwrap(),
        Some((first.id(), "digest-of-one".into()))
    );
    store
        .create_provision(&record("three", b, Some("key-1")), None)
        .await
        .unwrap();
    assert_eq!(store.find_idempotent(a, "key-2").await.unwrap(), None);
}

fn plan(last: u8) -> NetworkPlan {
    let ip = |n| Ipv4Addr::new(127, 77, 0, n);
    NetworkPlan::new(
        PoolRange::new(ip(10), ip(last)).unwrap(),
        PrefixLen::default(),
        ip(1),
        vec![PoolRange::single(ip(11))],
    )
    .unwrap()
}

#[tokio::test]
async fn the_pool_hands_out_the_lowest_free_address_once() {
    let (_d, store) = fresh().await;
    assert_eq!(store.seed_pool(&plan(14)).await.unwrap(), (4, 0));
    assert_eq!(store.seed_pool(&plan(14)).await.unwrap(), (0, 0));
    let (p1, p2) = (
        InstanceId::from_uuid(Uuid::new_v4()),
        InstanceId::from_uuid(Uuid::new_v4()),
    );
    let a1 = store.reserve(p1, t0()).await.unwrap().unwrap();
    assert_eq!(a1, Ipv4Addr::new(127, 77, 0, 10));
    assert_eq!(
        store.reserve(p1, t0()).await.unwrap(),
        Some(a1),
        "a resumed provision keeps its address"
    );
    store.contested(p1, a1, Contest::LanHost, t0()).await.unwrap();
    let a2 = store.reserve(p1, t0()).await.unwrap().unwrap();
    assert_eq!(
        a2,
        Ipv4Addr::new(127, 77, 0, 12),
        "the reserved .11 and the contested .10 are skipped"
    );
    let b1 = store.reserve(p2, t0()).await.unwrap().unwrap();
    assert_eq!(b1, Ipv4Addr::new(127, 77, 0, 13));
    let vmid = VmId::new(101).unwrap();
    assert_eq!(
        store.lease(p2, a2, LeaseChange::Renew, t0()).await,
        Err(LeaseError::Lost),
        "a provision cannot renew another's address"
    );
    store.lease(p1, a2, LeaseChange::Allocate(vmid), t0()).await.unwrap();
    assert!(
        !store.release(p2, a2).await.unwrap(),
        "another provision cannot release it"
    );
    assert!(store.release(p1, a2).await.unwrap());
    let rows = store.pool_rows().await.unwrap();
    let words: Vec<_> = rows.iter().map(|r| r.state_word()).collect();
    assert_eq!(words, ["allocated", "free", "reserved", "free"]);
    assert_eq!(
        store
            .reserve(InstanceId::from_uuid(Uuid::new_v4()), t0())
            .await
            .unwrap(),
        Some(a2)
    );
    assert_eq!(
        store.seed_pool(&plan(13)).await.unwrap(),
        (0, 1),
        "a free address outside the plan goes"
    );
}
