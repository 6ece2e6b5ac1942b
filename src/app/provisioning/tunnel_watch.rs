//! `TunnelWatch`: Gopher as admins see it, and the clock-driven reconcile that keeps every
//! machine's public access in line with Gopher. A machine Gopher lost or failed is marked failed
//! (with words and Retry public access); one that connected later (its owner ran the bootstrap by
//! hand) is marked connected; published ports follow Gopher's list; Gopher machines no VM holds
//! are reported, never removed (Gopher may serve more than this Nimbus).

use std::collections::HashMap;
use std::sync::Arc;

use async_trait::async_trait;
use chrono::{DateTime, Utc};

use super::runner::Runner;
use super::shared::Shared;
use super::tunnel_error::TunnelError;
use super::tunnels::{Tunnels, published, sync_ports};
use super::views::Owner;
use crate::app::accounts::Caller;
use crate::app::jobs::{Job, JobReport};
use crate::domain::ids::InstanceId;
use crate::domain::provisioning::Phase;
use crate::ports::provisions::{ProvisionRecord, PublicState, PublishedPort};
use crate::ports::tunnel_gateway::{Machine, MachineStatus, Tunnel};

/// The VM a Gopher machine belongs to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GatewayVm {
    pub id: InstanceId,
    pub hostname: String,
    pub owner: Option<Owner>,
}

/// One machine on Gopher, joined to its VM when a VM holds it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GatewayMachine {
    pub machine: Machine,
    /// `None`: no Nimbus VM holds it (another user of Gopher, or left over).
    pub vm: Option<GatewayVm>,
    pub tunnels: Vec<PublishedPort>,
}

/// Everything on Gopher, for admins.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GatewayOverview {
    pub reachable: bool,
    pub error: Option<String>,
    pub machines: Vec<GatewayMachine>,
}

pub struct TunnelWatch {
    shared: Arc<Shared>,
    runner: Arc<Runner>,
    tunnels: Arc<Tunnels>,
}

/// What a pass found.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct TunnelPass {
    pub checked: usize,
    /// Machines whose public access Gopher lost or failed.
    pub lost: usize,
    /// Machines that connected since Nimbus last looked.
    pub connected: usize,
    /// Gopher machines no VM holds.
    pub foreign: usize,
}

#[async_trait]
impl Job for TunnelWatch {
    fn name(&self) -> &'static str {
        "tunnel_reconcile"
    }

    fn title(&self) -> &'static str {
        "Keep public access in line with Gopher"
    }

    async fn tick(&self, now: DateTime<Utc>) -> JobReport {
        match self.pass(now).await {
            Ok(None) => JobReport::quiet("Tunnels are off: no Gopher is set up."),
            Ok(Some(p)) if p.lost > 0 || p.foreign > 0 => JobReport::warning(format!(
                "{} machines with public access checked: {} lost it on Gopher (their owners see Retry public access); {} Gopher machines belong to no Nimbus machine (see Admin → Tunnels).",
                p.checked, p.lost, p.foreign
            )),
            Ok(Some(p)) if p.connected > 0 => JobReport::changed(format!(
                "{} machines with public access checked; {} connected since the last look.",
                p.checked, p.connected
            )),
            Ok(Some(p)) => JobReport::quiet(format!(
                "{} machines with public access checked; all in line with Gopher.",
                p.checked
            )),
            Err(e) => JobReport::failed(format!("Cannot compare public access with Gopher: {e}")),
        }
    }
}

impl TunnelWatch {
    pub fn new(shared: Arc<Shared>, runner: Arc<Runner>, tunnels: Arc<Tunnels>) -> Self {
        Self {
            shared,
            runner,
            tunnels,
        }
    }

