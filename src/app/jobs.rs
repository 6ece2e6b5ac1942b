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

#[cfg(test)]
mod tests {
    use std::sync::Mutex;

    use chrono::Duration as Span;

    use super::*;
    use crate::adapters::clock::ManualClock;

    #[tokio::test(start_paused = true)]
    async fn a_job_ticks_once_per_interval_with_the_clocks_time() {
        let start = DateTime::from_timestamp(1_800_000_000, 0).unwrap();
        let clock = Arc::new(ManualClock::new(start));
        let seen = Arc::new(Mutex::new(Vec::new()));
        let record = seen.clone();
        let job = every("test", Duration::from_secs(60), clock.clone(), move |now| {
            let record = record.clone();
            Box::pin(async move { record.lock().unwrap().push(now) })
        });
        let ticks = || seen.lock().unwrap().clone();
        tokio::time::sleep(Duration::from_secs(59)).await;
        assert!(ticks().is_empty(), "no run before the first interval");
        clock.advance(Span::hours(1));
        tokio::time::sleep(Duration::from_secs(2)).await;
        assert_eq!(ticks(), [start + Span::hours(1)]);
        clock.advance(Span::hours(1));
        tokio::time::sleep(Duration::from_secs(60)).await;
        assert_eq!(ticks(), [start + Span::hours(1), start + Span::hours(2)]);
        job.abort();
    }
}
