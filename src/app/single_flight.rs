//! `SingleFlight`: an answer read from a slow dependency at most once at a time and reused while
//! it is young. Readers that arrive while a read is in flight wait for it and share its answer
//! (or its failure) instead of asking again; an answer younger than the age bound is handed out
//! without asking at all; `invalidate` makes the next reader ask afresh. Age is measured on the
//! `Clock` port, so tests drive it with a manual clock.

use std::future::Future;
use std::sync::Arc;
use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};

use chrono::{DateTime, Duration, Utc};

use crate::ports::Clock;

/// An answer and when it was asked for.
#[derive(Debug, Clone)]
pub struct Answer<T> {
    /// When the read that produced it started (the answer is at least this fresh).
    pub at: DateTime<Utc>,
    pub value: T,
}

/// What the last read gave, and under which generation it started.
struct Attempt<T, E> {
    number: u64,
    generation: u64,
    at: DateTime<Utc>,
    result: Result<T, E>,
}

/// One value, read at most once at a time (see the module header).
pub struct SingleFlight<T, E> {
    clock: Arc<dyn Clock>,
    /// Whether a failure is also reused while young (so a dependency that is down is asked at
    /// most once per age window), or only shared with the readers that waited for it.
    keep_failures: bool,
    /// Bumped by `invalidate`: answers of an older generation are never reused.
    generation: AtomicU64,
    /// How many reads have finished (the number of the last one).
    finished: AtomicU64,
    /// Readers waiting for a read in flight.
    waiting: AtomicUsize,
    last: Mutex<Option<Arc<Attempt<T, E>>>>,
    last_ok: Mutex<Option<Answer<T>>>,
    /// Held while a read is in flight.
    flight: tokio::sync::Mutex<()>,
}

impl<T: Clone, E: Clone> SingleFlight<T, E> {
    pub fn new(clock: Arc<dyn Clock>, keep_failures: bool) -> Self {
        Self {
            clock,
            keep_failures,
            generation: AtomicU64::new(0),
            finished: AtomicU64::new(0),
            waiting: AtomicUsize::new(0),
            last: Mutex::new(None),
            last_ok: Mutex::new(None),
            flight: tokio::sync::Mutex::new(()),
        }
    }

    /// The answer of a read started at most `max_age` ago (and since the last invalidation), or
    /// of the read in flight when this was called; otherwise `read` runs, once for every reader
    /// waiting meanwhile.
    pub async fn get<F, Fut>(&self, max_age: Duration, read: F) -> Result<Answer<T>, E>
    where
        F: FnOnce() -> Fut,
        Fut: Future<Output = Result<T, E>>,
    {
        let arrived_after = self.finished.load(Ordering::SeqCst);
        self.waiting.fetch_add(1, Ordering::SeqCst);
        let flight = self.flight.lock().await;
        self.waiting.fetch_sub(1, Ordering::SeqCst);
        let now = self.clock.now();
        let generation = self.generation.load(Ordering::SeqCst);
        let last = self.last.lock().unwrap_or_else(|p| p.into_inner()).clone();
        if let Some(a) = last.filter(|a| a.generation == generation) {
            let shared = a.number > arrived_after;
            let young = now - a.at <= max_age;
            match &a.result {
                Ok(value) if shared || young => {
                    return Ok(Answer {
                        at: a.at,
                        value: value.clone(),
                    });
                }
                Err(e) if shared || (young && self.keep_failures) => return Err(e.clone()),
                _ => {}
            }
        }
        let result = read().await;
        let number = self.finished.load(Ordering::SeqCst) + 1;
        if let Ok(value) = &result {
            *self.last_ok.lock().unwrap_or_else(|p| p.into_inner()) = Some(Answer {
                at: now,
                value: value.clone(),
            });
        }
        let attempt = Arc::new(Attempt {
            number,
            generation,
            at: now,
            result,
        });
        *self.last.lock().unwrap_or_else(|p| p.into_inner()) = Some(attempt.clone());
        self.finished.store(number, Ordering::SeqCst);
        drop(flight);
        match &attempt.result {
            Ok(value) => Ok(Answer {
                at: now,
                value: value.clone(),
            }),
            Err(e) => Err(e.clone()),
        }
    }

    /// The last successful answer, however old (for showing what was last known).
    pub fn last_ok(&self) -> Option<Answer<T>> {
        self.last_ok.lock().unwrap_or_else(|p| p.into_inner()).clone()
    }

    /// Makes the next reader ask afresh; a read in flight now is not reused afterwards.
    pub fn invalidate(&self) {
        self.generation.fetch_add(1, Ordering::SeqCst);
    }

    /// How many readers wait for a read in flight (tests wait on it to line readers up).
    pub fn waiting(&self) -> usize {
        self.waiting.load(Ordering::SeqCst)
    }
}

#[cfg(test)]
mod tests {
    use std::sync::atomic::AtomicU32;

    use super::*;
    use crate::adapters::clock::ManualClock;

    fn clock() -> Arc<ManualClock> {
        Arc::new(ManualClock::new(DateTime::from_timestamp(1_800_000_000, 0).unwrap()))
    }

