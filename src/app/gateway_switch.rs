//! The Gopher gateway in use, replaceable while Nimbus runs: Admin → Settings → Gopher sets a new
//! address or key, or clears it, without a restart. Every part that talks to Gopher holds this
//! one handle and asks it for the gateway now, or none (tunnels are off); a call under way
//! finishes on the gateway it began with.

use std::sync::{Arc, RwLock};

use crate::ports::tunnel_gateway::TunnelGateway;

/// The gateway in use and where it lives: its public SSH endpoints are on that host.
#[derive(Clone)]
struct InUse {
    client: Arc<dyn TunnelGateway>,
    host: Option<String>,
}

/// The current gateway, or none.
#[derive(Default)]
pub struct GatewaySwitch {
    current: RwLock<Option<InUse>>,
}

impl GatewaySwitch {
    /// The gateway every call from now on goes to, or `None` when tunnels are off.
    pub fn current(&self) -> Option<Arc<dyn TunnelGateway>> {
        self.read().map(|g| g.client)
    }

    /// The gateway's host (from its configured URL): where a machine's public SSH port listens.
    pub fn host(&self) -> Option<String> {
        self.read().and_then(|g| g.host)
    }

    /// Whether a gateway is configured: tunnels are available.
    pub fn is_configured(&self) -> bool {
        self.read().is_some()
    }

    /// Replaces the gateway (`None` turns tunnels off) for every call that starts from now on;
    /// `url` is the address it was opened at.
    pub fn switch_to(&self, next: Option<(Arc<dyn TunnelGateway>, &url::Url)>) {
        *self.current.write().expect("gateway switch lock") = next.map(|(client, url)| InUse {
            client,
            host: url
                .host_str()
                .map(|h| h.trim_start_matches('[').trim_end_matches(']').to_owned()),
        });
    }

    fn read(&self) -> Option<InUse> {
        self.current.read().expect("gateway switch lock").clone()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ports::tunnel_gateway::MockTunnelGateway;

    #[test]
    fn none_until_switched_and_none_again_once_cleared() {
        let switch = GatewaySwitch::default();
        assert!(!switch.is_configured() && switch.current().is_none() && switch.host().is_none());
        let url = url::Url::parse("https://gopher.example.org:8443/").unwrap();
        switch.switch_to(Some((Arc::new(MockTunnelGateway::new()), &url)));
        assert!(switch.is_configured() && switch.current().is_some());
        assert_eq!(switch.host().as_deref(), Some("gopher.example.org"));
        switch.switch_to(None);
        assert!(!switch.is_configured() && switch.host().is_none());
    }
}
