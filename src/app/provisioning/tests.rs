//! Use-case tests of accepting a request, with mocked ports: what is refused is refused before
//! anything is written, reserved or asked of Proxmox, and an idempotent replay touches nothing.

use std::sync::Arc;
use std::time::Duration;

use chrono::{DateTime, Utc};
use uuid::Uuid;

use super::pace::Sleep;
use super::{ProvisionError, ProvisionForm, ProvisionPorts, ProvisionSettings, Provisioning};
use crate::adapters::clock::ManualClock;
use crate::app::accounts::{Caller, Via};
use crate::app::audit::Auditor;
use crate::app::keys::KeyVault;
use crate::domain::account::{Email, UserStatus};
use crate::domain::clone_mode::CloneMode;
use crate::domain::ids::{InstanceId, UserId};
use crate::domain::ip_pool::{NetworkPlan, PoolRange, PrefixLen};
use crate::domain::role::Role;
use crate::domain::scoring::ScoringPolicy;
use crate::domain::vmid::VmId;
use crate::ports::accounts::{MockAccountStore, User};
use crate::ports::audit::MockAuditLog;
use crate::ports::lan::MockLanProbe;
use crate::ports::pool::MockAddressPool;
use crate::ports::provisions::MockProvisionStore;
use crate::ports::proxmox::MockProxmox;
use crate::ports::quotas::MockQuotaStore;
use crate::ports::secrets::MockSecrets;
use crate::ports::ssh_keys::{MockKeyCodec, MockKeyStore};

fn start() -> DateTime<Utc> {
    DateTime::from_timestamp(1_800_000_000, 0).unwrap()
}

fn settings(network: bool) -> ProvisionSettings {
    let ip = |n| std::net::Ipv4Addr::new(127, 66, 0, n);
    ProvisionSettings {
        network: network.then(|| {
            NetworkPlan::new(
                PoolRange::new(ip(10), ip(20)).unwrap(),
                PrefixLen::default(),
                ip(1),
                Vec::new(),
            )
            .unwrap()
        }),
        nameservers: Vec::new(),
        search_domain: String::new(),
        cpu_type: "host".into(),
        clone_mode: CloneMode::Full,
        disk_storage: None,
        clone_per_node: 2,
        ready_timeout: Duration::from_secs(60),
        scoring: ScoringPolicy::default(),
        template_base: VmId::new(9000).unwrap(),
        verify_ttl: Duration::from_secs(5),
        poll: Duration::from_millis(250),
        ssh_port: 22,
        vacate_after: Some(3),
        reservation_ttl: Duration::from_secs(600),
        netscan_mode: crate::domain::netscan::NetscanMode::Tcp,
        netscan_concurrency: 8,
        cluster_max_age: Duration::from_secs(5),
        discovery_every: Duration::from_secs(30),
    }
}

/// Quotas as a fresh Nimbus has them: nothing saved, so the built-in defaults apply.
fn fresh_quotas() -> MockQuotaStore {
    let mut quotas = MockQuotaStore::new();
    quotas.expect_quota_override().returning(|_| Ok(None));
    quotas.expect_quota_defaults().returning(|| Ok(None));
    quotas
}

/// A provisioner whose ports accept no call but those `store` expects (and quota reads).
fn provisioner(store: MockProvisionStore, cluster: bool) -> Arc<Provisioning> {
    provisioner_on(store, cluster, MockAddressPool::new())
}

fn provisioner_on(store: MockProvisionStore, cluster: bool, pool: MockAddressPool) -> Arc<Provisioning> {
    provisioner_audited(store, cluster, pool, MockAuditLog::new())
}

