//! The scoring cases of the Go implementation's test-suite (recomputed from its formula), and the
//! behaviours Nimbus adds: in-flight placements, a total-order pick and readable refusals.

use std::collections::BTreeSet;

use super::*;
use crate::domain::cluster::{GIB, MIB};
use crate::domain::tier::TierCatalog;

pub(super) fn name(s: &str) -> NodeName {
    NodeName::parse(s).unwrap()
}

pub(super) fn node(n: &str, cpus: u32, mem_total: u64, mem_used: u64, cpu_load: f64) -> NodeFigures {
    NodeFigures {
        name: name(n),
        online: true,
        cpu_load,
        cpus,
        mem_used,
        mem_total,
    }
}

pub(super) fn guest(id: u32, n: &str, mem_max: u64) -> GuestFigures {
    GuestFigures {
        vmid: VmId::new(id).unwrap(),
        node: name(n),
        template: false,
        mem_max,
        cpus: 1,
    }
}

pub(super) fn disk(n: &str, total_gib: u64, used_gib: u64, shared: bool) -> StorageFigures {
    StorageFigures {
        storage: "local-lvm".into(),
        node: name(n),
        shared,
        total: total_gib * GIB,
        used: used_gib * GIB,
    }
}

pub(super) fn no_disk() -> ScoringPolicy {
    ScoringPolicy {
        disk_storage: None,
        ..ScoringPolicy::default()
    }
}

pub(super) fn templates(names: &[&str]) -> BTreeSet<NodeName> {
    names.iter().map(|n| name(n)).collect()
}

pub(super) struct Case {
    pub(super) nodes: Vec<NodeFigures>,
    pub(super) guests: Vec<GuestFigures>,
    pub(super) storage: Vec<StorageFigures>,
    pub(super) templates: BTreeSet<NodeName>,
    pub(super) in_flight: Vec<InFlight>,
    pub(super) policy: ScoringPolicy,
}

impl Case {
    pub(super) fn new(nodes: Vec<NodeFigures>) -> Self {
        let all: BTreeSet<NodeName> = nodes.iter().map(|n| n.name.clone()).collect();
        Self {
            nodes,
            guests: vec![],
            storage: vec![],
            templates: all,
            in_flight: vec![],
            policy: no_disk(),
        }
    }

    pub(super) fn decide(&self, tier: &str) -> PlacementDecision {
        let catalog = TierCatalog::builtin();
        let tier = catalog.find(tier).unwrap();
        let view = ClusterView {
            nodes: &self.nodes,
            guests: &self.guests,
            storage: &self.storage,
            templates: &self.templates,
            in_flight: &self.in_flight,
        };
        PlacementDecision::new(tier, &self.policy, evaluate(tier, &view, &self.policy))
    }
}

pub(super) fn codes(d: &PlacementDecision, n: &str) -> Vec<&'static str> {
    let a = d.assessments().iter().find(|a| a.node.as_str() == n).unwrap();
    match &a.verdict {
        Verdict::Rejected(r) => r.iter().map(Rejection::code).collect(),
        Verdict::Accepted(_) => vec![],
    }
}

fn parts(d: &PlacementDecision, n: &str) -> ScoreParts {
    match &d.assessments().iter().find(|a| a.node.as_str() == n).unwrap().verdict {
        Verdict::Accepted(p) => *p,
        Verdict::Rejected(r) => panic!("{n} rejected: {r:?}"),
    }
}

pub(super) fn close(a: f64, b: f64) {
    assert!((a - b).abs() < 1e-9, "{a} != {b}");
}

fn big_enough() -> NodeFigures {
    node("alpha", 8, 16 * GIB, 0, 0.0)
}

fn gate(mut c: Case) -> Vec<&'static str> {
    c.templates = templates(&["alpha"]);
    codes(&c.decide("medium"), "alpha")
}

