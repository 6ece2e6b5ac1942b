//! What Nimbus knows about a Proxmox cluster at one moment: node names, node load and capacity,
//! guests and storage. These are the figures the Proxmox port returns and node scoring reads.

use std::fmt;
use std::str::FromStr;

use super::vmid::VmId;

/// A Proxmox node name (`pve-node` format): letters, digits and inner hyphens, at most 63 chars.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct NodeName(String);

/// The text is not a valid Proxmox node name.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("expected a node name of letters, digits and inner '-' (at most 63 characters)")]
pub struct NodeNameError;

impl NodeName {
    pub fn parse(raw: &str) -> Result<Self, NodeNameError> {
        let s = raw.trim();
        let ok = !s.is_empty()
            && s.len() <= 63
            && s.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-')
            && !s.starts_with('-')
            && !s.ends_with('-');
        if ok { Ok(Self(s.to_owned())) } else { Err(NodeNameError) }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl FromStr for NodeName {
    type Err = NodeNameError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::parse(s)
    }
}

impl fmt::Display for NodeName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

pub const MIB: u64 = 1024 * 1024;
pub const GIB: u64 = 1024 * MIB;

/// A node as `/nodes` reports it.
#[derive(Debug, Clone, PartialEq)]
pub struct NodeFigures {
    pub name: NodeName,
    pub online: bool,
    /// Recent CPU load, 0.0 (idle) to 1.0 (saturated).
    pub cpu_load: f64,
    /// Logical CPUs (threads).
    pub cpus: u32,
    pub mem_used: u64,
    pub mem_total: u64,
}

/// A guest (QEMU VM or LXC container) as `/cluster/resources?type=vm` reports it.
#[derive(Debug, Clone, PartialEq)]
pub struct GuestFigures {
    pub vmid: VmId,
    pub node: NodeName,
    pub template: bool,
    /// Configured memory (`maxmem`), committed whether or not the guest runs.
    pub mem_max: u64,
    pub cpus: u32,
}

/// One storage row of `/cluster/resources?type=storage`: a storage as seen from one node.
#[derive(Debug, Clone, PartialEq)]
pub struct StorageFigures {
    pub storage: String,
    pub node: NodeName,
    /// A shared storage (Ceph, NFS, ...) is one pool reported once per node.
    pub shared: bool,
    pub total: u64,
    pub used: u64,
}

/// Renders a byte count the way people read memory and disk sizes: `2.1 GiB`, `512 MiB`.
pub fn human_bytes(bytes: i64) -> String {
    let sign = if bytes < 0 { "-" } else { "" };
    let b = bytes.unsigned_abs();
    if b >= GIB {
        let tenths = (b * 10 + GIB / 2) / GIB;
        if tenths.is_multiple_of(10) {
            format!("{sign}{} GiB", tenths / 10)
        } else {
            format!("{sign}{}.{} GiB", tenths / 10, tenths % 10)
        }
    } else {
        format!("{sign}{} MiB", (b + MIB / 2) / MIB)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn node_names_follow_the_pve_node_format() {
        assert_eq!(NodeName::parse(" pve-1 ").unwrap().as_str(), "pve-1");
        assert_eq!(NodeName::parse("PVE2").unwrap().to_string(), "PVE2");
        for bad in ["", "-pve", "pve-", "pve.lan", "pve_1", &"n".repeat(64)] {
            assert_eq!(NodeName::parse(bad), Err(NodeNameError), "{bad:?}");
        }
    }

    #[test]
    fn byte_counts_read_as_people_say_them() {
        assert_eq!(human_bytes(2 * GIB as i64), "2 GiB");
        assert_eq!(human_bytes((21 * GIB / 10) as i64), "2.1 GiB");
        assert_eq!(human_bytes(512 * MIB as i64), "512 MiB");
        assert_eq!(human_bytes(-(256 * MIB as i64)), "-256 MiB");
        assert_eq!(human_bytes(0), "0 MiB");
    }
}
