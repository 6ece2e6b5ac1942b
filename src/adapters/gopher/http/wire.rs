//! Gopher's external API v1 JSON: the envelope, machines, tunnels and pages, read leniently
//! (absent optional fields are fine, unknown ones ignored) and turned into the port's types.

use chrono::{DateTime, Utc};
use serde::Deserialize;
use serde_json::Value;

use crate::ports::tunnel_gateway::{
    GatewayError, GatewayResult, Machine, MachineId, MachineStatus, Tunnel, TunnelId, TunnelStatus,
};

/// `{success, data, error}`.
#[derive(Debug, Deserialize)]
pub(super) struct Envelope {
    #[serde(default)]
    pub success: bool,
    #[serde(default)]
    pub data: Option<Value>,
    #[serde(default)]
    pub error: Option<String>,
}

/// `{items, total, limit, offset}`.
#[derive(Debug, Deserialize)]
pub(super) struct Page<T> {
    #[serde(default = "Vec::new")]
    pub items: Vec<T>,
    #[serde(default)]
    pub total: Option<u64>,
}

#[derive(Debug, Deserialize)]
pub(super) struct WireMachine {
    id: String,
    #[serde(default)]
    status: String,
    #[serde(default)]
    public_ssh: bool,
    #[serde(default)]
    pub bootstrap_url: Option<String>,
    #[serde(default)]
    error: Option<String>,
    #[serde(default)]
    created_at: Option<DateTime<Utc>>,
}

impl WireMachine {
    pub fn into_machine(self) -> Machine {
        Machine {
            id: MachineId(self.id),
            status: MachineStatus::from_wire(&self.status),
            public_ssh: self.public_ssh,
            error: self.error.filter(|e| !e.is_empty()),
            created_at: self.created_at,
        }
    }
}

#[derive(Debug, Deserialize)]
pub(super) struct WireTunnel {
    id: String,
    machine_id: String,
    #[serde(default)]
    status: String,
    #[serde(default)]
    subdomain: String,
    #[serde(default)]
    target_ip: String,
    target_port: u16,
    #[serde(default)]
    tunnel_url: Option<String>,
    #[serde(default)]
    error: Option<String>,
    #[serde(default)]
    created_at: Option<DateTime<Utc>>,
}

impl WireTunnel {
    pub fn into_tunnel(self) -> Tunnel {
        Tunnel {
            id: TunnelId(self.id),
            machine_id: MachineId(self.machine_id),
            status: TunnelStatus::from_wire(&self.status),
            subdomain: self.subdomain,
            target_ip: self.target_ip,
            target_port: self.target_port,
            url: self.tunnel_url.filter(|u| !u.is_empty()),
            error: self.error.filter(|e| !e.is_empty()),
            created_at: self.created_at,
        }
    }
}

/// `data` read as `T`, or an error naming what Gopher sent instead.
pub(super) fn decode<T: serde::de::DeserializeOwned>(what: &str, data: Value) -> GatewayResult<T> {
    serde_json::from_value(data).map_err(|e| GatewayError::Failed(format!("Gopher's {what} is not what v1 sends: {e}")))
}
