//! One pool address and the transitions it may go through. Every transition either applies whole
//! or returns an error and leaves the address unchanged.

use std::net::Ipv4Addr;

use chrono::{DateTime, Utc};

use crate::domain::ids::InstanceId;
use crate::domain::vmid::VmId;

/// An address held for a provision that has not finished. The provision renews it while it makes
/// progress; see [`super::LeasePolicy`] for when it may be taken back.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reservation {
    pub provision: InstanceId,
    /// Set once the provision has a VMID, so reconcile recognises the clone as the holder.
    pub vmid: Option<VmId>,
    pub reserved_at: DateTime<Utc>,
    pub renewed_at: DateTime<Utc>,
}

/// Who holds an allocated address.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Holder {
    /// A VM this Nimbus built.
    Local { instance: InstanceId, vmid: VmId },
    /// A Proxmox guest found using the address (another tool's VM, or a Nimbus VM whose record
    /// was lost). Nimbus never hands the address out while it is there.
    Adopted { vmid: VmId, name: String },
    /// A LAN host that is not a Proxmox guest, found by the LAN probe.
    External,
}

/// Where an allocation came from, as shown to admins.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Source {
    Local,
    Adopted,
    External,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AddressState {
    Free,
    Reserved(Reservation),
    Allocated { holder: Holder, since: DateTime<Utc> },
}

/// A pool address with its state and the reconcile bookkeeping.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PoolAddress {
    pub addr: Ipv4Addr,
    pub state: AddressState,
    /// Consecutive reconcile cycles in which the holder was not seen. Reset whenever the holder
    /// is seen and whenever the address changes hands.
    pub missed: u32,
    pub last_seen: Option<DateTime<Utc>>,
}

/// A transition the address's state does not allow.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum AddressError {
    #[error("{addr} is not free (it is {state})")]
    NotFree { addr: Ipv4Addr, state: &'static str },
    #[error("{addr} is not held by provision {provision}")]
    NotYours { addr: Ipv4Addr, provision: InstanceId },
}

impl PoolAddress {
    pub fn free(addr: Ipv4Addr) -> Self {
        Self {
            addr,
            state: AddressState::Free,
            missed: 0,
            last_seen: None,
        }
    }

    pub fn is_free(&self) -> bool {
        self.state == AddressState::Free
    }

    /// `free`, `reserved` or `allocated`.
    pub fn state_word(&self) -> &'static str {
        match self.state {
            AddressState::Free => "free",
            AddressState::Reserved(_) => "reserved",
            AddressState::Allocated { .. } => "allocated",
        }
    }

    pub fn source(&self) -> Option<Source> {
        match &self.state {
            AddressState::Free => None,
            AddressState::Reserved(_) => Some(Source::Local),
            AddressState::Allocated { holder, .. } => Some(match holder {
                Holder::Local { .. } => Source::Local,
                Holder::Adopted { .. } => Source::Adopted,
                Holder::External => Source::External,
            }),
        }
    }

    /// The provision or VM this Nimbus owns the address for, if any.
    pub fn owner(&self) -> Option<InstanceId> {
        match &self.state {
            AddressState::Reserved(r) => Some(r.provision),
            AddressState::Allocated {
                holder: Holder::Local { instance, .. },
                ..
            } => Some(*instance),
            _ => None,
        }
    }

    fn not_yours(&self, provision: InstanceId) -> AddressError {
        AddressError::NotYours {
            addr: self.addr,
            provision,
        }
    }

    fn reservation_of(&mut self, provision: InstanceId) -> Result<&mut Reservation, AddressError> {
        let err = self.not_yours(provision);
        match &mut self.state {
            AddressState::Reserved(r) if r.provision == provision => Ok(r),
            _ => Err(err),
        }
    }

    /// Free → reserved for `provision`.
    pub fn reserve(&mut self, provision: InstanceId, now: DateTime<Utc>) -> Result<(), AddressError> {
        if !self.is_free() {
            return Err(AddressError::NotFree {
                addr: self.addr,
                state: self.state_word(),
            });
        }
        self.state = AddressState::Reserved(Reservation {
            provision,
            vmid: None,
            reserved_at: now,
            renewed_at: now,
        });
        self.missed = 0;
        Ok(())
    }

    /// Records the provision's VMID on its reservation.
    pub fn attach_vmid(&mut self, provision: InstanceId, vmid: VmId) -> Result<(), AddressError> {
        self.reservation_of(provision)?.vmid = Some(vmid);
        Ok(())
    }

    /// Extends the provision's lease. An error means the reservation was lost and the provision
    /// must not use the address.
    pub fn renew(&mut self, provision: InstanceId, now: DateTime<Utc>) -> Result<(), AddressError> {
        let r = self.reservation_of(provision)?;
        r.renewed_at = r.renewed_at.max(now);
        Ok(())
    }

    /// Reserved → allocated to the finished VM. Repeating it for the same VM is a no-op, so a
    /// provision resumed after a crash can finish its last step again.
    pub fn allocate(&mut self, provision: InstanceId, vmid: VmId, now: DateTime<Utc>) -> Result<(), AddressError> {
        let mine = match &self.state {
            AddressState::Reserved(r) => r.provision == provision,
            AddressState::Allocated {
                holder: Holder::Local { instance, vmid: v },
                ..
            } => {
                return if *instance == provision && *v == vmid {
                    Ok(())
                } else {
                    Err(self.not_yours(provision))
                };
            }
            _ => false,
        };
        if !mine {
            return Err(self.not_yours(provision));
        }
        self.state = AddressState::Allocated {
            holder: Holder::Local {
                instance: provision,
                vmid,
            },
            since: now,
        };
        self.missed = 0;
        self.last_seen = Some(now);
        Ok(())
    }

    /// Gives the address back on behalf of its own provision or VM; someone else's address is
    /// refused, and an address already free stays free.
    pub fn release_for(&mut self, owner: InstanceId) -> Result<(), AddressError> {
        match self.owner() {
            Some(o) if o == owner => {
                self.release();
                Ok(())
            }
            None if self.is_free() => Ok(()),
            _ => Err(self.not_yours(owner)),
        }
    }

    /// Back to free, whoever held it, with the miss counter cleared (the Go version kept it, so a
    /// new holder could be vacated after a single miss).
    pub fn release(&mut self) {
        self.state = AddressState::Free;
        self.missed = 0;
    }

    /// Marks the address as used by a Proxmox guest Nimbus did not build (or lost track of).
    pub fn adopt(&mut self, vmid: VmId, name: &str, now: DateTime<Utc>) {
        self.state = AddressState::Allocated {
            holder: Holder::Adopted {
                vmid,
                name: name.to_owned(),
            },
            since: now,
        };
        self.seen(now);
    }

    /// Marks a free address as used by a LAN host.
    pub fn mark_external(&mut self, now: DateTime<Utc>) -> Result<(), AddressError> {
        if !self.is_free() {
            return Err(AddressError::NotFree {
                addr: self.addr,
                state: self.state_word(),
            });
        }
        self.state = AddressState::Allocated {
            holder: Holder::External,
            since: now,
        };
        self.seen(now);
        Ok(())
    }

    /// The holder was seen: the miss counter starts over.
    pub fn seen(&mut self, now: DateTime<Utc>) {
        self.missed = 0;
        self.last_seen = Some(now);
    }
}
