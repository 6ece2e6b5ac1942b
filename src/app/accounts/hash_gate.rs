//! The gate every password hash and check goes through. Argon2id takes tens of milliseconds of
//! CPU and 19 MiB each, on a blocking thread: unbounded, a burst of sign-ins would take every
//! blocking thread and the memory with them. At most `concurrent` run at once (a core each), a
//! bounded number wait their turn (each for a bounded time), and beyond that the caller is told
//! to come back shortly.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use tokio::sync::Semaphore;

/// How much hashing runs and waits at once.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct HashLimits {
    /// Hashes running at once (at least 1).
    pub concurrent: usize,
    /// Hashes waiting for a slot at once; more are refused straight away.
    pub waiting: usize,
    /// How long one waits for a slot before it is refused.
    pub wait: Duration,
}

/// Why a hash did not run.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum HashRefusal {
    /// Every slot is busy and the waiting room is full, or the wait ran out.
    #[error("every password-hashing slot is busy")]
    Busy { retry_after: Duration },
    /// The hashing thread panicked or was cancelled.
    #[error("the password-hashing thread failed: {0}")]
    Failed(String),
}

/// Bounds password hashing (see the module's documentation).
pub struct HashGate {
    slots: Arc<Semaphore>,
    waiting: AtomicUsize,
    limits: HashLimits,
}

/// Counts one waiter while it lives.
struct Waiting<'a>(&'a AtomicUsize);

impl Drop for Waiting<'_> {
    fn drop(&mut self) {
        self.0.fetch_sub(1, Ordering::SeqCst);
    }
}

impl HashGate {
    pub fn new(limits: HashLimits) -> Self {
        let limits = HashLimits {
            concurrent: limits.concurrent.max(1),
            ..limits
        };
        Self {
            slots: Arc::new(Semaphore::new(limits.concurrent)),
            waiting: AtomicUsize::new(0),
            limits,
        }
    }

    pub fn limits(&self) -> HashLimits {
        self.limits
    }

    /// How many hashes are running now.
    pub fn running(&self) -> usize {
        self.limits.concurrent - self.slots.available_permits()
    }

    fn busy(&self) -> HashRefusal {
        HashRefusal::Busy {
            retry_after: self.limits.wait.max(Duration::from_secs(1)),
        }
    }

    /// Runs `work` (a hash or a check) on a blocking thread once a slot is free; refuses when
    /// the waiting room is full or the wait runs out.
    pub async fn run<T, F>(&self, work: F) -> Result<T, HashRefusal>
    where
        T: Send + 'static,
        F: FnOnce() -> T + Send + 'static,
    {
        let slot = match self.slots.clone().try_acquire_owned() {
            Ok(slot) => slot,
            Err(_) => {
                if self.waiting.fetch_add(1, Ordering::SeqCst) >= self.limits.waiting {
                    self.waiting.fetch_sub(1, Ordering::SeqCst);
                    return Err(self.busy());
                }
                let _waiting = Waiting(&self.waiting);
                match tokio::time::timeout(self.limits.wait, self.slots.clone().acquire_owned()).await {
                    Ok(Ok(slot)) => slot,
                    Ok(Err(closed)) => return Err(HashRefusal::Failed(closed.to_string())),
                    Err(_) => return Err(self.busy()),
                }
            }
        };
        tokio::task::spawn_blocking(move || {
            let _slot = slot;
            work()
        })
        .await
        .map_err(|e| HashRefusal::Failed(e.to_string()))
    }
}

#[cfg(test)]
mod tests {
    use std::sync::mpsc;

    use super::*;

    fn gate(concurrent: usize, waiting: usize) -> Arc<HashGate> {
        gate_waiting(concurrent, waiting, Duration::from_secs(5))
    }

    fn gate_waiting(concurrent: usize, waiting: usize, wait: Duration) -> Arc<HashGate> {
        Arc::new(HashGate::new(HashLimits {
            concurrent,
            waiting,
            wait,
        }))
    }

    /// Takes a slot with work that runs until released; returns once it runs.
    async fn hold(gate: &Arc<HashGate>) -> (mpsc::Sender<()>, tokio::task::JoinHandle<Result<(), HashRefusal>>) {
        let (release, held) = mpsc::channel::<()>();
        let (started, running) = tokio::sync::oneshot::channel();
        let task = tokio::spawn({
            let gate = gate.clone();
            async move {
                gate.run(move || {
                    let _ = started.send(());
                    let _ = held.recv();
                })
                .await
            }
        });
        running.await.unwrap();
        (release, task)
    }

    #[tokio::test]
    async fn as_many_run_as_there_are_slots_and_the_rest_wait_their_turn() {
        let gate = gate(2, 8);
        let (a, first) = hold(&gate).await;
        let (b, second) = hold(&gate).await;
        assert_eq!(gate.running(), 2);
        let third = tokio::spawn({
            let gate = gate.clone();
            async move { gate.run(|| 3).await }
        });
        a.send(()).unwrap();
        assert_eq!(third.await.unwrap(), Ok(3), "the waiter ran once a slot was free");
        b.send(()).unwrap();
        first.await.unwrap().unwrap();
        second.await.unwrap().unwrap();
        assert_eq!(gate.running(), 0);
    }

    #[tokio::test]
    async fn beyond_the_waiting_room_a_hash_is_refused_at_once() {
        let gate = gate(1, 0);
        let (release, holder) = hold(&gate).await;
        assert_eq!(
            gate.run(|| ()).await,
            Err(HashRefusal::Busy {
                retry_after: Duration::from_secs(5)
            })
        );
        release.send(()).unwrap();
        holder.await.unwrap().unwrap();
        assert_eq!(gate.run(|| 1).await, Ok(1), "the slot is free again");
    }

    // Real time, briefly: tokio's paused clock does not advance while a blocking task runs. The
    // outcome does not depend on timing, since the slot stays taken until released.
    #[tokio::test]
    async fn a_waiter_is_refused_when_its_wait_runs_out_and_leaves_the_waiting_room() {
        let wait = Duration::from_millis(50);
        let gate = gate_waiting(1, 1, wait);
        let (release, holder) = hold(&gate).await;
        let started = std::time::Instant::now();
        assert!(matches!(gate.run(|| ()).await, Err(HashRefusal::Busy { .. })));
        assert!(started.elapsed() >= wait, "refused only after its wait");
        assert!(
            matches!(gate.run(|| ()).await, Err(HashRefusal::Busy { .. })),
            "the room it left is free for the next, who waits too"
        );
        assert!(started.elapsed() >= wait * 2);
        release.send(()).unwrap();
        holder.await.unwrap().unwrap();
    }
}
