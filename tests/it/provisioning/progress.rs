//! The invariant that every operation progresses: a provision's phase must change within a
//! bounded number of its run's checkpoints and a bounded stretch of simulated time, or the test
//! fails naming it.

use chrono::{DateTime, Utc};
use nimbus::domain::ids::InstanceId;
use nimbus::ports::{Clock, ProvisionStore};

use super::invariants::{PROGRESS, Watch, name};

/// Checkpoints of one run in a row in the same phase before it counts as stuck (a task is polled
/// at least once a second, the longest waits are two minutes).
const MAX_CHECKPOINTS: u32 = 600;
/// Simulated time a provision may spend in one phase.
const MAX_QUIET: chrono::Duration = chrono::Duration::minutes(15);

/// Where one provision was last seen.
pub struct Progress {
    word: &'static str,
    since: DateTime<Utc>,
    checkpoints: u32,
}

impl Watch {
    /// Counts a run passing its checkpoint in the phase `word`.
    pub(super) fn progressed(&self, id: InstanceId, word: &'static str) {
        let now = self.clock.now();
        let mut progress = self.progress.lock().unwrap_or_else(|p| p.into_inner());
        let p = progress.entry(id).or_insert(Progress {
            word,
            since: now,
            checkpoints: 0,
        });
        if p.word != word {
            *p = Progress {
                word,
                since: now,
                checkpoints: 0,
            };
        }
        p.checkpoints += 1;
        if p.checkpoints > MAX_CHECKPOINTS {
            let seen = format!(
                "provision {id} passed its checkpoint in '{word}' {} times in a row ({} s of simulated time) without its phase changing",
                p.checkpoints,
                (now - p.since).num_seconds()
            );
            drop(progress);
            self.report(PROGRESS, seen);
        }
    }

    /// As the clock moves: a provision whose phase has not changed for too long in simulated
    /// time is stuck (its run may not even reach a checkpoint any more).
    pub async fn stalled(&self) {
        let now = self.clock.now();
        let suspects: Vec<(InstanceId, &'static str, DateTime<Utc>)> = self
            .progress
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .iter()
            .filter(|(_, p)| now - p.since > MAX_QUIET)
            .map(|(id, p)| (*id, p.word, p.since))
            .collect();
        for (id, word, since) in suspects {
            let (phase, who) = match self.store.get_provision(id).await {
                Ok(Some(r)) => (r.provision.phase().clone(), name(&r)),
                _ => continue,
            };
            let mut progress = self.progress.lock().unwrap_or_else(|p| p.into_inner());
            if phase.is_at_rest() {
                progress.remove(&id);
            } else if phase.word() != word {
                progress.insert(
                    id,
                    Progress {
                        word: phase.word(),
                        since: now,
                        checkpoints: 0,
                    },
                );
            } else {
                drop(progress);
                self.report(
                    PROGRESS,
                    format!(
                        "{who} has been '{word}' for {} s of simulated time",
                        (now - since).num_seconds()
                    ),
                );
            }
        }
    }
}
