//! How a provision waits between polls. Production sleeps; simulation tests supply a pace that
//! moves a manual clock forward instead, so a run over the simulated cluster is fast and exactly
//! repeatable.

use std::time::Duration;

use async_trait::async_trait;

#[async_trait]
pub trait Pace: Send + Sync {
    /// Lets `d` pass.
    async fn pause(&self, d: Duration);
}

/// Real time.
pub struct Sleep;

#[async_trait]
impl Pace for Sleep {
    async fn pause(&self, d: Duration) {
        tokio::time::sleep(d).await;
    }
}
