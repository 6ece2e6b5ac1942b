//! The harness's own tests: it can fail. Deliberately broken address pools (one hands an address
//! that is already reserved to a second provision, one forgets to release, one never answers)
//! make runs break an invariant, and the checker must catch it and name the seed. If the checker
//! ever stops catching these, these tests fail.

use std::net::Ipv4Addr;
use std::sync::{Arc, Mutex};

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use nimbus::adapters::proxmox::sim::{Fault, FaultScope, Op, Scenario};
use nimbus::adapters::store::sqlite::SqliteStore;
use nimbus::app::provisioning::Checkpoint;
use nimbus::domain::ids::InstanceId;
use nimbus::domain::ip_pool::{Action, NetworkPlan, PoolAddress};
use nimbus::ports::AddressPool;
use nimbus::ports::StoreError;
use nimbus::ports::pool::{Contest, LeaseChange, LeaseError};

use super::invariants::{ADDRESS_TWICE, LEAK, PROGRESS, Violation};
use super::sim::{Mode, Sim, form};

/// How a pool is broken.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Bug {
    /// Every provision after the first is handed the first one's address.
    HandsOutTwice,
    /// A release says it gave the address back but does not.
    ForgetsReleases,
    /// A reservation never answers.
    Hangs,
}

/// The real pool with one bug.
struct BrokenPool {
    inner: SqliteStore,
    bug: Bug,
    /// The first address handed out; held across the reservation, so two at once see it.
    first: tokio::sync::Mutex<Option<Ipv4Addr>>,
}

#[async_trait]
impl AddressPool for BrokenPool {
    async fn seed_pool(&self, plan: &NetworkPlan) -> Result<(usize, usize), StoreError> {
        self.inner.seed_pool(plan).await
    }

    async fn reserve(&self, provision: InstanceId, now: DateTime<Utc>) -> Result<Option<Ipv4Addr>, StoreError> {
        if self.bug == Bug::Hangs {
            return std::future::pending().await;
        }
        let mut first = self.first.lock().await;
        if self.bug == Bug::HandsOutTwice
            && let Some(ip) = *first
        {
            return Ok(Some(ip));
        }
        let ip = self.inner.reserve(provision, now).await?;
        *first = ip;
        Ok(ip)
    }

    async fn contested(
        &self,
        provision: InstanceId,
        addr: Ipv4Addr,
        contest: Contest,
        now: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        self.inner.contested(provision, addr, contest, now).await
    }

    async fn lease(
        &self,
        provision: InstanceId,
        addr: Ipv4Addr,
        change: LeaseChange,
        now: DateTime<Utc>,
    ) -> Result<(), LeaseError> {
        self.inner.lease(provision, addr, change, now).await
    }

    async fn release(&self, provision: InstanceId, addr: Ipv4Addr) -> Result<bool, StoreError> {
        if self.bug == Bug::ForgetsReleases {
            return Ok(true);
        }
        self.inner.release(provision, addr).await
    }

    async fn apply_reconcile(
        &self,
        seen: &[PoolAddress],
        actions: &[(Ipv4Addr, Action)],
        now: DateTime<Utc>,
    ) -> Result<usize, StoreError> {
        self.inner.apply_reconcile(seen, actions, now).await
    }

    async fn pool_rows(&self) -> Result<Vec<PoolAddress>, StoreError> {
        self.inner.pool_rows().await
    }
}

fn broken(sim: &Sim, bug: Bug) -> Arc<dyn AddressPool> {
    Arc::new(BrokenPool {
        inner: sim.store.clone(),
        bug,
        first: tokio::sync::Mutex::new(None),
    })
}

/// The checker found `invariant` broken, said so with the seed, and fails the test with it.
fn caught(sim: &Sim, invariant: &str) -> Violation {
    let found = sim.watch.violations();
    let hit = found
        .iter()
        .find(|v| v.invariant == invariant)
        .unwrap_or_else(|| panic!("the checker missed '{invariant}'; it found {found:?}"))
        .clone();
    let message = hit.to_string();
    assert!(message.contains(invariant), "{message}");
    assert!(
        message.contains(&format!("SIM_SEED={}", sim.seed)),
        "the seed is named: {message}"
    );
    let failed = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| sim.watch.assert_clean()));
    let payload = failed.expect_err("a broken invariant fails the test");
    let text = payload.downcast_ref::<String>().cloned().unwrap_or_default();
    assert!(text.contains(invariant) && text.contains("SIM_SEED="), "{text}");
    hit
}

