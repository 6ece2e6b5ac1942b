//! Clock-driven background jobs. A job is a function of "now" (`tick(now)`), so tests call it
//! directly with a manual clock; in production a runner calls it every interval with the
//! clock's time, until the app stops.

use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::time::Duration;

use chrono::{DateTime, Utc};
use tokio::task::JoinHandle;

use crate::ports::Clock;

/// One run of a job.
pub type Tick = Pin<Box<dyn Future<Output = ()> + Send>>;

/// Runs `tick(clock.now())` every `interval` (the first run one interval after start), until
/// the returned handle is aborted. A slow run delays the next instead of piling up.
pub fn every<F>(name: &'static str, interval: Duration, clock: Arc<dyn Clock>, tick: F) -> JoinHandle<()>
where
    F: Fn(DateTime<Utc>) -> Tick + Send + Sync + 'static,
{
    tokio::spawn(async move {
        let mut timer = tokio::time::interval_at(tokio::time::Instant::now() + interval, interval);
        timer.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            timer.tick().await;
            tracing::debug!(job = name, "job run");
            tick(clock.now()).await;
        }
    })
}
