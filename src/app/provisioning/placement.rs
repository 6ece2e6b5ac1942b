//! Placement: fresh telemetry, node scoring with the placements still in flight, the pick
//! recorded under the same lock, and the VMID chosen so concurrent provisions never pick the same.

use std::collections::BTreeSet;

use super::provision_error::ProvisionError;
use super::provision_form::Request;
use super::run::{Outcome, Run};
use super::shared::Shared;
use crate::domain::cluster::{GuestFigures, StorageFigures};
use crate::domain::provisioning::{Event, FailureCode, Step};
use crate::domain::scoring::{ClusterView, InFlight, PlacementDecision, evaluate};
use crate::domain::tier::Tier;
use crate::domain::vmid::VmId;
use crate::ports::ProxmoxError;
use crate::ports::pool::LeaseChange;
use crate::ports::provisions::ProvisionRecord;
use crate::ports::proxmox::{ClusterResource, PowerStatus};

/// Figures for scoring: the nodes as asked now, the guests and storage from the cluster snapshot.
pub(super) struct Telemetry {
    /// When the cluster snapshot behind the guests and storage was read.
    pub(super) at: chrono::DateTime<chrono::Utc>,
    pub(super) nodes: Vec<crate::domain::cluster::NodeFigures>,
    pub(super) guests: Vec<GuestFigures>,
    pub(super) storage: Vec<StorageFigures>,
    /// The guests that are running (for the admin's figures; scoring counts every guest).
    pub(super) running: BTreeSet<VmId>,
}

pub(super) async fn telemetry(s: &Shared) -> Result<Telemetry, ProxmoxError> {
    let p = s.proxmox();
    let nodes = p.nodes().await?.iter().map(|n| n.figures()).collect();
    let mut guests = Vec::new();
    let mut storage = Vec::new();
    let mut running = BTreeSet::new();
    let read = s.cluster.read().await?;
    for r in read.value.iter().cloned() {
        match r {
            ClusterResource::Guest(g) => {
                if g.status == PowerStatus::Running {
                    running.insert(g.vmid);
                }
                guests.push(GuestFigures {
                    vmid: g.vmid,
                    node: g.node,
                    template: g.template,
                    mem_max: g.maxmem,
                    cpus: g.maxcpu,
                });
            }
            ClusterResource::Storage(s) => storage.push(StorageFigures {
                storage: s.storage,
                node: s.node,
                shared: s.shared,
                total: s.total,
                used: s.used,
            }),
            ClusterResource::Node(_) => {}
        }
    }
    Ok(Telemetry {
        at: read.at,
        nodes,
        guests,
        storage,
        running,
    })
}

pub(super) fn decide(s: &Shared, tier: &Tier, os: &str, t: &Telemetry, in_flight: &[InFlight]) -> PlacementDecision {
    let templates = s.templates().nodes_for(os);
    let view = ClusterView {
        nodes: &t.nodes,
        guests: &t.guests,
        storage: &t.storage,
        templates: &templates,
        in_flight,
    };
    let policy = &s.settings().scoring;
    PlacementDecision::new(tier, policy, evaluate(tier, &view, policy))
}

/// Refuses a request no node can take right now (before anything is recorded). Only admins
/// (`inside`) are told which node lacks what; members learn what the tier needs.
pub(super) async fn check_capacity(s: &Shared, request: &Request, inside: bool) -> Result<(), ProvisionError> {
    let t = telemetry(s).await.map_err(|e| {
        tracing::warn!(error = %e, "cannot read the cluster to check capacity");
        ProvisionError::NoCapacity(
            "Nimbus cannot reach Proxmox right now, so it cannot place a new machine. Try again in a few minutes."
                .into(),
        )
    })?;
    let in_flight: Vec<InFlight> = s.placing.lock().await.values().cloned().collect();
    let decision = decide(s, &request.tier, request.os.key(), &t, &in_flight);
    let why = if inside {
        decision.refusal()
    } else {
        decision.shortage()
    };
    match why {
        None => Ok(()),
        Some(why) => {
            tracing::info!(decision = %decision.summary(), "no room for a request");
            Err(ProvisionError::NoCapacity(no_room(request.tier.name().as_str(), &why)))
        }
    }
}

