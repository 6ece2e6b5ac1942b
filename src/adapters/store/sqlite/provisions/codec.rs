//! A provision record as the JSON document kept in `provisions.state`. The domain stays free of
//! serde: these mirror types are the stored format, and reading one back re-validates every value
//! through the domain's constructors.

use std::net::Ipv4Addr;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use super::phase::{PhaseDoc, phase_in, phase_out};
use crate::domain::cluster::NodeName;
use crate::domain::hostname::Hostname;
use crate::domain::ids::{InstanceId, UserId};
use crate::domain::provisioning::{
    Drift, FailureCode, Held, Provision, ProvisionSpec, Step, StepRecord, StoredProvision,
};
use crate::domain::tier::TierName;
use crate::domain::vmid::VmId;
use crate::ports::StoreError;
use crate::ports::provisions::{
    Idempotency, KeyOrigin, KeyUse, ProvisionRecord, PublicAccess, PublicState, PublishedPort, Review, StepDetail,
};

pub(super) fn corrupt(what: &str, value: impl std::fmt::Display) -> StoreError {
    StoreError::Corrupt(format!("provision {what}: {value}"))
}

#[derive(Serialize, Deserialize)]
struct Doc {
    id: Uuid,
    owner: Uuid,
    hostname: String,
    tier: String,
    vcpus: u32,
    memory_mib: u64,
    disk_gib: u64,
    os: String,
    expose_ssh: bool,
    gpu_env: bool,
    phase: PhaseDoc,
    held: HeldDoc,
    unconfirmed: bool,
    notes: Vec<String>,
    steps: Vec<StepDoc>,
    requested_at: DateTime<Utc>,
    username: String,
    key: KeyDoc,
    idempotency: Option<(String, String)>,
    updated_at: DateTime<Utc>,
    finished_at: Option<DateTime<Utc>>,
    retry_of: Option<Uuid>,
    #[serde(default)]
    failure_code: Option<String>,
    #[serde(default)]
    drift: Option<String>,
    #[serde(default)]
    review: ReviewDoc,
    #[serde(default)]
    public: PublicDoc,
}

#[derive(Serialize, Deserialize, Default)]
struct PublicDoc {
    state: String,
    registering_since: Option<DateTime<Utc>>,
    ssh_host: Option<String>,
    ssh_port: Option<u16>,
    error: Option<String>,
    agent_silent: bool,
    ports: Vec<PortDoc>,
}

#[derive(Serialize, Deserialize)]
struct PortDoc {
    id: String,
    subdomain: String,
    url: Option<String>,
    target_port: u16,
    private: bool,
    tls: bool,
    status: String,
    error: Option<String>,
    created_at: Option<DateTime<Utc>>,
}

fn public_out(p: &PublicAccess) -> PublicDoc {
    PublicDoc {
        state: p.state.as_str().to_owned(),
        registering_since: p.registering_since,
        ssh_host: p.ssh_host.clone(),
        ssh_port: p.ssh_port,
        error: p.error.clone(),
        agent_silent: p.agent_silent,
        ports: p
            .ports
            .iter()
            .map(|t| PortDoc {
                id: t.id.clone(),
                subdomain: t.subdomain.clone(),
                url: t.url.clone(),
                target_port: t.target_port,
                private: t.private,
                tls: t.tls,
                status: t.status.clone(),
                error: t.error.clone(),
                created_at: t.created_at,
            })
            .collect(),
    }
}

/// A stored public access. A state word this version does not know reads as `waiting`.
fn public_in(doc: PublicDoc) -> PublicAccess {
    PublicAccess {
        state: PublicState::parse(&doc.state).unwrap_or_default(),
        registering_since: doc.registering_since,
        ssh_host: doc.ssh_host,
        ssh_port: doc.ssh_port,
        error: doc.error,
        agent_silent: doc.agent_silent,
        ports: doc
            .ports
            .into_iter()
            .map(|t| PublishedPort {
                id: t.id,
                subdomain: t.subdomain,
                url: t.url,
                target_port: t.target_port,
                private: t.private,
                tls: t.tls,
                status: t.status,
                error: t.error,
                created_at: t.created_at,
            })
            .collect(),
    }
}

