//! Session lifetimes. A session ends when it has been idle too long or when it reaches its
//! absolute age, whichever comes first. Its last-used time is written at most once per
//! `touch_every`, so reads stay reads.

use chrono::{DateTime, Duration, Utc};

/// How long sessions live.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SessionPolicy {
    /// A session unused for this long has ended.
    pub idle: Duration,
    /// No session lives longer than this after sign-in.
    pub absolute: Duration,
    /// The last-used time is rewritten only when it is at least this old.
    pub touch_every: Duration,
}

impl Default for SessionPolicy {
    fn default() -> Self {
        Self {
            idle: Duration::days(7),
            absolute: Duration::days(30),
            touch_every: Duration::minutes(1),
        }
    }
}

/// A session's recorded times.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SessionTimes {
    pub created_at: DateTime<Utc>,
    pub last_used_at: DateTime<Utc>,
}

/// Whether a session can still be used at some instant.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SessionState {
    Live {
        /// The last-used time should be written now.
        touch: bool,
    },
    /// Unused for longer than the idle limit.
    IdleExpired,
    /// Older than the absolute limit.
    Expired,
}

impl SessionPolicy {
    pub fn state(&self, times: SessionTimes, now: DateTime<Utc>) -> SessionState {
        if now >= self.absolute_deadline(times) {
            SessionState::Expired
        } else if now >= times.last_used_at + self.idle {
            SessionState::IdleExpired
        } else {
            SessionState::Live {
                touch: now - times.last_used_at >= self.touch_every,
            }
        }
    }

    /// When the session ends if it keeps being used.
    pub fn absolute_deadline(&self, times: SessionTimes) -> DateTime<Utc> {
        times.created_at + self.absolute
    }

    /// When the session ends from now on: the earlier of its idle and absolute deadlines.
    pub fn ends_at(&self, times: SessionTimes) -> DateTime<Utc> {
        (times.last_used_at + self.idle).min(self.absolute_deadline(times))
    }

    /// Sessions last used before this instant have ended by idleness (for purging).
    pub fn idle_cutoff(&self, now: DateTime<Utc>) -> DateTime<Utc> {
        now - self.idle
    }

    /// Sessions created before this instant have ended by age (for purging).
    pub fn absolute_cutoff(&self, now: DateTime<Utc>) -> DateTime<Utc> {
        now - self.absolute
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(minutes: i64) -> DateTime<Utc> {
        DateTime::from_timestamp(1_800_000_000, 0).unwrap() + Duration::minutes(minutes)
    }

    fn policy() -> SessionPolicy {
        SessionPolicy {
            idle: Duration::minutes(60),
            absolute: Duration::minutes(600),
            touch_every: Duration::minutes(1),
        }
    }

    #[test]
    fn a_fresh_session_is_live_and_touched_at_most_once_a_minute() {
        let times = SessionTimes {
            created_at: at(0),
            last_used_at: at(0),
        };
        assert_eq!(policy().state(times, at(0)), SessionState::Live { touch: false });
        let seconds_later = at(0) + Duration::seconds(59);
        assert_eq!(
            policy().state(times, seconds_later),
            SessionState::Live { touch: false }
        );
        assert_eq!(policy().state(times, at(1)), SessionState::Live { touch: true });
    }

    #[test]
    fn idleness_ends_a_session_and_use_keeps_it_alive() {
        let idle = SessionTimes {
            created_at: at(0),
            last_used_at: at(0),
        };
        assert_eq!(policy().state(idle, at(60)), SessionState::IdleExpired);
        let used = SessionTimes {
            created_at: at(0),
            last_used_at: at(50),
        };
        assert_eq!(policy().state(used, at(100)), SessionState::Live { touch: true });
        assert_eq!(policy().ends_at(used), at(110));
    }

    #[test]
    fn the_absolute_limit_wins_over_constant_use() {
        let busy = SessionTimes {
            created_at: at(0),
            last_used_at: at(599),
        };
        assert_eq!(policy().state(busy, at(599)), SessionState::Live { touch: false });
        assert_eq!(policy().state(busy, at(600)), SessionState::Expired);
        assert_eq!(policy().ends_at(busy), at(600));
    }

    #[test]
    fn cutoffs_match_the_states() {
        let p = policy();
        assert_eq!(p.idle_cutoff(at(100)), at(40));
        assert_eq!(p.absolute_cutoff(at(700)), at(100));
    }
}
