//! The `ProvisionStore` port: every VM Nimbus builds, as one durable record per provision (its
//! state machine, the key it was given, the timeline's details), plus the idempotency keys of the
//! requests that created them. Hostnames are unique among live VMs inside the store's own write,
//! so two concurrent requests for one name cannot both succeed.

use std::net::Ipv4Addr;

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use uuid::Uuid;

use super::store::StoreError;
use crate::domain::cluster::NodeName;
use crate::domain::ids::{InstanceId, UserId};
use crate::domain::provisioning::{Drift, FailureCode, Provision};
use crate::domain::quota::{QuotaBreach, QuotaLimits, Usage};
use crate::domain::vmid::VmId;

/// Where the VM's SSH key came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum KeyOrigin {
    /// A key from the owner's vault, chosen by id (or their default).
    Saved,
    /// A public key pasted into the form; saved to the vault under the VM's name.
    Pasted,
    /// An Ed25519 key Nimbus generated for this VM.
    Generated,
}

impl KeyOrigin {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Saved => "saved",
            Self::Pasted => "pasted",
            Self::Generated => "generated",
        }
    }

    pub fn parse(text: &str) -> Option<Self> {
        [Self::Saved, Self::Pasted, Self::Generated]
            .into_iter()
            .find(|o| o.as_str() == text)
    }
}

/// The key a VM is built with.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KeyUse {
    pub origin: KeyOrigin,
    /// The vault key, once there is one (a generated key that is not kept has none).
    pub key_id: Option<Uuid>,
    pub key_name: Option<String>,
    /// The authorized_keys line written into cloud-init.
    pub public_key: String,
    /// A generated key's private half is kept in the vault.
    pub kept: bool,
}

/// What a completed step had in hand, for the timeline.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct StepDetail {
    pub ip: Option<Ipv4Addr>,
    pub node: Option<NodeName>,
    pub vmid: Option<VmId>,
}

/// An `Idempotency-Key` with the digest of the request it came with.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Idempotency {
    pub key: String,
    pub digest: String,
}

/// One provision as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProvisionRecord {
    pub provision: Provision,
    /// The login user cloud-init creates.
    pub username: String,
    pub key: KeyUse,
    /// One entry per completed step, aligned with `provision.steps()`.
    pub details: Vec<StepDetail>,
    pub idempotency: Option<Idempotency>,
    pub updated_at: DateTime<Utc>,
    /// When the provision reached a settled state (running, rolled back, denied).
    pub finished_at: Option<DateTime<Utc>>,
    /// Set on a retry: the provision this one repeats.
    pub retry_of: Option<InstanceId>,
    /// Why the provision failed, once it has.
    pub failure_code: Option<FailureCode>,
    /// How a finished VM differs from what Proxmox reports; `None` when they agree.
    pub drift: Option<Drift>,
    /// The request's reason and who made and decided it.
    pub review: Review,
    /// The VM's public SSH endpoint and published ports through Gopher, as far as Nimbus knows.
    pub public: PublicAccess,
}

/// How far a VM's public access through Gopher has come.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum PublicState {
    /// Not started: the VM is not built yet, or did not ask for public SSH.
    #[default]
    Waiting,
    /// Registering the machine, running its bootstrap or waiting for it to connect.
    Exposing,
    Connected,
    /// It did not work; `error` says why.
    Failed,
}

impl PublicState {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Waiting => "waiting",
            Self::Exposing => "exposing",
            Self::Connected => "connected",
            Self::Failed => "failed",
        }
    }

    pub fn parse(text: &str) -> Option<Self> {
        [Self::Waiting, Self::Exposing, Self::Connected, Self::Failed]
            .into_iter()
            .find(|s| s.as_str() == text)
    }
}

/// A VM's public SSH endpoint and published ports, as last learned from Gopher. Gopher's v1 API
/// never reports the public SSH host or port: the port is what Gopher's bootstrap printed inside
/// the VM, the host is the gateway's; either stays `None` rather than guessed.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PublicAccess {
    pub state: PublicState,
    /// A machine was being registered from this time and its id was not recorded yet: after a
    /// crash here, Gopher may hold a machine no VM knows, which the next attempt removes.
    pub registering_since: Option<DateTime<Utc>>,
    pub ssh_host: Option<String>,
    pub ssh_port: Option<u16>,
    /// Why public access does not work, in words.
    pub error: Option<String>,
    /// The guest agent never answered: the owner can run the bootstrap by hand.
    pub agent_silent: bool,
    /// The ports published as subdomains, as Gopher last reported them.
    pub ports: Vec<PublishedPort>,
}