#[derive(Serialize, Deserialize, Default)]
struct ReviewDoc {
    reason: Option<String>,
    created_by: Option<Uuid>,
    decided_by: Option<Uuid>,
    decided_at: Option<DateTime<Utc>>,
}

#[derive(Serialize, Deserialize, Default)]
struct HeldDoc {
    ip: Option<Ipv4Addr>,
    node: Option<String>,
    vmid: Option<u32>,
    tunnel: Option<String>,
}

#[derive(Serialize, Deserialize)]
struct StepDoc {
    step: String,
    at: DateTime<Utc>,
    ip: Option<Ipv4Addr>,
    node: Option<String>,
    vmid: Option<u32>,
}

#[derive(Serialize, Deserialize)]
struct KeyDoc {
    origin: String,
    key_id: Option<Uuid>,
    key_name: Option<String>,
    public_key: String,
    kept: bool,
}

pub(super) fn node_in(n: String) -> Result<NodeName, StoreError> {
    NodeName::parse(&n).map_err(|_| corrupt("node", n))
}

pub(super) fn vmid_in(v: u32) -> Result<VmId, StoreError> {
    VmId::new(v).map_err(|_| corrupt("vmid", v))
}

pub(super) fn step_in(s: &str) -> Result<Step, StoreError> {
    Step::parse(s).ok_or_else(|| corrupt("step", s))
}

/// A stored failure code. One this version does not know (written by a newer one, or edited by
/// hand) reads as the generic code rather than making the record unreadable.
fn failure_code_in(id: Uuid, text: &str) -> FailureCode {
    FailureCode::parse(text).unwrap_or_else(|| {
        tracing::warn!(vm = %id, code = text, "unknown stored failure code; reading it as provision_failed");
        FailureCode::ProvisionFailed
    })
}

/// A stored drift. One this version does not know reads as none: the next drift pass marks the
/// VM again if it still differs from Proxmox.
fn drift_in(id: Uuid, text: &str) -> Option<Drift> {
    let drift = Drift::parse(text);
    if drift.is_none() {
        tracing::warn!(vm = %id, drift = text, "unknown stored drift; reading it as none");
    }
    drift
}

/// The record as its JSON document.
pub(super) fn encode(r: &ProvisionRecord) -> String {
    let p = &r.provision;
    let steps = p
        .steps()
        .iter()
        .enumerate()
        .map(|(i, s)| {
            let d = r.details.get(i).cloned().unwrap_or_default();
            StepDoc {
                step: s.step.as_str().to_owned(),
                at: s.at,
                ip: d.ip,
                node: d.node.map(|n| n.as_str().to_owned()),
                vmid: d.vmid.map(VmId::get),
            }
        })
        .collect();
    let doc = Doc {
        id: p.id().as_uuid(),
        owner: p.spec().owner.as_uuid(),
        hostname: p.spec().hostname.as_str().to_owned(),
        tier: p.spec().tier.as_str().to_owned(),
        vcpus: p.spec().vcpus,
        memory_mib: p.spec().memory_mib,
        disk_gib: p.spec().disk_gib,
        os: p.spec().os.clone(),
        expose_ssh: p.spec().expose_ssh,
        gpu_env: p.spec().gpu_env,
        phase: phase_out(p.phase()),
        held: HeldDoc {
            ip: p.held().ip,
            node: p.held().node.as_ref().map(|n| n.as_str().to_owned()),
            vmid: p.held().vmid.map(VmId::get),
            tunnel: p.held().tunnel.clone(),
        },
        unconfirmed: p.unconfirmed(),
        notes: p.notes().to_vec(),
        steps,
        requested_at: p.requested_at(),
        username: r.username.clone(),
        key: KeyDoc {
            origin: r.key.origin.as_str().to_owned(),
            key_id: r.key.key_id,
            key_name: r.key.key_name.clone(),
            public_key: r.key.public_key.clone(),
            kept: r.key.kept,
        },
        idempotency: r.idempotency.as_ref().map(|i| (i.key.clone(), i.digest.clone())),
        updated_at: r.updated_at,
        finished_at: r.finished_at,
        retry_of: r.retry_of.map(|i| i.as_uuid()),
        failure_code: r.failure_code.map(|c| c.as_str().to_owned()),
        drift: r.drift.map(|d| d.as_str().to_owned()),
        review: ReviewDoc {
            reason: r.review.reason.clone(),
            created_by: r.review.created_by.map(|u| u.as_uuid()),
            decided_by: r.review.decided_by.map(|u| u.as_uuid()),
            decided_at: r.review.decided_at,
        },
        public: public_out(&r.public),
    };
    serde_json::to_string(&doc).expect("a provision document always serialises")
}

