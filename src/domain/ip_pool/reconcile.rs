//! Converging the pool with what Proxmox and the LAN say, as a pure decision over (pool rows,
//! Proxmox snapshot, LAN probe results, provisions, now). The caller applies the actions.

use std::collections::{BTreeMap, BTreeSet};
use std::net::Ipv4Addr;

use chrono::{DateTime, Utc};

use super::address::{AddressState, Holder, PoolAddress};
use super::lease::{LeasePolicy, ProvisionLiveness};
use crate::domain::cluster::NodeName;
use crate::domain::ids::InstanceId;
use crate::domain::vmid::VmId;

/// A Proxmox guest configured with a static address (`ipconfig0`, or an LXC `netN`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Claim {
    pub addr: Ipv4Addr,
    pub vmid: VmId,
    pub node: NodeName,
    pub name: String,
    /// The Nimbus ownership marker in the guest's description, if any.
    pub marker: Option<InstanceId>,
}

/// What Proxmox reported in one pass.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ProxmoxSnapshot {
    pub claims: Vec<Claim>,
    /// Every guest seen, with or without a static address.
    pub vmids: BTreeSet<VmId>,
    /// False when some online node could not be listed. A partial snapshot still adopts and
    /// reports what it saw, but never counts a miss: absence from it proves nothing.
    pub complete: bool,
}

/// A LAN probe's answer for one address.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Probe {
    Answered,
    Silent,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ReconcilePolicy {
    /// Consecutive misses after which an allocated address is vacated.
    pub miss_threshold: u32,
    pub lease: LeasePolicy,
}

/// What to do to one row.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Action {
    /// The holder was seen where the row says.
    Touch,
    /// A reservation's clone now shows up with the address: record its VMID.
    AttachVmid(VmId),
    /// A free address is used by a Proxmox guest.
    Adopt { vmid: VmId, name: String },
    /// An address the LAN probe had attributed to a LAN host is in fact a Proxmox guest's.
    Promote { vmid: VmId, name: String },
    /// A free address answers on the LAN.
    MarkExternal,
    /// The holder was not seen; the counter becomes `missed`.
    Miss { missed: u32 },
    /// The holder has been missing for the threshold: the address is free again.
    Vacate,
    /// The reservation's provision ended or stopped renewing.
    Expire,
}

impl Action {
    /// Applies the decision to the row it was made for.
    pub fn apply(&self, row: &mut PoolAddress, now: DateTime<Utc>) {
        match self {
            Self::Touch => row.seen(now),
            Self::AttachVmid(vmid) => {
                if let AddressState::Reserved(r) = &mut row.state {
                    r.vmid = Some(*vmid);
                }
                row.seen(now);
            }
            Self::Adopt { vmid, name } | Self::Promote { vmid, name } => row.adopt(*vmid, name, now),
            Self::MarkExternal => {
                // Decided on a free row; if it changed since, leaving it alone is right.
                let _ = row.mark_external(now);
            }
            Self::Miss { missed } => row.missed = *missed,
            Self::Vacate | Self::Expire => row.release(),
        }
    }
}

/// Something reconcile will not fix on its own; shown to admins.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Conflict {
    /// The row names one holder, Proxmox another.
    DifferentGuest {
        addr: Ipv4Addr,
        recorded: Option<VmId>,
        claimed: VmId,
        node: NodeName,
    },
    /// Two or more guests are configured with the same address.
    DuplicateClaim { addr: Ipv4Addr, vmids: Vec<VmId> },
    /// An address reserved for a provision is already configured on another guest.
    ReservedButClaimed {
        addr: Ipv4Addr,
        provision: InstanceId,
        vmid: VmId,
    },
    /// An address reserved for a provision answers on the LAN.
    ReservedButAnswering { addr: Ipv4Addr, provision: InstanceId },
}

#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ReconcilePlan {
    pub actions: Vec<(Ipv4Addr, Action)>,
    pub conflicts: Vec<Conflict>,
    /// Rows that needed nothing.
    pub unchanged: usize,
}

