//! Wiring of the GPU plane: the queue over the store (Settings → GPU loaded from it), the worker
//! registry and the lease job. The demo's stand-in GX10 is in `stand_in_gx10.rs`.

use std::sync::Arc;
use std::time::Duration;

use crate::adapters::store::sqlite::SqliteStore;
use crate::app::audit::Auditor;
use crate::app::gpu_queue::{GpuError, GpuLeases, GpuPlaneSettings, GpuQueue, GpuSettingsChange, GpuWorkers};
use crate::app::jobs::{self, JobBoard};
use crate::ports::Clock;

/// How often leases are checked: a worker that vanished is noticed this long after its lease.
const LEASE_CHECK_INTERVAL: Duration = Duration::from_secs(5);

/// The queue and the worker registry, Settings → GPU loaded. The demo turns the plane on (unless
/// an admin already chose) with a short lease and heartbeat, so a cancel shows within seconds.
pub(super) async fn gpu(
    store: &SqliteStore,
    audit: Arc<Auditor>,
    clock: Arc<dyn Clock>,
    demo: bool,
) -> anyhow::Result<(Arc<GpuQueue>, Arc<GpuWorkers>)> {
    let queue = GpuQueue::new(Arc::new(store.clone()), clock.clone(), GpuPlaneSettings::default())
        .with_audit(audit.clone())
        .with_settings_store(Arc::new(store.clone()));
    let fail = |e: GpuError| anyhow::anyhow!("cannot read Settings → GPU: {e}");
    queue.load_settings().await.map_err(fail)?;
    let stored = crate::ports::Store::get_setting(store, crate::app::gpu_queue::GPU_SETTINGS_KEY).await?;
    if demo && stored.is_none() {
        let change = GpuSettingsChange {
            enabled: Some(true),
            lease_seconds: Some(10),
            heartbeat_seconds: Some(2),
            ..GpuSettingsChange::default()
        };
        queue.change_settings(&change).await.map_err(fail)?;
    }
    let queue = Arc::new(queue);
    let workers = GpuWorkers::load(Arc::new(store.clone()), queue.clone(), audit, clock)
        .await
        .map_err(|e| anyhow::anyhow!("cannot read the GPU workers: {e}"))?;
    Ok((queue, Arc::new(workers)))
}

/// The lease job (re-queues jobs whose worker vanished, prunes old output).
pub(super) fn lease_job(
    queue: &Arc<GpuQueue>,
    clock: &Arc<dyn Clock>,
    board: &Arc<JobBoard>,
) -> tokio::task::JoinHandle<()> {
    jobs::spawn(
        Arc::new(GpuLeases::new(queue.clone())),
        LEASE_CHECK_INTERVAL,
        clock.clone(),
        board.clone(),
    )
}
