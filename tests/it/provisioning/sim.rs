//! A provisioner over the simulated cluster in this process: a real SQLite file, the in-memory
//! face of the simulator, its LAN, and a manual clock that the runs themselves move forward
//! when they wait — so a run is fast and repeatable. A test can build a second provisioner over
//! the same database and cluster, as a restarted process would.
//!
//! The seed comes from `SIM_SEED` (see `seed.rs`) and is printed when a test fails. Every run's
//! checkpoint checks the invariants (see `invariants.rs`); a test fails at its next settle or
//! check, or when its `Sim` is dropped, if any was broken.

use std::sync::Arc;
use std::time::Duration;

use async_trait::async_trait;
use chrono::{TimeZone, Utc};
use nimbus::adapters::clock::ManualClock;
use nimbus::adapters::gopher::sim::SimGopher;
use nimbus::adapters::lan::SimLan;
use nimbus::adapters::proxmox::sim::{Profile, Scenario, SimCluster};
use nimbus::adapters::secrets::AesGcmSecrets;
use nimbus::adapters::ssh_keys::OpenSshCodec;
use nimbus::adapters::store::sqlite::SqliteStore;
use nimbus::app::accounts::{Caller, Via};
use nimbus::app::audit::Auditor;
use nimbus::app::gateway_switch::GatewaySwitch;
use nimbus::app::keys::KeyVault;
use nimbus::app::provisioning::pace::Pace;
use nimbus::app::provisioning::{Checkpoint, ProvisionForm, ProvisionPorts, ProvisionSettings, Provisioning};
use nimbus::app::secrets::SecretBox;
use nimbus::domain::account::Email;
use nimbus::domain::clone_mode::CloneMode;
use nimbus::domain::ids::{InstanceId, UserId};
use nimbus::domain::ip_pool::{NetworkPlan, PoolRange, PrefixLen};
use nimbus::domain::scoring::ScoringPolicy;
use nimbus::domain::vmid::VmId;
use nimbus::ports::accounts::{AccountStore, AdminSeat, NewUser};
use nimbus::ports::provisions::{ProvisionRecord, ProvisionStore};
use nimbus::ports::{AddressPool, Clock};

use super::invariants::Watch;
use super::seed::{self, Schedule, SeedGuard};

/// How a test's cluster behaves.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    /// The realistic profile (durations with seeded jitter) and the seed's schedule of faults the
    /// provisioner must survive: for flows whose outcome no such fault may change.
    Chaos,
    /// The realistic profile without scheduled faults: for tests that inject their own fault and
    /// assert its effect, or that predict a VMID.
    Realistic,
    /// Fixed durations without jitter or scheduled faults: for assertions tied to exact timing.
    Bench,
}

/// Waiting moves the manual clock instead of sleeping, and plays the fault schedule.
pub struct Advance {
    clock: Arc<ManualClock>,
    schedule: Option<Arc<Schedule>>,
}

#[async_trait]
impl Pace for Advance {
    async fn pause(&self, d: Duration) {
        self.clock.advance(chrono::Duration::from_std(d).unwrap());
        if let Some(s) = &self.schedule {
            s.tick(self.clock.now());
        }
        tokio::task::yield_now().await;
    }
}

/// Waiting follows the manual clock that the test moves: for runs of many concurrent waiters
/// (a bootstrap's bakes), where each moving the clock itself would make time race for the others.
pub struct Follow {
    clock: Arc<ManualClock>,
}

