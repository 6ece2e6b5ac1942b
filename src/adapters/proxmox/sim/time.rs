//! Moving simulated time forward: tasks end (and take effect) in time order, guests that ran
//! `poweroff` stop, and guest statistics are pushed to `/cluster/resources` on their interval.

use chrono::{DateTime, Utc};

use super::model::Model;
use crate::ports::proxmox::ExitStatus;

impl Model {
    /// Brings the model to `target`, applying everything due on the way in order.
    pub fn advance_to(&mut self, target: DateTime<Utc>) {
        if target <= self.now {
            return;
        }
        loop {
            let next_task = self.pending.first().filter(|(at, _)| *at <= target).cloned();
            let next_push = self.next_push().filter(|p| *p <= target);
            let next_halt = self
                .vms
                .values()
                .filter_map(|v| v.halt_at)
                .filter(|h| *h <= target)
                .min();
            // A guest powering itself off comes before a task or push due at the same time.
            let first_other = [next_task.as_ref().map(|t| t.0), next_push].into_iter().flatten().min();
            if let Some(halt) = next_halt
                && first_other.is_none_or(|other| halt <= other)
            {
                self.halt_due(halt);
                continue;
            }
            let task_first = match (&next_task, next_push) {
                (Some((at, _)), Some(push)) => *at <= push,
                (Some(_), None) => true,
                (None, _) => false,
            };
            if task_first && let Some((at, key)) = next_task {
                self.pending.remove(&(at, key.clone()));
                self.now = self.now.max(at);
                self.finish(&key);
            } else if let Some(push) = next_push {
                self.now = self.now.max(push);
                self.push_stats();
            } else {
                break;
            }
        }
        self.now = target;
    }

    fn next_push(&self) -> Option<DateTime<Utc>> {
        let interval = self.profile.stats_interval();
        if interval.is_zero() {
            return None;
        }
        Some(match self.stats_at {
            Some(last) => last + interval,
            None => self.epoch,
        })
    }

    /// Records what `/cluster/resources` will show for each guest until the next push.
    pub fn push_stats(&mut self) {
        let now = self.now;
        let online: Vec<_> = self
            .nodes
            .iter()
            .map(|n| (n.spec.name.clone(), self.node_online(&n.spec.name)))
            .collect();
        for vm in self.vms.values() {
            let up = online.iter().any(|(n, on)| n == &vm.node && *on);
            if up {
                self.stats
                    .insert(vm.vmid, (vm.name(), vm.running(), vm.is_template(), now));
            }
        }
        self.stats.retain(|id, _| self.vms.contains_key(id));
        self.stats_at = Some(now);
    }

    /// Ends the task `key`: applies its effect, or records its error.
    fn finish(&mut self, key: &str) {
        let Some(task) = self.tasks.get(key).cloned() else {
            return;
        };
        let result = match &task.outcome {
            Ok(()) => self.apply(&task.effect),
            Err(e) => Err(e.clone()),
        };
        let (exit, last) = match &result {
            Ok(()) => (ExitStatus::Ok, "TASK OK".to_owned()),
            Err(e) => (ExitStatus::Error(e.replace('\n', " ")), format!("TASK ERROR: {e}")),
        };
        if let Err(e) = &result {
            self.cleanup_failed(&task.effect, e);
        }
        self.event(format!("task {} ended: {}", task.upid, exit.as_text()));
        if let Some(t) = self.tasks.get_mut(key) {
            t.log.push(last);
            t.exit = Some(exit);
        }
    }
}
