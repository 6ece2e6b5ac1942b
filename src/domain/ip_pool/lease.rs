//! When a reservation may be taken back. A reservation is owned by its provision: it lapses when
//! the provision has ended, or when a live provision stopped renewing it for the whole TTL while
//! this process was running. A slow, queued or just-restarted provision keeps its address.

use chrono::{DateTime, Duration, Utc};

use super::address::Reservation;

/// What the provision owning a reservation is doing, as far as the pool needs to know.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ProvisionLiveness {
    /// Still working (including waiting for a clone slot or recovering after a restart).
    Active,
    /// Finished, failed, rolled back or unknown: it will never use the reservation.
    Ended,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LeasePolicy {
    /// `RESERVATION_TTL_SECONDS`.
    pub ttl: Duration,
    /// When this process started. Time spent down does not count against a lease: after a
    /// restart every live provision gets a full TTL to resume and renew.
    pub process_started_at: DateTime<Utc>,
}

impl LeasePolicy {
    /// Whether `reservation` may be released at `now`.
    pub fn expired(&self, reservation: &Reservation, owner: ProvisionLiveness, now: DateTime<Utc>) -> bool {
        match owner {
            ProvisionLiveness::Ended => true,
            ProvisionLiveness::Active => {
                let since = reservation.renewed_at.max(self.process_started_at);
                now - since > self.ttl
            }
        }
    }
}
