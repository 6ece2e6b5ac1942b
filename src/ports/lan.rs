//! The `LanProbe` port: does something on the VM network answer at an address? Used to verify a
//! reservation before a VM is configured with it, and as the readiness fallback (TCP 22) when the
//! guest agent is silent. Production probes the network; tests and the demo ask the simulator.

use std::net::Ipv4Addr;

use async_trait::async_trait;

#[cfg_attr(test, mockall::automock)]
#[async_trait]
pub trait LanProbe: Send + Sync {
    /// Whether `ip` accepts a TCP connection on `port` within the probe's timeout. A probe that
    /// cannot run says false: an unanswered probe proves nothing either way.
    async fn answers(&self, ip: Ipv4Addr, port: u16) -> bool;

    /// Whether the host's neighbour (ARP) table has a live entry for `ip` — a host that exists
    /// even when every probed port is closed. False where there is no such table.
    async fn neighbour(&self, ip: Ipv4Addr) -> bool;
}
