//! `Tunnels`: publishing ports of a machine through Gopher, for its owner and admins only. A
//! subdomain passes the policy (one DNS label, not reserved) and Gopher's own check before
//! anything is made; a member holds at most the policy's number of published ports. Every change
//! is audited, and the machine's record keeps what Gopher last reported, so lists and the Fleet
//! table do not call Gopher.

use std::sync::{Arc, RwLock};

use super::provision_error::ProvisionError;
use super::shared::Shared;
use super::tunnel_error::TunnelError;
use super::tunnel_policy;
use crate::app::accounts::Caller;
use crate::domain::audit::AuditAction;
use crate::domain::ids::InstanceId;
use crate::domain::provisioning::Phase;
use crate::domain::subdomain::{Subdomain, TunnelPolicy};
use crate::ports::provisions::{ProvisionRecord, PublicState, PublishedPort};
use crate::ports::tunnel_gateway::{MachineId, Tunnel, TunnelGateway, TunnelId, TunnelRequest};

/// Whether tunnels are available to the caller, and how many they hold.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TunnelsInfo {
    pub enabled: bool,
    pub host: Option<String>,
    /// The domain published ports live under, once Nimbus has seen one of Gopher's URLs.
    pub domain: Option<String>,
    pub quota: u32,
    pub used: u32,
}

/// Whether a subdomain can be asked for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SubdomainCheck {
    pub subdomain: String,
    pub available: bool,
    pub reason: Option<String>,
}

/// A port to publish.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewTunnel {
    pub target_port: u32,
    pub subdomain: Option<String>,
    pub private: bool,
    pub tls: bool,
}

/// A published port as the record keeps it, from Gopher's answer (`private` is what was asked:
/// Gopher's v1 does not report it back).
pub fn published(t: &Tunnel, private: bool) -> PublishedPort {
    PublishedPort {
        id: t.id.0.clone(),
        subdomain: t.subdomain.clone(),
        url: t.url.clone(),
        target_port: t.target_port,
        private,
        tls: t.url.as_deref().is_none_or(|u| u.starts_with("https://")),
        status: t.status.as_wire().to_owned(),
        error: t.error.clone(),
        created_at: t.created_at,
    }
}

/// The domain under a tunnel URL (`https://app.example.org` → `example.org`).
pub fn domain_of(url: &str) -> Option<String> {
    let host = url.split("://").nth(1)?.split(['/', ':']).next()?;
    host.split_once('.')
        .map(|(_, rest)| rest.to_owned())
        .filter(|d| !d.is_empty())
}

pub struct Tunnels {
    shared: Arc<Shared>,
    domain: RwLock<Option<String>>,
}

impl Tunnels {
    pub fn new(shared: Arc<Shared>) -> Self {
        Self {
            shared,
            domain: RwLock::new(None),
        }
    }

    fn gateway(&self) -> Result<Arc<dyn TunnelGateway>, TunnelError> {
        self.shared.ports.tunnels.current().ok_or(TunnelError::Off)
    }

    /// Remembers the domain Gopher's URLs use.
    pub(super) fn learn_domain(&self, url: Option<&str>) {
        if let Some(domain) = url.and_then(domain_of) {
            *self.domain.write().unwrap_or_else(|p| p.into_inner()) = Some(domain);
        }
    }

    async fn owned(&self, caller: &Caller, id: InstanceId) -> Result<ProvisionRecord, TunnelError> {
        self.shared.owned(caller, id).await.map_err(|e| match e {
            ProvisionError::NotFound => TunnelError::NotFound("machine"),
            other => TunnelError::Internal(other.to_string()),
        })
    }

    /// Published ports of `owner`'s machines.
    async fn used_by(&self, owner: crate::domain::ids::UserId) -> Result<u32, TunnelError> {
        let records = self.shared.ports.store.provisions_of(owner).await?;
        Ok(records
            .iter()
            .filter(|r| r.provision.phase().holds_hostname())
            .map(|r| r.public.ports.len() as u32)
            .sum())
    }

    /// Whether tunnels are on, where, and the caller's quota.
    ///
    /// # Errors
    /// The store fails.
    pub async fn info(&self, caller: &Caller) -> Result<TunnelsInfo, TunnelError> {
        let policy = tunnel_policy::load(self.shared.ports.settings.as_ref()).await?;
        let used = self.used_by(caller.user.id).await?;
        let domain = self.domain.read().unwrap_or_else(|p| p.into_inner()).clone();
        Ok(TunnelsInfo {
            enabled: self.shared.ports.tunnels.is_configured(),
            host: self.shared.ports.tunnels.host(),
            domain,
            quota: policy.per_member_quota,
            used,
        })
    }