    /// One pass; `None` when tunnels are off.
    ///
    /// # Errors
    /// Gopher or the store cannot be read.
    pub async fn pass(&self, _now: DateTime<Utc>) -> Result<Option<TunnelPass>, TunnelError> {
        let Some(gateway) = self.shared.ports.tunnels.current() else {
            return Ok(None);
        };
        let fail = |e: crate::ports::tunnel_gateway::GatewayError| TunnelError::GatewayUnavailable(e.to_string());
        let machines = gateway.machines().await.map_err(fail)?;
        let all = gateway.tunnels().await.map_err(fail)?;
        for t in &all {
            self.tunnels.learn_domain(t.url.as_deref());
        }
        let records = self.shared.ports.store.all_provisions().await?;
        let by_id: HashMap<&str, &Machine> = machines.iter().map(|m| (m.id.0.as_str(), m)).collect();
        let mut pass = TunnelPass::default();
        for record in &records {
            let Some(machine) = record.provision.held().tunnel.as_deref() else {
                continue;
            };
            if *record.provision.phase() != Phase::Ready || self.runner.is_running(record.id()) {
                continue;
            }
            pass.checked += 1;
            let mut next = record.clone();
            match (by_id.get(machine), record.public.state) {
                (None, PublicState::Connected) => {
                    pass.lost += 1;
                    next.public.state = PublicState::Failed;
                    next.public.error = Some(
                        "Gopher no longer has this machine's registration (it was removed on Gopher). Use Retry public access.".into(),
                    );
                }
                (Some(m), PublicState::Connected) if m.status == MachineStatus::Failed => {
                    pass.lost += 1;
                    next.public.state = PublicState::Failed;
                    next.public.error = Some(format!(
                        "Gopher reports this machine's tunnel as failed: {}. Use Retry public access.",
                        m.error.as_deref().unwrap_or("no reason given")
                    ));
                }
                (Some(m), PublicState::Failed | PublicState::Exposing) if m.status == MachineStatus::Connected => {
                    pass.connected += 1;
                    next.public.state = PublicState::Connected;
                    next.public.error = None;
                    next.public.agent_silent = false;
                    next.public.ssh_host = self.shared.ports.tunnels.host();
                }
                _ => {}
            }
            next.public.ports = sync_ports(&record.public.ports, &all, machine);
            if next.public != record.public {
                self.save(&next).await?;
            }
        }
        let held: std::collections::HashSet<&str> = records
            .iter()
            .filter_map(|r| r.provision.held().tunnel.as_deref())
            .collect();
        pass.foreign = machines.iter().filter(|m| !held.contains(m.id.0.as_str())).count();
        Ok(Some(pass))
    }

    async fn save(&self, record: &ProvisionRecord) -> Result<(), TunnelError> {
        self.shared.ports.store.save_provision(record).await?;
        self.shared.hub.publish(record);
        Ok(())
    }

    /// Every Gopher machine and tunnel, joined to the VMs and owners that hold them (admins).
    ///
    /// # Errors
    /// `AdminOnly`; the store fails. Tunnels off or Gopher not answering is said in the overview.
    pub async fn overview(&self, caller: &Caller) -> Result<GatewayOverview, TunnelError> {
        if !caller.is_admin() {
            return Err(TunnelError::AdminOnly);
        }
        let Some(gateway) = self.shared.ports.tunnels.current() else {
            return Ok(GatewayOverview {
                reachable: false,
                error: Some(TunnelError::Off.to_string()),
                machines: Vec::new(),
            });
        };
        let (machines, all) = match (gateway.machines().await, gateway.tunnels().await) {
            (Ok(m), Ok(t)) => (m, t),
            (Err(e), _) | (_, Err(e)) => {
                return Ok(GatewayOverview {
                    reachable: false,
                    error: Some(e.to_string()),
                    machines: Vec::new(),
                });
            }
        };
        let records = self.shared.ports.store.all_provisions().await?;
        let owners = self.shared.owner_names().await;
        let holder: HashMap<&str, &ProvisionRecord> = records
            .iter()
            .filter(|r| r.provision.phase().holds_hostname())
            .filter_map(|r| r.provision.held().tunnel.as_deref().map(|m| (m, r)))
            .collect();
        let machines = machines
            .into_iter()
            .map(|machine| {
                let record = holder.get(machine.id.0.as_str());
                let known = record.map(|r| r.public.ports.as_slice()).unwrap_or_default();
                let tunnels = ports_of(&all, &machine, known);
                let vm = record.map(|r| GatewayVm {
                    id: r.id(),
                    hostname: r.provision.spec().hostname.as_str().to_owned(),
                    owner: owners.get(&r.owner()).cloned(),
                });
                GatewayMachine { machine, vm, tunnels }
            })
            .collect();
        Ok(GatewayOverview {
            reachable: true,
            error: None,
            machines,
        })
    }
}

fn ports_of(all: &[Tunnel], machine: &Machine, known: &[PublishedPort]) -> Vec<PublishedPort> {
    if known.is_empty() {
        return all
            .iter()
            .filter(|t| t.machine_id == machine.id)
            .map(|t| published(t, false))
            .collect();
    }
    sync_ports(known, all, &machine.id.0)
}