fn provisioner_audited(
    store: MockProvisionStore,
    cluster: bool,
    pool: MockAddressPool,
    log: MockAuditLog,
) -> Arc<Provisioning> {
    let clock = Arc::new(ManualClock::new(start()));
    let audit = Arc::new(Auditor::new(Arc::new(log), clock.clone()));
    let vault = Arc::new(KeyVault::new(
        Arc::new(MockKeyStore::new()),
        Arc::new(MockKeyCodec::new()),
        Arc::new(MockSecrets::new()),
        audit.clone(),
        clock.clone(),
    ));
    let ports = ProvisionPorts {
        proxmox: cluster.then(|| {
            let mut proxmox = MockProxmox::new();
            proxmox.expect_is_configured().return_const(true);
            Arc::new(proxmox) as Arc<dyn crate::ports::Proxmox>
        }),
        store: Arc::new(store),
        quotas: Arc::new(fresh_quotas()),
        accounts: Arc::new(MockAccountStore::new()),
        audit,
        pool: Arc::new(pool),
        lan: Arc::new(MockLanProbe::new()),
        vault,
        codec: Arc::new(MockKeyCodec::new()),
        clock: clock.clone(),
        pace: Arc::new(Sleep),
        tunnels: Arc::default(),
        secrets: Arc::new(crate::app::secrets::SecretBox::new(
            Arc::new(crate::ports::store::MockStore::new()),
            Arc::new(MockSecrets::new()),
            clock.clone(),
        )),
        settings: Arc::new(crate::ports::store::MockStore::new()),
    };
    Arc::new(Provisioning::new(ports, settings(cluster), None))
}

/// As [`provisioner`], with a cluster and the given pool.
fn provisioner_with(store: MockProvisionStore, pool: MockAddressPool) -> Arc<Provisioning> {
    provisioner_on(store, true, pool)
}

fn caller() -> Caller {
    Caller {
        user: User {
            id: UserId::from_uuid(Uuid::from_u128(1)),
            email: Email::parse("ada@lab.example").unwrap(),
            name: "Ada".into(),
            role: Role::Member,
            status: UserStatus::Active,
            created_at: start(),
            last_seen_at: None,
            access_code_version: None,
            has_password: true,
            email_verified: false,
            email_conflict_at: None,
        },
        via: Via::Session { id: Uuid::from_u128(2) },
        ip: None,
    }
}

fn form(hostname: &str) -> ProvisionForm {
    ProvisionForm {
        hostname: hostname.into(),
        tier: "small".into(),
        os_template: "debian-12".into(),
        generate_key: Some(true),
        ..ProvisionForm::default()
    }
}

#[tokio::test]
async fn a_bad_field_is_refused_before_any_port_is_asked() {
    let vms = provisioner(MockProvisionStore::new(), true);
    let refused = vms
        .submissions
        .submit(&caller(), form("Not_A_Name"), None)
        .await
        .unwrap_err();
    assert_eq!(refused.field(), Some("hostname"));
}

#[tokio::test]
async fn without_a_cluster_the_request_is_refused_as_not_configured() {
    let vms = provisioner(MockProvisionStore::new(), false);
    let refused = vms.submissions.submit(&caller(), form("web"), None).await.unwrap_err();
    assert!(matches!(refused, ProvisionError::NotConfigured(_)), "{refused:?}");
}

#[tokio::test]
async fn a_request_that_waits_for_approval_must_keep_its_generated_key() {
    let vms = provisioner(MockProvisionStore::new(), true);
    let mut f = form("big");
    f.tier = "xl".into();
    f.keep_private_key = Some(false);
    let refused = vms.submissions.submit(&caller(), f, None).await.unwrap_err();
    assert_eq!(refused.field(), Some("keep_private_key"));
}

#[tokio::test]
async fn a_member_over_quota_is_refused_before_the_cluster_is_asked_or_anything_is_written() {
    let mut store = MockProvisionStore::new();
    store.expect_hostname_in_use().returning(|_| Ok(false));
    store.expect_usage_of().times(1).returning(|_| {
        Ok(crate::domain::quota::Usage {
            vms: 10,
            vcpus: 10,
            memory_mib: 10 * 1024,
            disk_gib: 150,
        })
    });
    let mut pool = MockAddressPool::new();
    pool.expect_pool_rows().returning(|| {
        Ok(vec![crate::domain::ip_pool::PoolAddress::free(
            std::net::Ipv4Addr::new(127, 0, 9, 9),
        )])
    });
    let vms = provisioner_with(store, pool);
    let refused = vms.submissions.submit(&caller(), form("web"), None).await.unwrap_err();
    assert_eq!(refused.code(), "quota_exceeded");
    assert_eq!(
        refused.to_string(),
        "The quota allows 10 machines and 10 are in use. Delete a machine you no longer need, choose a smaller tier, or ask an admin to raise your quota."
    );
}