    /// Whether `raw` can be asked for: the policy first, then Gopher (with tunnels off, nothing
    /// is available, and the reason says so).
    ///
    /// # Errors
    /// `Invalid` (field `subdomain`) when it is not one DNS label; `GatewayUnavailable`.
    pub async fn check(&self, raw: &str) -> Result<SubdomainCheck, TunnelError> {
        let Some(gateway) = self.shared.ports.tunnels.current() else {
            return Ok(SubdomainCheck {
                subdomain: raw.trim().to_ascii_lowercase(),
                available: false,
                reason: Some(TunnelError::Off.to_string()),
            });
        };
        let subdomain = Subdomain::parse(raw).map_err(|e| TunnelError::Invalid {
            field: "subdomain",
            message: format!("subdomain: {e}"),
        })?;
        let policy = tunnel_policy::load(self.shared.ports.settings.as_ref()).await?;
        let name = subdomain.as_str().to_owned();
        if let Err(e) = policy.admits(&subdomain) {
            return Ok(SubdomainCheck {
                subdomain: name,
                available: false,
                reason: Some(e.to_string()),
            });
        }
        let free = gateway
            .subdomain_available(&name)
            .await
            .map_err(|e| TunnelError::from_gateway(e, &name))?;
        Ok(SubdomainCheck {
            reason: (!free).then(|| format!("'{name}' is already in use on Gopher")),
            subdomain: name,
            available: free,
        })
    }

    /// The machine's published ports, as Gopher reports them now (the last known list when
    /// Gopher cannot be reached).
    ///
    /// # Errors
    /// `NotFound` for a machine that is not the caller's (admins see all).
    pub async fn list(&self, caller: &Caller, id: InstanceId) -> Result<Vec<PublishedPort>, TunnelError> {
        let mut record = self.owned(caller, id).await?;
        let (Some(machine), Some(gateway)) = (
            record.provision.held().tunnel.clone(),
            self.shared.ports.tunnels.current(),
        ) else {
            return Ok(record.public.ports);
        };
        let Ok(all) = gateway.tunnels().await else {
            return Ok(record.public.ports);
        };
        let ports = sync_ports(&record.public.ports, &all, &machine);
        for p in &ports {
            self.learn_domain(p.url.as_deref());
        }
        if ports != record.public.ports {
            record.public.ports = ports.clone();
            self.shared.ports.store.save_provision(&record).await?;
        }
        Ok(ports)
    }

