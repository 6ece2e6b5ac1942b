//! The check once every run has stopped: every provision at rest, a rolled-back one holding
//! nothing, each running one with exactly its VM (carrying its marker) and its address, nothing
//! else held; then the invariants of every moment.

use std::collections::BTreeMap;
use std::net::Ipv4Addr;

use nimbus::domain::ids::InstanceId;
use nimbus::domain::ip_pool::{AddressState, Holder};
use nimbus::domain::provisioning::Phase;
use nimbus::domain::vmid::VmId;
use nimbus::ports::AddressPool;
use nimbus::ports::provisions::ProvisionRecord;

use super::invariants::{AT_REST, GOPHER_ORPHAN, Watch, name, released};

impl Watch {
    /// Once every run has stopped: every provision is at rest; a rolled-back one holds nothing;
    /// each running one has exactly its VM (with its marker) and its address; nothing else is
    /// held. Then the invariants of every moment.
    pub async fn at_rest(&self) {
        self.scan().await;
        let Some(records) = self.records().await else { return };
        let mut ready: BTreeMap<InstanceId, &ProvisionRecord> = BTreeMap::new();
        for r in &records {
            let phase = r.provision.phase();
            if !phase.is_at_rest() {
                self.report(AT_REST, format!("{} ended {}", name(r), phase.word()));
            }
            if let Phase::RolledBack { failure } = phase
                && failure.reason.is_empty()
            {
                self.report(AT_REST, format!("{} was rolled back without a reason", name(r)));
            }
            if released(phase) && (r.provision.held().ip.is_some() || r.provision.held().vmid.is_some()) {
                self.report(
                    AT_REST,
                    format!(
                        "{} is {} but its record still holds {:?}",
                        name(r),
                        phase.word(),
                        r.provision.held()
                    ),
                );
            }
            if *phase == Phase::Ready {
                ready.insert(r.id(), r);
            }
        }
        let mut vms: BTreeMap<InstanceId, VmId> = BTreeMap::new();
        for g in self.guests() {
            let Some(owner) = g.owner else { continue };
            match ready.get(&owner) {
                Some(r) if r.provision.held().vmid != Some(g.vmid) => self.report(
                    AT_REST,
                    format!(
                        "VM {} carries the marker of {}, whose record names {:?}",
                        g.vmid,
                        name(r),
                        r.provision.held().vmid
                    ),
                ),
                Some(_) => {
                    vms.insert(owner, g.vmid);
                }
                None => self.report(
                    AT_REST,
                    format!("VM {} of {owner} is not a running provision's", g.vmid),
                ),
            }
        }
        let mut addrs: BTreeMap<InstanceId, Ipv4Addr> = BTreeMap::new();
        for row in self.store.pool_rows().await.unwrap_or_default() {
            match &row.state {
                AddressState::Reserved(r) => {
                    self.report(AT_REST, format!("{} is still reserved for {}", row.addr, r.provision))
                }
                AddressState::Allocated {
                    holder: Holder::Local { instance, vmid },
                    ..
                } => match ready.get(instance) {
                    Some(r) if r.provision.held().ip == Some(row.addr) && r.provision.held().vmid == Some(*vmid) => {
                        addrs.insert(*instance, row.addr);
                    }
                    _ => self.report(
                        AT_REST,
                        format!(
                            "{} is allocated to {instance} (VM {vmid}), which does not run with it",
                            row.addr
                        ),
                    ),
                },
                _ => {}
            }
        }
        // Every machine on Gopher is held by a live provision, and a held one exists.
        let machines = self.gopher.machine_ids();
        for m in &machines {
            let holder = records
                .iter()
                .find(|r| r.provision.held().tunnel.as_deref() == Some(m.0.as_str()));
            match holder {
                Some(r) if !released(r.provision.phase()) => {}
                Some(r) => self.report(
                    GOPHER_ORPHAN,
                    format!(
                        "Gopher machine {m} is held by {}, which is {}",
                        name(r),
                        r.provision.phase().word()
                    ),
                ),
                None => self.report(GOPHER_ORPHAN, format!("Gopher machine {m} is held by no provision")),
            }
        }
        for r in ready.values() {
            if let Some(m) = r.provision.held().tunnel.as_deref()
                && !machines.iter().any(|id| id.0 == m)
            {
                self.report(
                    GOPHER_ORPHAN,
                    format!("{} holds Gopher machine {m}, which Gopher does not have", name(r)),
                );
            }
        }
        for (id, r) in &ready {
            if !vms.contains_key(id) {
                self.report(AT_REST, format!("{} runs without its VM", name(r)));
            }
            if !addrs.contains_key(id) {
                self.report(AT_REST, format!("{} runs without its address in the pool", name(r)));
            }
        }
    }
}
