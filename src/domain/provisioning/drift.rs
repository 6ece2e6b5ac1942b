//! Drift: how a finished VM differs from what Proxmox shows for it, and the rule that decides,
//! from one look at Proxmox, the VM's new drift, whether it moved and what its owner is told.
//! Nimbus never "repairs" a VM it did not just build: it follows a migration and reports the rest.

use std::net::Ipv4Addr;

use super::{Event, Provision};
use crate::domain::cluster::NodeName;

/// How a finished VM differs from what Proxmox shows; no drift is `None`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Drift {
    /// No guest has the VM's VMID any more: it was removed outside Nimbus.
    Vanished,
    /// The guest is configured with another address than the one Nimbus gave it.
    AddressChanged,
}

impl Drift {
    /// As sent in the API's `drift` field and kept in the store.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Vanished => "vanished",
            Self::AddressChanged => "address_changed",
        }
    }

    /// The drift written as `text` by [`Drift::as_str`]; `None` for any other text.
    pub fn parse(text: &str) -> Option<Self> {
        [Self::Vanished, Self::AddressChanged]
            .into_iter()
            .find(|d| d.as_str() == text)
    }
}

/// What Proxmox shows for a finished VM's VMID.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Sighting {
    /// No guest has the VMID.
    Absent,
    /// A guest with the VMID is on `node`; `address` is the static one its `ipconfig0` sets, if any.
    Present { node: NodeName, address: Option<Ipv4Addr> },
}

/// What one look at Proxmox changes on a finished VM.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DriftFinding {
    /// The VM's drift from now on.
    pub drift: Option<Drift>,
    /// The node the VM was migrated to, which Nimbus follows.
    pub moved_to: Option<NodeName>,
    /// What the owner and admins are told, in order.
    pub notes: Vec<String>,
}

impl DriftFinding {
    /// The event that records the finding on the provision (the drift itself is kept beside it).
    pub fn event(&self) -> Event {
        Event::DriftObserved {
            moved_to: self.moved_to.clone(),
            notes: self.notes.clone(),
        }
    }
}

/// Compares a finished VM, whose drift is `current`, with what Proxmox shows for its VMID.
/// `None` when nothing changed (same drift, same node): a drift is reported once, not on every
/// look.
pub fn find_drift(provision: &Provision, current: Option<Drift>, seen: &Sighting) -> Option<DriftFinding> {
    let mut notes = Vec::new();
    let mut moved_to = None;
    let drift = match seen {
        Sighting::Absent => Some(Drift::Vanished),
        Sighting::Present { node, address } => {
            if provision.held.node.as_ref() != Some(node) {
                notes.push(format!(
                    "The VM moved to node {node} (migrated in Proxmox); Nimbus follows it there."
                ));
                moved_to = Some(node.clone());
            }
            match address {
                Some(addr) if Some(*addr) != provision.held.ip => {
                    notes.push(format!(
                        "The VM is now configured with another address ({addr}) than Nimbus gave it; SSH details here may be wrong."
                    ));
                    Some(Drift::AddressChanged)
                }
                _ => None,
            }
        }
    };
    if drift == current && moved_to.is_none() {
        return None;
    }
    match (drift, current) {
        (Some(Drift::Vanished), _) => notes.push(
            "The VM no longer exists in Proxmox: it was removed outside Nimbus. Delete it here to free its address."
                .to_owned(),
        ),
        (None, Some(_)) => notes.push("The VM matches Proxmox again.".to_owned()),
        _ => {}
    }
    Some(DriftFinding { drift, moved_to, notes })
}
