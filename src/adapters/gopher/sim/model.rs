//! The Gopher simulator's one model: machines, tunnels, subdomains, API keys and faults, with
//! the rules Gopher's external API v1 applies. Both faces call it; neither keeps state of its own.

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};

use super::faults::Faults;
use crate::ports::tunnel_gateway::{
    GatewayError, GatewayResult, Machine, MachineId, MachineStatus, Tunnel, TunnelId, TunnelRequest, TunnelStatus,
};

/// The first port the gateway gives a machine's SSH back-tunnel.
const FIRST_SSH_PORT: u16 = 22_000;

#[derive(Debug, Clone)]
pub(super) struct SimMachine {
    pub id: MachineId,
    pub token: String,
    pub public_ssh: bool,
    pub status: MachineStatus,
    pub name: Option<String>,
    /// The user the SSH back-tunnel logs in as, once a bootstrap that said so ran.
    pub ssh_user: Option<String>,
    /// The gateway port of the SSH back-tunnel, given when the bootstrap registers.
    pub ssh_port: Option<u16>,
    pub created_at: DateTime<Utc>,
}

impl SimMachine {
    pub fn view(&self) -> Machine {
        Machine {
            id: self.id.clone(),
            status: self.status.clone(),
            public_ssh: self.public_ssh,
            error: None,
            created_at: Some(self.created_at),
        }
    }
}

#[derive(Debug)]
pub(super) struct Model {
    pub keys: Vec<String>,
    pub domain: String,
    /// Where bootstrap URLs point: the HTTP face's address once it runs.
    pub base_url: String,
    pub machines: BTreeMap<u64, SimMachine>,
    pub tunnels: BTreeMap<u64, Tunnel>,
    pub faults: Faults,
    next: u64,
    next_ssh_port: u16,
}

impl Model {
    pub fn new(key: String, domain: String) -> Self {
        let base_url = format!("https://router.{domain}");
        Self {
            keys: vec![key],
            domain,
            base_url,
            machines: BTreeMap::new(),
            tunnels: BTreeMap::new(),
            faults: Faults::default(),
            next: 0,
            next_ssh_port: FIRST_SSH_PORT,
        }
    }

    /// What every API call checks first: Gopher is up, the key is one of its keys, and no
    /// server error is injected.
    pub fn admit(&self, key: &str) -> GatewayResult<()> {
        if self.faults.down() {
            return Err(GatewayError::Unavailable(
                "connection refused (simulated outage)".into(),
            ));
        }
        if !self.keys.iter().any(|k| k == key) {
            return Err(GatewayError::Unauthorized);
        }
        if let Some(message) = self.faults.server_error() {
            return Err(GatewayError::Failed(message));
        }
        Ok(())
    }

    fn next_id(&mut self) -> (u64, String) {
        self.next += 1;
        // Distinct, stable and hex like Gopher's ids.
        (
            self.next,
            format!("{:016x}", self.next.wrapping_mul(0x9E37_79B9_7F4A_7C15)),
        )
    }

    pub fn create_machine(&mut self, public_ssh: bool, token: String, now: DateTime<Utc>) -> SimMachine {
        let (seq, id) = self.next_id();
        let machine = SimMachine {
            id: MachineId(id),
            token,
            public_ssh,
            status: MachineStatus::Pending,
            name: None,
            ssh_user: None,
            ssh_port: None,
            created_at: now,
        };
        self.machines.insert(seq, machine.clone());
        machine
    }

    pub fn bootstrap_url(&self, machine: &SimMachine) -> String {
        format!("{}/bootstrap/{}", self.base_url.trim_end_matches('/'), machine.token)
    }

    fn machine_seq(&self, id: &MachineId) -> GatewayResult<u64> {
        self.machines
            .iter()
            .find(|(_, m)| &m.id == id)
            .map(|(seq, _)| *seq)
            .ok_or_else(|| GatewayError::NotFound("machine not found".into()))
    }

    pub fn machine(&self, id: &MachineId) -> GatewayResult<Machine> {
        let seq = self.machine_seq(id)?;
        Ok(self.machines[&seq].view())
    }

    pub fn machines(&self) -> Vec<Machine> {
        self.machines.values().map(SimMachine::view).collect()
    }

    pub fn delete_machine(&mut self, id: &MachineId) -> GatewayResult<()> {
        let seq = self.machine_seq(id)?;
        self.machines.remove(&seq);
        self.tunnels.retain(|_, t| &t.machine_id != id);
        Ok(())
    }