/// Scores the nodes on fresh telemetry plus in-flight placements, and records the pick under
/// the same lock, so concurrent provisions see each other's placements.
pub(super) async fn pick_node(s: &Shared, record: &ProvisionRecord) -> Outcome {
    let spec = record.provision.spec();
    let Ok(tier) = s.tiers.find(spec.tier.as_str()).cloned() else {
        return Outcome::Fail {
            code: FailureCode::ProvisionFailed,
            reason: format!("The tier {} no longer exists.", spec.tier.as_str()),
        };
    };
    if !s.templates().available(&spec.os) {
        s.discover_on_demand().await;
    }
    let t = match telemetry(s).await {
        Ok(t) => t,
        Err(e) => return Run::default().trouble(s, Some(Step::PlaceVm), e).await,
    };
    let mut placing = s.placing.lock().await;
    let others: Vec<InFlight> = placing
        .iter()
        .filter(|(k, _)| **k != record.id())
        .map(|(_, v)| v.clone())
        .collect();
    let decision = decide(s, &tier, &spec.os, &t, &others);
    tracing::info!(vm = %record.id(), decision = %decision.summary(), "placement");
    match decision.winner_name().cloned() {
        Some(node) => {
            placing.insert(
                record.id(),
                InFlight {
                    node: node.clone(),
                    vmid: None,
                    vcpus: tier.vcpus(),
                    mem_bytes: tier.memory_bytes(),
                    disk_bytes: tier.disk_bytes(),
                },
            );
            Outcome::Event(Event::NodePicked { node })
        }
        // The reason is stored and shown to the machine's owner, who may be a member: it names
        // no node (the placement line above has them, for admins).
        None => Outcome::Fail {
            code: FailureCode::NoCapacity,
            reason: no_room(tier.name().as_str(), &decision.shortage().unwrap_or_default()),
        },
    }
}

/// Picks the VMID: Proxmox's next free one, skipping those other provisions of this process
/// have chosen but not yet cloned (`nextid` reserves nothing), under the placement lock.
pub(super) async fn choose_vmid(s: &Shared, record: &ProvisionRecord, run: &mut Run) -> Outcome {
    let mut placing = s.placing.lock().await;
    let taken: BTreeSet<VmId> = placing
        .iter()
        .filter(|(k, _)| **k != record.id())
        .filter_map(|(_, f)| f.vmid)
        .collect();
    let mut wanted = None;
    let vmid = loop {
        match s.proxmox().next_vmid(wanted).await {
            Ok(v) if taken.contains(&v) => match VmId::new(v.get() + 1) {
                Ok(next) => wanted = Some(next),
                Err(_) => {
                    return Outcome::Fail {
                        code: FailureCode::ProvisionFailed,
                        reason: "Proxmox has no free VMID left.".into(),
                    };
                }
            },
            Ok(v) => break v,
            Err(ProxmoxError::AlreadyExists { vmid }) => match VmId::new(vmid.get() + 1) {
                Ok(next) => wanted = Some(next),
                Err(_) => {
                    return Outcome::Fail {
                        code: FailureCode::ProvisionFailed,
                        reason: "Proxmox has no free VMID left.".into(),
                    };
                }
            },
            Err(e) => {
                drop(placing);
                return run.trouble(s, Some(Step::Clone), e).await;
            }
        }
    };
    if let Some(f) = placing.get_mut(&record.id()) {
        f.vmid = Some(vmid);
    }
    drop(placing);
    if let Some(ip) = record.provision.held().ip {
        let now = s.ports.clock.now();
        let _ = s
            .ports
            .pool
            .lease(record.id(), ip, LeaseChange::AttachVmid(vmid), now)
            .await;
    }
    Outcome::Event(Event::VmidChosen { vmid })
}

/// What only the cluster can tell: a template for the OS, and (unless the request waits for
/// approval, when capacity is checked at approval) a node with room for the tier. `inside`: the
/// one asking is an admin, who is told which node lacks what.
pub(super) async fn placeable(
    s: &Shared,
    request: &Request,
    pending: bool,
    inside: bool,
) -> Result<(), ProvisionError> {
    let os = request.os.key();
    if !s.templates().available(os) {
        s.discover_on_demand().await;
        if !s.templates().available(os) {
            let cause = format!("No node has a {} template yet.", request.os.label());
            return Err(ProvisionError::NoTemplate(FailureCode::NoTemplate.message_for(&cause)));
        }
    }
    if pending {
        return Ok(());
    }
    check_capacity(s, request, inside).await
}

/// The no-capacity message, with the details given.
fn no_room(tier: &str, details: &str) -> String {
    let cause = format!("There is no room for a {tier} machine on the cluster right now.");
    format!("{} Details: {details}.", FailureCode::NoCapacity.message_for(&cause))
}
