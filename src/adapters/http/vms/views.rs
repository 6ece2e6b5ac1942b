//! The shapes of the VM API: the request, a VM with its timeline, the seed's provision result,
//! the catalog, and the one mapping of the provisioning use cases' refusals to statuses (for the
//! VM, approval, IP-pool and fleet operations).

use chrono::{DateTime, Utc};
use poem_openapi::Object;

use super::super::envelope::ErrorBody;
use super::super::errors::status::{BadRequest, Conflict, Forbidden, NotFound, Unavailable};
use super::super::errors::{ApiError, Covers};
use crate::app::provisioning::{Catalog, ProvisionError, ProvisionForm, VmResult, VmState};
use crate::domain::provisioning::Phase;

/// The Provision form.
#[derive(Debug, Clone, Object)]
pub struct ProvisionRequest {
    /// RFC 1123 label: 1–63 lower-case letters, digits and hyphens, unique among live machines.
    pub hostname: String,
    /// `small`, `medium`, `large` or `xl`.
    pub tier: String,
    /// `ubuntu-24.04`, `ubuntu-22.04`, `debian-12` or `debian-11`.
    pub os_template: String,
    /// A key from your vault. At most one of `ssh_key_id`, `ssh_pubkey`, `generate_key`; none
    /// uses your default key.
    pub ssh_key_id: Option<String>,
    /// An authorized_keys line; saved to your vault under the machine's name.
    pub ssh_pubkey: Option<String>,
    /// Generate an Ed25519 key named after the machine.
    pub generate_key: Option<bool>,
    /// With `generate_key`: keep the private key in the vault (default true). When false it is
    /// returned once, in the result, and never stored.
    pub keep_private_key: Option<bool>,
    /// Expose SSH through the Gopher tunnel gateway (refused until tunnels are configured).
    pub public_tunnel: Option<bool>,
    /// Why you need the machine, up to 500 characters; shown to the admin who reviews a request
    /// that needs approval.
    pub reason: Option<String>,
    /// Admins only: provision the machine for this account (its id). The machine is theirs,
    /// counts toward their quota and needs no approval.
    pub owner_id: Option<String>,
}

impl From<ProvisionRequest> for ProvisionForm {
    fn from(r: ProvisionRequest) -> Self {
        Self {
            hostname: r.hostname,
            tier: r.tier,
            os_template: r.os_template,
            ssh_key_id: r.ssh_key_id,
            ssh_pubkey: r.ssh_pubkey,
            generate_key: r.generate_key,
            keep_private_key: r.keep_private_key,
            public_tunnel: r.public_tunnel,
            reason: r.reason,
        }
    }
}

/// The provision result (the seed's fields plus Nimbus's `id`).
#[derive(Clone, Object)]
#[oai(rename = "ProvisionResult")]
pub struct ResultView {
    /// Nimbus's id of the machine (never the Proxmox VMID).
    pub id: String,
    #[oai(skip_serializing_if_is_none)]
    pub vmid: Option<u32>,
    pub hostname: String,
    #[oai(skip_serializing_if_is_none)]
    pub ip: Option<String>,
    /// The login user cloud-init created.
    pub username: String,
    pub os: String,
    pub tier: String,
    #[oai(skip_serializing_if_is_none)]
    pub node: Option<String>,
    /// A generated key's private half: kept ones can be downloaded again, others are shown only here.
    #[oai(skip_serializing_if_is_none)]
    pub ssh_private_key: Option<String>,
    #[oai(skip_serializing_if_is_none)]
    pub key_name: Option<String>,
    /// The generated private key is kept in the vault.
    pub key_kept: bool,
    /// Readiness was not confirmed in time; `warning` says what to check.
    pub unconfirmed: bool,
    #[oai(skip_serializing_if_is_none)]
    pub warning: Option<String>,
    /// The SSH command from the internet through Gopher, when public SSH works and its port is
    /// known.
    #[oai(skip_serializing_if_is_none)]
    pub public_ssh: Option<String>,
    /// Why public SSH through Gopher does not work (the machine itself is ready).
    #[oai(skip_serializing_if_is_none)]
    pub tunnel_error: Option<String>,
}