    /// The guest ran the bootstrap of the machine holding `token`: it registers under `name` (and
    /// SSH `user`, when the guest said) and connects (unless a `NeverConnects` fault holds it
    /// pending). Returns the machine, or `None` for a token no machine holds.
    pub fn run_bootstrap(&mut self, token: &str, name: &str, user: Option<&str>) -> Option<SimMachine> {
        let never = self.faults.never_connects();
        let mut port = self.next_ssh_port;
        let machine = self.machines.values_mut().find(|m| m.token == token)?;
        if machine.name.is_none() {
            machine.name = Some(name.to_owned());
        }
        if let Some(user) = user {
            machine.ssh_user = Some(user.to_owned());
        }
        if machine.ssh_port.is_none() {
            machine.ssh_port = Some(port);
            port += 1;
        }
        if !never {
            machine.status = MachineStatus::Connected;
        }
        let machine = machine.clone();
        self.next_ssh_port = port;
        Some(machine)
    }

    pub fn subdomain_taken(&self, subdomain: &str) -> bool {
        self.faults.taken(subdomain) || self.tunnels.values().any(|t| t.subdomain == subdomain)
    }

    pub fn create_tunnel(&mut self, request: &TunnelRequest, now: DateTime<Utc>) -> GatewayResult<Tunnel> {
        if request.machine_id.0.is_empty() || request.target_port == 0 {
            return Err(GatewayError::Invalid("machine_id and target_port are required".into()));
        }
        let seq = self.machine_seq(&request.machine_id)?;
        let machine = &self.machines[&seq];
        if machine.status != MachineStatus::Connected {
            return Err(GatewayError::Invalid(format!(
                "machine is not connected (status: {}); wait until status is 'connected' before creating tunnels",
                machine.status.as_wire()
            )));
        }
        let subdomain = match request.subdomain.as_deref().map(|s| s.trim().to_lowercase()) {
            Some(s) if !s.is_empty() => s,
            _ => auto_subdomain(machine.name.as_deref().unwrap_or("app"), self.next + 1),
        };
        if let Err(why) = check_label(&subdomain) {
            return Err(GatewayError::Invalid(format!("invalid subdomain: {why}")));
        }
        if self.subdomain_taken(&subdomain) {
            return Err(GatewayError::Conflict {
                field: "subdomain".into(),
                message: format!("subdomain {subdomain:?} is already in use"),
            });
        }
        let scheme = if request.tls { "https" } else { "http" };
        let (seq, id) = self.next_id();
        let tunnel = Tunnel {
            id: TunnelId(id),
            machine_id: request.machine_id.clone(),
            status: TunnelStatus::Active,
            url: Some(format!("{scheme}://{subdomain}.{}", self.domain)),
            subdomain,
            target_ip: "127.0.0.1".into(),
            target_port: request.target_port,
            error: None,
            created_at: Some(now),
        };
        self.tunnels.insert(seq, tunnel.clone());
        Ok(tunnel)
    }

    pub fn tunnel(&self, id: &TunnelId) -> GatewayResult<Tunnel> {
        self.tunnels
            .values()
            .find(|t| &t.id == id)
            .cloned()
            .ok_or_else(|| GatewayError::NotFound("tunnel not found".into()))
    }

    pub fn tunnels(&self) -> Vec<Tunnel> {
        self.tunnels.values().cloned().collect()
    }

    pub fn delete_tunnel(&mut self, id: &TunnelId) -> GatewayResult<()> {
        let before = self.tunnels.len();
        self.tunnels.retain(|_, t| &t.id != id);
        if self.tunnels.len() == before {
            return Err(GatewayError::NotFound("tunnel not found".into()));
        }
        Ok(())
    }

    pub fn subdomain_available(&self, subdomain: &str) -> GatewayResult<bool> {
        let subdomain = subdomain.trim().to_lowercase();
        if subdomain.is_empty() {
            return Err(GatewayError::Invalid("subdomain query parameter is required".into()));
        }
        Ok(!self.subdomain_taken(&subdomain))
    }
}

/// Gopher's rule for a subdomain: one DNS label of lowercase letters, digits and hyphens.
fn check_label(label: &str) -> Result<(), &'static str> {
    if label.len() > 63 {
        return Err("longer than 63 characters");
    }
    if !label
        .bytes()
        .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
    {
        return Err("only lowercase letters, digits and hyphens are allowed");
    }
    if label.starts_with('-') || label.ends_with('-') {
        return Err("must not start or end with a hyphen");
    }
    Ok(())
}

/// A subdomain made from the machine's name and a suffix, as Gopher does when none is asked for.
fn auto_subdomain(name: &str, salt: u64) -> String {
    let slug: String = name
        .to_lowercase()
        .chars()
        .filter_map(|c| match c {
            'a'..='z' | '0'..='9' | '-' => Some(c),
            ' ' | '_' => Some('-'),
            _ => None,
        })
        .collect();
    let mut base = slug.trim_matches('-').to_owned();
    if base.is_empty() {
        base = "app".into();
    }
    base.truncate(40);
    format!("{base}-{:06x}", salt.wrapping_mul(0x2545_F491) & 0xff_ffff)
}
