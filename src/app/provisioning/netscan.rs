//! The LAN sweep (netscan): free pool addresses, and those a LAN host was found on, are probed —
//! a few well-known TCP ports, and with `both` the host's ARP table — with bounded concurrency.
//! A free address that answers becomes an external holder (never handed out); an external one
//! that stays silent is vacated after the miss threshold, like any holder.

use std::collections::BTreeMap;
use std::net::Ipv4Addr;
use std::sync::Arc;

use super::Provisioner;
use super::errors::ProvisionError;
use super::reconcile::ReconcileReport;
use crate::domain::ip_pool::{AddressState, Holder, Probe};
use crate::domain::netscan::NetscanMode;
use crate::ports::LanProbe;

/// Ports dialled per address: SSH, HTTP, HTTPS, RDP.
pub const PORTS: [u16; 4] = [22, 80, 443, 3389];

async fn probe(lan: Arc<dyn LanProbe>, ip: Ipv4Addr, arp: bool) -> (Ipv4Addr, Probe) {
    for port in PORTS {
        if lan.answers(ip, port).await {
            return (ip, Probe::Answered);
        }
    }
    // Dialling the address made the kernel ask for its MAC: a host that answered ARP exists.
    if arp && lan.neighbour(ip).await {
        return (ip, Probe::Answered);
    }
    (ip, Probe::Silent)
}

impl Provisioner {
    /// One sweep followed by a reconcile pass with its answers; `None` when netscan is off.
    pub async fn netscan(&self) -> Result<Option<ReconcileReport>, ProvisionError> {
        let mode = self.settings.netscan_mode;
        if mode == NetscanMode::Off {
            return Ok(None);
        }
        let targets: Vec<Ipv4Addr> = self
            .ports
            .pool
            .pool_rows()
            .await?
            .into_iter()
            .filter(|r| {
                matches!(
                    r.state,
                    AddressState::Free
                        | AddressState::Allocated {
                            holder: Holder::External,
                            ..
                        }
                )
            })
            .map(|r| r.addr)
            .collect();
        let mut probes = BTreeMap::new();
        let limit = self.settings.netscan_concurrency.max(1);
        for chunk in targets.chunks(limit) {
            let mut set = tokio::task::JoinSet::new();
            for ip in chunk {
                set.spawn(probe(self.ports.lan.clone(), *ip, mode == NetscanMode::Both));
            }
            while let Some(done) = set.join_next().await {
                if let Ok((ip, answer)) = done {
                    probes.insert(ip, answer);
                }
            }
        }
        let answered = probes.values().filter(|p| **p == Probe::Answered).count();
        tracing::debug!(probed = probes.len(), answered, "LAN sweep");
        self.reconcile_with(&probes).await.map(Some)
    }
}