crate::domain::redact::debug_redacted!(ResultView { id, vmid, hostname, ip, username, os, tier, node, key_name, key_kept, unconfirmed, warning, public_ssh, tunnel_error } secret { ssh_private_key });

impl From<VmResult> for ResultView {
    fn from(r: VmResult) -> Self {
        Self {
            id: r.id.to_string(),
            vmid: r.vmid.map(|v| v.get()),
            hostname: r.hostname,
            ip: r.ip.map(|i| i.to_string()),
            username: r.username,
            os: r.os,
            tier: r.tier,
            node: r.node,
            ssh_private_key: r.ssh_private_key,
            key_name: r.key_name,
            key_kept: r.key_kept,
            unconfirmed: r.unconfirmed,
            warning: r.warning,
            public_ssh: r.public_ssh,
            tunnel_error: r.tunnel_error,
        }
    }
}

/// A completed step on the timeline.
#[derive(Debug, Clone, Object)]
pub struct StepView {
    /// `reserve_ip`, `place_vm`, `clone`, `configure`, `resize`, `start`, `wait_ready`,
    /// `expose_tunnel` or `inject_gpu_env`.
    pub step: String,
    pub at: DateTime<Utc>,
    /// Time since the previous step ended (the first: since the request).
    pub elapsed_ms: u64,
    #[oai(skip_serializing_if_is_none)]
    pub ip: Option<String>,
    #[oai(skip_serializing_if_is_none)]
    pub node: Option<String>,
    #[oai(skip_serializing_if_is_none)]
    pub vmid: Option<u32>,
}

/// Why a provision failed.
#[derive(Debug, Clone, Object)]
pub struct FailureView {
    pub step: String,
    pub reason: String,
    pub code: String,
}

/// A machine.
#[derive(Debug, Clone, Object)]
#[oai(rename = "Vm")]
pub struct VmView {
    pub id: String,
    pub hostname: String,
    pub tier: String,
    pub os: String,
    pub vcpus: u32,
    pub memory_mib: u64,
    pub disk_gib: u64,
    /// `pending_approval`, `provisioning`, `running`, `stopped`, `starting`, `stopping`,
    /// `rebooting`, `unknown`, `failed`, `denied` or `deleting`.
    pub status: String,
    /// When `status` was read from Proxmox (finished machines; absent when unknown).
    #[oai(skip_serializing_if_is_none)]
    pub status_at: Option<DateTime<Utc>>,
    /// The internal state (`cloning`, `rolling_back`, `rollback_pending`, `rolled_back`, ...).
    pub phase: String,
    /// The step in progress while provisioning.
    #[oai(skip_serializing_if_is_none)]
    pub current_step: Option<String>,
    #[oai(skip_serializing_if_is_none)]
    pub ip: Option<String>,
    #[oai(skip_serializing_if_is_none)]
    pub node: Option<String>,
    #[oai(skip_serializing_if_is_none)]
    pub vmid: Option<u32>,
    pub username: String,
    #[oai(skip_serializing_if_is_none)]
    pub key_name: Option<String>,
    /// Where the machine's key came from: `saved` (your vault), `pasted` or `generated`.
    pub key_origin: String,
    /// A generated private key is kept and can be downloaded (`/vms/{id}/private-key`).
    pub private_key_available: bool,
    pub unconfirmed: bool,
    #[oai(skip_serializing_if_is_none)]
    pub warning: Option<String>,
    pub notes: Vec<String>,
    /// How the machine differs from what Proxmox reports: `vanished` (removed outside Nimbus) or
    /// `address_changed`; absent when they agree.
    #[oai(skip_serializing_if_is_none)]
    pub drift: Option<String>,
    #[oai(skip_serializing_if_is_none)]
    pub failure: Option<FailureView>,
    pub steps: Vec<StepView>,
    pub requested_at: DateTime<Utc>,
    #[oai(skip_serializing_if_is_none)]
    pub finished_at: Option<DateTime<Utc>>,
    /// The provision failed and was rolled back: `POST /vms/{id}/retry` tries again.
    pub can_retry: bool,
    pub owner_id: String,
    /// The owner's name (in admins' views of other people's machines).
    #[oai(skip_serializing_if_is_none)]
    pub owner_name: Option<String>,
    #[oai(skip_serializing_if_is_none)]
    pub owner_email: Option<String>,
    /// Why the owner asked for the machine (requests that need approval).
    #[oai(skip_serializing_if_is_none)]
    pub reason: Option<String>,
    /// Why an admin denied the request (status `denied`).
    #[oai(skip_serializing_if_is_none)]
    pub denied_reason: Option<String>,
    /// An admin provisioned the machine for its owner (that admin's id).
    #[oai(skip_serializing_if_is_none)]
    pub created_by: Option<String>,
    /// When an admin approved or denied the request.
    #[oai(skip_serializing_if_is_none)]
    pub decided_at: Option<DateTime<Utc>>,
    /// Public SSH through Gopher, when the machine asked for it.
    #[oai(skip_serializing_if_is_none)]
    pub public_ssh: Option<super::public::PublicSshView>,
}

