//! The invariants of a simulation, checked at every checkpoint of every run, as the settle loop
//! moves the clock, and once more when a test ends: no address held twice, no VMID held twice, no
//! orphan VM, no leaked address, every operation progressing (`progress.rs`), and at the end
//! every provision at rest with exactly what it should hold (`at_rest.rs`). A broken invariant is recorded with what was seen and
//! the seed; the harness fails the test with it (at the next settle or check, or when the
//! simulation is dropped), since a panic inside a run would only end that run.
//!
//! The checks read the store before the cluster: everything a run holds is recorded before it is
//! taken (an address is reserved after its record exists, a VMID is recorded before its clone)
//! and released before the record says so, so reading in that order never reports a run caught
//! between two writes. Records being torn down are left out of the "twice" checks: between the
//! release of an address (or VMID) and the record saying so, someone else may rightly take it.

use std::collections::{BTreeMap, HashMap};
use std::fmt;
use std::net::Ipv4Addr;
use std::sync::{Arc, Mutex};

use chrono::{DateTime, Utc};
use nimbus::adapters::clock::ManualClock;
use nimbus::adapters::gopher::sim::SimGopher;
use nimbus::adapters::proxmox::sim::SimCluster;
use nimbus::adapters::store::sqlite::SqliteStore;
use nimbus::domain::cluster::NodeName;
use nimbus::domain::ids::InstanceId;
use nimbus::domain::ip_pool::{AddressState, Holder};
use nimbus::domain::marker;
use nimbus::domain::provisioning::Phase;
use nimbus::domain::vmid::VmId;
use nimbus::ports::provisions::ProvisionRecord;
use nimbus::ports::{AddressPool, Clock, ProvisionStore};
use sea_orm::{ConnectOptions, ConnectionTrait, Database, DatabaseConnection, DbBackend, Statement};

use super::progress::Progress;
use super::seed::replay;

pub const ADDRESS_TWICE: &str = "no address held twice";
pub const VMID_TWICE: &str = "no VMID held twice";
pub const ORPHAN: &str = "no orphan VM";
pub const LEAK: &str = "no leaked address";
pub const PROGRESS: &str = "every operation progresses";
pub const AT_REST: &str = "every provision ends at rest holding what it should";
pub const READABLE: &str = "the store can be read";
pub const GOPHER_ORPHAN: &str = "no Gopher machine without a live VM";

/// Violations kept (the same one is seen again at every later checkpoint).
const KEEP: usize = 20;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Violation {
    pub invariant: &'static str,
    pub seen: String,
    pub seed: u64,
}

impl fmt::Display for Violation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "invariant '{}' broken: {}; {}",
            self.invariant,
            self.seen,
            replay(self.seed)
        )
    }
}

/// Watches one simulation: its store, its cluster and its clock.
pub struct Watch {
    seed: u64,
    pub(super) store: SqliteStore,
    cluster: SimCluster,
    pub(super) gopher: SimGopher,
    pub(super) clock: Arc<ManualClock>,
    epoch: DateTime<Utc>,
    pub(super) progress: Mutex<HashMap<InstanceId, Progress>>,
    broken: Mutex<Vec<Violation>>,
    /// A connection of the watch's own, whose `PRAGMA data_version` moves whenever anyone
    /// commits: a checkpoint where neither the database nor the cluster changed since the last
    /// scan skips reading the same state again.
    probe: DatabaseConnection,
    last: Mutex<Option<Seen>>,
}

/// What the last scan saw: the database's version and every VM's config.
type Seen = (i64, Vec<(VmId, NodeName, BTreeMap<String, String>)>);

pub(super) fn name(r: &ProvisionRecord) -> String {
    format!("{} ({})", r.provision.spec().hostname.as_str(), r.id())
}

/// The phase may hold an address or a VMID that nobody else may hold.
fn holding(phase: &Phase) -> bool {
    !tearing_down(phase) && !released(phase)
}

fn tearing_down(phase: &Phase) -> bool {
    matches!(
        phase,
        Phase::RollingBack { .. } | Phase::RollbackPending { .. } | Phase::Deleting { .. }
    )
}

/// Nothing may be held for a provision in this phase.
pub(super) fn released(phase: &Phase) -> bool {
    matches!(
        phase,
        Phase::PendingApproval | Phase::Denied { .. } | Phase::RolledBack { .. } | Phase::Deleted
    )
}

/// The static address of an `ipconfig0` value.
fn static_ip(ipconfig: &str) -> Option<Ipv4Addr> {
    let ip = ipconfig.split(',').find_map(|p| p.trim().strip_prefix("ip="))?;
    ip.split('/').next()?.parse().ok()
}

