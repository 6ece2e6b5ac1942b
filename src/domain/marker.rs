//! The ownership marker Nimbus writes into the description of every VM it clones. A VM is
//! Nimbus's to stop or destroy only when its description carries the marker of the provision
//! that built it; anything else on the cluster is never touched.

use uuid::Uuid;

use super::hostname::Hostname;
use super::ids::InstanceId;

/// The key of the marker line in a VM's description.
const KEY: &str = "nimbus-id:";

/// The description a new clone gets: a readable line for people looking in the Proxmox UI and
/// the marker line naming the provision.
pub fn describe(id: InstanceId, hostname: &Hostname) -> String {
    format!("Managed by Nimbus ({hostname}). Delete it from Nimbus, not here.\n{KEY} {id}\n")
}

/// The provision named by the marker in `description`, if it has one.
pub fn find(description: &str) -> Option<InstanceId> {
    description.lines().find_map(|line| {
        let rest = line.trim().strip_prefix(KEY)?;
        Uuid::parse_str(rest.trim()).ok().map(InstanceId::from_uuid)
    })
}

/// Whether `description` carries exactly this provision's marker.
pub fn is_mine(description: Option<&str>, id: InstanceId) -> bool {
    description.and_then(find) == Some(id)
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
        assert!(!is_mine(None, id(1)));
        assert!(!is_mine(Some(""), id(1)));
    }

    #[test]
    fn the_marker_is_found_among_other_lines_and_spaces() {
        let text = format!("notes from an admin\n  nimbus-id:   {}  \nmore", id(3));
        assert_eq!(find(&text), Some(id(3)));
    }
}
