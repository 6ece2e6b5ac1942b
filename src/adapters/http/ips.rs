//! The IP pool's admin operations: `POST /ips/reconcile` runs a reconcile pass now and answers
//! its report, conflicts included (what reconcile will not fix on its own).

use std::sync::Arc;

use chrono::{DateTime, Utc};
use poem::web::Data;
use poem_openapi::payload::Json;
use poem_openapi::{ApiResponse, Object, OpenApi, Tags};

use super::accounts::ApiError;
use super::auth::AdminOnly;
use super::envelope::{Envelope, ErrorBody};
use crate::app::provisioning::{ProvisionError, Provisioner, ReconcileReport};
use crate::domain::ip_pool::Conflict;

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

#[derive(ApiResponse)]
pub enum ReconcileResponse {
    /// The pass ran; its report.
    #[oai(status = 200)]
    Ok(Json<Envelope<ReconcileReportView>>),
}

pub struct IpsApi;

#[OpenApi(tag = "IpTags::Ips")]
impl IpsApi {
    /// Reconcile the IP pool with Proxmox now (admins); answers the report.
    #[oai(path = "/ips/reconcile", method = "post", operation_id = "reconcile_ips")]
    async fn reconcile(&self, _admin: AdminOnly, vms: Data<&Arc<Provisioner>>) -> Result<ReconcileResponse, ApiError> {
        match vms.reconcile_ips().await {
            Ok(report) => Ok(ReconcileResponse::Ok(Json(Envelope::ok(report.into())))),
            Err(ProvisionError::ProxmoxUnavailable(m)) => {
                tracing::warn!(error = %m, "manual reconcile could not read Proxmox");
                Err(ApiError::Unavailable(Json(ErrorBody::new(
                    "proxmox_unavailable",
                    "Proxmox could not be read, so nothing was reconciled. Try again in a minute.",
                ))))
            }
            Err(e) => {
                tracing::error!(error = %e, "manual reconcile failed");
                Err(ApiError::Internal(Json(ErrorBody::internal())))
            }
        }
    }
}