    /// Publishes a port of the machine.
    ///
    /// # Errors
    /// `NotFound`; `Invalid` (`target_port`, `subdomain`); `NotReady` while public access is not
    /// connected; `QuotaReached` for a member at the policy's limit; `SubdomainTaken`; `Off`;
    /// `GatewayUnavailable`.
    pub async fn create(&self, caller: &Caller, id: InstanceId, new: NewTunnel) -> Result<PublishedPort, TunnelError> {
        let record = self.owned(caller, id).await?;
        let gateway = self.gateway()?;
        let port = u16::try_from(new.target_port)
            .ok()
            .filter(|p| *p > 0)
            .ok_or_else(|| TunnelError::Invalid {
                field: "target_port",
                message:
                    "target_port: use a port between 1 and 65535 (the port your service listens on inside the machine)"
                        .into(),
            })?;
        let policy = tunnel_policy::load(self.shared.ports.settings.as_ref()).await?;
        let subdomain = match new.subdomain.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
            Some(raw) => {
                let s = Subdomain::parse(raw)
                    .and_then(|s| policy.admits(&s).map(|()| s))
                    .map_err(|e| TunnelError::Invalid {
                        field: "subdomain",
                        message: format!("subdomain: {e}"),
                    })?;
                Some(s.as_str().to_owned())
            }
            None => None,
        };
        let machine = match (
            record.provision.phase(),
            &record.provision.held().tunnel,
            record.public.state,
        ) {
            (Phase::Ready, Some(machine), PublicState::Connected) => MachineId(machine.clone()),
            _ => {
                return Err(TunnelError::NotReady(
                    "This machine has no working public access through Gopher yet. Provision it with 'Expose SSH publicly', or use Retry public access, then publish ports.".into(),
                ));
            }
        };
        if !caller.is_admin() {
            let used = self.used_by(record.owner()).await?;
            if used >= policy.per_member_quota {
                return Err(TunnelError::QuotaReached {
                    used,
                    quota: policy.per_member_quota,
                });
            }
        }
        if let Some(name) = &subdomain
            && !gateway
                .subdomain_available(name)
                .await
                .map_err(|e| TunnelError::from_gateway(e, name))?
        {
            return Err(TunnelError::SubdomainTaken(name.clone()));
        }
        let request = TunnelRequest {
            machine_id: machine,
            subdomain: subdomain.clone(),
            target_port: port,
            private: new.private,
            tls: new.tls,
        };
        let made = gateway
            .create_tunnel(&request)
            .await
            .map_err(|e| TunnelError::from_gateway(e, subdomain.as_deref().unwrap_or("")))?;
        self.learn_domain(made.url.as_deref());
        let port_view = published(&made, new.private);
        self.update_ports(id, |ports| ports.push(port_view.clone())).await?;
        let detail = format!(
            "port {port} of {} as {} ({})",
            record.provision.spec().hostname,
            made.url.as_deref().unwrap_or(&made.subdomain),
            if new.private { "private" } else { "public" }
        );
        self.audit(caller, AuditAction::TunnelCreated, &made.id, detail).await;
        Ok(port_view)
    }

    /// Removes a published port of the machine.
    ///
    /// # Errors
    /// `NotFound` for a machine that is not the caller's or a tunnel not on it; `Off`;
    /// `GatewayUnavailable`.
    pub async fn delete(&self, caller: &Caller, id: InstanceId, tunnel: &str) -> Result<(), TunnelError> {
        let record = self.owned(caller, id).await?;
        let gateway = self.gateway()?;
        let Some(machine) = record.provision.held().tunnel.clone() else {
            return Err(TunnelError::NotFound("tunnel"));
        };
        let tunnel_id = TunnelId(tunnel.to_owned());
        let on_machine = match gateway.tunnel(&tunnel_id).await {
            Ok(t) => t.machine_id.0 == machine,
            Err(crate::ports::tunnel_gateway::GatewayError::NotFound(_)) => {
                record.public.ports.iter().any(|p| p.id == tunnel)
            }
            Err(e) => return Err(TunnelError::from_gateway(e, "")),
        };
        if !on_machine {
            return Err(TunnelError::NotFound("tunnel"));
        }
        gateway
            .delete_tunnel(&tunnel_id)
            .await
            .map_err(|e| TunnelError::from_gateway(e, ""))?;
        self.update_ports(id, |ports| ports.retain(|p| p.id != tunnel)).await?;
        let detail = format!("from {}", record.provision.spec().hostname);
        self.audit(caller, AuditAction::TunnelDeleted, &tunnel_id, detail).await;
        Ok(())
    }

    /// Changes the stored ports of a machine on its latest record.
    async fn update_ports(
        &self,
        id: InstanceId,
        change: impl FnOnce(&mut Vec<PublishedPort>),
    ) -> Result<(), TunnelError> {
        let Some(mut record) = self.shared.ports.store.get_provision(id).await? else {
            return Ok(());
        };
        change(&mut record.public.ports);
        self.shared.ports.store.save_provision(&record).await?;
        self.shared.hub.publish(&record);
        Ok(())
    }

    async fn audit(&self, caller: &Caller, action: AuditAction, id: &impl std::fmt::Display, detail: String) {
        let audit = &self.shared.ports.audit;
        let entry = audit.entry(action).by(&caller.user).from(caller.ip.as_deref());
        audit.record(entry.on("tunnel", id, "tunnel").detail(detail)).await;
    }

    /// The policy for published ports.
    ///
    /// # Errors
    /// The store fails.
    pub async fn policy(&self) -> Result<TunnelPolicy, TunnelError> {
        tunnel_policy::load(self.shared.ports.settings.as_ref()).await
    }

    /// Changes the policy (admins); audited.
    ///
    /// # Errors
    /// `AdminOnly`; `Invalid` (`reserved`) for a name that is not one DNS label.
    pub async fn set_policy(
        &self,
        admin: &Caller,
        reserved: Option<Vec<String>>,
        quota: Option<u32>,
    ) -> Result<TunnelPolicy, TunnelError> {
        if !admin.is_admin() {
            return Err(TunnelError::AdminOnly);
        }
        let settings = self.shared.ports.settings.as_ref();
        let mut policy = tunnel_policy::load(settings).await?;
        if let Some(names) = reserved {
            policy.reserved = tunnel_policy::parse_reserved(&names)?;
        }
        if let Some(q) = quota {
            policy.per_member_quota = q;
        }
        tunnel_policy::save(settings, &policy, self.shared.ports.clock.now()).await?;
        let audit = &self.shared.ports.audit;
        let entry = audit
            .entry(AuditAction::SettingsChanged)
            .by(&admin.user)
            .from(admin.ip.as_deref());
        let detail = format!(
            "{} reserved subdomains, {} published ports per member",
            policy.reserved.len(),
            policy.per_member_quota
        );
        audit
            .record(entry.on("setting", "tunnels", "Tunnels").detail(detail))
            .await;
        Ok(policy)
    }
}

/// The ports of `machine` among Gopher's tunnels, keeping what only Nimbus knows (`private`).
pub fn sync_ports(known: &[PublishedPort], all: &[Tunnel], machine: &str) -> Vec<PublishedPort> {
    all.iter()
        .filter(|t| t.machine_id.0 == machine)
        .map(|t| {
            let private = known.iter().find(|k| k.id == t.id.0).is_some_and(|k| k.private);
            published(t, private)
        })
        .collect()
}
