//! Property tests: random sequences of queue operations by three workers, with the queue's
//! invariants checked after every step, and random log chunks against a plain-string model.

use proptest::prelude::*;

use super::test_support::{lease, spec, t, user, worker};
use super::*;

const WORKERS: [&str; 3] = ["w0", "w1", "w2"];

/// Small enough that a few chunks overflow it, so cutting is exercised on most runs.
const LOG_CAP: usize = 16;

/// 256 cases from the shared fixed seed.
fn config() -> ProptestConfig {
    crate::domain::proptest_config::with_cases(256)
}

#[derive(Debug, Clone)]
enum Op {
    Enqueue {
        owner: u128,
    },
    Claim {
        worker: usize,
    },
    /// `job: None` means the job this worker holds, which is what a real worker does.
    Heartbeat {
        worker: usize,
        job: Option<usize>,
    },
    Cancel {
        job: usize,
    },
    Report {
        worker: usize,
        job: Option<usize>,
        outcome: RunOutcome,
    },
    Log {
        worker: usize,
        job: Option<usize>,
        chunk: String,
    },
    Advance {
        secs: i64,
    },
    Expire,
}

fn chunk() -> impl Strategy<Value = String> {
    prop::collection::vec(prop::sample::select(vec!['a', 'z', '\n', 'é', '€', '😀']), 0..10)
        .prop_map(|chars| chars.into_iter().collect())
}

fn outcome() -> impl Strategy<Value = RunOutcome> {
    prop_oneof![
        Just(RunOutcome::Exited { code: 0 }),
        Just(RunOutcome::Exited { code: 1 }),
        Just(RunOutcome::CouldNotRun {
            error: "docker: image not found".into()
        }),
    ]
}

fn op() -> impl Strategy<Value = Op> {
    let target = prop::option::weighted(0.3, 0usize..64);
    prop_oneof![
        3 => (0u128..3).prop_map(|owner| Op::Enqueue { owner }),
        3 => (0usize..3).prop_map(|worker| Op::Claim { worker }),
        3 => (0usize..3, target.clone()).prop_map(|(worker, job)| Op::Heartbeat { worker, job }),
        1 => (0usize..64).prop_map(|job| Op::Cancel { job }),
        2 => (0usize..3, target.clone(), outcome()).prop_map(|(worker, job, outcome)| Op::Report { worker, job, outcome }),
        2 => (0usize..3, target, chunk()).prop_map(|(worker, job, chunk)| Op::Log { worker, job, chunk }),
        2 => (0i64..40).prop_map(|secs| Op::Advance { secs }),
        1 => Just(Op::Expire),
    ]
}

struct World {
    jobs: Vec<Job>,
    now: i64,
    next_id: u64,
    limits: QueueLimits,
}

impl World {
    /// The index of the job an operation targets: a given index (wrapped), or the worker's own job.
    fn target(&self, worker: &WorkerId, job: Option<usize>) -> Option<usize> {
        match job {
            Some(_) if self.jobs.is_empty() => None,
            Some(i) => Some(i % self.jobs.len()),
            None => self.jobs.iter().position(|j| j.state.worker() == Some(worker)),
        }
    }

    fn apply(&mut self, op: &Op) {
        let now = t(self.now);
        match op {
            Op::Enqueue { owner } => {
                let waiting = self
                    .jobs
                    .iter()
                    .filter(|j| j.owner == user(*owner) && j.state == JobState::Queued);
                let room = waiting.count() < self.limits.max_queued_per_user() as usize;
                let allowed = check_enqueue(&self.jobs, user(*owner), self.limits);
                assert_eq!(allowed.is_ok(), room, "the queued limit was misapplied");
                if allowed.is_ok() {
                    let mut job = Job::new(JobId(self.next_id), user(*owner), spec(), now);
                    job.log = LogTail::new(LOG_CAP);
                    self.jobs.push(job);
                    self.next_id += 1;
                }
            }
            Op::Claim { worker: w } => self.claim(&worker(WORKERS[*w])),
            Op::Heartbeat { worker: w, job } => {
                let w = worker(WORKERS[*w]);
                if let Some(i) = self.target(&w, *job) {
                    let _ = self.jobs[i].heartbeat(&w, now, lease());
                }
            }
            Op::Cancel { job } => {
                if !self.jobs.is_empty() {
                    let i = job % self.jobs.len();
                    let _ = self.jobs[i].cancel(now);
                }
            }
            Op::Report {
                worker: w,
                job,
                outcome,
            } => {
                let w = worker(WORKERS[*w]);
                if let Some(i) = self.target(&w, *job) {
                    let _ = self.jobs[i].report(&w, outcome.clone(), now);
                }
            }
            Op::Log { worker: w, job, chunk } => {
                let w = worker(WORKERS[*w]);
                if let Some(i) = self.target(&w, *job) {
                    let _ = self.jobs[i].append_log(&w, chunk);
                }
            }
            Op::Advance { secs } => self.now += secs,
            Op::Expire => {
                expire_leases(&mut self.jobs, now);
            }
        }
    }

