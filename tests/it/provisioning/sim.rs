//! A provisioner over the simulated cluster in this process: a real SQLite file, the in-memory
//! face of the simulator, its LAN, and a manual clock that the runs themselves move forward
//! when they wait — so a run is fast and repeatable. A test can build a second provisioner over
//! the same database and cluster, as a restarted process would.

use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;
use std::time::Duration;

use async_trait::async_trait;
use chrono::{TimeZone, Utc};
use nimbus::adapters::clock::ManualClock;
use nimbus::adapters::lan::SimLan;
use nimbus::adapters::proxmox::sim::{Profile, Scenario, SimCluster};
use nimbus::adapters::secrets::AesGcmSecrets;
use nimbus::adapters::ssh_keys::OpenSshCodec;
use nimbus::adapters::store::sqlite::SqliteStore;
use nimbus::app::accounts::{Caller, Via};
use nimbus::app::audit::Auditor;
use nimbus::app::keys::KeyVault;
use nimbus::app::provisioning::pace::Pace;
use nimbus::app::provisioning::{Checkpoint, ProvisionForm, ProvisionPorts, ProvisionSettings, Provisioning};
use nimbus::domain::account::Email;
use nimbus::domain::clone_mode::CloneMode;
use nimbus::domain::ids::{InstanceId, UserId};
use nimbus::domain::ip_pool::{AddressState, Holder, NetworkPlan, PoolRange, PrefixLen};
use nimbus::domain::marker;
use nimbus::domain::provisioning::Phase;
use nimbus::domain::scoring::ScoringPolicy;
use nimbus::domain::vmid::VmId;
use nimbus::ports::accounts::{AccountStore, AdminSeat, NewUser};
use nimbus::ports::provisions::{ProvisionRecord, ProvisionStore};
use nimbus::ports::proxmox::{ClusterResource, ResourceKind};
use nimbus::ports::{AddressPool, Clock, Proxmox};

/// Waiting moves the manual clock instead of sleeping.
pub struct Advance(pub Arc<ManualClock>);

#[async_trait]
impl Pace for Advance {
    async fn pause(&self, d: Duration) {
        self.0.advance(chrono::Duration::from_std(d).unwrap());
        tokio::task::yield_now().await;
    }
}

pub struct Sim {
    pub _dir: tempfile::TempDir,
    pub store: SqliteStore,
    pub cluster: SimCluster,
    pub clock: Arc<ManualClock>,
    pub caller: Caller,
    vault: Arc<KeyVault>,
    audit: Arc<Auditor>,
    pub settings: ProvisionSettings,
}

pub fn network() -> NetworkPlan {
    let ip = |n| std::net::Ipv4Addr::new(127, 88, 0, n);
    NetworkPlan::new(
        PoolRange::new(ip(10), ip(40)).unwrap(),
        PrefixLen::default(),
        ip(1),
        Vec::new(),
    )
    .unwrap()
}

pub fn form(hostname: &str) -> ProvisionForm {
    ProvisionForm {
        hostname: hostname.into(),
        tier: "small".into(),
        os_template: "debian-12".into(),
        generate_key: Some(true),
        ..ProvisionForm::default()
    }
}

impl Sim {
    pub async fn new(scenario: Scenario) -> Self {
        let dir = tempfile::tempdir().unwrap();
        let store = SqliteStore::open(&dir.path().join("nimbus.db")).await.unwrap();
        let clock = Arc::new(ManualClock::new(Utc.with_ymd_and_hms(2026, 11, 29, 9, 0, 0).unwrap()));
        let cluster = SimCluster::new(scenario, Profile::Bench, 7, clock.clone());
        let user = store
            .create_user(
                NewUser {
                    id: UserId::from_uuid(uuid::Uuid::new_v4()),
                    email: Email::parse("sim@example.com").unwrap(),
                    name: "Sim".into(),
                    password_hash: None,
                    now: clock.now(),
                },
                AdminSeat::MayTake,
            )
            .await
            .unwrap();
        let caller = Caller {
            user,
            via: Via::Session {
                id: uuid::Uuid::new_v4(),
            },
            ip: None,
        };
        let audit = Arc::new(Auditor::new(Arc::new(store.clone()), clock.clone()));
        let vault = Arc::new(KeyVault::new(
            Arc::new(store.clone()),
            Arc::new(OpenSshCodec),
            Arc::new(AesGcmSecrets::new(&[7; 32])),
            audit.clone(),
            clock.clone(),
        ));
        let settings = ProvisionSettings {
            network: Some(network()),
            nameservers: vec!["127.0.0.53".parse().unwrap()],
            search_domain: "sim.test".into(),
            cpu_type: "x86-64-v3".into(),
            clone_mode: CloneMode::Full,
            disk_storage: Some("local-lvm".into()),
            clone_per_node: 2,
            ready_timeout: Duration::from_secs(120),
            scoring: ScoringPolicy::default(),
            template_base: VmId::new(9000).unwrap(),
            verify_ttl: Duration::from_secs(5),
            poll: Duration::from_millis(250),
            ssh_port: 22,
            vacate_after: Some(3),
            reservation_ttl: Duration::from_secs(600),
            netscan_mode: nimbus::domain::netscan::NetscanMode::Tcp,
            netscan_concurrency: 8,
        };
        Self {
            audit,
            _dir: dir,
            store,
            cluster,
            clock,
            caller,
            vault,
            settings,
        }
    }