#[test]
fn each_gate_rejects_with_its_own_reason_in_the_fixed_order() {
    let mut offline = big_enough();
    offline.online = false;
    assert_eq!(gate(Case::new(vec![offline])), ["offline"]);

    let mut excluded = Case::new(vec![big_enough()]);
    excluded.policy.excluded = templates(&["alpha"]);
    assert_eq!(gate(excluded), ["excluded"]);

    let mut missing = Case::new(vec![big_enough()]);
    missing.templates = BTreeSet::new();
    assert_eq!(codes(&missing.decide("medium"), "alpha"), ["no_template"]);

    assert_eq!(
        gate(Case::new(vec![node("alpha", 8, 0, 0, 0.0)])),
        ["no_capacity", "insufficient_mem"]
    );
    assert_eq!(
        gate(Case::new(vec![node("alpha", 1, 16 * GIB, 0, 0.0)])),
        ["insufficient_cores"]
    );
    // 2200 MiB free is less than 2048 MiB + the 256 MiB buffer.
    let tight = node("alpha", 8, 16 * GIB, 16 * GIB - 2200 * MIB, 0.0);
    assert_eq!(gate(Case::new(vec![tight])), ["insufficient_mem"]);

    let mut full = Case::new(vec![big_enough()]);
    full.policy = ScoringPolicy::default();
    full.storage = vec![disk("alpha", 100, 99, false)];
    assert_eq!(gate(full), ["insufficient_disk"]);

    let mut no_row = Case::new(vec![big_enough()]);
    no_row.policy = ScoringPolicy::default();
    assert_eq!(gate(no_row), ["insufficient_disk"]);

    let mut everything = Case::new(vec![node("alpha", 1, 0, 0, 0.0)]);
    everything.nodes[0].online = false;
    everything.policy = ScoringPolicy::default();
    everything.policy.excluded = templates(&["alpha"]);
    everything.templates = BTreeSet::new();
    assert_eq!(
        codes(&everything.decide("medium"), "alpha"),
        [
            "offline",
            "excluded",
            "no_template",
            "no_capacity",
            "insufficient_cores",
            "insufficient_mem",
            "insufficient_disk"
        ]
    );
}

#[test]
fn a_node_passing_every_gate_scores_its_headroom_after_placement() {
    let mut c = Case::new(vec![big_enough()]);
    c.policy = ScoringPolicy::default();
    c.storage = vec![disk("alpha", 500, 100, false)];
    let p = parts(&c.decide("medium"), "alpha");
    close(p.mem, 0.859375);
    close(p.cpu, 0.875);
    close(p.disk.unwrap(), 0.74);
    close(p.total, 0.8401875);
}

#[test]
fn stopped_guests_reserve_their_memory() {
    let mut c = Case::new(vec![node("alpha", 8, 16 * GIB, GIB, 0.0)]);
    c.guests = vec![guest(101, "alpha", 15 * GIB)];
    assert_eq!(codes(&c.decide("medium"), "alpha"), ["insufficient_mem"]);
}

#[test]
fn projection_rewards_absolute_headroom() {
    let c = Case::new(vec![
        node("big", 8, 64 * GIB, 32 * GIB, 0.5),
        node("small", 8, 8 * GIB, 4 * GIB, 0.5),
    ]);
    let d = c.decide("medium");
    let (big, small) = (parts(&d, "big"), parts(&d, "small"));
    close(big.mem, 0.46484375);
    close(big.cpu, 0.375);
    close(big.total, 0.42890625);
    close(small.mem, 0.21875);
    close(small.total, 0.28125);
    assert_eq!(d.winner_name().unwrap().as_str(), "big");
}

#[test]
fn without_disk_telemetry_memory_and_cpu_weigh_sixty_forty() {
    let d = Case::new(vec![big_enough()]).decide("small");
    let p = parts(&d, "alpha");
    close(p.mem, 0.921875);
    close(p.cpu, 0.9375);
    assert_eq!(p.disk, None);
    close(p.total, 0.928125);
}

#[test]
fn assessments_keep_the_cluster_order() {
    let c = Case::new(["a", "b", "c"].map(|n| node(n, 8, 16 * GIB, 0, 0.0)).to_vec());
    let order: Vec<_> = c
        .decide("small")
        .assessments()
        .iter()
        .map(|a| a.node.to_string())
        .collect();
    assert_eq!(order, ["a", "b", "c"]);
}

#[test]
fn higher_score_wins_and_a_full_node_is_rejected() {
    let c = Case::new(vec![
        node("low", 8, 8 * GIB, 7 * GIB, 0.9),
        node("high", 8, 8 * GIB, GIB, 0.1),
    ]);
    let d = c.decide("small");
    assert_eq!(codes(&d, "low"), ["insufficient_mem"]);
    assert_eq!(d.winner_name().unwrap().as_str(), "high");
    close(d.winner().unwrap().score().unwrap(), 0.76625);
}

#[test]
fn within_the_tie_window_fewer_guests_win() {
    let mut c = Case::new(vec![
        node("busy", 8, 8 * GIB, 4 * GIB, 0.5),
        node("quiet", 8, 8 * GIB, 4 * GIB, 0.5),
    ]);
    c.guests = (0..10).map(|i| guest(200 + i, "busy", 256 * MIB)).collect();
    c.guests.extend((0..2).map(|i| guest(300 + i, "quiet", 256 * MIB)));
    let d = c.decide("small");
    close(parts(&d, "busy").total, 0.38125);
    close(parts(&d, "quiet").total, 0.38125);
    assert_eq!(d.winner_name().unwrap().as_str(), "quiet");
}

