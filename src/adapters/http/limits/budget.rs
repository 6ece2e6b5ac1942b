//! One keyed rate limit: a GCRA budget per key (the theoretical arrival time of the next
//! attempt), with at most `cap` keys held. Keys are stored as 64-bit digests under a per-process
//! random seed, so a long email costs no more memory than a short one and nobody can aim two keys
//! at one budget. A full budget first forgets keys that have recovered, then the most recovered.

use std::collections::hash_map::RandomState;
use std::collections::{BTreeSet, HashMap};
use std::hash::BuildHasher;
use std::sync::Mutex;
use std::time::Duration;

use chrono::{DateTime, TimeDelta, Utc};

use crate::domain::rate_limit::Rate;

/// A key's stored form.
type Digest = u64;

/// The budgets of every key of one limit.
pub(super) struct Budget {
    /// One attempt's share of the budget (the period over the count).
    interval: TimeDelta,
    /// How far ahead of now the budget may be spent (the whole burst).
    burst: TimeDelta,
    cap: usize,
    seed: RandomState,
    state: Mutex<State>,
}

#[derive(Default)]
struct State {
    /// Each key's theoretical arrival time: the budget is whole again once now reaches it.
    tat: HashMap<Digest, DateTime<Utc>>,
    /// The same, ordered by arrival time, so the most recovered key is found first.
    by_tat: BTreeSet<(DateTime<Utc>, Digest)>,
}

impl State {
    fn set(&mut self, key: Digest, tat: DateTime<Utc>) {
        if let Some(old) = self.tat.insert(key, tat) {
            self.by_tat.remove(&(old, key));
        }
        self.by_tat.insert((tat, key));
    }

    fn remove(&mut self, key: Digest) {
        if let Some(old) = self.tat.remove(&key) {
            self.by_tat.remove(&(old, key));
        }
    }

    /// Forgets the key that recovers first.
    fn pop_most_recovered(&mut self) -> Option<DateTime<Utc>> {
        let (tat, key) = self.by_tat.pop_first()?;
        self.tat.remove(&key);
        Some(tat)
    }

    /// Forgets every key whose budget is whole at `now`; returns how many.
    fn forget_recovered(&mut self, now: DateTime<Utc>) -> usize {
        let mut forgotten = 0;
        while self.by_tat.first().is_some_and(|(tat, _)| *tat <= now) {
            self.pop_most_recovered();
            forgotten += 1;
        }
        forgotten
    }
}

impl Budget {
    /// `rate.count` attempts in a burst, refilled evenly over `rate.per`, for at most `cap` keys.
    pub(super) fn new(rate: Rate, cap: usize) -> Self {
        let per = TimeDelta::from_std(rate.per).unwrap_or(TimeDelta::MAX);
        let interval = (per / rate.count.get() as i32).max(TimeDelta::milliseconds(1));
        Self {
            interval,
            burst: interval * rate.count.get() as i32,
            cap: cap.max(1),
            seed: RandomState::new(),
            state: Mutex::new(State::default()),
        }
    }

    fn digest(&self, key: &str) -> Digest {
        self.seed.hash_one(key)
    }

    fn state(&self) -> std::sync::MutexGuard<'_, State> {
        // A panic while holding the lock leaves consistent maps (each change is whole).
        self.state.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// When the key's next attempt would be due, and how long past the budget that is.
    fn next(&self, state: &State, key: Digest, now: DateTime<Utc>) -> (DateTime<Utc>, Option<Duration>) {
        let start = state.tat.get(&key).copied().filter(|tat| *tat > now).unwrap_or(now);
        let next = start + self.interval;
        let over = next - now - self.burst;
        let wait = (over > TimeDelta::zero()).then(|| over.to_std().unwrap_or(Duration::MAX));
        (next, wait)
    }

    fn store(&self, state: &mut State, key: Digest, tat: DateTime<Utc>, now: DateTime<Utc>) {
        if !state.tat.contains_key(&key) && state.tat.len() >= self.cap && state.forget_recovered(now) == 0 {
            state.pop_most_recovered();
        }
        state.set(key, tat);
    }

    /// Whether one more attempt would be allowed now; if not, how long until it would be.
    pub(super) fn peek(&self, key: &str, now: DateTime<Utc>) -> Result<(), Duration> {
        match self.next(&self.state(), self.digest(key), now).1 {
            Some(wait) => Err(wait),
            None => Ok(()),
        }
    }

