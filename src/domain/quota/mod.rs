//! Per-member limits: how many machines, vCPUs, memory and disk a member may hold at once, and the
//! largest tier they may launch without an admin's approval. Admins set defaults and per-member
//! overrides; admins themselves are not limited.
//!
//! Usage counts every machine that exists or is being built (not requests waiting for approval,
//! denied requests or rolled-back provisions). A request is admitted when usage plus the request
//! stays within every limit; a refusal names the first limit it would break. Requests waiting for
//! approval count toward no machine limit, so they have a cap of their own (`max_pending`): a
//! waiting request holds its hostname, and without a cap one member could hold thousands.

use std::fmt;

use super::tier::{Tier, TierCatalog, TierName};

/// A member's limits. `None` means no limit.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct QuotaLimits {
    pub max_vms: Option<u32>,
    pub max_vcpus: Option<u32>,
    pub max_memory_mib: Option<u64>,
    pub max_disk_gib: Option<u64>,
    /// Tiers larger than this one need an admin's approval (on top of tiers that always do);
    /// `None` adds no such rule.
    pub approval_above: Option<TierName>,
    /// Requests waiting for an admin's approval at once.
    pub max_pending: Option<u32>,
}

/// What a member's machines take up, or what one request asks for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Usage {
    pub vms: u32,
    pub vcpus: u32,
    pub memory_mib: u64,
    pub disk_gib: u64,
}

impl Usage {
    /// One machine of these dimensions.
    pub fn one(vcpus: u32, memory_mib: u64, disk_gib: u64) -> Self {
        Self {
            vms: 1,
            vcpus,
            memory_mib,
            disk_gib,
        }
    }

    pub fn of_tier(tier: &Tier) -> Self {
        Self::one(tier.vcpus(), tier.memory_mib(), tier.disk_gib())
    }

    pub fn plus(self, other: Self) -> Self {
        Self {
            vms: self.vms.saturating_add(other.vms),
            vcpus: self.vcpus.saturating_add(other.vcpus),
            memory_mib: self.memory_mib.saturating_add(other.memory_mib),
            disk_gib: self.disk_gib.saturating_add(other.disk_gib),
        }
    }
}

/// The limit a request would break, with the figures to explain it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum QuotaBreach {
    Vms { limit: u32, used: u32 },
    Vcpus { limit: u32, used: u32, asked: u32 },
    MemoryMib { limit: u64, used: u64, asked: u64 },
    DiskGib { limit: u64, used: u64, asked: u64 },
    Pending { limit: u32, waiting: u32 },
}

impl QuotaBreach {
    /// Stable name of the limit, as in the API (`max_vms`, `max_vcpus`, ...).
    pub fn limit_name(&self) -> &'static str {
        match self {
            Self::Vms { .. } => "max_vms",
            Self::Vcpus { .. } => "max_vcpus",
            Self::MemoryMib { .. } => "max_memory_mib",
            Self::DiskGib { .. } => "max_disk_gib",
            Self::Pending { .. } => "max_pending",
        }
    }
}

fn gib(mib: u64) -> String {
    let whole = mib / 1024;
    if mib.is_multiple_of(1024) {
        format!("{whole} GiB")
    } else {
        format!("{:.1} GiB", mib as f64 / 1024.0)
    }
}

impl fmt::Display for QuotaBreach {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match *self {
            Self::Vms { limit, used } => write!(
                f,
                "The quota allows {limit} machine{} and {used} {} in use.",
                if limit == 1 { "" } else { "s" },
                if used == 1 { "is" } else { "are" }
            ),
            Self::Vcpus { limit, used, asked } => write!(
                f,
                "The quota allows {limit} vCPUs in total; {used} are in use and this machine needs {asked}."
            ),
            Self::MemoryMib { limit, used, asked } => write!(
                f,
                "The quota allows {} of memory in total; {} is in use and this machine needs {}.",
                gib(limit),
                gib(used),
                gib(asked)
            ),
            Self::DiskGib { limit, used, asked } => write!(
                f,
                "The quota allows {limit} GB of disk in total; {used} GB is in use and this machine needs {asked} GB."
            ),
            Self::Pending { limit, waiting } => write!(
                f,
                "The quota allows {limit} request{} waiting for an admin's approval at once, and {waiting} {} waiting.",
                if limit == 1 { "" } else { "s" },
                if waiting == 1 { "is" } else { "are" }
            ),
        }
    }
}