/// Decides, row by row in numeric order, how to converge the pool. Claims on addresses outside
/// the pool are ignored.
pub fn reconcile(
    rows: &[PoolAddress],
    snapshot: &ProxmoxSnapshot,
    probes: &BTreeMap<Ipv4Addr, Probe>,
    provisions: &BTreeMap<InstanceId, ProvisionLiveness>,
    now: DateTime<Utc>,
    policy: &ReconcilePolicy,
) -> ReconcilePlan {
    let mut by_addr: BTreeMap<Ipv4Addr, Vec<&Claim>> = BTreeMap::new();
    for c in &snapshot.claims {
        by_addr.entry(c.addr).or_default().push(c);
    }
    let mut sorted: Vec<&PoolAddress> = rows.iter().collect();
    sorted.sort_by_key(|r| u32::from(r.addr));

    let mut plan = ReconcilePlan::default();
    for row in sorted {
        let mut claims = by_addr.get(&row.addr).cloned().unwrap_or_default();
        claims.sort_by_key(|c| c.vmid);
        if claims.len() > 1 {
            plan.conflicts.push(Conflict::DuplicateClaim {
                addr: row.addr,
                vmids: claims.iter().map(|c| c.vmid).collect(),
            });
        }
        let action = decide(
            row,
            &claims,
            snapshot,
            probes.get(&row.addr),
            provisions,
            now,
            policy,
            &mut plan,
        );
        match action {
            Some(a) => plan.actions.push((row.addr, a)),
            None => plan.unchanged += 1,
        }
    }
    plan
}

#[allow(clippy::too_many_arguments)]
fn decide(
    row: &PoolAddress,
    claims: &[&Claim],
    snapshot: &ProxmoxSnapshot,
    probe: Option<&Probe>,
    provisions: &BTreeMap<InstanceId, ProvisionLiveness>,
    now: DateTime<Utc>,
    policy: &ReconcilePolicy,
    plan: &mut ReconcilePlan,
) -> Option<Action> {
    let recorded = match &row.state {
        AddressState::Allocated {
            holder: Holder::Local { vmid, .. } | Holder::Adopted { vmid, .. },
            ..
        } => Some(*vmid),
        _ => None,
    };
    if let Some(first) = claims.first() {
        if let Some(v) = recorded
            && claims.iter().any(|c| c.vmid == v)
        {
            return Some(Action::Touch);
        }
        return match &row.state {
            AddressState::Free => Some(Action::Adopt {
                vmid: first.vmid,
                name: first.name.clone(),
            }),
            AddressState::Allocated {
                holder: Holder::External,
                ..
            } => Some(Action::Promote {
                vmid: first.vmid,
                name: first.name.clone(),
            }),
            AddressState::Reserved(r) => {
                if claims.iter().any(|c| Some(c.vmid) == r.vmid) {
                    Some(Action::Touch)
                } else if let Some(c) = claims.iter().find(|c| c.marker == Some(r.provision)) {
                    Some(Action::AttachVmid(c.vmid))
                } else {
                    plan.conflicts.push(Conflict::ReservedButClaimed {
                        addr: row.addr,
                        provision: r.provision,
                        vmid: first.vmid,
                    });
                    None
                }
            }
            AddressState::Allocated { holder, .. } => {
                // The recorded guest is gone from a complete snapshot: an adopted address simply
                // follows its new guest. A Nimbus VM's address is never reassigned silently.
                let gone = snapshot.complete && recorded.is_some_and(|v| !snapshot.vmids.contains(&v));
                if gone && matches!(holder, Holder::Adopted { .. }) {
                    Some(Action::Adopt {
                        vmid: first.vmid,
                        name: first.name.clone(),
                    })
                } else {
                    plan.conflicts.push(Conflict::DifferentGuest {
                        addr: row.addr,
                        recorded,
                        claimed: first.vmid,
                        node: first.node.clone(),
                    });
                    None
                }
            }
        };
    }

    match &row.state {
        AddressState::Free => (probe == Some(&Probe::Answered)).then_some(Action::MarkExternal),
        AddressState::Reserved(r) => {
            let owner = provisions
                .get(&r.provision)
                .copied()
                .unwrap_or(ProvisionLiveness::Ended);
            if policy.lease.expired(r, owner, now) {
                Some(Action::Expire)
            } else {
                if probe == Some(&Probe::Answered) {
                    plan.conflicts.push(Conflict::ReservedButAnswering {
                        addr: row.addr,
                        provision: r.provision,
                    });
                }
                None
            }
        }
        AddressState::Allocated {
            holder: Holder::External,
            ..
        } => match probe {
            Some(Probe::Answered) => Some(Action::Touch),
            Some(Probe::Silent) => Some(miss(row, policy)),
            None => None,
        },
        AddressState::Allocated { .. } => snapshot.complete.then(|| miss(row, policy)),
    }
}

fn miss(row: &PoolAddress, policy: &ReconcilePolicy) -> Action {
    let missed = row.missed.saturating_add(1);
    if missed >= policy.miss_threshold {
        Action::Vacate
    } else {
        Action::Miss { missed }
    }
}
