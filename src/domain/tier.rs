//! VM sizes. The four built-in tiers come from the product description; the catalogue is plain
//! data so an admin can add sizes later without a new release.

use std::fmt;

use super::cluster::{GIB, MIB};
use super::role::Role;

/// A tier's name: 1..=32 of `[a-z0-9-]`, starting with a letter.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct TierName(String);

impl TierName {
    pub fn parse(raw: &str) -> Result<Self, TierError> {
        let s = raw.trim();
        let ok = (1..=32).contains(&s.len())
            && s.starts_with(|c: char| c.is_ascii_lowercase())
            && s.bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-');
        if ok {
            Ok(Self(s.to_owned()))
        } else {
            Err(TierError::BadName)
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for TierName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// Who may launch a tier without asking.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Approval {
    /// Anyone may launch it directly.
    None,
    /// Members must request it and an admin approves; admins launch it directly.
    MembersRequest,
}

/// One VM size.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Tier {
    name: TierName,
    vcpus: u32,
    memory_mib: u64,
    disk_gib: u64,
    approval: Approval,
}

/// A tier definition broke a rule. Messages name the field.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TierError {
    #[error("name: use 1 to 32 lowercase letters, digits or '-', starting with a letter")]
    BadName,
    #[error("vcpus: use 1 to 128")]
    BadVcpus,
    #[error("memory: use 256 MiB to 1 TiB")]
    BadMemory,
    #[error("disk: use 1 to 16384 GiB")]
    BadDisk,
    #[error("name: a tier called {0} already exists")]
    Duplicate(TierName),
    #[error("must be one of {known}")]
    Unknown { known: String },
}

impl TierError {
    /// The request field the error is about.
    pub fn field(&self) -> &'static str {
        match self {
            Self::BadName | Self::Duplicate(_) => "name",
            Self::BadVcpus => "vcpus",
            Self::BadMemory => "memory",
            Self::BadDisk => "disk",
            Self::Unknown { .. } => "tier",
        }
    }
}

impl Tier {
    pub fn new(
        name: TierName,
        vcpus: u32,
        memory_mib: u64,
        disk_gib: u64,
        approval: Approval,
    ) -> Result<Self, TierError> {
        if !(1..=128).contains(&vcpus) {
            return Err(TierError::BadVcpus);
        }
        if !(256..=1024 * 1024).contains(&memory_mib) {
            return Err(TierError::BadMemory);
        }
        if !(1..=16384).contains(&disk_gib) {
            return Err(TierError::BadDisk);
        }
        Ok(Self {
            name,
            vcpus,
            memory_mib,
            disk_gib,
            approval,
        })
    }

    pub fn name(&self) -> &TierName {
        &self.name
    }

    pub fn vcpus(&self) -> u32 {
        self.vcpus
    }

    pub fn memory_mib(&self) -> u64 {
        self.memory_mib
    }

    pub fn memory_bytes(&self) -> u64 {
        self.memory_mib * MIB
    }

    /// The VM's disk size. Proxmox reads `G` as GiB, and the disk is resized to exactly this.
    pub fn disk_gib(&self) -> u64 {
        self.disk_gib
    }

    pub fn disk_bytes(&self) -> u64 {
        self.disk_gib * GIB
    }

    pub fn approval(&self) -> Approval {
        self.approval
    }

    /// Whether a request by someone with `role` waits for an admin before anything is reserved.
    pub fn needs_approval_for(&self, role: Role) -> bool {
        self.approval == Approval::MembersRequest && role != Role::Admin
    }
}

/// The tiers on offer, in display order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TierCatalog {
    tiers: Vec<Tier>,
}

