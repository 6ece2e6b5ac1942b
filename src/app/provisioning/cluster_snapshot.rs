//! `ClusterSnapshot`: the one read of `/cluster/resources` every part of Nimbus shares. At most
//! one read is in flight; readers arriving meanwhile share its answer; an answer younger than the
//! age bound (`NIMBUS_CLUSTER_CACHE_SECONDS`) is reused without asking; and every change Nimbus
//! makes to the cluster (a step of a run: clone, configure, start, stop, delete, ...) marks it
//! stale, so the next read sees it. Power states, placement telemetry, the guests' addresses,
//! the fleet views, drift detection and template discovery all read the cluster through it, so
//! however many people list their machines, Proxmox is asked at most once per age window.

use std::sync::Arc;
use std::time::Duration;

use crate::app::single_flight::{Answer, SingleFlight};
use crate::ports::proxmox::ClusterResource;
use crate::ports::{Clock, Proxmox, ProxmoxError, ProxmoxResult};

/// The cluster's resources as one read saw them, and when that read started.
pub type ClusterRead = Answer<Arc<Vec<ClusterResource>>>;

/// The shared read of the cluster (see the module header).
pub struct ClusterSnapshot {
    proxmox: Option<Arc<dyn Proxmox>>,
    max_age: chrono::Duration,
    reads: SingleFlight<Arc<Vec<ClusterResource>>, ProxmoxError>,
}

impl ClusterSnapshot {
    pub fn new(proxmox: Option<Arc<dyn Proxmox>>, clock: Arc<dyn Clock>, max_age: Duration) -> Self {
        Self {
            proxmox,
            max_age: chrono::Duration::from_std(max_age).unwrap_or(chrono::Duration::MAX),
            // A failure is shared with the readers that waited for it, never reused later: a
            // run's retry must really ask again.
            reads: SingleFlight::new(clock, false),
        }
    }

    /// The cluster as read at most the age bound ago. Errors: those of
    /// [`Proxmox::cluster_resources`]; `Unavailable` when no cluster is configured.
    pub async fn read(&self) -> ProxmoxResult<ClusterRead> {
        self.read_within(self.max_age).await
    }

    /// The cluster as read at most `age` ago (never older than the age bound). Errors: as
    /// [`ClusterSnapshot::read`].
    pub async fn read_within(&self, age: chrono::Duration) -> ProxmoxResult<ClusterRead> {
        self.reads.get(age.min(self.max_age), || self.ask()).await
    }

    /// A read that started no earlier than this call, or the one in flight now (for jobs that
    /// compare the cluster with the records and must not act on an old picture). Errors: as
    /// [`ClusterSnapshot::read`].
    pub async fn read_fresh(&self) -> ProxmoxResult<ClusterRead> {
        self.reads.get(chrono::Duration::milliseconds(-1), || self.ask()).await
    }

    /// The last successful read, however old (what was last known while Proxmox is down).
    pub fn last(&self) -> Option<ClusterRead> {
        self.reads.last_ok()
    }

    /// Marks the snapshot stale: Nimbus changed the cluster, so the next read asks again.
    pub fn invalidate(&self) {
        self.reads.invalidate();
    }

    /// Readers waiting for the read in flight.
    pub fn waiting(&self) -> usize {
        self.reads.waiting()
    }

    async fn ask(&self) -> ProxmoxResult<Arc<Vec<ClusterResource>>> {
        let proxmox = self
            .proxmox
            .as_ref()
            .ok_or_else(|| ProxmoxError::Unavailable("no Proxmox cluster is configured".into()))?;
        Ok(Arc::new(proxmox.cluster_resources(None).await?))
    }
}

#[cfg(test)]
mod tests {
    use chrono::{DateTime, Utc};

    use super::*;
    use crate::adapters::clock::ManualClock;
    use crate::adapters::proxmox::sim::{Fault, FaultScope, Profile, Scenario, SimCluster};

    fn start() -> DateTime<Utc> {
        DateTime::from_timestamp(1_800_000_000, 0).unwrap()
    }

    fn snapshot(age_secs: u64) -> (ClusterSnapshot, SimCluster, Arc<ManualClock>) {
        let clock = Arc::new(ManualClock::new(start()));
        let cluster = SimCluster::new(Scenario::default_cluster(3), Profile::Instant, 7, clock.clone());
        let snapshot = ClusterSnapshot::new(
            Some(Arc::new(cluster.proxmox())),
            clock.clone(),
            Duration::from_secs(age_secs),
        );
        (snapshot, cluster, clock)
    }

    #[tokio::test]
    async fn a_second_read_within_the_age_bound_asks_nothing_and_a_later_one_asks_again() {
        let (snapshot, cluster, clock) = snapshot(5);
        let first = snapshot.read().await.unwrap();
        assert_eq!(first.at, start());
        snapshot.read().await.unwrap();
        clock.advance(chrono::Duration::seconds(5));
        snapshot.read().await.unwrap();
        assert_eq!(cluster.asked("cluster/resources"), 1);
        clock.advance(chrono::Duration::seconds(1));
        let later = snapshot.read().await.unwrap();
        assert_eq!((cluster.asked("cluster/resources"), later.at), (2, clock.now()));
    }

    #[tokio::test]
    async fn an_action_marks_it_stale_and_fresh_reads_never_reuse_an_answer() {
        let (snapshot, cluster, _) = snapshot(5);
        snapshot.read().await.unwrap();
        snapshot.invalidate();
        snapshot.read().await.unwrap();
        assert_eq!(cluster.asked("cluster/resources"), 2);
        snapshot.read_fresh().await.unwrap();
        assert_eq!(cluster.asked("cluster/resources"), 3);
        assert!(snapshot.read_within(chrono::Duration::seconds(60)).await.is_ok());
        assert_eq!(
            cluster.asked("cluster/resources"),
            3,
            "a longer age is capped, not refused"
        );
    }

    #[tokio::test]
    async fn concurrent_readers_of_a_slow_cluster_share_one_read() {
        let (snapshot, cluster, _) = snapshot(5);
        cluster.inject(
            Fault::Slow {
                delay: Duration::from_millis(300),
            },
            FaultScope::UntilCleared,
        );
        let snapshot = Arc::new(snapshot);
        let readers: Vec<_> = (0..8)
            .map(|_| {
                let snapshot = snapshot.clone();
                // Fresh reads reuse no answer: only sharing the read in flight spares one.
                tokio::spawn(async move { snapshot.read_fresh().await.map(|r| r.value.len()) })
            })
            .collect();
        for r in readers {
            assert!(r.await.unwrap().unwrap() > 0);
        }
        assert_eq!(cluster.asked("cluster/resources"), 1);
    }

    #[tokio::test]
    async fn the_last_good_read_is_kept_while_proxmox_fails() {
        let (snapshot, cluster, clock) = snapshot(5);
        snapshot.read().await.unwrap();
        cluster.inject(
            Fault::ApiError {
                op: crate::adapters::proxmox::sim::Op::Read,
                message: "cluster not ready - no quorum?".into(),
            },
            FaultScope::UntilCleared,
        );
        clock.advance(chrono::Duration::seconds(30));
        assert!(snapshot.read().await.is_err());
        assert_eq!(snapshot.last().unwrap().at, start());
    }
}
