//! Proxmox's numeric guest id (VMID), unique across a cluster.

use std::fmt;
use std::str::FromStr;

/// A VMID in Proxmox's `pve-vmid` range, 100..=999 999 999.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct VmId(u32);

/// The number was outside Proxmox's VMID range or not a number.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("expected a VM id from 100 to 999999999")]
pub struct VmIdError;

impl VmId {
    pub const MIN: u32 = 100;
    pub const MAX: u32 = 999_999_999;

    pub fn new(id: u32) -> Result<Self, VmIdError> {
        if (Self::MIN..=Self::MAX).contains(&id) {
            Ok(Self(id))
        } else {
            Err(VmIdError)
        }
    }

    pub fn get(self) -> u32 {
        self.0
    }
}

impl TryFrom<i64> for VmId {
    type Error = VmIdError;

    fn try_from(id: i64) -> Result<Self, Self::Error> {
        u32::try_from(id).map_err(|_| VmIdError).and_then(Self::new)
    }
}

impl FromStr for VmId {
    type Err = VmIdError;

    /// Proxmox sends VMIDs both as numbers and as strings (`/cluster/nextid` answers `"201"`).
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let s = s.trim();
        if s.starts_with('0') || !s.bytes().all(|b| b.is_ascii_digit()) {
            return Err(VmIdError);
        }
        s.parse::<u32>().map_err(|_| VmIdError).and_then(Self::new)
    }
}

impl fmt::Display for VmId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.fmt(f)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepts_the_pve_vmid_range_inclusive() {
        assert_eq!(VmId::new(100).unwrap().get(), 100);
        assert_eq!(VmId::new(999_999_999).unwrap().get(), 999_999_999);
        assert_eq!(VmId::new(99), Err(VmIdError));
        assert_eq!(VmId::new(1_000_000_000), Err(VmIdError));
        assert_eq!(VmId::try_from(-5_i64), Err(VmIdError));
    }

    #[test]
    fn parses_the_strings_proxmox_sends_and_refuses_lookalikes() {
        assert_eq!("201".parse::<VmId>().unwrap().get(), 201);
        assert_eq!(" 9000 ".parse::<VmId>().unwrap().to_string(), "9000");
        for bad in ["", "0100", "1e3", "-101", "101.0", "abc", "99"] {
            assert_eq!(bad.parse::<VmId>(), Err(VmIdError), "{bad:?}");
        }
    }
}
