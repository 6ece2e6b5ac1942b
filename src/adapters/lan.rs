//! `LanProbe` adapters: a TCP connect with a timeout (production), the simulated cluster's LAN
//! in this process (`nimbus demo`, tests), and a separate simulator's LAN over HTTP
//! (`NIMBUS_SIMULATED_LAN`, for a real `nimbus serve` against `nimbus sim-proxmox`).

use std::net::{Ipv4Addr, SocketAddr};
use std::time::Duration;

use async_trait::async_trait;

use super::proxmox::sim::SimCluster;
use crate::ports::LanProbe;

/// Connects to the address: only a connection accepted within the timeout counts as an answer.
pub struct TcpProbe {
    pub timeout: Duration,
}

#[async_trait]
impl LanProbe for TcpProbe {
    async fn answers(&self, ip: Ipv4Addr, port: u16) -> bool {
        let addr = SocketAddr::from((ip, port));
        matches!(
            tokio::time::timeout(self.timeout, tokio::net::TcpStream::connect(addr)).await,
            Ok(Ok(_))
        )
    }
}

/// The LAN of a simulated cluster in this process.
pub struct SimLan(pub SimCluster);

#[async_trait]
impl LanProbe for SimLan {
    async fn answers(&self, ip: Ipv4Addr, port: u16) -> bool {
        self.0.lan_answers(ip.into(), port)
    }
}

/// The LAN of a separate `nimbus sim-proxmox`, asked over its control API.
pub struct HttpSimLan {
    url: url::Url,
    client: reqwest::Client,
}

impl HttpSimLan {
    /// `url` is the simulator's `/_sim/lan` endpoint.
    pub fn new(url: url::Url) -> Result<Self, reqwest::Error> {
        let client = reqwest::Client::builder()
            .danger_accept_invalid_certs(true)
            .timeout(Duration::from_secs(3))
            .build()?;
        Ok(Self { url, client })
    }
}

#[async_trait]
impl LanProbe for HttpSimLan {
    async fn answers(&self, ip: Ipv4Addr, port: u16) -> bool {
        let mut url = self.url.clone();
        url.query_pairs_mut()
            .append_pair("ip", &ip.to_string())
            .append_pair("port", &port.to_string());
        let Ok(reply) = self.client.get(url).send().await else {
            return false;
        };
        let Ok(body) = reply.json::<serde_json::Value>().await else {
            return false;
        };
        body.get("answers")
            .and_then(serde_json::Value::as_bool)
            .unwrap_or(false)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn a_listening_port_answers_and_a_closed_one_does_not() {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let port = listener.local_addr().unwrap().port();
        let probe = TcpProbe {
            timeout: Duration::from_secs(2),
        };
        assert!(probe.answers(Ipv4Addr::LOCALHOST, port).await);
        drop(listener);
        assert!(!probe.answers(Ipv4Addr::LOCALHOST, port).await);
    }
}
