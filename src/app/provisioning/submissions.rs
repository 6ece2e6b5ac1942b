//! Accepting a provision request: idempotent replays first, then every check before anything is
//! recorded or reserved, then the record, the key, and the background run. Also the one-click
//! retry of a rolled-back provision.

use std::sync::Arc;

use super::keys::{self, Save};
use super::placement;
use super::provision_error::ProvisionError;
use super::provision_form::{KeyChoice, ProvisionForm, Request};
use super::runner::Runner;
use super::shared::Shared;
use crate::app::accounts::Caller;
use crate::app::quotas::limits_with_source;
use crate::domain::audit::AuditAction;
use crate::domain::ids::{InstanceId, UserId};
use crate::domain::provisioning::{Event, FailureCode, Phase, Provision, ProvisionSpec};
use crate::domain::quota::{QuotaBreach, Usage};
use crate::ports::accounts::User;
use crate::ports::provisions::{CreateError, Idempotency, KeyOrigin, ProvisionRecord, Review};

/// A request the provisioner took on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Accepted {
    pub id: InstanceId,
    /// An earlier request with the same `Idempotency-Key` created it.
    pub replay: bool,
}

/// Taking on provision requests: a member's own, an admin's on a member's behalf, and retries.
pub struct Submissions {
    shared: Arc<Shared>,
    runner: Arc<Runner>,
}

impl Submissions {
    pub fn new(shared: Arc<Shared>, runner: Arc<Runner>) -> Self {
        Self { shared, runner }
    }

    /// Checks and records a provision request and starts building it in the background; a
    /// request that needs an admin's approval is recorded as pending and reserves nothing.
    pub async fn submit(
        &self,
        caller: &Caller,
        form: ProvisionForm,
        idempotency_key: Option<String>,
    ) -> Result<Accepted, ProvisionError> {
        self.submit_as(caller, None, form, idempotency_key, None, None).await
    }

    /// An admin provisions a machine for `owner`: it is theirs, counts toward their quota and
    /// needs no approval (the admin is the approver).
    pub async fn submit_for(
        &self,
        caller: &Caller,
        owner: UserId,
        form: ProvisionForm,
        idempotency_key: Option<String>,
    ) -> Result<Accepted, ProvisionError> {
        if !caller.is_admin() {
            return Err(ProvisionError::OnBehalfAdminOnly);
        }
        let user = self
            .shared
            .ports
            .accounts
            .get_user(owner)
            .await
            .map_err(|e| ProvisionError::Internal(e.to_string()))?
            .ok_or_else(|| {
                ProvisionError::invalid("owner_id", "There is no such account. Pick a member from the list.")
            })?
            .user;
        if user.status != crate::domain::account::UserStatus::Active {
            return Err(ProvisionError::invalid(
                "owner_id",
                format!(
                    "{}'s account is disabled. Enable it on the Users page first.",
                    user.name
                ),
            ));
        }
        self.submit_as(caller, Some(user), form, idempotency_key, None, None)
            .await
    }