impl From<&VmState> for VmView {
    fn from(s: &VmState) -> Self {
        let r = &s.record;
        let p = &r.provision;
        let mut previous = p.requested_at();
        let steps = p
            .steps()
            .iter()
            .enumerate()
            .map(|(i, step)| {
                let d = r.details.get(i).cloned().unwrap_or_default();
                let elapsed = (step.at - previous).num_milliseconds().max(0) as u64;
                previous = step.at;
                StepView {
                    step: step.step.as_str().to_owned(),
                    at: step.at,
                    elapsed_ms: elapsed,
                    ip: d.ip.map(|i| i.to_string()),
                    node: d.node.map(|n| n.as_str().to_owned()),
                    vmid: d.vmid.map(|v| v.get()),
                }
            })
            .collect();
        let failure = match p.phase() {
            Phase::Failed { failure, .. }
            | Phase::RollingBack { failure, .. }
            | Phase::RollbackPending { failure, .. }
            | Phase::RolledBack { failure } => Some(FailureView {
                step: failure.step.as_str().to_owned(),
                reason: failure.reason.clone(),
                code: crate::app::provisioning::failure_code(r).as_str().to_owned(),
            }),
            _ => None,
        };
        Self {
            id: p.id().to_string(),
            hostname: p.spec().hostname.as_str().to_owned(),
            tier: p.spec().tier.as_str().to_owned(),
            os: p.spec().os.clone(),
            vcpus: p.spec().vcpus,
            memory_mib: p.spec().memory_mib,
            disk_gib: p.spec().disk_gib,
            status: s.status.as_str().to_owned(),
            status_at: s.status_at,
            phase: p.phase().word().to_owned(),
            current_step: s.current_step.map(|st| st.as_str().to_owned()),
            ip: p.held().ip.map(|i| i.to_string()),
            node: p.held().node.as_ref().map(|n| n.as_str().to_owned()),
            vmid: p.held().vmid.map(|v| v.get()),
            username: r.username.clone(),
            key_name: r.key.key_name.clone(),
            key_origin: r.key.origin.as_str().to_owned(),
            private_key_available: s.private_key_available,
            unconfirmed: p.unconfirmed(),
            warning: s.warning.clone(),
            notes: p.notes().to_vec(),
            drift: r.drift.map(|d| d.as_str().to_owned()),
            failure,
            steps,
            requested_at: p.requested_at(),
            finished_at: r.finished_at,
            can_retry: s.can_retry,
            owner_id: p.spec().owner.to_string(),
            owner_name: s.owner.as_ref().map(|o| o.name.clone()),
            owner_email: s.owner.as_ref().map(|o| o.email.clone()),
            reason: r.review.reason.clone(),
            denied_reason: match p.phase() {
                Phase::Denied { reason } => Some(reason.clone()),
                _ => None,
            },
            created_by: r.review.created_by.map(|u| u.to_string()),
            decided_at: r.review.decided_at,
            public_ssh: super::public::public_ssh(s),
        }
    }
}