/// One port of a VM published through Gopher.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PublishedPort {
    pub id: String,
    pub subdomain: String,
    pub url: Option<String>,
    pub target_port: u16,
    pub private: bool,
    pub tls: bool,
    /// Gopher's word: `active`, `failed`, or another it may add.
    pub status: String,
    pub error: Option<String>,
    pub created_at: Option<DateTime<Utc>>,
}

/// Who asked for a VM and who decided on it, when an admin is involved.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Review {
    /// Why the owner needs the machine (shown in the approval queue).
    pub reason: Option<String>,
    /// The admin who provisioned it on the owner's behalf.
    pub created_by: Option<UserId>,
    /// The admin who approved or denied the request.
    pub decided_by: Option<UserId>,
    pub decided_at: Option<DateTime<Utc>>,
}

impl ProvisionRecord {
    pub fn id(&self) -> InstanceId {
        self.provision.id()
    }

    pub fn owner(&self) -> UserId {
        self.provision.spec().owner
    }
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CreateError {
    /// A live VM already has this hostname.
    #[error("the hostname is in use")]
    HostnameTaken,
    /// The owner already sent a request with this idempotency key; `digest` is that request's.
    #[error("the idempotency key was used before")]
    KeyUsed { existing: InstanceId, digest: String },
    /// The owner's quota has no room for the machine.
    #[error("{0}")]
    OverQuota(QuotaBreach),
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// Why an admin's decision on a request was not recorded.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DecideError {
    /// The request is no longer waiting for approval (someone decided first, or it was withdrawn).
    #[error("the request is no longer pending")]
    NotPending,
    #[error("{0}")]
    OverQuota(QuotaBreach),
    #[error(transparent)]
    Store(#[from] StoreError),
}

#[cfg_attr(test, mockall::automock)]
#[async_trait]
pub trait ProvisionStore: Send + Sync {
    /// Inserts a new record. Refused, changing nothing, when a live VM has the hostname, the
    /// owner's idempotency key was used before, or (with `quota`) the owner's machines that count
    /// toward it plus this one would break a limit. All of it is checked in the one write that
    /// inserts, so concurrent requests cannot together exceed a quota.
    ///
    /// Errors: [`CreateError`].
    async fn create_provision(&self, record: &ProvisionRecord, quota: Option<QuotaLimits>) -> Result<(), CreateError>;

    /// Records an admin's decision on a request waiting for approval: `record` is the request
    /// after the approve or deny event. Refused when the stored request is no longer pending, or
    /// (approving, with `quota`) when the owner's quota has no room, checked in the same write.
    ///
    /// Errors: [`DecideError`].
    async fn decide_provision(&self, record: &ProvisionRecord, quota: Option<QuotaLimits>) -> Result<(), DecideError>;

    /// What the owner's machines that count toward a quota take up.
    ///
    /// Errors: [`StoreError`].
    async fn usage_of(&self, owner: UserId) -> Result<Usage, StoreError>;

    /// Writes the record's current state (durable when the call returns).
    ///
    /// Errors: [`StoreError::Unavailable`].
    async fn save_provision(&self, record: &ProvisionRecord) -> Result<(), StoreError>;

    /// Errors: [`StoreError`].
    async fn get_provision(&self, id: InstanceId) -> Result<Option<ProvisionRecord>, StoreError>;

    /// The owner's records, newest first, deleted ones left out.
    ///
    /// Errors: [`StoreError`].
    async fn provisions_of(&self, owner: UserId) -> Result<Vec<ProvisionRecord>, StoreError>;

    /// Every owner's records, newest first, deleted ones left out.
    ///
    /// Errors: [`StoreError`].
    async fn all_provisions(&self) -> Result<Vec<ProvisionRecord>, StoreError>;

    /// Every record requested at or after `since`, deleted ones included, oldest first (for
    /// provisioning metrics).
    ///
    /// Errors: [`StoreError`].
    async fn provisions_since(&self, since: DateTime<Utc>) -> Result<Vec<ProvisionRecord>, StoreError>;

    /// Every record not yet settled (in flight, failing, rolling back), oldest first.
    ///
    /// Errors: [`StoreError`].
    async fn unsettled_provisions(&self) -> Result<Vec<ProvisionRecord>, StoreError>;

    /// Every finished VM (built and not being deleted).
    ///
    /// Errors: [`StoreError`].
    async fn ready_provisions(&self) -> Result<Vec<ProvisionRecord>, StoreError>;

    /// The provision created by the owner's request with this idempotency key, and that request's
    /// digest.
    ///
    /// Errors: [`StoreError`].
    async fn find_idempotent(&self, owner: UserId, key: &str) -> Result<Option<(InstanceId, String)>, StoreError>;

    /// Whether a live VM has this hostname.
    ///
    /// Errors: [`StoreError`].
    async fn hostname_in_use(&self, hostname: &str) -> Result<bool, StoreError>;
}