impl QuotaLimits {
    /// Whether `asked` fits beside `used`; the first limit broken otherwise (machines, vCPUs,
    /// memory, disk).
    pub fn admit(&self, used: Usage, asked: Usage) -> Result<(), QuotaBreach> {
        let after = used.plus(asked);
        if let Some(limit) = self.max_vms
            && after.vms > limit
        {
            return Err(QuotaBreach::Vms { limit, used: used.vms });
        }
        if let Some(limit) = self.max_vcpus
            && after.vcpus > limit
        {
            return Err(QuotaBreach::Vcpus {
                limit,
                used: used.vcpus,
                asked: asked.vcpus,
            });
        }
        if let Some(limit) = self.max_memory_mib
            && after.memory_mib > limit
        {
            return Err(QuotaBreach::MemoryMib {
                limit,
                used: used.memory_mib,
                asked: asked.memory_mib,
            });
        }
        if let Some(limit) = self.max_disk_gib
            && after.disk_gib > limit
        {
            return Err(QuotaBreach::DiskGib {
                limit,
                used: used.disk_gib,
                asked: asked.disk_gib,
            });
        }
        Ok(())
    }

    /// Whether one more request may wait for approval beside the `waiting` ones.
    pub fn admit_request(&self, waiting: u32) -> Result<(), QuotaBreach> {
        match self.max_pending {
            Some(limit) if waiting >= limit => Err(QuotaBreach::Pending { limit, waiting }),
            _ => Ok(()),
        }
    }

    /// Whether a member launching `tier` must wait for an admin: the tier always needs approval,
    /// or it is listed after the member's `approval_above` tier.
    pub fn needs_approval(&self, tier: &Tier, catalog: &TierCatalog) -> bool {
        if tier.approval() == super::tier::Approval::MembersRequest {
            return true;
        }
        let Some(above) = &self.approval_above else {
            return false;
        };
        let position = |name: &TierName| catalog.tiers().iter().position(|t| t.name() == name);
        match (position(tier.name()), position(above)) {
            (Some(asked), Some(allowed)) => asked > allowed,
            _ => false,
        }
    }

    /// What is left under each limit (`None` where there is no limit).
    pub fn headroom(&self, used: Usage) -> Headroom {
        Headroom {
            vms: self.max_vms.map(|l| l.saturating_sub(used.vms)),
            vcpus: self.max_vcpus.map(|l| l.saturating_sub(used.vcpus)),
            memory_mib: self.max_memory_mib.map(|l| l.saturating_sub(used.memory_mib)),
            disk_gib: self.max_disk_gib.map(|l| l.saturating_sub(used.disk_gib)),
        }
    }
}

/// What a member may still add; `None` where there is no limit.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Headroom {
    pub vms: Option<u32>,
    pub vcpus: Option<u32>,
    pub memory_mib: Option<u64>,
    pub disk_gib: Option<u64>,
}

/// A limit value outside what Nimbus accepts. Messages name the field.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum QuotaError {
    #[error("{field}: use a whole number from 0 to {max}, or leave it empty for no limit")]
    OutOfRange { field: &'static str, max: u64 },
    #[error("approval_above: must be one of {known}, or empty")]
    UnknownTier { known: String },
}

impl QuotaError {
    pub fn field(&self) -> &'static str {
        match self {
            Self::OutOfRange { field, .. } => field,
            Self::UnknownTier { .. } => "approval_above",
        }
    }
}

impl QuotaLimits {
    /// Checks limits an admin typed: each within a sane range, the tier one Nimbus offers.
    pub fn checked(
        max_vms: Option<u64>,
        max_vcpus: Option<u64>,
        max_memory_mib: Option<u64>,
        max_disk_gib: Option<u64>,
        max_pending: Option<u64>,
        approval_above: Option<&str>,
        catalog: &TierCatalog,
    ) -> Result<Self, QuotaError> {
        let within = |field: &'static str, value: Option<u64>, max: u64| match value {
            Some(v) if v > max => Err(QuotaError::OutOfRange { field, max }),
            other => Ok(other),
        };
        let approval_above = match approval_above.map(str::trim).filter(|s| !s.is_empty()) {
            None => None,
            Some(name) => Some(
                catalog
                    .find(name)
                    .map_err(|_| QuotaError::UnknownTier {
                        known: catalog
                            .tiers()
                            .iter()
                            .map(|t| t.name().as_str())
                            .collect::<Vec<_>>()
                            .join(", "),
                    })?
                    .name()
                    .clone(),
            ),
        };
        Ok(Self {
            max_vms: within("max_vms", max_vms, 10_000)?.map(|v| v as u32),
            max_vcpus: within("max_vcpus", max_vcpus, 100_000)?.map(|v| v as u32),
            max_memory_mib: within("max_memory_mib", max_memory_mib, 1 << 30)?,
            max_disk_gib: within("max_disk_gib", max_disk_gib, 1 << 30)?,
            approval_above,
            max_pending: within("max_pending", max_pending, 1_000)?.map(|v| v as u32),
        })
    }
}

#[cfg(test)]
mod tests;