    async fn submit_as(
        &self,
        actor: &Caller,
        owner: Option<User>,
        form: ProvisionForm,
        idempotency_key: Option<String>,
        retry_of: Option<InstanceId>,
        approved_by: Option<UserId>,
    ) -> Result<Accepted, ProvisionError> {
        let caller = match owner {
            Some(user) if user.id != actor.user.id => Caller {
                user,
                via: actor.via,
                ip: actor.ip.clone(),
            },
            _ => actor.clone(),
        };
        let on_behalf = caller.user.id != actor.user.id;
        let owner = caller.user.id;
        let digest = form.digest();
        if let Some(key) = &idempotency_key
            && let Some((id, used)) = self.shared.ports.store.find_idempotent(owner, key).await?
        {
            return if used == digest {
                Ok(Accepted { id, replay: true })
            } else {
                Err(ProvisionError::IdempotencyConflict)
            };
        }
        let request = form.check(&self.shared.tiers, &self.shared.images)?;
        let (limits, _) = limits_with_source(self.shared.ports.quotas.as_ref(), &caller.user).await?;
        let pending = !actor.is_admin()
            && approved_by.is_none()
            && limits
                .as_ref()
                .is_some_and(|l| l.needs_approval(&request.tier, &self.shared.tiers));
        if let KeyChoice::Generate { keep: false } = request.key
            && (pending || on_behalf)
        {
            return Err(ProvisionError::invalid(
                "keep_private_key",
                if pending {
                    "A machine that waits for approval keeps its generated key, so you can download it once it is built. Keep the copy, or use a saved key."
                } else {
                    "A key generated for someone else is kept so its owner can download it. Keep the copy, or use one of their saved keys."
                },
            ));
        }
        self.admissible(&request, pending).await?;
        if let Some(limits) = &limits {
            let used = self.shared.ports.store.usage_of(owner).await?;
            if let Err(breach) = limits.admit(used, Usage::of_tier(&request.tier)) {
                return Err(over_quota(breach, on_behalf.then_some(&caller.user)));
            }
        }
        let prepared = keys::prepare_key(&self.shared, &caller, &request.key).await?;
        placement::placeable(&self.shared, &request, pending, actor.is_admin()).await?;
        let now = self.shared.ports.clock.now();
        let id = InstanceId::from_uuid(uuid::Uuid::new_v4());
        let spec = ProvisionSpec {
            owner,
            hostname: request.hostname.clone(),
            tier: request.tier.name().clone(),
            vcpus: request.tier.vcpus(),
            memory_mib: request.tier.memory_mib(),
            disk_gib: request.tier.disk_gib(),
            os: request.os.key().to_owned(),
            expose_ssh: request.public_tunnel,
            gpu_env: false,
        };
        let mut record = ProvisionRecord {
            provision: Provision::new(id, spec, pending, now),
            username: request.os.default_user().to_owned(),
            key: prepared.key,
            details: Vec::new(),
            idempotency: idempotency_key.map(|key| Idempotency {
                key,
                digest: digest.clone(),
            }),
            updated_at: now,
            finished_at: None,
            retry_of,
            failure_code: None,
            drift: None,
            review: Review {
                reason: request.reason.clone(),
                created_by: on_behalf.then_some(actor.user.id),
                decided_by: approved_by,
                decided_at: None,
            },
            public: Default::default(),
        };
        match self.shared.ports.store.create_provision(&record, limits.clone()).await {
            Ok(()) => {}
            Err(CreateError::HostnameTaken) => {
                return Err(ProvisionError::HostnameTaken(request.hostname.as_str().to_owned()));
            }
            Err(CreateError::KeyUsed { existing, digest: used }) => {
                return if used == digest {
                    Ok(Accepted {
                        id: existing,
                        replay: true,
                    })
                } else {
                    Err(ProvisionError::IdempotencyConflict)
                };
            }
            Err(CreateError::OverQuota(breach)) => return Err(over_quota(breach, on_behalf.then_some(&caller.user))),
            Err(CreateError::Store(e)) => return Err(e.into()),
        }
        self.finish_key(&caller, &mut record, prepared.save).await?;
        if on_behalf {
            let entry = self
                .shared
                .ports
                .audit
                .entry(AuditAction::VmCreatedOnBehalf)
                .by(&actor.user)
                .on(
                    "vm",
                    id,
                    format!(
                        "{} for {}",
                        record.provision.spec().hostname.as_str(),
                        caller.user.email.as_str()
                    ),
                )
                .from(actor.ip.as_deref())
                .detail(format!("tier {}", record.provision.spec().tier.as_str()));
            self.shared.ports.audit.record(entry).await;
        }
        if *record.provision.phase() == Phase::PendingApproval {
            return Ok(Accepted { id, replay: false });
        }
        // Published before the run starts, so whoever follows the VM from now on finds its channel.
        self.shared.hub.publish(&record);
        self.runner.spawn(id);
        Ok(Accepted { id, replay: false })
    }

    /// What must hold before a request is recorded, from Nimbus's own records (cheap, so first).
    /// A request waiting for approval reserves nothing, so a full pool does not refuse it.
    async fn admissible(&self, request: &Request, pending: bool) -> Result<(), ProvisionError> {
        if self.shared.configured_proxmox().is_none() || self.shared.settings().network.is_none() {
            return Err(ProvisionError::NotConfigured(
                "This Nimbus has no Proxmox cluster or IP pool configured yet. Ask an admin to set PROXMOX_* and IP_POOL_*."
                    .into(),
            ));
        }
        if request.public_tunnel && !self.shared.ports.tunnels.is_configured() {
            return Err(ProvisionError::invalid(
                "public_tunnel",
                "Public SSH is not set up on this Nimbus (an admin sets up Gopher in Settings → Gopher). Leave 'Expose SSH publicly' off; the machine is reachable on the LAN.",
            ));
        }
        if self
            .shared
            .ports
            .store
            .hostname_in_use(request.hostname.as_str())
            .await?
        {
            return Err(ProvisionError::HostnameTaken(request.hostname.as_str().to_owned()));
        }
        if pending {
            return Ok(());
        }
        let rows = self.shared.ports.pool.pool_rows().await?;
        if !rows.iter().any(|r| r.is_free()) {
            return Err(ProvisionError::PoolExhausted(FailureCode::PoolExhausted.message()));
        }
        Ok(())
    }