    /// Whether the vault no longer has the key.
    pub async fn key_gone(&self, key: uuid::Uuid) -> bool {
        use nimbus::ports::KeyStore;
        self.store.get_key(self.caller.user.id, key).await.unwrap().is_none()
    }

    /// True when no pool address is reserved or allocated.
    pub async fn store_rows_free(&self) -> bool {
        self.store.pool_rows().await.unwrap().iter().all(|r| r.is_free())
    }

    /// A provisioner over this database and cluster, as one process would build it.
    pub fn provisioner(&self, checkpoint: Option<Checkpoint>) -> Arc<Provisioning> {
        let ports = ProvisionPorts {
            proxmox: Some(Arc::new(self.cluster.proxmox())),
            store: Arc::new(self.store.clone()),
            quotas: Arc::new(self.store.clone()),
            accounts: Arc::new(self.store.clone()),
            audit: self.audit.clone(),
            pool: Arc::new(self.store.clone()),
            lan: Arc::new(SimLan(self.cluster.clone())),
            vault: self.vault.clone(),
            codec: Arc::new(OpenSshCodec),
            clock: self.clock.clone(),
            pace: Arc::new(Advance(self.clock.clone())),
        };
        Arc::new(Provisioning::new(ports, self.settings.clone(), checkpoint))
    }

    /// A second account, a member (the first, `caller`, is the admin).
    pub async fn member(&self, email: &str) -> Caller {
        let user = self
            .store
            .create_user(
                NewUser {
                    id: UserId::from_uuid(uuid::Uuid::new_v4()),
                    email: Email::parse(email).unwrap(),
                    name: "Member".into(),
                    password_hash: None,
                    now: self.clock.now(),
                },
                AdminSeat::MayTake,
            )
            .await
            .unwrap();
        assert_eq!(user.role, nimbus::domain::role::Role::Member);
        Caller {
            user,
            via: Via::Session {
                id: uuid::Uuid::new_v4(),
            },
            ip: None,
        }
    }

    pub async fn records(&self) -> Vec<ProvisionRecord> {
        self.store.provisions_of(self.caller.user.id).await.unwrap()
    }

    pub async fn record(&self, id: InstanceId) -> ProvisionRecord {
        self.store.get_provision(id).await.unwrap().unwrap()
    }

    /// Waits (bounded, in simulated time) until no provision of `vms` is still running.
    pub async fn settle(&self, vms: &Provisioning, ids: &[InstanceId]) {
        for _ in 0..20_000 {
            if ids.iter().all(|id| !vms.runner.is_running(*id)) {
                return;
            }
            self.clock.advance(chrono::Duration::milliseconds(100));
            tokio::time::sleep(Duration::from_millis(1)).await;
        }
        let phases: Vec<String> = self
            .records()
            .await
            .iter()
            .map(|r| r.provision.phase().word().to_owned())
            .collect();
        panic!("provisions did not settle: {phases:?}");
    }

    /// The invariants after any run, interrupted or not: every provision ended running or rolled
    /// back; every VM on the cluster (templates aside) is a running provision's, once, with its
    /// marker; every held address belongs to exactly one running provision.
    pub async fn check(&self) {
        let records = self.records().await;
        let mut ready: BTreeMap<InstanceId, &ProvisionRecord> = BTreeMap::new();
        for r in &records {
            match r.provision.phase() {
                Phase::Ready => {
                    ready.insert(r.id(), r);
                }
                Phase::RolledBack { failure } => {
                    assert!(!failure.reason.is_empty());
                    assert_eq!(r.provision.held().ip, None, "a rolled-back provision holds no address");
                    assert_eq!(r.provision.held().vmid, None, "a rolled-back provision holds no VM");
                }
                other => panic!("{} ended {}", r.provision.spec().hostname.as_str(), other.word()),
            }
        }
        let proxmox = self.cluster.proxmox();
        let mut seen = BTreeSet::new();
        for row in proxmox.cluster_resources(Some(ResourceKind::Vm)).await.unwrap() {
            let ClusterResource::Guest(g) = row else { continue };
            if g.template {
                continue;
            }
            let config = proxmox.vm_config(&g.node, g.vmid).await.unwrap();
            // A VM without the marker is someone else's (Nimbus clones carry it from the first call).
            let Some(owner) = config.get("description").and_then(marker::find) else {
                continue;
            };
            let record = ready
                .get(&owner)
                .unwrap_or_else(|| panic!("orphan VM {} of provision {owner}", g.vmid.get()));
            assert_eq!(record.provision.held().vmid, Some(g.vmid), "the record names its VM");
            assert!(seen.insert(owner), "two VMs carry the marker of {owner}");
        }
        assert_eq!(seen.len(), ready.len(), "every running provision has its VM");
        let mut holders = BTreeSet::new();
        for row in self.store.pool_rows().await.unwrap() {
            match &row.state {
                AddressState::Free => {}
                AddressState::Reserved(r) => panic!("{} is still reserved for {}", row.addr, r.provision),
                AddressState::Allocated {
                    holder: Holder::Local { instance, vmid },
                    ..
                } => {
                    let record = ready
                        .get(instance)
                        .unwrap_or_else(|| panic!("{} held for a VM that is not running", row.addr));
                    assert_eq!(record.provision.held().ip, Some(row.addr));
                    assert_eq!(record.provision.held().vmid, Some(*vmid));
                    assert!(holders.insert(*instance), "{instance} holds two addresses");
                }
                AddressState::Allocated { .. } => {}
            }
        }
        assert_eq!(holders.len(), ready.len(), "every running provision holds its address");
    }
}
