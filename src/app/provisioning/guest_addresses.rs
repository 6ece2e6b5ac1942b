//! Verifying a reservation before a VM is configured with it: no Proxmox guest may already use
//! the address (its `ipconfig0`), and nothing on the LAN may answer there. The guests come from
//! the cluster snapshot; their addresses are read from their configs and trusted for a short
//! while, so concurrent provisions share one snapshot instead of each reading every config.

use std::collections::BTreeMap;
use std::net::Ipv4Addr;

use chrono::{DateTime, Utc};

use super::cluster_snapshot::ClusterSnapshot;
use crate::domain::ids::InstanceId;
use crate::domain::ip_pool::{Claim, ProxmoxSnapshot};
use crate::domain::marker;
use crate::domain::vmid::VmId;
use crate::ports::proxmox::{ClusterResource, GuestKind};
use crate::ports::{Proxmox, ProxmoxResult};

/// A guest configured with an address.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GuestClaim {
    pub vmid: VmId,
    pub node: crate::domain::cluster::NodeName,
    pub name: String,
    pub marker: Option<InstanceId>,
}

struct Snapshot {
    at: DateTime<Utc>,
    /// Every guest's config was read.
    complete: bool,
    claims: BTreeMap<Ipv4Addr, GuestClaim>,
    /// Config per VMID, so a refresh reads only guests it has not seen.
    seen: BTreeMap<VmId, Option<(Ipv4Addr, GuestClaim)>>,
}

#[derive(Default)]
pub struct GuestAddresses {
    cache: tokio::sync::Mutex<Option<Snapshot>>,
}

/// The static IPv4 of an `ipconfig0` value.
pub fn static_ipv4(ipconfig: &str) -> Option<Ipv4Addr> {
    let ip = ipconfig.split(',').find_map(|p| p.trim().strip_prefix("ip="))?;
    ip.split('/').next()?.trim().parse().ok()
}

impl GuestAddresses {
    /// Who uses `addr` among the cluster's guests, from a snapshot at most `ttl` old (a zero
    /// `ttl` refreshes with a fresh read of the cluster).
    pub async fn claim(
        &self,
        cluster: &ClusterSnapshot,
        proxmox: &dyn Proxmox,
        addr: Ipv4Addr,
        now: DateTime<Utc>,
        ttl: chrono::Duration,
    ) -> ProxmoxResult<Option<GuestClaim>> {
        let mut cache = self.cache.lock().await;
        let stale = cache.as_ref().is_none_or(|s| now - s.at > ttl);
        if stale {
            let read = if ttl <= chrono::Duration::zero() {
                cluster.read_fresh().await?
            } else {
                cluster.read_within(ttl).await?
            };
            let mut seen = cache.take().map(|s| s.seen).unwrap_or_default();
            let mut fresh = BTreeMap::new();
            let mut complete = true;
            for r in read.value.iter() {
                let ClusterResource::Guest(g) = r else { continue };
                if g.template || g.kind != GuestKind::Qemu {
                    continue;
                }
                let known = match seen.remove(&g.vmid) {
                    Some(k) if !stale_entry(&k) => k,
                    _ => match proxmox.vm_config(&g.node, g.vmid).await {
                        Ok(config) => config.get("ipconfig0").and_then(static_ipv4).map(|ip| {
                            let claim = GuestClaim {
                                vmid: g.vmid,
                                node: g.node.clone(),
                                name: g.name.clone().unwrap_or_default(),
                                marker: config.get("description").and_then(marker::find),
                            };
                            (ip, claim)
                        }),
                        Err(_) => {
                            complete = false;
                            continue;
                        }
                    },
                };
                fresh.insert(g.vmid, known);
            }
            let claims = fresh.values().flatten().cloned().collect();
            *cache = Some(Snapshot {
                at: read.at,
                complete,
                claims,
                seen: fresh,
            });
        }
        Ok(cache.as_ref().and_then(|s| s.claims.get(&addr).cloned()))
    }

    /// Every guest address claim, for reconcile: the snapshot at most `ttl` old.
    pub async fn snapshot(
        &self,
        cluster: &ClusterSnapshot,
        proxmox: &dyn Proxmox,
        now: DateTime<Utc>,
        ttl: chrono::Duration,
    ) -> ProxmoxResult<ProxmoxSnapshot> {
        // Reading any address refreshes a stale snapshot.
        self.claim(cluster, proxmox, Ipv4Addr::UNSPECIFIED, now, ttl).await?;
        let cache = self.cache.lock().await;
        let Some(s) = cache.as_ref() else {
            return Ok(ProxmoxSnapshot::default());
        };
        Ok(ProxmoxSnapshot {
            claims: s
                .claims
                .iter()
                .map(|(addr, c)| Claim {
                    addr: *addr,
                    vmid: c.vmid,
                    node: c.node.clone(),
                    name: c.name.clone(),
                    marker: c.marker,
                })
                .collect(),
            vmids: s.seen.keys().copied().collect(),
            complete: s.complete,
        })
    }

    /// Forgets the snapshot (a VM Nimbus configured changed the picture).
    pub async fn invalidate(&self) {
        *self.cache.lock().await = None;
    }
}

/// Guests without an address are re-read on every refresh: they may be ours mid-provision.
fn stale_entry(entry: &Option<(Ipv4Addr, GuestClaim)>) -> bool {
    entry.is_none()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_static_address_is_read_from_ipconfig0() {
        assert_eq!(
            static_ipv4("ip=10.0.0.5/24,gw=10.0.0.1"),
            Some(Ipv4Addr::new(10, 0, 0, 5))
        );
        assert_eq!(
            static_ipv4("gw=10.0.0.1,ip=10.0.0.6/22"),
            Some(Ipv4Addr::new(10, 0, 0, 6))
        );
        assert_eq!(static_ipv4("ip=dhcp"), None);
    }
}
