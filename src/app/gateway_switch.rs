//! The Gopher gateway in use, replaceable while Nimbus runs: Admin → Settings → Gopher sets a new
//! address or key, or clears it, without a restart. Every part that talks to Gopher holds this
//! one handle and asks it for the gateway now, or none (tunnels are off); a call under way
//! finishes on the gateway it began with.

use std::sync::{Arc, RwLock};

use crate::ports::tunnel_gateway::TunnelGateway;

/// The current gateway, or none.
#[derive(Default)]
pub struct GatewaySwitch {
    current: RwLock<Option<Arc<dyn TunnelGateway>>>,
}

impl GatewaySwitch {
    /// The gateway every call from now on goes to, or `None` when tunnels are off.
    pub fn current(&self) -> Option<Arc<dyn TunnelGateway>> {
        self.current.read().expect("gateway switch lock").clone()
    }

    /// Whether a gateway is configured: tunnels are available.
    pub fn is_configured(&self) -> bool {
        self.current.read().expect("gateway switch lock").is_some()
    }

    /// Replaces the gateway (`None` turns tunnels off) for every call that starts from now on.
    pub fn switch_to(&self, next: Option<Arc<dyn TunnelGateway>>) {
        *self.current.write().expect("gateway switch lock") = next;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ports::tunnel_gateway::MockTunnelGateway;

    #[test]
    fn none_until_switched_and_none_again_once_cleared() {
        let switch = GatewaySwitch::default();
        assert!(!switch.is_configured() && switch.current().is_none());
        switch.switch_to(Some(Arc::new(MockTunnelGateway::new())));
        assert!(switch.is_configured() && switch.current().is_some());
        switch.switch_to(None);
        assert!(!switch.is_configured());
    }
}
