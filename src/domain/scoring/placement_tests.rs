//! Placement behaviours Nimbus adds to the Go version's scoring: placements still in flight count
//! against their node, a rejected node never outranks an accepted one, a zero score is still a
//! fit, and a refusal says what each node lacks.

use super::tests::{Case, guest, in_flight, node, pair, templates};
use super::*;
use crate::domain::cluster::{GIB, MIB};

#[test]
fn placements_still_in_flight_count_against_their_node() {
    let mut c = pair();
    c.in_flight = vec![in_flight("alpha", None, 30)];
    let d = c.decide("small");
    assert_eq!(d.winner_name().unwrap().as_str(), "bravo");
    let alpha = d.assessments().iter().find(|a| a.node.as_str() == "alpha").unwrap();
    assert_eq!(alpha.guests, 1);
    assert_eq!(alpha.free_mem, (13 * GIB) as i64);
}

#[test]
fn an_in_flight_placement_proxmox_already_reports_is_not_counted_twice() {
    let mut c = pair();
    c.guests = vec![guest(150, "alpha", 2 * GIB)];
    c.in_flight = vec![in_flight("alpha", Some(150), 30)];
    let alpha = c.decide("small").assessments()[0].clone();
    assert_eq!(alpha.guests, 1);
    assert_eq!(alpha.free_mem, (14 * GIB) as i64);
}

#[test]
fn a_rejected_node_never_hides_an_accepted_one_with_a_low_score() {
    // alpha barely fits (score < 0.05) and hosts guests; bravo is rejected and empty.
    let mut c = Case::new(vec![
        node("alpha", 8, 2 * GIB, 0, 0.98),
        node("bravo", 8, 16 * GIB, 0, 0.0),
    ]);
    c.nodes[1].online = false;
    c.guests = (0..3).map(|i| guest(500 + i, "alpha", 200 * MIB)).collect();
    let d = c.decide("small");
    assert!(d.winner().unwrap().score().unwrap() < TIE_WINDOW);
    assert_eq!(d.winner_name().unwrap().as_str(), "alpha");
}

#[test]
fn a_node_with_exactly_no_headroom_left_is_still_accepted() {
    // Free memory equals the need and the CPU is saturated: score 0, but every gate passes.
    let c = Case::new(vec![node("edge", 8, 4 * GIB, 4 * GIB - 1280 * MIB, 1.0)]);
    let d = c.decide("small");
    assert_eq!(d.winner().unwrap().score(), Some(0.0));
    assert_eq!(d.refusal(), None);
}

#[test]
fn a_refusal_says_what_was_needed_and_what_each_node_lacks() {
    let mut bravo = node("bravo", 8, 16 * GIB, 0, 0.0);
    bravo.online = false;
    let mut c = Case::new(vec![
        node("alpha", 8, 16 * GIB, 0, 0.0),
        bravo,
        node("charlie", 8, 4 * GIB, 2 * GIB - 100 * MIB, 0.0),
    ]);
    c.policy.excluded = templates(&["alpha"]);
    let d = c.decide("medium");
    assert_eq!(
        d.refusal().unwrap(),
        "no node can take a medium VM (2 vCPU, 2 GiB memory + 256 MiB buffer, 30 GiB disk): \
         alpha excluded by an admin; bravo offline; charlie 2.1 GiB memory free"
    );
    assert_eq!(
        d.summary(),
        "tier=medium winner=none alpha=rejected(excluded) bravo=rejected(offline) charlie=rejected(insufficient_mem)"
    );
    let empty = Case::new(vec![]).decide("small");
    assert!(empty.refusal().unwrap().ends_with("the cluster reported no nodes"));
    assert_eq!(
        d.shortage().unwrap(),
        "no node can take a medium VM (2 vCPU, 2 GiB memory + 256 MiB buffer, 30 GiB disk)",
        "the shortage names no node and no node's figures"
    );
    assert_eq!(
        c.decide("small").shortage().is_some(),
        c.decide("small").refusal().is_some()
    );
}

#[test]
fn a_node_building_its_limit_yields_to_one_with_a_free_slot_until_all_are_busy() {
    // alpha is far roomier, so without the rule it takes every placement.
    let mut c = Case::new(vec![
        node("alpha", 32, 64 * GIB, 0, 0.0),
        node("bravo", 8, 16 * GIB, 8 * GIB, 0.7),
    ]);
    c.in_flight = vec![in_flight("alpha", None, 15), in_flight("alpha", None, 15)];
    assert_eq!(c.decide("small").winner_name().unwrap().as_str(), "alpha");
    c.policy.building_limit = Some(2);
    let d = c.decide("small");
    assert_eq!(d.winner_name().unwrap().as_str(), "bravo", "alpha has no free slot");
    assert_eq!(d.assessments()[0].building, 2);
    assert_eq!(d.preference().len(), 2, "a busy node is still a fit, after the others");
    c.in_flight
        .extend([in_flight("bravo", None, 15), in_flight("bravo", None, 15)]);
    assert_eq!(
        c.decide("small").winner_name().unwrap().as_str(),
        "alpha",
        "when every node is busy the usual ranking decides"
    );
}

#[test]
fn a_burst_spreads_evenly_over_equal_slots_whatever_the_node_sizes() {
    let mut c = Case::new(vec![
        node("alpha", 32, 64 * GIB, 0, 0.0),
        node("bravo", 16, 32 * GIB, 0, 0.0),
        node("charlie", 16, 32 * GIB, 0, 0.0),
    ]);
    c.policy.building_limit = Some(4);
    for _ in 0..12 {
        let winner = c.decide("small").winner_name().unwrap().as_str().to_owned();
        c.in_flight.push(in_flight(&winner, None, 15));
    }
    let per_node = |n: &str| c.in_flight.iter().filter(|p| p.node.as_str() == n).count();
    assert_eq!((per_node("alpha"), per_node("bravo"), per_node("charlie")), (4, 4, 4));
}