#[derive(Debug, Clone, Object)]
pub struct TierView {
    pub name: String,
    pub vcpus: u32,
    pub memory_mib: u64,
    pub disk_gib: u64,
    /// A request for this tier waits for an admin's approval (xl, or above your allowance).
    pub needs_approval: bool,
}

#[derive(Debug, Clone, Object)]
pub struct OsView {
    pub key: String,
    pub label: String,
    pub username: String,
    /// Some node has this OS's template.
    pub available: bool,
}

/// What the Provision form offers you.
#[derive(Debug, Clone, Object)]
#[oai(rename = "ProvisionCatalog")]
pub struct CatalogView {
    pub tiers: Vec<TierView>,
    pub os: Vec<OsView>,
    /// Public SSH tunnels (Gopher) are configured.
    pub tunnels_enabled: bool,
    /// Your default key, preselected on the form.
    #[oai(skip_serializing_if_is_none)]
    pub default_key_id: Option<String>,
}

impl From<Catalog> for CatalogView {
    fn from(c: Catalog) -> Self {
        Self {
            tiers: c
                .tiers
                .into_iter()
                .map(|t| TierView {
                    name: t.name,
                    vcpus: t.vcpus,
                    memory_mib: t.memory_mib,
                    disk_gib: t.disk_gib,
                    needs_approval: t.needs_approval,
                })
                .collect(),
            os: c
                .os
                .into_iter()
                .map(|o| OsView {
                    key: o.key,
                    label: o.label,
                    username: o.username,
                    available: o.available,
                })
                .collect(),
            tunnels_enabled: c.tunnels_enabled,
            default_key_id: c.default_key_id.map(|k| k.to_string()),
        }
    }
}

/// The error body for a refusal.
pub fn body(e: &ProvisionError) -> ErrorBody {
    let body = ErrorBody::new(e.code(), e.to_string());
    match e.field() {
        Some(f) => body.with_field(f),
        None => body,
    }
}

impl<S> From<ProvisionError> for ApiError<S>
where
    S: Covers<BadRequest> + Covers<Forbidden> + Covers<NotFound> + Covers<Conflict> + Covers<Unavailable>,
{
    fn from(e: ProvisionError) -> Self {
        let b = body(&e);
        match e {
            ProvisionError::Invalid { .. } => Self::bad_request(b),
            ProvisionError::ApprovalRequired(_)
            | ProvisionError::AdminOnly
            | ProvisionError::OnBehalfAdminOnly
            | ProvisionError::OverQuota { .. } => Self::forbidden(b),
            ProvisionError::KeyNotFound | ProvisionError::NotFound | ProvisionError::NoPrivateKey => Self::not_found(b),
            ProvisionError::HostnameTaken(_)
            | ProvisionError::IdempotencyConflict
            | ProvisionError::Conflict(_)
            | ProvisionError::Denied(_)
            | ProvisionError::ApprovalOverQuota { .. } => Self::conflict(b),
            ProvisionError::NotConfigured(_)
            | ProvisionError::NoTemplate(_)
            | ProvisionError::NoCapacity(_)
            | ProvisionError::PoolExhausted(_)
            | ProvisionError::ProxmoxUnavailable(_)
            | ProvisionError::Failed { .. } => Self::unavailable(b),
            ProvisionError::Internal(cause) => Self::unexpected("provisioning failed unexpectedly", cause),
        }
    }
}