    /// Saves a pasted or generated key and stores the record with it. A generated key that is not
    /// kept is held in memory until the result is handed over.
    async fn finish_key(
        &self,
        caller: &Caller,
        record: &mut ProvisionRecord,
        save: Option<Save>,
    ) -> Result<(), ProvisionError> {
        let Some(save) = save else { return Ok(()) };
        let hostname = record.provision.spec().hostname.as_str().to_owned();
        let now = self.shared.ports.clock.now();
        match keys::save_key(&self.shared, caller, &hostname, &mut record.key, save).await {
            Ok(private) => {
                if let (Some(private), false) = (private, record.key.kept) {
                    self.shared.hub.hold_once(record.id(), private);
                }
            }
            Err(e) => {
                tracing::error!(vm = %record.id(), error = %e, "cannot save the machine's key");
                let code = FailureCode::KeyNotSaved;
                let _ = record
                    .provision
                    .apply(Event::StepFailed { reason: code.message() }, now);
                record.failure_code = Some(code);
            }
        }
        record.updated_at = now;
        self.shared.ports.store.save_provision(record).await?;
        Ok(())
    }

    /// Provisions the same machine again after a failure: a new provision with the same request.
    pub async fn retry(&self, caller: &Caller, id: InstanceId) -> Result<Accepted, ProvisionError> {
        let record = self.shared.owned(caller, id).await?;
        if record.owner() != caller.user.id {
            return Err(ProvisionError::NotFound);
        }
        if !matches!(record.provision.phase(), Phase::RolledBack { .. }) {
            return Err(ProvisionError::Conflict(
                "Only a machine whose provisioning failed and was rolled back can be tried again.".into(),
            ));
        }
        if record.key.origin == KeyOrigin::Generated && !record.key.kept {
            return Err(ProvisionError::Conflict(
                "This machine's generated key was to be shown only once. Provision it again from the form to get a new key.".into(),
            ));
        }
        let spec = record.provision.spec();
        let key = match (record.key.origin, record.key.key_id) {
            (KeyOrigin::Generated, _) => KeyChoice::Generate { keep: record.key.kept },
            (_, Some(key_id)) => KeyChoice::Saved(key_id),
            (_, None) => KeyChoice::Pasted(record.key.public_key.clone()),
        };
        let form = ProvisionForm {
            hostname: spec.hostname.as_str().to_owned(),
            tier: spec.tier.as_str().to_owned(),
            os_template: spec.os.clone(),
            ssh_key_id: match &key {
                KeyChoice::Saved(k) => Some(k.to_string()),
                _ => None,
            },
            ssh_pubkey: match &key {
                KeyChoice::Pasted(line) => Some(line.clone()),
                _ => None,
            },
            generate_key: matches!(key, KeyChoice::Generate { .. }).then_some(true),
            keep_private_key: match key {
                KeyChoice::Generate { keep } => Some(keep),
                _ => None,
            },
            // A retry keeps the request for public SSH.
            public_tunnel: spec.expose_ssh.then_some(true),
            reason: record.review.reason.clone(),
        };
        // A request an admin approved stays approved when it is tried again.
        self.submit_as(caller, None, form, None, Some(id), record.review.decided_by)
            .await
    }
}

/// A quota refusal in words for whoever is asking: the member, or the admin acting for `owner`.
pub(super) fn over_quota(breach: QuotaBreach, owner: Option<&User>) -> ProvisionError {
    ProvisionError::OverQuota {
        limit: breach.limit_name(),
        message: quota_message(&breach, owner),
    }
}

/// What the breach is and what to do about it, for the member or the admin acting for `owner`.
pub(super) fn quota_message(breach: &QuotaBreach, owner: Option<&User>) -> String {
    let what_to_do = match owner {
        None if matches!(breach, QuotaBreach::Pending { .. }) => {
            "Wait for an admin to decide on one, or withdraw a request you no longer need (delete it).".to_owned()
        }
        None => "Delete a machine you no longer need, choose a smaller tier, or ask an admin to raise your quota."
            .to_owned(),
        Some(user) => format!(
            "This is {}'s quota. Raise it in Settings, Quotas, or choose a smaller tier.",
            user.name
        ),
    };
    format!("{breach} {what_to_do}")
}