#[test]
fn ties_fall_back_to_score_then_name_and_the_window_is_strict() {
    // Same guests: the higher score wins inside the window.
    let c = Case::new(vec![node("b", 8, 8 * GIB, GIB, 0.1), node("a", 8, 8 * GIB, GIB, 0.15)]);
    assert_eq!(c.decide("small").winner_name().unwrap().as_str(), "b");
    // Same score and guests: the name decides, whatever the input order.
    let c = Case::new(vec![node("b", 8, 8 * GIB, GIB, 0.1), node("a", 8, 8 * GIB, GIB, 0.1)]);
    assert_eq!(c.decide("small").winner_name().unwrap().as_str(), "a");
    // Outside the window the higher score wins even with more guests.
    let mut c = Case::new(vec![
        node("full", 8, 8 * GIB, 5 * GIB, 0.5),
        node("roomy", 8, 8 * GIB, GIB, 0.1),
    ]);
    c.guests = (0..5).map(|i| guest(400 + i, "roomy", 128 * MIB)).collect();
    assert_eq!(c.decide("small").winner_name().unwrap().as_str(), "roomy");
}

#[test]
fn when_every_node_is_rejected_nothing_is_picked_and_each_keeps_its_reasons() {
    let mut bravo = node("bravo", 8, 16 * GIB, 0, 0.0);
    bravo.online = false;
    let mut c = Case::new(vec![big_enough(), bravo]);
    c.templates = BTreeSet::new();
    let d = c.decide("medium");
    assert!(d.winner().is_none());
    assert_eq!(codes(&d, "alpha"), ["no_template"]);
    assert_eq!(codes(&d, "bravo"), ["offline", "no_template"]);
}

#[test]
fn the_decision_leaves_the_assessments_in_input_order() {
    let c = Case::new(vec![node("a", 8, 8 * GIB, 4 * GIB, 0.0), node("b", 8, 8 * GIB, 0, 0.0)]);
    let d = c.decide("small");
    assert_eq!(d.winner_name().unwrap().as_str(), "b");
    assert_eq!(d.assessments()[0].node.as_str(), "a");
    close(parts(&d, "a").total, 0.58125);
    close(parts(&d, "b").total, 0.88125);
}

pub(super) fn pair() -> Case {
    Case::new(vec![
        node("alpha", 8, 16 * GIB, GIB, 0.1),
        node("bravo", 8, 16 * GIB, GIB, 0.1),
    ])
}

#[test]
fn the_disk_gate_sends_the_vm_to_the_node_with_room() {
    let mut c = pair();
    c.policy = ScoringPolicy::default();
    c.storage = vec![disk("alpha", 100, 99, false), disk("bravo", 500, 100, false)];
    let d = c.decide("medium");
    assert_eq!(codes(&d, "alpha"), ["insufficient_disk"]);
    assert_eq!(d.winner_name().unwrap().as_str(), "bravo");
    close(d.winner().unwrap().score().unwrap(), 0.7789375);
}

#[test]
fn shared_storage_is_one_pool_seen_from_every_node() {
    let mut c = pair();
    c.policy = ScoringPolicy::default();
    c.storage = vec![disk("alpha", 1024, 824, true), disk("bravo", 1024, 824, true)];
    assert!(c.decide("medium").winner().is_some());
    // Seven 30 GiB disks already in flight on alpha leave 200 - 210 GiB: nobody has room.
    c.in_flight = (0..7).map(|_| in_flight("alpha", None, 30)).collect();
    let d = c.decide("medium");
    assert_eq!(codes(&d, "bravo"), ["insufficient_disk"]);
}

#[test]
fn committed_memory_of_stopped_guests_blocks_placement() {
    let mut c = pair();
    c.guests = vec![guest(101, "alpha", 7 * GIB), guest(102, "alpha", 7 * GIB)];
    let d = c.decide("large");
    assert_eq!(codes(&d, "alpha"), ["insufficient_mem"]);
    assert_eq!(d.winner_name().unwrap().as_str(), "bravo");
}

#[test]
fn a_node_without_the_template_is_skipped() {
    let mut c = pair();
    c.templates = templates(&["bravo"]);
    assert_eq!(c.decide("small").winner_name().unwrap().as_str(), "bravo");
}

pub(super) fn in_flight(n: &str, vmid: Option<u32>, disk_gib: u64) -> InFlight {
    InFlight {
        node: name(n),
        vmid: vmid.map(|v| VmId::new(v).unwrap()),
        vcpus: 2,
        mem_bytes: 2 * GIB,
        disk_bytes: disk_gib * GIB,
    }
}
