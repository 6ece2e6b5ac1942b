//! The simulator's in-memory face: the `TunnelGateway` port implemented straight over the model,
//! calling with one API key, with the same faults as the HTTP face (an outage is `Unavailable`).

use std::time::Duration;

use async_trait::async_trait;

use super::SimGopher;
use crate::ports::tunnel_gateway::{
    BootstrapUrl, CreatedMachine, GatewayResult, Machine, MachineId, Tunnel, TunnelGateway, TunnelId, TunnelRequest,
};

/// A caller of a [`SimGopher`] holding one API key.
#[derive(Clone)]
pub struct SimGopherClient {
    sim: SimGopher,
    key: String,
}

crate::domain::redact::debug_redacted!(SimGopherClient { sim } secret { key });

impl std::fmt::Debug for SimGopher {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("SimGopher")
    }
}

impl SimGopherClient {
    pub(super) fn new(sim: SimGopher, key: String) -> Self {
        Self { sim, key }
    }

    /// Waits out a `Slow` fault, then admits the call (outage, key, injected 500).
    async fn admit(&self) -> GatewayResult<()> {
        let delay = self.sim.lock().faults.delay_ms();
        if delay > 0 {
            tokio::time::sleep(Duration::from_millis(delay)).await;
        }
        self.sim.lock().admit(&self.key)
    }
}

#[async_trait]
impl TunnelGateway for SimGopherClient {
    async fn create_machine(&self, public_ssh: bool) -> GatewayResult<CreatedMachine> {
        self.admit().await?;
        let now = self.sim.now();
        let mut model = self.sim.lock();
        let machine = model.create_machine(public_ssh, SimGopher::random_key(), now);
        Ok(CreatedMachine {
            bootstrap_url: BootstrapUrl::new(model.bootstrap_url(&machine)),
            machine: machine.view(),
        })
    }

    async fn machine(&self, id: &MachineId) -> GatewayResult<Machine> {
        self.admit().await?;
        self.sim.lock().machine(id)
    }

    async fn machines(&self) -> GatewayResult<Vec<Machine>> {
        self.admit().await?;
        Ok(self.sim.lock().machines())
    }

    async fn delete_machine(&self, id: &MachineId) -> GatewayResult<()> {
        self.admit().await?;
        match self.sim.lock().delete_machine(id) {
            Err(crate::ports::GatewayError::NotFound(_)) => Ok(()),
            other => other,
        }
    }

    async fn create_tunnel(&self, request: &TunnelRequest) -> GatewayResult<Tunnel> {
        self.admit().await?;
        let now = self.sim.now();
        self.sim.lock().create_tunnel(request, now)
    }

    async fn tunnel(&self, id: &TunnelId) -> GatewayResult<Tunnel> {
        self.admit().await?;
        self.sim.lock().tunnel(id)
    }

    async fn tunnels(&self) -> GatewayResult<Vec<Tunnel>> {
        self.admit().await?;
        Ok(self.sim.lock().tunnels())
    }

    async fn delete_tunnel(&self, id: &TunnelId) -> GatewayResult<()> {
        self.admit().await?;
        match self.sim.lock().delete_tunnel(id) {
            Err(crate::ports::GatewayError::NotFound(_)) => Ok(()),
            other => other,
        }
    }

    async fn subdomain_available(&self, subdomain: &str) -> GatewayResult<bool> {
        self.admit().await?;
        self.sim.lock().subdomain_available(subdomain)
    }
}
