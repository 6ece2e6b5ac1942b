//! The `Clock` port: the only way application code learns the time, so tests and simulations
//! can drive it.

use chrono::{DateTime, Utc};

/// A source of "now". Production uses the system clock; tests use a manual clock they advance.
#[cfg_attr(test, mockall::automock)]
pub trait Clock: Send + Sync {
    /// The current instant in UTC. Never fails.
    fn now(&self) -> DateTime<Utc>;
}
