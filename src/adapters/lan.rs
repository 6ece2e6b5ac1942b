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

    async fn neighbour(&self, ip: Ipv4Addr) -> bool {
        match tokio::fs::read_to_string("/proc/net/arp").await {
            Ok(table) => arp_has(&table, ip),
            Err(_) => false,
        }
    }
}

/// Whether the kernel's ARP table (`/proc/net/arp`) has a complete entry (flags 0x2) for `ip`.
pub fn arp_has(table: &str, ip: Ipv4Addr) -> bool {
    table.lines().skip(1).any(|line| {
        let cols: Vec<&str> = line.split_whitespace().collect();
        cols.len() >= 4
            && cols[0].parse::<Ipv4Addr>().ok() == Some(ip)
            && u32::from_str_radix(cols[2].trim_start_matches("0x"), 16).is_ok_and(|f| f & 0x2 != 0)
            && cols[3] != "00:00:00:00:00:00"
    })
}

/// The LAN of a simulated cluster in this process.
pub struct SimLan(pub SimCluster);

#[async_trait]
impl LanProbe for SimLan {
    async fn answers(&self, ip: Ipv4Addr, port: u16) -> bool {
        self.0.lan_answers(ip.into(), port)
    }

    async fn neighbour(&self, _ip: Ipv4Addr) -> bool {
        false
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

    async fn neighbour(&self, _ip: Ipv4Addr) -> bool {
        false
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_arp_table_counts_only_complete_entries() {
        let table = "IP address       HW type     Flags       HW address            Mask     Device\n\
            10.0.0.5         0x1         0x2         52:54:00:12:34:56     *        vmbr0\n\
            10.0.0.6         0x1         0x0         00:00:00:00:00:00     *        vmbr0\n";
        assert!(arp_has(table, Ipv4Addr::new(10, 0, 0, 5)));
        assert!(!arp_has(table, Ipv4Addr::new(10, 0, 0, 6)), "incomplete entry");
        assert!(!arp_has(table, Ipv4Addr::new(10, 0, 0, 7)), "absent");
        assert!(!arp_has("", Ipv4Addr::new(10, 0, 0, 5)));
    }

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
