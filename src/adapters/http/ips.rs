//! The IP pool's admin operations: the pool with who holds each address (`GET /ips`), the last
//! reconcile report (`GET /ips/reconcile`), and `POST /ips/reconcile`, which runs a pass now and
//! answers its report, conflicts included (what reconcile will not fix on its own).

use std::sync::Arc;

use chrono::{DateTime, Utc};
use poem::web::Data;
use poem_openapi::payload::Json;
use poem_openapi::{ApiResponse, Object, OpenApi, Tags};

use super::auth::AdminOnly;
use super::envelope::Envelope;
use super::errors::{ApiError, statuses};
use crate::app::provisioning::{PoolEntry, Provisioning, ReconcileReport};
use crate::domain::ip_pool::{AddressState, Conflict, Holder, Source};

#[derive(Tags)]
enum IpTags {
    /// The IP pool (admins).
    Ips,
}

/// Something reconcile found and will not fix on its own.
#[derive(Debug, Clone, Object)]
pub struct ConflictView {
    /// `different_guest`, `duplicate_claim`, `reserved_but_claimed` or `reserved_but_answering`.
    pub kind: String,
    pub ip: String,
    /// What was found, in words.
    pub detail: String,
}

/// One reconcile pass.
#[derive(Debug, Clone, Object)]
pub struct ReconcileReportView {
    /// When the pass ran; absent before the first.
    #[oai(skip_serializing_if_is_none)]
    pub at: Option<DateTime<Utc>>,
    /// Addresses changed (adopted, vacated, expired, marked external, ...).
    pub applied: u64,
    pub unchanged: u64,
    /// Some guest's config could not be read, so no miss was counted.
    pub partial: bool,
    pub conflicts: Vec<ConflictView>,
}

fn conflict(c: &Conflict) -> ConflictView {
    let (kind, ip, detail) = match c {
        Conflict::DifferentGuest {
            addr,
            recorded,
            claimed,
            node,
        } => (
            "different_guest",
            addr,
            format!(
                "recorded for VM {}, but VM {} on {node} is configured with it",
                recorded.map_or("none".into(), |v| v.get().to_string()),
                claimed.get()
            ),
        ),
        Conflict::DuplicateClaim { addr, vmids } => (
            "duplicate_claim",
            addr,
            format!(
                "configured on several VMs: {}",
                vmids.iter().map(|v| v.get().to_string()).collect::<Vec<_>>().join(", ")
            ),
        ),
        Conflict::ReservedButClaimed { addr, provision, vmid } => (
            "reserved_but_claimed",
            addr,
            format!(
                "reserved for provision {provision}, but VM {} is configured with it",
                vmid.get()
            ),
        ),
        Conflict::ReservedButAnswering { addr, provision } => (
            "reserved_but_answering",
            addr,
            format!("reserved for provision {provision}, but something on the LAN answers there"),
        ),
    };
    ConflictView {
        kind: kind.to_owned(),
        ip: ip.to_string(),
        detail,
    }
}

impl From<ReconcileReport> for ReconcileReportView {
    fn from(r: ReconcileReport) -> Self {
        Self {
            at: r.at,
            applied: r.applied as u64,
            unchanged: r.unchanged as u64,
            partial: r.partial,
            conflicts: r.conflicts.iter().map(conflict).collect(),
        }
    }
}

/// One address of the pool.
#[derive(Debug, Clone, Object)]
pub struct IpView {
    pub ip: String,
    /// `free`, `reserved` (held for a machine being built) or `allocated`.
    pub status: String,
    /// Who holds it: `local` (a Nimbus machine), `adopted` (a Proxmox guest Nimbus did not
    /// build) or `external` (a LAN host that is not a guest); absent when free.
    #[oai(skip_serializing_if_is_none)]
    pub source: Option<String>,
    #[oai(skip_serializing_if_is_none)]
    pub vmid: Option<u32>,
    /// The Nimbus machine's id and hostname, or the adopted guest's name.
    #[oai(skip_serializing_if_is_none)]
    pub vm_id: Option<String>,
    #[oai(skip_serializing_if_is_none)]
    pub hostname: Option<String>,
    #[oai(skip_serializing_if_is_none)]
    pub owner_name: Option<String>,
    #[oai(skip_serializing_if_is_none)]
    pub reserved_at: Option<DateTime<Utc>>,
    #[oai(skip_serializing_if_is_none)]
    pub allocated_at: Option<DateTime<Utc>>,
    #[oai(skip_serializing_if_is_none)]
    pub last_seen_at: Option<DateTime<Utc>>,
    /// Reconcile passes in a row that did not see the holder.
    pub missed_cycles: u32,
}