#[tokio::test]
async fn a_hostname_in_use_is_refused_before_anything_is_reserved_or_asked_of_proxmox() {
    let mut store = MockProvisionStore::new();
    store
        .expect_hostname_in_use()
        .withf(|h| h == "web")
        .times(1)
        .returning(|_| Ok(true));
    let vms = provisioner(store, true);
    let refused = vms.submissions.submit(&caller(), form("web"), None).await.unwrap_err();
    assert_eq!(refused, ProvisionError::HostnameTaken("web".into()));
}

#[tokio::test]
async fn a_replayed_request_joins_its_first_vm_and_touches_nothing_else() {
    let first = InstanceId::from_uuid(Uuid::from_u128(9));
    let digest = form("web").digest();
    let mut store = MockProvisionStore::new();
    store
        .expect_find_idempotent()
        .withf(|_, key| key == "k-1")
        .times(2)
        .returning(move |_, _| Ok(Some((first, digest.clone()))));
    let vms = provisioner(store, true);
    let again = vms
        .submissions
        .submit(&caller(), form("web"), Some("k-1".into()))
        .await
        .unwrap();
    assert_eq!((again.id, again.replay), (first, true));
    let other = vms
        .submissions
        .submit(&caller(), form("other"), Some("k-1".into()))
        .await
        .unwrap_err();
    assert_eq!(other, ProvisionError::IdempotencyConflict);
}

mod network_change {
    use std::net::Ipv4Addr;

    use super::*;
    use crate::domain::ip_pool::{AddressState, Holder, PoolAddress};

    fn ip(n: u8) -> Ipv4Addr {
        Ipv4Addr::new(127, 66, 0, n)
    }

    fn row(n: u8, state: AddressState) -> PoolAddress {
        PoolAddress {
            addr: ip(n),
            state,
            missed: 0,
            last_seen: None,
        }
    }

    fn plan(first: u8, last: u8) -> NetworkPlan {
        NetworkPlan::new(
            PoolRange::new(ip(first), ip(last)).unwrap(),
            PrefixLen::default(),
            ip(1),
            Vec::new(),
        )
        .unwrap()
    }

    fn held_by_vm(n: u8, vmid: u32) -> PoolAddress {
        row(
            n,
            AddressState::Allocated {
                holder: Holder::Local {
                    instance: InstanceId::from_uuid(Uuid::from_u128(u128::from(vmid))),
                    vmid: VmId::new(vmid).unwrap(),
                },
                since: start(),
            },
        )
    }

    #[tokio::test]
    async fn a_shrink_that_would_drop_a_held_address_is_refused_naming_its_holder() {
        let mut pool = MockAddressPool::new();
        pool.expect_pool_rows().returning(|| {
            Ok(vec![
                row(10, AddressState::Free),
                held_by_vm(18, 104),
                row(
                    19,
                    AddressState::Allocated {
                        holder: Holder::External,
                        since: start(),
                    },
                ),
            ])
        });
        pool.expect_seed_pool().never();
        let vms = provisioner_on(MockProvisionStore::new(), true, pool);
        let before = vms.network.current();
        let refused = vms.network.apply(&caller(), plan(10, 15)).await.unwrap_err();
        let words = refused.to_string();
        assert!(
            words.contains("127.66.0.18 (VM 104)") && words.contains("127.66.0.19 (a LAN host)"),
            "{words}"
        );
        assert!(words.contains("delete those machines first"), "{words}");
        assert_eq!(vms.network.current(), before, "nothing changed");
    }

    #[tokio::test]
    async fn a_plan_that_keeps_every_holder_applies_at_once_and_is_audited() {
        let mut pool = MockAddressPool::new();
        pool.expect_pool_rows()
            .returning(|| Ok(vec![row(10, AddressState::Free), held_by_vm(12, 104)]));
        pool.expect_seed_pool()
            .withf(|p| p.pool().end() == Ipv4Addr::new(127, 66, 0, 40))
            .times(1)
            .returning(|_| Ok((20, 0)));
        let mut log = MockAuditLog::new();
        log.expect_record()
            .withf(|e| e.detail.contains("→ pool 127.66.0.10–127.66.0.40/24"))
            .times(1)
            .returning(|_| Ok(()));
        let vms = provisioner_audited(MockProvisionStore::new(), true, pool, log);
        let applied = vms.network.apply(&caller(), plan(10, 40)).await.unwrap();
        assert_eq!((applied.added, applied.removed), (20, 0));
        assert_eq!(vms.network.current(), Some(plan(10, 40)));
    }
}
