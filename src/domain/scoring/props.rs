//! Property tests for scoring: the score's range, that rejected nodes are never picked, that more
//! free memory never hurts a node's rank, and that the pick ignores the order nodes are listed in.

use std::collections::BTreeSet;

use proptest::prelude::*;

use super::*;
use crate::domain::cluster::{GIB, MIB};
use crate::domain::tier::TierCatalog;

#[derive(Debug, Clone)]
struct World {
    nodes: Vec<NodeFigures>,
    guests: Vec<GuestFigures>,
    storage: Vec<StorageFigures>,
    templates: BTreeSet<NodeName>,
    excluded: BTreeSet<NodeName>,
    disk_gate: bool,
    tier: usize,
}

fn arb_node(i: usize) -> impl Strategy<Value = (NodeFigures, u32, bool, bool, u64, u64)> {
    (
        prop::bool::weighted(0.85),
        0.0f64..=1.0,
        prop::sample::select(vec![1u32, 2, 4, 8, 16, 32]),
        0u64..=64,
        0u64..=100,
        0u32..6,
        prop::bool::weighted(0.8),
        prop::bool::weighted(0.1),
        0u64..=2000,
        0u64..=100,
    )
        .prop_map(
            move |(online, load, cpus, mem_gib, used_pct, guests, tpl, excl, disk_gib, disk_pct)| {
                let mem_total = mem_gib * GIB;
                let node = NodeFigures {
                    name: NodeName::parse(&format!("pve{i}")).unwrap(),
                    online,
                    cpu_load: load,
                    cpus,
                    mem_used: mem_total / 100 * used_pct,
                    mem_total,
                };
                (node, guests, tpl, excl, disk_gib * GIB, disk_gib * GIB / 100 * disk_pct)
            },
        )
}

fn arb_world() -> impl Strategy<Value = World> {
    (1usize..=7)
        .prop_flat_map(|n| ((0..n).map(arb_node).collect::<Vec<_>>(), any::<bool>(), 0usize..4))
        .prop_map(|(rows, disk_gate, tier)| {
            let mut w = World {
                nodes: vec![],
                guests: vec![],
                storage: vec![],
                templates: BTreeSet::new(),
                excluded: BTreeSet::new(),
                disk_gate,
                tier,
            };
            let mut next_id = 100;
            for (node, guests, tpl, excl, disk_total, disk_used) in rows {
                for _ in 0..guests {
                    w.guests.push(GuestFigures {
                        vmid: VmId::new(next_id).unwrap(),
                        node: node.name.clone(),
                        template: false,
                        mem_max: 512 * MIB,
                        cpus: 1,
                    });
                    next_id += 1;
                }
                if tpl {
                    w.templates.insert(node.name.clone());
                }
                if excl {
                    w.excluded.insert(node.name.clone());
                }
                w.storage.push(StorageFigures {
                    storage: "local-lvm".into(),
                    node: node.name.clone(),
                    shared: false,
                    total: disk_total,
                    used: disk_used,
                });
                w.nodes.push(node);
            }
            w
        })
}

fn decide(w: &World) -> PlacementDecision {
    let catalog = TierCatalog::builtin();
    let tier = &catalog.tiers()[w.tier];
    let policy = ScoringPolicy {
        excluded: w.excluded.clone(),
        disk_storage: w.disk_gate.then(|| "local-lvm".to_owned()),
        ..ScoringPolicy::default()
    };
    let view = ClusterView {
        nodes: &w.nodes,
        guests: &w.guests,
        storage: &w.storage,
        templates: &w.templates,
        in_flight: &[],
    };
    PlacementDecision::new(tier, &policy, evaluate(tier, &view, &policy))
}

fn position(d: &PlacementDecision, node: &NodeName) -> usize {
    d.ranked().position(|a| &a.node == node).unwrap()
}

proptest! {
    #![proptest_config(crate::domain::proptest_config::with_cases(1024))]

    #[test]
    fn every_score_and_part_lies_between_zero_and_one(w in arb_world()) {
        for a in decide(&w).assessments() {
            if let Verdict::Accepted(p) = &a.verdict {
                for x in [p.total, p.mem, p.cpu, p.disk.unwrap_or(0.5)] {
                    prop_assert!((0.0..=1.0).contains(&x), "{x} out of range for {}", a.node);
                }
            }
        }
    }

    #[test]
    fn a_rejected_node_is_never_picked_and_a_pick_exists_when_any_node_fits(w in arb_world()) {
        let d = decide(&w);
        let any_accepted = d.assessments().iter().any(|a| a.score().is_some());
        prop_assert_eq!(d.winner().is_some(), any_accepted);
        if let Some(win) = d.winner() {
            prop_assert!(win.score().is_some());
        }
        prop_assert_eq!(d.refusal().is_some(), !any_accepted);
        // Every accepted node ranks above every rejected one.
        let scores: Vec<bool> = d.ranked().map(|a| a.score().is_some()).collect();
        prop_assert!(scores.windows(2).all(|p| p[0] || !p[1]));
    }

    #[test]
    fn more_free_memory_never_lowers_a_nodes_rank(w in arb_world(), pick in any::<prop::sample::Index>(), extra_gib in 1u64..=32) {
        let i = pick.index(w.nodes.len());
        let node = w.nodes[i].name.clone();
        let before = position(&decide(&w), &node);
        let mut richer = w.clone();
        richer.nodes[i].mem_total += extra_gib * GIB;
        let after = position(&decide(&richer), &node);
        prop_assert!(after <= before, "{node} went from {before} to {after}");
    }

    #[test]
    fn the_pick_does_not_depend_on_input_order(
        (w, order) in arb_world().prop_flat_map(|w| {
            let n = w.nodes.len();
            (Just(w), Just((0..n).collect::<Vec<_>>()).prop_shuffle())
        })
    ) {
        let mut shuffled = w.clone();
        shuffled.nodes = order.iter().map(|&i| w.nodes[i].clone()).collect();
        shuffled.guests.reverse();
        shuffled.storage.reverse();
        let (a, b) = (decide(&w), decide(&shuffled));
        prop_assert_eq!(a.winner_name(), b.winner_name());
        let ra: Vec<_> = a.ranked().map(|x| x.node.clone()).collect();
        let rb: Vec<_> = b.ranked().map(|x| x.node.clone()).collect();
        prop_assert_eq!(ra, rb);
    }
}