/// The provision that holds a pool row, if one does.
fn row_holder(state: &AddressState) -> Option<InstanceId> {
    match state {
        AddressState::Reserved(r) => Some(r.provision),
        AddressState::Allocated {
            holder: Holder::Local { instance, .. },
            ..
        } => Some(*instance),
        _ => None,
    }
}

/// A guest as the checks see it.
pub(super) struct Guest {
    pub(super) vmid: VmId,
    pub(super) owner: Option<InstanceId>,
    pub(super) ip: Option<Ipv4Addr>,
}

impl Watch {
    pub async fn open(
        seed: u64,
        store: SqliteStore,
        cluster: SimCluster,
        gopher: SimGopher,
        clock: Arc<ManualClock>,
    ) -> Self {
        let epoch = clock.now() - chrono::Duration::days(1);
        let mut options = ConnectOptions::new(format!("sqlite://{}?mode=ro", store.path().display()));
        options.max_connections(1).min_connections(1).sqlx_logging(false);
        let probe = Database::connect(options)
            .await
            .expect("a read-only connection to the database");
        Self {
            probe,
            last: Mutex::new(None),
            seed,
            store,
            cluster,
            gopher,
            clock,
            epoch,
            progress: Mutex::new(HashMap::new()),
            broken: Mutex::new(Vec::new()),
        }
    }

    pub(super) fn report(&self, invariant: &'static str, seen: String) {
        let v = Violation {
            invariant,
            seen,
            seed: self.seed,
        };
        let mut broken = self.broken.lock().unwrap_or_else(|p| p.into_inner());
        if broken.len() < KEEP && !broken.contains(&v) {
            broken.push(v);
        }
    }

    /// What has been found broken so far.
    pub fn violations(&self) -> Vec<Violation> {
        self.broken.lock().unwrap_or_else(|p| p.into_inner()).clone()
    }

    /// Hands over what was found broken, forgetting it.
    pub fn take(&self) -> Vec<Violation> {
        std::mem::take(&mut *self.broken.lock().unwrap_or_else(|p| p.into_inner()))
    }

    /// Fails the test with everything found broken, if anything was.
    pub fn assert_clean(&self) {
        let broken = self.take();
        if let Some(first) = broken.first() {
            let rest: Vec<String> = broken[1..].iter().map(|v| format!("\n  also: {v}")).collect();
            panic!("{first}{}", rest.concat());
        }
    }

    /// Called by the hook around every step of every run.
    pub async fn at_checkpoint(&self, id: InstanceId, word: &'static str, after: bool) {
        if !after {
            self.progressed(id, word);
        }
        if self.changed().await {
            self.scan().await;
        }
    }

    /// Whether the database or the cluster changed since the last scan (then remembered as seen).
    async fn changed(&self) -> bool {
        let version = self
            .probe
            .query_one_raw(Statement::from_string(DbBackend::Sqlite, "PRAGMA data_version"))
            .await
            .ok()
            .flatten()
            .and_then(|row| row.try_get_by_index::<i64>(0).ok());
        let Some(version) = version else { return true };
        let now = (version, self.cluster.vm_configs());
        let mut last = self.last.lock().unwrap_or_else(|p| p.into_inner());
        if last.as_ref() == Some(&now) {
            return false;
        }
        *last = Some(now);
        true
    }

    pub(super) async fn records(&self) -> Option<Vec<ProvisionRecord>> {
        match self.store.provisions_since(self.epoch).await {
            Ok(r) => Some(r),
            Err(e) => {
                self.report(READABLE, format!("the provisions could not be listed: {e}"));
                None
            }
        }
    }

    pub(super) fn guests(&self) -> Vec<Guest> {
        self.cluster
            .vm_configs()
            .into_iter()
            .filter(|(_, _, c)| c.get("template").map(String::as_str) != Some("1"))
            .map(|(vmid, _, c)| Guest {
                vmid,
                // Only provisions' markers: a bake's VM belongs to the template bootstrap.
                owner: c
                    .get("description")
                    .and_then(|d| marker::find_marker(d))
                    .filter(|m| m.kind == marker::MarkerKind::Provision)
                    .map(|m| m.id),
                ip: c.get("ipconfig0").and_then(|i| static_ip(i)),
            })
            .collect()
    }