impl From<&PoolEntry> for IpView {
    fn from(e: &PoolEntry) -> Self {
        let a = &e.address;
        let (vmid, guest_name, reserved_at, allocated_at) = match &a.state {
            AddressState::Free => (None, None, None, None),
            AddressState::Reserved(r) => (r.vmid, None, Some(r.reserved_at), None),
            AddressState::Allocated { holder, since } => match holder {
                Holder::Local { vmid, .. } => (Some(*vmid), None, None, Some(*since)),
                Holder::Adopted { vmid, name } => (Some(*vmid), Some(name.clone()), None, Some(*since)),
                Holder::External => (None, None, None, Some(*since)),
            },
        };
        Self {
            ip: a.addr.to_string(),
            status: a.state_word().to_owned(),
            source: a.source().map(|s| {
                match s {
                    Source::Local => "local",
                    Source::Adopted => "adopted",
                    Source::External => "external",
                }
                .to_owned()
            }),
            vmid: vmid.map(|v| v.get()),
            vm_id: e.machine.as_ref().map(|(id, _, _)| id.to_string()),
            hostname: e.machine.as_ref().map(|(_, h, _)| h.clone()).or(guest_name),
            owner_name: e
                .machine
                .as_ref()
                .and_then(|(_, _, o)| o.as_ref())
                .map(|o| o.name.clone()),
            reserved_at,
            allocated_at,
            last_seen_at: a.last_seen,
            missed_cycles: a.missed,
        }
    }
}

#[derive(ApiResponse)]
pub enum PoolResponse {
    /// Every address of the pool, in order.
    #[oai(status = 200)]
    Ok(Json<Envelope<Vec<IpView>>>),
}

#[derive(ApiResponse)]
pub enum ReconcileResponse {
    /// The pass ran; its report.
    #[oai(status = 200)]
    Ok(Json<Envelope<ReconcileReportView>>),
}

/// What each IP-pool operation answers besides its success.
mod op {
    use super::statuses;

    statuses! {
        pub ListIps [Unauthorized, Forbidden] never [BadRequest, NotFound, Conflict, Unavailable];
        pub LastReconcile [Unauthorized, Forbidden];
        pub ReconcileIps [
            Unauthorized,
            Forbidden,
            Unavailable = "`proxmox_unavailable`: Proxmox could not be read, so nothing was reconciled.",
        ] never [BadRequest, NotFound, Conflict];
    }
}

pub struct IpsApi;

#[OpenApi(tag = "IpTags::Ips")]
impl IpsApi {
    /// The IP pool: every address with its state, source and holder (admins).
    #[oai(path = "/ips", method = "get", operation_id = "list_ips")]
    async fn list(
        &self,
        _admin: AdminOnly,
        vms: Data<&Arc<Provisioning>>,
    ) -> Result<PoolResponse, ApiError<op::ListIps>> {
        let entries = vms.fleet.pool_entries().await?;
        Ok(PoolResponse::Ok(Json(Envelope::ok(
            entries.iter().map(IpView::from).collect(),
        ))))
    }

    /// The last reconcile pass's report, scheduled or manual (admins); `at` is absent before the
    /// first pass.
    #[oai(path = "/ips/reconcile", method = "get", operation_id = "last_reconcile")]
    async fn last(
        &self,
        _admin: AdminOnly,
        vms: Data<&Arc<Provisioning>>,
    ) -> Result<ReconcileResponse, ApiError<op::LastReconcile>> {
        Ok(ReconcileResponse::Ok(Json(Envelope::ok(vms.reconcile.last().into()))))
    }

    /// Reconcile the IP pool with Proxmox now (admins); answers the report.
    #[oai(path = "/ips/reconcile", method = "post", operation_id = "reconcile_ips")]
    async fn reconcile(
        &self,
        _admin: AdminOnly,
        vms: Data<&Arc<Provisioning>>,
    ) -> Result<ReconcileResponse, ApiError<op::ReconcileIps>> {
        let report = vms.reconcile.run_now().await?;
        Ok(ReconcileResponse::Ok(Json(Envelope::ok(report.into()))))
    }
}