/// The record a JSON document describes.
pub(super) fn decode(text: &str) -> Result<ProvisionRecord, StoreError> {
    let doc: Doc = serde_json::from_str(text).map_err(|e| corrupt("document", e))?;
    let mut steps = Vec::with_capacity(doc.steps.len());
    let mut details = Vec::with_capacity(doc.steps.len());
    for s in doc.steps {
        steps.push(StepRecord {
            step: step_in(&s.step)?,
            at: s.at,
        });
        details.push(StepDetail {
            ip: s.ip,
            node: s.node.map(node_in).transpose()?,
            vmid: s.vmid.map(vmid_in).transpose()?,
        });
    }
    let provision = Provision::restore(StoredProvision {
        id: InstanceId::from_uuid(doc.id),
        spec: ProvisionSpec {
            owner: UserId::from_uuid(doc.owner),
            hostname: Hostname::parse(&doc.hostname).map_err(|_| corrupt("hostname", &doc.hostname))?,
            tier: TierName::parse(&doc.tier).map_err(|_| corrupt("tier", &doc.tier))?,
            vcpus: doc.vcpus,
            memory_mib: doc.memory_mib,
            disk_gib: doc.disk_gib,
            os: doc.os,
            expose_ssh: doc.expose_ssh,
            gpu_env: doc.gpu_env,
        },
        phase: phase_in(doc.phase)?,
        held: Held {
            ip: doc.held.ip,
            node: doc.held.node.map(node_in).transpose()?,
            vmid: doc.held.vmid.map(vmid_in).transpose()?,
            tunnel: doc.held.tunnel,
        },
        unconfirmed: doc.unconfirmed,
        notes: doc.notes,
        steps,
        requested_at: doc.requested_at,
    });
    Ok(ProvisionRecord {
        provision,
        username: doc.username,
        key: KeyUse {
            origin: KeyOrigin::parse(&doc.key.origin).ok_or_else(|| corrupt("key origin", &doc.key.origin))?,
            key_id: doc.key.key_id,
            key_name: doc.key.key_name,
            public_key: doc.key.public_key,
            kept: doc.key.kept,
        },
        details,
        idempotency: doc.idempotency.map(|(key, digest)| Idempotency { key, digest }),
        updated_at: doc.updated_at,
        finished_at: doc.finished_at,
        retry_of: doc.retry_of.map(InstanceId::from_uuid),
        failure_code: doc.failure_code.map(|text| failure_code_in(doc.id, &text)),
        drift: doc.drift.and_then(|text| drift_in(doc.id, &text)),
        review: Review {
            reason: doc.review.reason,
            created_by: doc.review.created_by.map(UserId::from_uuid),
            decided_by: doc.review.decided_by.map(UserId::from_uuid),
            decided_at: doc.review.decided_at,
        },
        public: public_in(doc.public),
    })
}
