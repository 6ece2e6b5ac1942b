//! The LAN sweep (netscan): free pool addresses, and those a LAN host was found on, are probed —
//! a few well-known TCP ports, and with `both` the host's ARP table — with bounded concurrency.
//! A free address that answers becomes an external holder (never handed out); an external one
//! that stays silent is vacated after the miss threshold, like any holder.

use std::collections::BTreeMap;
use std::net::Ipv4Addr;
use std::sync::Arc;

use async_trait::async_trait;
use chrono::{DateTime, Utc};

use super::ip_reconcile::IpReconcile;
use super::provision_error::ProvisionError;
use super::reconcile_report::ReconcileReport;
use super::shared::Shared;
use crate::app::jobs::{Job, JobOutcome, JobReport};
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

/// Those of `targets` that answer, probed as the sweep probes (ARP too, unless the sweep is off
/// or TCP-only), with the sweep's concurrency.
pub(super) async fn answering(shared: &Shared, targets: &[Ipv4Addr]) -> Vec<Ipv4Addr> {
    let arp = shared.settings().netscan_mode == NetscanMode::Both;
    let limit = shared.settings().netscan_concurrency.max(1);
    let mut out = Vec::new();
    for chunk in targets.chunks(limit) {
        let mut set = tokio::task::JoinSet::new();
        for ip in chunk {
            set.spawn(probe(shared.ports.lan.clone(), *ip, arp));
        }
        while let Some(done) = set.join_next().await {
            if let Ok((ip, Probe::Answered)) = done {
                out.push(ip);
            }
        }
    }
    out.sort();
    out
}

/// The LAN sweep job.
pub struct LanSweep {
    shared: Arc<Shared>,
    reconcile: Arc<IpReconcile>,
}

#[async_trait]
impl Job for LanSweep {
    fn name(&self) -> &'static str {
        "lan_sweep"
    }

    fn title(&self) -> &'static str {
        "Sweep the LAN for hosts on pool addresses"
    }

    async fn tick(&self, now: DateTime<Utc>) -> JobReport {
        match self.sweep(now).await {
            Ok(None) => JobReport::quiet("The LAN sweep is off (NETSCAN_MODE=off)."),
            Ok(Some((probed, answered, report))) => {
                let line = format!("{probed} addresses probed, {answered} answered; {}", report.summary());
                match report.job_report().outcome {
                    JobOutcome::Warning => JobReport::warning(line),
                    _ if report.applied > 0 => JobReport::changed(line),
                    _ => JobReport::quiet(line),
                }
            }
            Err(e) => JobReport::failed(format!("The LAN sweep could not run: {e}")),
        }
    }
}

impl LanSweep {
    pub fn new(shared: Arc<Shared>, reconcile: Arc<IpReconcile>) -> Self {
        Self { shared, reconcile }
    }

    /// One sweep followed by a reconcile pass with its answers: how many addresses were probed,
    /// how many answered, and the pass; `None` when netscan is off.
    pub async fn sweep(&self, now: DateTime<Utc>) -> Result<Option<(usize, usize, ReconcileReport)>, ProvisionError> {
        let mode = self.shared.settings().netscan_mode;
        if mode == NetscanMode::Off {
            return Ok(None);
        }
        let targets: Vec<Ipv4Addr> = self
            .shared
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
        let limit = self.shared.settings().netscan_concurrency.max(1);
        for chunk in targets.chunks(limit) {
            let mut set = tokio::task::JoinSet::new();
            for ip in chunk {
                set.spawn(probe(self.shared.ports.lan.clone(), *ip, mode == NetscanMode::Both));
            }
            while let Some(done) = set.join_next().await {
                if let Ok((ip, answer)) = done {
                    probes.insert(ip, answer);
                }
            }
        }
        let answered = probes.values().filter(|p| **p == Probe::Answered).count();
        tracing::debug!(probed = probes.len(), answered, "LAN sweep");
        let report = self.reconcile.pass(now, &probes).await?;
        Ok(Some((probes.len(), answered, report)))
    }
}
