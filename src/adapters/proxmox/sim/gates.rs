//! The checks every simulated call passes through: injected faults, the API token, node
//! reachability, quorum and locks.

use super::faults::{ActiveFault, Fault, FaultId, FaultScope, OfflineMode, Op, op_matches};
use super::model::Model;
use super::vm::Vm;
use crate::domain::cluster::NodeName;
use crate::domain::vmid::VmId;
use crate::ports::proxmox::{ProxmoxError, ProxmoxResult};

impl Model {
    pub fn inject(&mut self, fault: Fault, scope: FaultScope) -> FaultId {
        let id = FaultId(self.next_fault);
        self.next_fault += 1;
        self.event(format!("fault {} injected: {fault:?} {scope:?}", id.0));
        self.faults.push(ActiveFault::new(id, fault, scope, self.now));
        id
    }

    pub fn clear(&mut self, id: FaultId) {
        self.faults.retain(|f| f.id != id);
    }

    /// The first live fault `pick` accepts; counts one firing against it.
    pub fn fire<T>(&mut self, pick: impl Fn(&Fault) -> Option<T>) -> Option<T> {
        let now = self.now;
        let hit = self
            .faults
            .iter_mut()
            .filter(|f| f.live(now))
            .find_map(|f| pick(&f.fault).map(|t| (f, t)));
        let (fault, value) = hit?;
        if let Some(n) = fault.remaining.as_mut() {
            *n = n.saturating_sub(1);
        }
        Some(value)
    }

    /// Whether a live fault matches, without using it up (standing conditions).
    pub fn has(&self, pick: impl Fn(&Fault) -> bool) -> bool {
        self.faults.iter().any(|f| f.live(self.now) && pick(&f.fault))
    }

    pub fn offline_mode(&self, node: &NodeName) -> Option<OfflineMode> {
        self.faults
            .iter()
            .filter(|f| f.live(self.now))
            .find_map(|f| match &f.fault {
                Fault::NodeOffline { node: n, mode } if n == node => Some(*mode),
                _ => None,
            })
    }

    pub fn node_online(&self, node: &NodeName) -> bool {
        self.offline_mode(node).is_none()
    }

    /// The checks every call goes through: the token, and injected API errors for `op`.
    pub fn gate(&mut self, op: Op) -> ProxmoxResult<()> {
        if self.fire(|f| matches!(f, Fault::WrongToken).then_some(())).is_some() {
            return Err(ProxmoxError::Unauthorized);
        }
        if let Some(message) = self.fire(|f| match f {
            Fault::ApiError { op: target, message } if op_matches(*target, op) => Some(message.clone()),
            _ => None,
        }) {
            self.event(format!("{op:?} refused by injected fault: {message}"));
            return Err(ProxmoxError::Refused(message));
        }
        Ok(())
    }

    /// A call proxied to `node` fails while the node is down.
    pub fn reach(&self, node: &NodeName) -> ProxmoxResult<()> {
        self.node(node)?;
        match self.offline_mode(node) {
            None => Ok(()),
            Some(mode) => {
                let (status, reason) = match mode {
                    OfflineMode::Refused => (595, "Connection refused"),
                    OfflineMode::NoRoute => (595, "No route to host"),
                    OfflineMode::Timeout => (596, "Connection timed out"),
                };
                Err(ProxmoxError::NodeOffline {
                    node: node.clone(),
                    status,
                    reason: reason.to_owned(),
                })
            }
        }
    }

    /// Writes need quorum and a worker process.
    pub fn writable(&mut self) -> ProxmoxResult<()> {
        if self.fire(|f| matches!(f, Fault::QuorumLost).then_some(())).is_some() {
            return Err(ProxmoxError::Unavailable("cluster not ready - no quorum?".into()));
        }
        if self
            .fire(|f| matches!(f, Fault::WorkerSpawnFail).then_some(()))
            .is_some()
        {
            return Err(ProxmoxError::Unavailable(
                "got no worker upid - start worker failed".into(),
            ));
        }
        Ok(())
    }

    pub fn vm_on(&self, node: &NodeName, vmid: VmId) -> ProxmoxResult<&Vm> {
        self.vms.get(&vmid).filter(|vm| &vm.node == node).ok_or_else(|| {
            ProxmoxError::NotFound(format!(
                "Configuration file 'nodes/{node}/qemu-server/{vmid}.conf' does not exist"
            ))
        })
    }

    pub fn config_lock(&self, vm: &Vm) -> Option<String> {
        if let Some(l) = vm.lock() {
            return Some(l.to_owned());
        }
        self.faults
            .iter()
            .filter(|f| f.live(self.now))
            .find_map(|f| match &f.fault {
                Fault::ConfigLock { vmid, lock } if *vmid == vm.vmid => Some(lock.clone()),
                _ => None,
            })
    }
}
