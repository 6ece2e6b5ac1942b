//! Drift decisions, one per case of what Proxmox can show for a finished VM, and recording them
//! only on a finished VM.

use std::net::Ipv4Addr;

use super::tests::{at, ip, node, t};
use super::*;
use crate::domain::cluster::NodeName;

const VANISHED: &str =
    "The VM no longer exists in Proxmox: it was removed outside Nimbus. Delete it here to free its address.";
const MATCHES: &str = "The VM matches Proxmox again.";

/// A finished VM on `node()` with address `ip()`.
fn ready() -> Provision {
    let p = at(15);
    assert_eq!(p.phase, Phase::Ready);
    assert_eq!((p.held.node.clone(), p.held.ip), (Some(node()), Some(ip())));
    p
}

fn on(node: &str, address: Option<Ipv4Addr>) -> Sighting {
    Sighting::Present {
        node: NodeName::parse(node).unwrap(),
        address,
    }
}

fn other_ip() -> Ipv4Addr {
    Ipv4Addr::new(127, 77, 0, 99)
}

fn moved_note(node: &str) -> String {
    format!("The VM moved to node {node} (migrated in Proxmox); Nimbus follows it there.")
}

fn address_note(addr: Ipv4Addr) -> String {
    format!(
        "The VM is now configured with another address ({addr}) than Nimbus gave it; SSH details here may be wrong."
    )
}

#[test]
fn a_vm_where_nimbus_left_it_with_its_own_address_has_nothing_to_report() {
    assert_eq!(find_drift(&ready(), None, &on("pve2", Some(ip()))), None);
}

#[test]
fn a_vm_without_a_static_address_in_proxmox_is_not_drift() {
    assert_eq!(find_drift(&ready(), None, &on("pve2", None)), None);
}

#[test]
fn a_vm_gone_from_proxmox_vanished_and_its_owner_is_told_once() {
    let found = find_drift(&ready(), None, &Sighting::Absent).unwrap();
    assert_eq!(
        found,
        DriftFinding {
            drift: Some(Drift::Vanished),
            moved_to: None,
            notes: vec![VANISHED.into()],
        }
    );
    assert_eq!(find_drift(&ready(), Some(Drift::Vanished), &Sighting::Absent), None);
}

#[test]
fn a_vm_with_another_address_changed_address_and_is_reported_once() {
    let found = find_drift(&ready(), None, &on("pve2", Some(other_ip()))).unwrap();
    assert_eq!(found.drift, Some(Drift::AddressChanged));
    assert_eq!(found.moved_to, None);
    assert_eq!(found.notes, [address_note(other_ip())]);
    let again = find_drift(&ready(), Some(Drift::AddressChanged), &on("pve2", Some(other_ip())));
    assert_eq!(again, None);
}

#[test]
fn a_migrated_vm_is_followed_to_its_new_node_without_drift() {
    let found = find_drift(&ready(), None, &on("pve9", Some(ip()))).unwrap();
    assert_eq!(
        found,
        DriftFinding {
            drift: None,
            moved_to: Some(NodeName::parse("pve9").unwrap()),
            notes: vec![moved_note("pve9")],
        }
    );
}

#[test]
fn a_vm_migrated_and_readdressed_is_followed_and_reported_in_that_order() {
    let found = find_drift(&ready(), None, &on("pve9", Some(other_ip()))).unwrap();
    assert_eq!(found.drift, Some(Drift::AddressChanged));
    assert_eq!(found.moved_to, Some(NodeName::parse("pve9").unwrap()));
    assert_eq!(found.notes, [moved_note("pve9"), address_note(other_ip())]);
}

#[test]
fn a_vm_that_matches_again_clears_its_drift_and_says_so() {
    for before in [Drift::Vanished, Drift::AddressChanged] {
        let found = find_drift(&ready(), Some(before), &on("pve2", Some(ip()))).unwrap();
        assert_eq!(found.drift, None, "{before:?}");
        assert_eq!(found.notes, [MATCHES], "{before:?}");
    }
}

#[test]
fn a_vanished_vm_that_reappears_elsewhere_is_followed_and_matches_again() {
    let found = find_drift(&ready(), Some(Drift::Vanished), &on("pve9", Some(ip()))).unwrap();
    assert_eq!(found.drift, None);
    assert_eq!(found.notes, [moved_note("pve9"), MATCHES.into()]);
}

#[test]
fn a_readdressed_vm_that_then_vanishes_is_reported_as_vanished() {
    let found = find_drift(&ready(), Some(Drift::AddressChanged), &Sighting::Absent).unwrap();
    assert_eq!(found.drift, Some(Drift::Vanished));
    assert_eq!(found.notes, [VANISHED]);
}

#[test]
fn a_finding_is_recorded_on_a_finished_vm_as_its_new_node_and_notes() {
    let mut p = ready();
    let found = find_drift(&p, None, &on("pve9", Some(other_ip()))).unwrap();
    p.apply(found.event(), t(200)).unwrap();
    assert_eq!(p.phase, Phase::Ready);
    assert_eq!(p.held.node, Some(NodeName::parse("pve9").unwrap()));
    assert_eq!(
        p.held.ip,
        Some(ip()),
        "Nimbus reports an address change, it does not adopt it"
    );
    assert_eq!(p.notes, found.notes);
}

#[test]
fn a_finding_is_refused_on_a_vm_that_is_not_finished() {
    let event = Event::DriftObserved {
        moved_to: Some(NodeName::parse("pve9").unwrap()),
        notes: vec![VANISHED.into()],
    };
    for mut p in [at(3), at(10)] {
        let before = p.clone();
        let err = p.apply(event.clone(), t(200)).unwrap_err();
        assert!(
            matches!(
                err,
                TransitionError::Illegal {
                    event: "drift_observed",
                    ..
                }
            ),
            "{err}"
        );
        assert_eq!(p, before);
    }
}

#[test]
fn drift_reads_back_from_its_own_text_and_from_nothing_else() {
    for d in [Drift::Vanished, Drift::AddressChanged] {
        assert_eq!(Drift::parse(d.as_str()), Some(d));
    }
    assert_eq!(Drift::Vanished.as_str(), "vanished");
    assert_eq!(Drift::AddressChanged.as_str(), "address_changed");
    assert_eq!(Drift::parse("moved"), None);
}