    /// Spends one attempt if the budget allows it; otherwise how long until it would.
    pub(super) fn take(&self, key: &str, now: DateTime<Utc>) -> Result<(), Duration> {
        let key = self.digest(key);
        let mut state = self.state();
        match self.next(&state, key, now) {
            (_, Some(wait)) => Err(wait),
            (next, None) => {
                self.store(&mut state, key, next, now);
                Ok(())
            }
        }
    }

    /// Counts an attempt that already happened (a failure), allowed or not; the debt never
    /// grows past one whole burst.
    pub(super) fn charge(&self, key: &str, now: DateTime<Utc>) {
        let key = self.digest(key);
        let mut state = self.state();
        let (next, _) = self.next(&state, key, now);
        self.store(&mut state, key, next.min(now + self.burst), now);
    }

    /// Forgets the key: its budget is whole again.
    pub(super) fn forget(&self, key: &str) {
        let key = self.digest(key);
        self.state().remove(key);
    }

    /// Forgets every key that has recovered by `now`; returns how many.
    pub(super) fn sweep(&self, now: DateTime<Utc>) -> usize {
        let mut state = self.state();
        let forgotten = state.forget_recovered(now);
        state.tat.shrink_to_fit();
        forgotten
    }

    /// How many keys are held.
    pub(super) fn len(&self) -> usize {
        self.state().tat.len()
    }
}

#[cfg(test)]
mod tests {
    use std::num::NonZeroU32;

    use super::*;

    fn t0() -> DateTime<Utc> {
        DateTime::from_timestamp(1_800_000_000, 0).unwrap()
    }

    fn budget(count: u32, secs: u64, cap: usize) -> Budget {
        let rate = Rate {
            count: NonZeroU32::new(count).unwrap(),
            per: Duration::from_secs(secs),
        };
        Budget::new(rate, cap)
    }

    #[test]
    fn a_burst_is_allowed_then_one_attempt_per_interval() {
        let b = budget(3, 60, 10);
        for _ in 0..3 {
            assert!(b.take("k", t0()).is_ok());
        }
        assert_eq!(b.take("k", t0()), Err(Duration::from_secs(20)));
        assert_eq!(b.peek("k", t0() + TimeDelta::seconds(5)), Err(Duration::from_secs(15)));
        assert!(b.take("k", t0() + TimeDelta::seconds(20)).is_ok());
        assert!(b.take("other", t0()).is_ok(), "keys have their own budgets");
    }

    #[test]
    fn peeking_spends_nothing_and_charges_count_whatever_the_budget_says() {
        let b = budget(2, 60, 10);
        for _ in 0..10 {
            assert!(b.peek("k", t0()).is_ok());
        }
        b.charge("k", t0());
        assert!(b.peek("k", t0()).is_ok());
        b.charge("k", t0());
        assert_eq!(b.peek("k", t0()), Err(Duration::from_secs(30)));
        for _ in 0..100 {
            b.charge("k", t0());
        }
        assert_eq!(
            b.peek("k", t0()),
            Err(Duration::from_secs(30)),
            "the debt stops at one burst"
        );
        b.forget("k");
        assert!(b.peek("k", t0()).is_ok());
    }

    #[test]
    fn a_hundred_thousand_keys_never_hold_more_than_the_cap() {
        let b = budget(5, 900, 1000);
        for n in 0..100_000 {
            b.charge(&format!("user{n}@lab.example"), t0() + TimeDelta::milliseconds(n));
            assert!(b.len() <= 1000);
        }
        assert_eq!(b.len(), 1000);
    }

    #[test]
    fn a_full_budget_forgets_the_most_recovered_key_first() {
        let b = budget(5, 900, 3);
        for _ in 0..5 {
            b.charge("attacked", t0());
        }
        b.charge("a", t0());
        b.charge("b", t0() + TimeDelta::seconds(1));
        b.charge("c", t0() + TimeDelta::seconds(2));
        assert_eq!(b.len(), 3);
        assert!(b.peek("attacked", t0()).is_err(), "the key in most debt is kept");
        assert!(b.peek("a", t0()).is_ok());
        b.charge("a", t0());
        b.charge("a", t0());
        assert_eq!(b.len(), 3);
    }

    #[test]
    fn the_sweep_forgets_recovered_keys_only() {
        let b = budget(2, 60, 10);
        b.charge("short", t0());
        b.charge("long", t0());
        b.charge("long", t0());
        assert_eq!(b.sweep(t0() + TimeDelta::seconds(30)), 1);
        assert_eq!(b.len(), 1);
        assert_eq!(b.sweep(t0() + TimeDelta::seconds(60)), 1);
        assert_eq!(b.len(), 0);
    }
}