    /// Counts reads; each answers with its number, or fails when `fail` is set.
    #[derive(Default)]
    struct Source {
        reads: AtomicU32,
    }

    impl Source {
        async fn read(&self, fail: bool) -> Result<u32, String> {
            let n = self.reads.fetch_add(1, Ordering::SeqCst) + 1;
            if fail { Err(format!("down {n}")) } else { Ok(n) }
        }

        fn count(&self) -> u32 {
            self.reads.load(Ordering::SeqCst)
        }
    }

    #[tokio::test]
    async fn a_young_answer_is_reused_and_an_old_one_is_read_again() {
        let clock = clock();
        let cache = SingleFlight::<u32, String>::new(clock.clone(), false);
        let source = Source::default();
        let age = Duration::seconds(5);
        assert_eq!(cache.get(age, || source.read(false)).await.unwrap().value, 1);
        clock.advance(Duration::seconds(5));
        assert_eq!(cache.get(age, || source.read(false)).await.unwrap().value, 1);
        assert_eq!(source.count(), 1, "within the age bound nothing is asked");
        clock.advance(Duration::milliseconds(1));
        let again = cache.get(age, || source.read(false)).await.unwrap();
        assert_eq!((again.value, again.at), (2, clock.now()));
    }

    #[tokio::test]
    async fn an_invalidated_answer_is_read_again() {
        let cache = SingleFlight::<u32, String>::new(clock(), false);
        let source = Source::default();
        let age = Duration::seconds(5);
        cache.get(age, || source.read(false)).await.unwrap();
        cache.invalidate();
        assert_eq!(cache.get(age, || source.read(false)).await.unwrap().value, 2);
        assert_eq!(cache.get(age, || source.read(false)).await.unwrap().value, 2);
    }

    #[tokio::test]
    async fn failures_are_reused_only_when_asked_to_and_the_last_success_stays_known() {
        let clock = clock();
        let age = Duration::seconds(5);
        let source = Source::default();
        let forgetful = SingleFlight::<u32, String>::new(clock.clone(), false);
        forgetful.get(age, || source.read(false)).await.unwrap();
        forgetful.invalidate();
        assert!(forgetful.get(age, || source.read(true)).await.is_err());
        assert!(forgetful.get(age, || source.read(true)).await.is_err());
        assert_eq!(source.count(), 3, "a failure is not reused by later readers");
        assert_eq!(forgetful.last_ok().unwrap().value, 1);

        let keeping = SingleFlight::<u32, String>::new(clock.clone(), true);
        let source = Source::default();
        assert!(keeping.get(age, || source.read(true)).await.is_err());
        assert!(keeping.get(age, || source.read(true)).await.is_err());
        assert_eq!(source.count(), 1, "a young failure is reused");
        clock.advance(Duration::seconds(6));
        assert!(keeping.get(age, || source.read(true)).await.is_err());
        assert_eq!(source.count(), 2);
    }

    #[tokio::test]
    async fn readers_arriving_during_a_read_share_it() {
        let cache = Arc::new(SingleFlight::<u32, String>::new(clock(), false));
        let source = Arc::new(Source::default());
        let (release, gate) = tokio::sync::watch::channel(false);
        let mut readers = Vec::new();
        for _ in 0..10 {
            let (cache, source, mut gate) = (cache.clone(), source.clone(), gate.clone());
            readers.push(tokio::spawn(async move {
                // No age is young enough: only sharing the read in flight spares a reader its own.
                cache
                    .get(Duration::milliseconds(-1), || async move {
                        let _ = gate.wait_for(|open| *open).await;
                        source.read(false).await
                    })
                    .await
            }));
        }
        for _ in 0..1000 {
            if cache.waiting() == 9 {
                break;
            }
            tokio::task::yield_now().await;
        }
        assert_eq!(cache.waiting(), 9, "nine readers wait for the first one's read");
        release.send(true).unwrap();
        for r in readers {
            assert_eq!(r.await.unwrap().unwrap().value, 1);
        }
        assert_eq!(source.count(), 1);
    }

    #[tokio::test]
    async fn a_read_invalidated_while_in_flight_is_not_reused() {
        let cache = Arc::new(SingleFlight::<u32, String>::new(clock(), false));
        let source = Arc::new(Source::default());
        let (release, gate) = tokio::sync::watch::channel(false);
        let first = {
            let (cache, source, mut gate) = (cache.clone(), source.clone(), gate.clone());
            tokio::spawn(async move {
                cache
                    .get(Duration::seconds(5), || async move {
                        let _ = gate.wait_for(|open| *open).await;
                        source.read(false).await
                    })
                    .await
            })
        };
        for _ in 0..1000 {
            if source.count() == 0 && cache.flight.try_lock().is_err() {
                break;
            }
            tokio::task::yield_now().await;
        }
        cache.invalidate();
        release.send(true).unwrap();
        assert_eq!(first.await.unwrap().unwrap().value, 1);
        let after = cache.get(Duration::seconds(5), || source.read(false)).await.unwrap();
        assert_eq!(after.value, 2, "the action after the read started makes it stale");
    }
}