impl TierCatalog {
    /// small, medium, large and xl, as the product describes them.
    pub fn builtin() -> Self {
        let t = |name: &str, vcpus, gib: u64, disk, approval| {
            Tier::new(
                TierName::parse(name).expect("built-in name"),
                vcpus,
                gib * 1024,
                disk,
                approval,
            )
            .expect("built-in tier")
        };
        Self {
            tiers: vec![
                t("small", 1, 1, 15, Approval::None),
                t("medium", 2, 2, 30, Approval::None),
                t("large", 4, 4, 60, Approval::None),
                t("xl", 8, 8, 120, Approval::MembersRequest),
            ],
        }
    }

    pub fn tiers(&self) -> &[Tier] {
        &self.tiers
    }

    /// Adds a tier at the end; names stay unique.
    pub fn add(&mut self, tier: Tier) -> Result<(), TierError> {
        if self.tiers.iter().any(|t| t.name == tier.name) {
            return Err(TierError::Duplicate(tier.name));
        }
        self.tiers.push(tier);
        Ok(())
    }

    /// Looks a tier up by the name a user sent; the error lists what exists.
    pub fn find(&self, name: &str) -> Result<&Tier, TierError> {
        let name = name.trim();
        self.tiers
            .iter()
            .find(|t| t.name.as_str() == name)
            .ok_or_else(|| TierError::Unknown {
                known: self
                    .tiers
                    .iter()
                    .map(|t| t.name.as_str())
                    .collect::<Vec<_>>()
                    .join(", "),
            })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn builtin_tiers_match_the_product_sizes() {
        let c = TierCatalog::builtin();
        let sizes: Vec<_> = c
            .tiers()
            .iter()
            .map(|t| (t.name().as_str(), t.vcpus(), t.memory_mib(), t.disk_gib()))
            .collect();
        assert_eq!(
            sizes,
            [
                ("small", 1, 1024, 15),
                ("medium", 2, 2048, 30),
                ("large", 4, 4096, 60),
                ("xl", 8, 8192, 120)
            ]
        );
        assert_eq!(c.find("medium").unwrap().memory_bytes(), 2 * GIB);
        assert_eq!(c.find("large").unwrap().disk_bytes(), 60 * GIB);
    }

    #[test]
    fn only_members_need_approval_and_only_for_xl() {
        let c = TierCatalog::builtin();
        let xl = c.find("xl").unwrap();
        assert!(xl.needs_approval_for(Role::Member));
        assert!(!xl.needs_approval_for(Role::Admin));
        assert!(!c.find("large").unwrap().needs_approval_for(Role::Member));
    }

    #[test]
    fn unknown_tiers_are_refused_with_the_list_of_known_ones() {
        let err = TierCatalog::builtin().find("huge").unwrap_err();
        assert_eq!(err.to_string(), "must be one of small, medium, large, xl");
        assert_eq!(err.field(), "tier");
    }

    #[test]
    fn an_admin_can_add_a_tier_but_not_a_duplicate_or_invalid_one() {
        let mut c = TierCatalog::builtin();
        let gpu = Tier::new(
            TierName::parse("xxl").unwrap(),
            16,
            32768,
            240,
            Approval::MembersRequest,
        )
        .unwrap();
        c.add(gpu).unwrap();
        assert_eq!(c.find("xxl").unwrap().vcpus(), 16);
        let again = Tier::new(TierName::parse("small").unwrap(), 1, 512, 10, Approval::None).unwrap();
        assert_eq!(c.add(again).unwrap_err().field(), "name");
        let name = || TierName::parse("odd").unwrap();
        assert_eq!(Tier::new(name(), 0, 1024, 10, Approval::None), Err(TierError::BadVcpus));
        assert_eq!(Tier::new(name(), 1, 128, 10, Approval::None), Err(TierError::BadMemory));
        assert_eq!(Tier::new(name(), 1, 1024, 0, Approval::None), Err(TierError::BadDisk));
        for bad in ["", "XL", "9x", "x_l", &"t".repeat(33)] {
            assert_eq!(TierName::parse(bad), Err(TierError::BadName), "{bad:?}");
        }
    }
}