    /// Checks the invariants that hold at every moment.
    pub async fn scan(&self) {
        let Some(records) = self.records().await else { return };
        let rows = match self.store.pool_rows().await {
            Ok(rows) => rows,
            Err(e) => return self.report(READABLE, format!("the pool could not be listed: {e}")),
        };
        let guests = self.guests();
        let by_id: HashMap<InstanceId, &ProvisionRecord> = records.iter().map(|r| (r.id(), r)).collect();
        let who = |id: InstanceId| {
            by_id
                .get(&id)
                .map_or_else(|| format!("a provision with no record ({id})"), |r| name(r))
        };

        let mut ips: BTreeMap<Ipv4Addr, Vec<String>> = BTreeMap::new();
        let mut vmids: BTreeMap<VmId, Vec<String>> = BTreeMap::new();
        for r in records.iter().filter(|r| holding(r.provision.phase())) {
            let named = format!("{} in {}", name(r), r.provision.phase().word());
            if let Some(ip) = r.provision.held().ip {
                ips.entry(ip).or_default().push(named.clone());
            }
            // A failed provision no longer claims its VMID (its rollback destroys only a VM
            // carrying its marker), so another may take it if its clone never existed.
            if let Some(vmid) = r.provision.held().vmid
                && !matches!(r.provision.phase(), Phase::Failed { .. })
            {
                vmids.entry(vmid).or_default().push(named);
            }
        }
        for (ip, names) in ips.iter().filter(|(_, n)| n.len() > 1) {
            self.report(ADDRESS_TWICE, format!("{ip} is held by {}", names.join(" and ")));
        }
        for (vmid, names) in vmids.iter().filter(|(_, n)| n.len() > 1) {
            self.report(VMID_TWICE, format!("VMID {vmid} is held by {}", names.join(" and ")));
        }

        let mut held_rows: BTreeMap<InstanceId, Vec<Ipv4Addr>> = BTreeMap::new();
        for row in &rows {
            if let Some(id) = row_holder(&row.state) {
                held_rows.entry(id).or_default().push(row.addr);
            }
        }
        for (id, addrs) in &held_rows {
            if addrs.len() > 1 {
                self.report(ADDRESS_TWICE, format!("{} holds {addrs:?} in the pool", who(*id)));
            }
            let settled = match by_id.get(id) {
                Some(r) => released(r.provision.phase()).then(|| r.provision.phase().word().to_owned()),
                // Created after the records were read? Then it has a record now.
                None => match self.store.get_provision(*id).await {
                    Ok(Some(_)) => None,
                    _ => Some("unknown".to_owned()),
                },
            };
            if let Some(phase) = settled {
                self.report(
                    LEAK,
                    format!("{addrs:?} still held in the pool for {}, which is {phase}", who(*id)),
                );
            }
        }

        let mut configured: BTreeMap<Ipv4Addr, Vec<&Guest>> = BTreeMap::new();
        let mut marked: BTreeMap<InstanceId, Vec<VmId>> = BTreeMap::new();
        for g in &guests {
            if let Some(ip) = g.ip {
                configured.entry(ip).or_default().push(g);
            }
            let Some(owner) = g.owner else { continue };
            marked.entry(owner).or_default().push(g.vmid);
            match by_id.get(&owner) {
                None => self.report(
                    ORPHAN,
                    format!("VM {} carries the marker of {owner}, which has no record", g.vmid),
                ),
                Some(r) if released(r.provision.phase()) => self.report(
                    ORPHAN,
                    format!(
                        "VM {} carries the marker of {}, which is {}",
                        g.vmid,
                        name(r),
                        r.provision.phase().word()
                    ),
                ),
                Some(_) => {}
            }
            // The address of a VM whose provision holds it is that provision's in the pool.
            if let Some(ip) = g.ip
                && by_id.get(&owner).is_some_and(|r| holding(r.provision.phase()))
                && let Some(row) = rows.iter().find(|row| row.addr == ip)
                && row_holder(&row.state) != Some(owner)
            {
                let pool = match &row.state {
                    AddressState::Free => "has it free".to_owned(),
                    state => match row_holder(state) {
                        Some(other) => format!("holds it for {}", who(other)),
                        None => format!("records another holder: {state:?}"),
                    },
                };
                self.report(
                    ADDRESS_TWICE,
                    format!(
                        "VM {} of {} is configured with {ip}, but the pool {pool}",
                        g.vmid,
                        who(owner)
                    ),
                );
            }
        }
        for (ip, on) in configured.iter().filter(|(_, g)| g.len() > 1) {
            if on.iter().any(|g| g.owner.is_some()) {
                let vms: Vec<String> = on.iter().map(|g| g.vmid.to_string()).collect();
                self.report(
                    ADDRESS_TWICE,
                    format!("{ip} is configured on VMs {}", vms.join(" and ")),
                );
            }
        }
        for (owner, vms) in marked.iter().filter(|(_, v)| v.len() > 1) {
            self.report(VMID_TWICE, format!("{} has VMs {vms:?}", who(*owner)));
        }
    }
}
