//! The ownership marker Nimbus writes into the description of every VM it makes. A VM is
//! Nimbus's to stop or destroy only when its description carries the marker of the run that
//! built it; anything else on the cluster is never touched.
//!
//! Markers have kinds, so every Nimbus-made VM is recognised whatever made it: a provision's
//! clone (`nimbus-id:`), a template bake (`nimbus-bake:`, also on a bake that failed half-way)
//! and a warm-pool spare (`nimbus-spare:`). The reconcilers never adopt or flag any of them as
//! foreign.

use uuid::Uuid;

use super::hostname::Hostname;
use super::ids::InstanceId;

/// What made a VM.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum MarkerKind {
    /// A provision's clone; the id is the provision's.
    Provision,
    /// A template bake; the id is the bake run's.
    Bake,
    /// A warm-pool spare waiting to be handed out; the id is the spare's.
    Spare,
}

impl MarkerKind {
    const ALL: [MarkerKind; 3] = [MarkerKind::Provision, MarkerKind::Bake, MarkerKind::Spare];

    /// The key of the marker line in a VM's description.
    fn key(self) -> &'static str {
        match self {
            MarkerKind::Provision => "nimbus-id:",
            MarkerKind::Bake => "nimbus-bake:",
            MarkerKind::Spare => "nimbus-spare:",
        }
    }
}

/// A marker found in a description.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Marker {
    pub kind: MarkerKind,
    pub id: InstanceId,
}

/// The description a new clone gets: a readable line for people looking in the Proxmox UI and
/// the marker line naming the provision.
pub fn describe(id: InstanceId, hostname: &Hostname) -> String {
    format!(
        "Managed by Nimbus ({hostname}). Delete it from Nimbus, not here.\n{} {id}\n",
        MarkerKind::Provision.key()
    )
}

/// The description of a VM being baked into a template (and, after, of the template).
pub fn describe_bake(id: InstanceId, os_label: &str) -> String {
    format!(
        "Nimbus template for {os_label}, made by the template bootstrap. Rebuild it from Nimbus \
         (Admin → Templates), not here.\n{} {id}\n",
        MarkerKind::Bake.key()
    )
}

/// The marker in `description`, whatever its kind.
pub fn find_marker(description: &str) -> Option<Marker> {
    description.lines().find_map(|line| {
        let line = line.trim();
        MarkerKind::ALL.iter().find_map(|&kind| {
            let rest = line.strip_prefix(kind.key())?;
            let id = Uuid::parse_str(rest.trim()).ok().map(InstanceId::from_uuid)?;
            Some(Marker { kind, id })
        })
    })
}

/// The run named by the marker in `description`, if it has one (of any kind).
pub fn find(description: &str) -> Option<InstanceId> {
    find_marker(description).map(|m| m.id)
}

/// Whether `description` carries exactly this provision's marker.
pub fn is_mine(description: Option<&str>, id: InstanceId) -> bool {
    is_marked(description, MarkerKind::Provision, id)
}

/// Whether `description` carries exactly this marker.
pub fn is_marked(description: Option<&str>, kind: MarkerKind, id: InstanceId) -> bool {
    description.and_then(find_marker) == Some(Marker { kind, id })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn id(n: u128) -> InstanceId {
        InstanceId::from_uuid(Uuid::from_u128(n))
    }

    #[test]
    fn a_description_round_trips_its_marker() {
        let host = Hostname::parse("web-1").unwrap();
        let text = describe(id(7), &host);
        assert!(text.contains("web-1"));
        assert_eq!(find(&text), Some(id(7)));
        assert!(is_mine(Some(&text), id(7)));
        assert!(!is_mine(Some(&text), id(8)));
    }

    #[test]
    fn descriptions_without_a_marker_are_never_ours() {
        assert_eq!(find("my own VM, hands off"), None);
        assert_eq!(find("nimbus-id: not-a-uuid"), None);
        assert_eq!(find("nimbus-bake: not-a-uuid"), None);
        assert!(!is_mine(None, id(1)));
        assert!(!is_mine(Some(""), id(1)));
    }

    #[test]
    fn the_marker_is_found_among_other_lines_and_spaces() {
        let text = format!("notes from an admin\n  nimbus-id:   {}  \nmore", id(3));
        assert_eq!(find(&text), Some(id(3)));
    }

    #[test]
    fn a_bake_is_recognised_as_nimbus_made_but_is_no_provision() {
        let text = describe_bake(id(9), "Debian 12");
        assert!(text.contains("Debian 12"));
        assert_eq!(
            find_marker(&text),
            Some(Marker {
                kind: MarkerKind::Bake,
                id: id(9)
            })
        );
        assert_eq!(find(&text), Some(id(9)));
        assert!(!is_mine(Some(&text), id(9)), "a bake's VM is never a provision's");
        assert!(is_marked(Some(&text), MarkerKind::Bake, id(9)));
    }

    #[test]
    fn every_kind_round_trips() {
        for kind in MarkerKind::ALL {
            let text = format!("x\n{} {}\n", kind.key(), id(5));
            assert_eq!(find_marker(&text), Some(Marker { kind, id: id(5) }));
        }
    }
}
