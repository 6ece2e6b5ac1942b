//! The seed of a simulation run and what it decides. It comes from `SIM_SEED` (a fixed default
//! keeps `make test` repeatable), is printed with a replay command when a test fails, seeds the
//! realistic profile's jitter, and is turned into a schedule of faults the provisioner is built to
//! ride out. The schedule is a pure function of the seed and the cluster's node names; it is
//! injected as simulated time passes it, so the same seed meets the same faults at the same
//! simulated times.

use std::collections::VecDeque;
use std::sync::Mutex;

use chrono::{DateTime, Duration, Utc};
use nimbus::adapters::proxmox::sim::{Fault, FaultId, FaultScope, OfflineMode, SimCluster};
use nimbus::domain::cluster::NodeName;

/// The seed `make test` runs with.
pub const DEFAULT_SEED: u64 = 7;

/// `SIM_SEED`, or the default.
pub fn from_env() -> u64 {
    match std::env::var("SIM_SEED") {
        Ok(text) => text
            .trim()
            .parse()
            .unwrap_or_else(|_| panic!("SIM_SEED={text:?} is not a whole number")),
        Err(_) => DEFAULT_SEED,
    }
}

/// The seed and how to run the same simulation again.
pub fn replay(seed: u64) -> String {
    format!("SIM_SEED={seed} (replay: SIM_SEED={seed} cargo test --test it provisioning::)")
}

/// Prints the seed when the test holding it fails, whatever failed (once per test thread, even
/// when the test holds several).
pub struct SeedGuard(pub u64);

thread_local! {
    static PRINTED: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
}

impl Drop for SeedGuard {
    fn drop(&mut self) {
        if std::thread::panicking() && !PRINTED.replace(true) {
            eprintln!("{}", replay(self.0));
        }
    }
}

/// SplitMix64, as the simulator uses: small, and the same on every platform.
struct Draw(u64);

impl Draw {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// Uniform in `lo..=hi`.
    fn between(&mut self, lo: i64, hi: i64) -> i64 {
        lo + (self.next() % (hi - lo + 1) as u64) as i64
    }
}

/// One scheduled fault: injected once the simulated clock is `at` past the start of the run.
#[derive(Debug, Clone, PartialEq)]
pub struct Planned {
    pub at: Duration,
    pub fault: Fault,
    pub scope: FaultScope,
}

/// The faults a seed schedules: one to four incidents, each one the provisioner is built to
/// survive, with quiet gaps of 20–90 s between them (longer than the longest backoff, so a retry
/// always lands between two incidents).
///
/// - lost quorum for 2–12 s: writes fail as unavailable, which a step retries with backoff
///   (1, 2, 4, 8, 16 s: an outage shorter than 30 s is ridden out);
/// - no worker for 1–6 s: the same, as Proxmox says when it cannot fork a task;
/// - a node down for 2–12 s (refused, no route or timed out; only with two nodes or more, since
///   a one-node cluster cannot place anything while its node is down): its calls fail as
///   offline, which steps retry and placement avoids;
/// - a `nextid` answer taken by someone else: the clone meets an existing VMID and picks again;
/// - guest agents answering 30–90 s after boot (within the 120 s ready timeout) for 1–2 min.
///
/// Faults that end a provision on purpose (task errors, refusals, full storage, a lasting
/// outage) are not scheduled: each has its own test in `faults.rs`.
pub fn plan(seed: u64, nodes: &[NodeName]) -> Vec<Planned> {
    let mut draw = Draw(seed ^ 0x5EED_FA17);
    let mut at = Duration::milliseconds(draw.between(0, 20_000));
    let mut planned = Vec::new();
    for _ in 0..draw.between(1, 4) {
        let kinds = if nodes.len() >= 2 { 5 } else { 4 };
        let (fault, lasts) = match draw.between(0, kinds - 1) {
            0 => (Fault::QuorumLost, draw.between(2_000, 12_000)),
            1 => (Fault::WorkerSpawnFail, draw.between(1_000, 6_000)),
            2 => (Fault::NextIdCollision, 0),
            3 => (
                Fault::AgentLate {
                    vmid: None,
                    delay: Duration::milliseconds(draw.between(30_000, 90_000)),
                },
                draw.between(60_000, 120_000),
            ),
            _ => {
                let node = nodes[draw.between(0, nodes.len() as i64 - 1) as usize].clone();
                let mode =
                    [OfflineMode::Refused, OfflineMode::NoRoute, OfflineMode::Timeout][draw.between(0, 2) as usize];
                (Fault::NodeOffline { node, mode }, draw.between(2_000, 12_000))
            }
        };
        let scope = if lasts == 0 {
            FaultScope::Once
        } else {
            FaultScope::lasting(Duration::milliseconds(lasts))
        };
        planned.push(Planned { at, fault, scope });
        at += Duration::milliseconds(lasts + draw.between(20_000, 90_000));
    }
    planned
}

/// A plan being played against a cluster: each fault is injected once the clock has passed its
/// time. The harness calls [`Schedule::tick`] wherever simulated time moves while runs are
/// active (the pace, every checkpoint, the settle loop).
pub struct Schedule {
    cluster: SimCluster,
    start: DateTime<Utc>,
    state: Mutex<Played>,
}

struct Played {
    due: VecDeque<Planned>,
    injected: Vec<FaultId>,
}

impl Schedule {
    pub fn new(cluster: SimCluster, start: DateTime<Utc>, plan: Vec<Planned>) -> Self {
        Self {
            cluster,
            start,
            state: Mutex::new(Played {
                due: plan.into(),
                injected: Vec::new(),
            }),
        }
    }

    /// Injects every planned fault whose time has come.
    pub fn tick(&self, now: DateTime<Utc>) {
        let mut state = self.state.lock().unwrap_or_else(|p| p.into_inner());
        while state.due.front().is_some_and(|p| self.start + p.at <= now) {
            let p = state.due.pop_front().expect("checked above");
            let id = self.cluster.inject(p.fault, p.scope);
            state.injected.push(id);
        }
    }

    /// Clears the scheduled faults injected so far (once the runs have settled, so that what a
    /// test does next by hand meets a healthy cluster); faults planned for later still come.
    pub fn calm(&self) {
        let mut state = self.state.lock().unwrap_or_else(|p| p.into_inner());
        for id in state.injected.drain(..) {
            self.cluster.clear(id);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_seed_always_plans_the_same_faults_and_seeds_differ() {
        let nodes = [NodeName::parse("pve1").unwrap(), NodeName::parse("pve2").unwrap()];
        assert_eq!(plan(11, &nodes), plan(11, &nodes));
        let plans: std::collections::BTreeSet<String> = (0..20).map(|s| format!("{:?}", plan(s, &nodes))).collect();
        assert!(plans.len() > 15, "seeds give different schedules");
    }

    #[test]
    fn a_one_node_cluster_is_never_scheduled_an_outage_of_its_node() {
        let nodes = [NodeName::parse("pve1").unwrap()];
        for seed in 0..200 {
            assert!(
                plan(seed, &nodes)
                    .iter()
                    .all(|p| !matches!(p.fault, Fault::NodeOffline { .. })),
                "seed {seed}"
            );
        }
    }
}