#[tokio::test]
async fn an_address_handed_to_two_provisions_is_caught_at_a_checkpoint() {
    let sim = Sim::new(Scenario::default_cluster(2), Mode::Chaos).await;
    // Both runs wait for each other once they hold the address, so the second takes it before
    // the first has configured a VM with it (which would make the second see it in use).
    let barrier = Arc::new(tokio::sync::Barrier::new(2));
    let met = Arc::new(Mutex::new(std::collections::BTreeSet::new()));
    let gate: Checkpoint = Arc::new(move |id, word, after| {
        let first = word == "ip_reserved" && !after && met.lock().unwrap().insert(id);
        let barrier = barrier.clone();
        Box::pin(async move {
            if first {
                barrier.wait().await;
            }
        })
    });
    let vms = sim.provisioner_over(broken(&sim, Bug::HandsOutTwice), Some(gate));
    vms.runner.start().await.unwrap();
    let mut ids = Vec::new();
    for n in 0..2 {
        ids.push(
            vms.submissions
                .submit(&sim.caller, form(&format!("twin-{n}")), None)
                .await
                .unwrap()
                .id,
        );
    }
    sim.wait_settled(&vms, &ids).await;
    let hit = caught(&sim, ADDRESS_TWICE);
    assert!(hit.seen.contains("twin-0") && hit.seen.contains("twin-1"), "{hit}");
    vms.runner.shut_down();
}

#[tokio::test]
async fn a_release_that_is_dropped_is_caught_as_a_leak_at_the_next_checkpoint() {
    let sim = Sim::new(Scenario::default_cluster(1), Mode::Chaos).await;
    let vms = sim.provisioner_over(broken(&sim, Bug::ForgetsReleases), None);
    vms.runner.start().await.unwrap();
    sim.cluster.inject(
        Fault::TaskError {
            op: Op::Config,
            message: "bad ipconfig".into(),
        },
        FaultScope::Once,
    );
    let failing = vms
        .submissions
        .submit(&sim.caller, form("leaky"), None)
        .await
        .unwrap()
        .id;
    assert!(sim.wait_settled(&vms, &[failing]).await);
    assert!(
        sim.watch.violations().is_empty(),
        "nothing is seen broken before another run passes a checkpoint"
    );
    let next = vms
        .submissions
        .submit(&sim.caller, form("after"), None)
        .await
        .unwrap()
        .id;
    sim.wait_settled(&vms, &[next]).await;
    let hit = caught(&sim, LEAK);
    assert!(hit.seen.contains("leaky") && hit.seen.contains("rolled_back"), "{hit}");
    vms.runner.shut_down();
}

#[tokio::test]
async fn a_run_that_hangs_is_reported_by_name_as_not_progressing() {
    let sim = Sim::new(Scenario::default_cluster(1), Mode::Chaos).await;
    let passed = Arc::new(std::sync::atomic::AtomicBool::new(false));
    let seen = passed.clone();
    let gate: Checkpoint = Arc::new(move |_, word, _| {
        if word == "requested" {
            seen.store(true, std::sync::atomic::Ordering::SeqCst);
        }
        Box::pin(async {})
    });
    let vms = sim.provisioner_over(broken(&sim, Bug::Hangs), Some(gate));
    vms.runner.start().await.unwrap();
    let id = vms
        .submissions
        .submit(&sim.caller, form("stuck"), None)
        .await
        .unwrap()
        .id;
    for _ in 0..1_000 {
        if passed.load(std::sync::atomic::Ordering::SeqCst) {
            break;
        }
        tokio::task::yield_now().await;
        tokio::time::sleep(std::time::Duration::from_millis(1)).await;
    }
    assert!(passed.load(std::sync::atomic::Ordering::SeqCst), "the run started");
    sim.watch.stalled().await;
    assert!(sim.watch.violations().is_empty(), "not stuck yet");
    sim.clock.advance(chrono::Duration::minutes(16));
    sim.watch.stalled().await;
    let hit = caught(&sim, PROGRESS);
    assert!(
        hit.seen.contains("stuck") && hit.seen.contains(&id.to_string()) && hit.seen.contains("requested"),
        "{hit}"
    );
    vms.runner.shut_down();
}
