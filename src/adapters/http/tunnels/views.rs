//! The tunnel API's shapes: published ports, subdomain checks, the caller's view of tunnels, the
//! admins' view of Gopher, and the policy.

use chrono::{DateTime, Utc};
use poem_openapi::Object;

use crate::app::provisioning::{GatewayMachine, GatewayOverview, SubdomainCheck, TunnelsInfo};
use crate::domain::subdomain::TunnelPolicy;
use crate::ports::provisions::PublishedPort;

/// A port of a machine published through Gopher as `<subdomain>.<domain>`.
#[derive(Debug, Clone, Object)]
#[oai(rename = "Tunnel")]
pub struct TunnelView {
    pub id: String,
    pub subdomain: String,
    /// The public URL, when Gopher reported one.
    #[oai(skip_serializing_if_is_none)]
    pub url: Option<String>,
    /// The port inside the machine.
    pub target_port: u16,
    /// Reachable only from the gateway itself, not from the internet.
    pub private: bool,
    /// Served over HTTPS.
    pub tls: bool,
    /// Gopher's word: `active`, `failed`, or another it may add.
    pub status: String,
    #[oai(skip_serializing_if_is_none)]
    pub error: Option<String>,
    #[oai(skip_serializing_if_is_none)]
    pub created_at: Option<DateTime<Utc>>,
}

impl From<&PublishedPort> for TunnelView {
    fn from(p: &PublishedPort) -> Self {
        Self {
            id: p.id.clone(),
            subdomain: p.subdomain.clone(),
            url: p.url.clone(),
            target_port: p.target_port,
            private: p.private,
            tls: p.tls,
            status: p.status.clone(),
            error: p.error.clone(),
            created_at: p.created_at,
        }
    }
}

/// A machine's published ports.
#[derive(Debug, Clone, Object)]
#[oai(rename = "TunnelList")]
pub struct TunnelListView {
    pub items: Vec<TunnelView>,
}

/// A port to publish.
#[derive(Debug, Clone, Object)]
#[oai(rename = "NewTunnel")]
pub struct NewTunnelRequest {
    /// The port your service listens on inside the machine (1–65535).
    pub target_port: u32,
    /// One DNS label; Gopher makes one from the machine's name when absent.
    pub subdomain: Option<String>,
    /// Reachable only from the gateway, not from the internet (default `false`).
    pub private: Option<bool>,
    /// Served over HTTPS (default `true`).
    pub tls: Option<bool>,
}

/// Whether a subdomain can be asked for.
#[derive(Debug, Clone, Object)]
#[oai(rename = "SubdomainCheck")]
pub struct SubdomainCheckView {
    /// The subdomain as it would be used (trimmed, lowercased).
    pub subdomain: String,
    pub available: bool,
    /// Why not, in words.
    #[oai(skip_serializing_if_is_none)]
    pub reason: Option<String>,
}

impl From<SubdomainCheck> for SubdomainCheckView {
    fn from(c: SubdomainCheck) -> Self {
        Self {
            subdomain: c.subdomain,
            available: c.available,
            reason: c.reason,
        }
    }
}

/// Whether tunnels are available, and the caller's share.
#[derive(Debug, Clone, Object)]
#[oai(rename = "TunnelsInfo")]
pub struct TunnelsInfoView {
    /// A Gopher gateway is set up: public SSH and published ports are available.
    pub enabled: bool,
    /// The gateway's host, where public SSH ports listen.
    #[oai(skip_serializing_if_is_none)]
    pub host: Option<String>,
    /// The domain published ports live under, once known from one of Gopher's URLs.
    #[oai(skip_serializing_if_is_none)]
    pub domain: Option<String>,
    /// Published ports a member may hold.
    pub quota: u32,
    /// Published ports the caller holds.
    pub used: u32,
}

impl From<TunnelsInfo> for TunnelsInfoView {
    fn from(i: TunnelsInfo) -> Self {
        Self {
            enabled: i.enabled,
            host: i.host,
            domain: i.domain,
            quota: i.quota,
            used: i.used,
        }
    }
}

/// The VM holding a Gopher machine.
#[derive(Debug, Clone, Object)]
#[oai(rename = "GatewayVm")]
pub struct GatewayVmView {
    pub id: String,
    pub hostname: String,
    #[oai(skip_serializing_if_is_none)]
    pub owner_name: Option<String>,
    #[oai(skip_serializing_if_is_none)]
    pub owner_email: Option<String>,
}

/// A machine registered on Gopher.
#[derive(Debug, Clone, Object)]
#[oai(rename = "GatewayMachine")]
pub struct GatewayMachineView {
    pub id: String,
    /// Gopher's word: `pending`, `connected`, `failed`, or another.
    pub status: String,
    /// Its SSH back-tunnel is public.
    pub public_ssh: bool,
    #[oai(skip_serializing_if_is_none)]
    pub created_at: Option<DateTime<Utc>>,
    /// No Nimbus machine holds it (another user of Gopher, or left over).
    pub foreign: bool,
    #[oai(skip_serializing_if_is_none)]
    pub vm: Option<GatewayVmView>,
    pub tunnels: Vec<TunnelView>,
}

impl From<&GatewayMachine> for GatewayMachineView {
    fn from(g: &GatewayMachine) -> Self {
        Self {
            id: g.machine.id.0.clone(),
            status: g.machine.status.as_wire().to_owned(),
            public_ssh: g.machine.public_ssh,
            created_at: g.machine.created_at,
            foreign: g.vm.is_none(),
            vm: g.vm.as_ref().map(|v| GatewayVmView {
                id: v.id.to_string(),
                hostname: v.hostname.clone(),
                owner_name: v.owner.as_ref().map(|o| o.name.clone()),
                owner_email: v.owner.as_ref().map(|o| o.email.clone()),
            }),
            tunnels: g.tunnels.iter().map(TunnelView::from).collect(),
        }
    }
}

/// Everything on Gopher (admins).
#[derive(Debug, Clone, Object)]
#[oai(rename = "GatewayOverview")]
pub struct GatewayOverviewView {
    /// Gopher answered.
    pub reachable: bool,
    /// What went wrong when it did not.
    #[oai(skip_serializing_if_is_none)]
    pub error: Option<String>,
    pub machines: Vec<GatewayMachineView>,
}

impl From<GatewayOverview> for GatewayOverviewView {
    fn from(o: GatewayOverview) -> Self {
        Self {
            reachable: o.reachable,
            error: o.error,
            machines: o.machines.iter().map(GatewayMachineView::from).collect(),
        }
    }
}

/// The policy for published ports.
#[derive(Debug, Clone, Object)]
#[oai(rename = "TunnelPolicy")]
pub struct TunnelPolicyView {
    /// Subdomains nobody may take.
    pub reserved: Vec<String>,
    /// Published ports one member may hold (admins are not limited).
    pub per_member_quota: u32,
}

impl From<TunnelPolicy> for TunnelPolicyView {
    fn from(p: TunnelPolicy) -> Self {
        Self {
            reserved: p.reserved.iter().map(|s| s.as_str().to_owned()).collect(),
            per_member_quota: p.per_member_quota,
        }
    }
}

/// A change of the policy; absent fields keep their value.
#[derive(Debug, Clone, Object)]
#[oai(rename = "TunnelPolicyChange")]
pub struct TunnelPolicyChange {
    pub reserved: Option<Vec<String>>,
    pub per_member_quota: Option<u32>,
}