#[async_trait]
impl Pace for Follow {
    async fn pause(&self, d: Duration) {
        self.clock
            .until(self.clock.now() + chrono::Duration::from_std(d).unwrap())
            .await;
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
    /// The simulated Gopher gateway every provisioner of this simulation uses.
    pub gopher: SimGopher,
    tunnels: Arc<GatewaySwitch>,
    secrets: Arc<SecretBox>,
    pub settings: ProvisionSettings,
    pub seed: u64,
    pub watch: Arc<Watch>,
    schedule: Option<Arc<Schedule>>,
    _guard: SeedGuard,
}

/// A violation found at a checkpoint fails the test even if it never settles or checks again.
impl Drop for Sim {
    fn drop(&mut self) {
        if !std::thread::panicking() {
            self.watch.assert_clean();
        }
    }
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
    pub async fn new(scenario: Scenario, mode: Mode) -> Self {
        let seed = seed::from_env();
        let guard = SeedGuard(seed);
        let dir = tempfile::tempdir().unwrap();
        let store = SqliteStore::open(&dir.path().join("nimbus.db")).await.unwrap();
        let clock = Arc::new(ManualClock::new(Utc.with_ymd_and_hms(2026, 11, 29, 9, 0, 0).unwrap()));
        let nodes: Vec<_> = scenario.nodes.iter().map(|n| n.name.clone()).collect();
        let profile = match mode {
            Mode::Bench => Profile::Bench,
            Mode::Chaos | Mode::Realistic => Profile::Realistic,
        };
        let cluster = SimCluster::new(scenario, profile, seed, clock.clone());
        let schedule = (mode == Mode::Chaos)
            .then(|| Arc::new(Schedule::new(cluster.clone(), clock.now(), seed::plan(seed, &nodes))));
        let (gopher, tunnels, secrets) = super::gateway::gateway(&store, &cluster, &clock);
        let watch = Arc::new(Watch::open(seed, store.clone(), cluster.clone(), gopher.clone(), clock.clone()).await);
        let user = store
            .create_user(
                NewUser {
                    id: UserId::from_uuid(uuid::Uuid::new_v4()),
                    email: Email::parse("sim@example.com").unwrap(),
                    name: "Sim".into(),
                    password_hash: None,
                    email_verified: false,
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
            cluster_max_age: Duration::from_secs(5),
            discovery_every: Duration::from_secs(30),
        };
        Self {
            audit,
            gopher,
            tunnels,
            secrets,
            _dir: dir,
            store,
            cluster,
            clock,
            caller,
            vault,
            settings,
            seed,
            watch,
            schedule,
            _guard: guard,
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

    /// A provisioner over this database and cluster, as one process would build it. Its
    /// checkpoint hook checks the invariants, then runs `checkpoint` if there is one.
    pub fn provisioner(&self, checkpoint: Option<Checkpoint>) -> Arc<Provisioning> {
        self.provisioner_over(Arc::new(self.store.clone()), checkpoint)
    }

    /// A provisioner whose waits follow the clock the test moves (see [`Follow`]).
    pub fn provisioner_following(&self) -> Arc<Provisioning> {
        self.build(
            Arc::new(self.store.clone()),
            None,
            Arc::new(Follow {
                clock: self.clock.clone(),
            }),
        )
    }

    /// The same over another address pool (a deliberately broken one, for the harness's own test).
    pub fn provisioner_over(&self, pool: Arc<dyn AddressPool>, checkpoint: Option<Checkpoint>) -> Arc<Provisioning> {
        let pace = Arc::new(Advance {
            clock: self.clock.clone(),
            schedule: self.schedule.clone(),
        });
        self.build(pool, checkpoint, pace)
    }

    fn build(
        &self,
        pool: Arc<dyn AddressPool>,
        checkpoint: Option<Checkpoint>,
        pace: Arc<dyn Pace>,
    ) -> Arc<Provisioning> {
        let ports = ProvisionPorts {
            proxmox: Some(Arc::new(self.cluster.proxmox())),
            store: Arc::new(self.store.clone()),
            quotas: Arc::new(self.store.clone()),
            accounts: Arc::new(self.store.clone()),
            audit: self.audit.clone(),
            pool,
            lan: Arc::new(SimLan(self.cluster.clone())),
            vault: self.vault.clone(),
            codec: Arc::new(OpenSshCodec),
            clock: self.clock.clone(),
            pace,
            tunnels: self.tunnels.clone(),
            secrets: self.secrets.clone(),
            settings: Arc::new(self.store.clone()),
        };
        let (watch, schedule, clock) = (self.watch.clone(), self.schedule.clone(), self.clock.clone());
        let hook: Checkpoint = Arc::new(move |id, word, after| {
            let (watch, schedule, clock, inner) = (watch.clone(), schedule.clone(), clock.clone(), checkpoint.clone());
            Box::pin(async move {
                if let Some(s) = &schedule {
                    s.tick(clock.now());
                }
                watch.at_checkpoint(id, word, after).await;
                if let Some(inner) = inner {
                    inner(id, word, after).await;
                }
            })
        });
        Arc::new(Provisioning::new(ports, self.settings.clone(), Some(hook)))
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
                    email_verified: false,
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

    /// Waits (bounded, in simulated time) until no provision of `vms` is still running; fails the
    /// test if an invariant broke meanwhile or a provision never settles. Then clears the
    /// scheduled faults still active, so what the test does next meets a healthy cluster.
    pub async fn settle(&self, vms: &Provisioning, ids: &[InstanceId]) {
        let settled = self.wait_settled(vms, ids).await;
        if !self.watch.violations().is_empty() {
            // What the cluster did last, for whoever reads the failure.
            let log = self.cluster.event_log();
            eprintln!(
                "the cluster's last events:\n{}",
                log[log.len().saturating_sub(60)..].join("\n")
            );
        }
        self.watch.assert_clean();
        if !settled {
            let phases: Vec<String> = self
                .records()
                .await
                .iter()
                .map(|r| {
                    format!(
                        "{} {}",
                        r.provision.spec().hostname.as_str(),
                        r.provision.phase().word()
                    )
                })
                .collect();
            panic!("provisions did not settle: {phases:?}; {}", seed::replay(self.seed));
        }
    }

    /// [`Sim::settle`] without failing: whether every run ended within the bound.
    pub async fn wait_settled(&self, vms: &Provisioning, ids: &[InstanceId]) -> bool {
        for n in 0..20_000 {
            if ids.iter().all(|id| !vms.runner.is_running(*id)) {
                if let Some(s) = &self.schedule {
                    s.calm();
                }
                return true;
            }
            if !self.watch.violations().is_empty() {
                return false;
            }
            self.clock.advance(chrono::Duration::milliseconds(100));
            if let Some(s) = &self.schedule {
                s.tick(self.clock.now());
            }
            if n % 50 == 0 {
                self.watch.stalled().await;
            }
            tokio::time::sleep(Duration::from_millis(1)).await;
        }
        false
    }

    /// The invariants after any run, interrupted or not: every provision ended running or rolled
    /// back; every VM on the cluster (templates aside) is a running provision's, once, with its
    /// marker; every held address belongs to exactly one running provision.
    pub async fn check(&self) {
        self.watch.at_rest().await;
        self.watch.assert_clean();
    }
}