    /// Claims through `claim_next` and checks the pick against a model of the FIFO rule.
    fn claim(&mut self, w: &WorkerId) {
        let held = self.jobs.iter().find(|j| j.state.worker() == Some(w)).map(|j| j.id);
        let eligible = |j: &&Job| {
            let running = self
                .jobs
                .iter()
                .filter(|o| o.owner == j.owner && o.state.worker().is_some())
                .count();
            j.state == JobState::Queued && running < self.limits.max_running_per_user() as usize
        };
        let oldest = self
            .jobs
            .iter()
            .filter(eligible)
            .min_by_key(|j| (j.queued_at, j.id))
            .map(|j| j.id);
        let expected = match held {
            Some(running) => Err(QueueError::WorkerBusy { running }),
            None => Ok(oldest),
        };
        let mut reversed = self.jobs.clone();
        reversed.reverse();
        assert_eq!(
            next_for(&reversed, w, self.limits),
            expected,
            "the slice order changed the pick"
        );

        let got = claim_next(&mut self.jobs, w, self.limits, t(self.now), lease());
        assert_eq!(got, expected);
        if let Ok(Some(id)) = got {
            let job = self.jobs.iter().find(|j| j.id == id).unwrap();
            assert_eq!(job.state.worker(), Some(w));
        }
    }

    fn check_invariants(&self, before: &[Job]) {
        for w in WORKERS {
            let held = self
                .jobs
                .iter()
                .filter(|j| j.state.worker() == Some(&worker(w)))
                .count();
            assert!(held <= 1, "worker {w} runs {held} jobs");
        }
        for (old, new) in before.iter().zip(&self.jobs) {
            if old.state.is_terminal() {
                assert_eq!(old, new, "a finished job changed");
            }
        }
        for owner in 0..3 {
            let mine = || self.jobs.iter().filter(move |j| j.owner == user(owner));
            let running = mine().filter(|j| j.state.worker().is_some()).count();
            // A re-queued job may take its owner over the queued limit (dropping it would lose a
            // job the user was promised), so only jobs that never ran are held to it.
            let fresh = mine()
                .filter(|j| j.state == JobState::Queued && j.requeues == 0)
                .count();
            assert!(running <= self.limits.max_running_per_user() as usize);
            assert!(fresh <= self.limits.max_queued_per_user() as usize);
        }
        for job in &self.jobs {
            assert!(job.log.text().len() <= LOG_CAP, "log of job {} is over the cap", job.id);
            assert!(std::str::from_utf8(job.log.text().as_bytes()).is_ok());
            assert!(job.log.total_bytes() >= job.log.text().len() as u64);
            assert!(job.requeues <= 1);
        }
    }
}

proptest! {
    #![proptest_config(config())]

    #[test]
    fn random_operations_keep_every_queue_invariant(
        ops in prop::collection::vec(op(), 1..120),
        max_queued in 1u32..4,
        max_running in 1u32..3,
    ) {
        let limits = QueueLimits::new(max_queued, max_running).unwrap();
        let mut world = World { jobs: Vec::new(), now: 0, next_id: 1, limits };
        for op in &ops {
            let before = world.jobs.clone();
            world.apply(op);
            world.check_invariants(&before);
        }
    }

    #[test]
    fn the_log_tail_is_the_longest_whole_character_suffix_within_the_cap(
        chunks in prop::collection::vec(chunk(), 0..20),
        cap in 0usize..24,
    ) {
        let mut tail = LogTail::new(cap);
        let mut everything = String::new();
        for chunk in &chunks {
            tail.append(chunk);
            everything.push_str(chunk);
            let start = (everything.len().saturating_sub(cap)..=everything.len())
                .find(|&i| everything.is_char_boundary(i))
                .unwrap();
            prop_assert_eq!(tail.text(), &everything[start..]);
            prop_assert_eq!(tail.total_bytes(), everything.len() as u64);
            prop_assert_eq!(tail.truncated(), start > 0);
        }
    }
}
