//! Provisioning metrics over a window: how many requests succeeded, failed, were denied or wait,
//! the success rate, and p50/p95 durations per step and from start to running.

use std::collections::BTreeMap;

use chrono::{DateTime, Duration, Utc};

use crate::domain::provisioning::{Phase, Step};
use crate::domain::stats::percentile;
use crate::ports::provisions::ProvisionRecord;

/// Count and p50/p95 durations of one step (or of whole provisions).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Timing {
    pub count: u32,
    pub p50_ms: u64,
    pub p95_ms: u64,
}

/// Provisioning over a window.
#[derive(Debug, Clone, PartialEq)]
pub struct ProvisionMetrics {
    pub since: DateTime<Utc>,
    pub requested: u32,
    pub succeeded: u32,
    pub failed: u32,
    pub denied: u32,
    pub pending: u32,
    pub in_progress: u32,
    /// Succeeded over succeeded plus failed; `None` before any finished.
    pub success_rate: Option<f64>,
    /// From start (request, or approval) to running.
    pub total: Option<Timing>,
    /// Per step, in the order steps run.
    pub steps: Vec<(Step, Timing)>,
}

/// When the provision's work started: its approval, or its request.
pub(super) fn started(r: &ProvisionRecord) -> DateTime<Utc> {
    r.review.decided_at.unwrap_or(r.provision.requested_at())
}

fn succeeded(r: &ProvisionRecord) -> bool {
    r.provision.steps().iter().any(|s| s.step == Step::WaitReady)
}

fn failed(r: &ProvisionRecord) -> bool {
    !succeeded(r)
        && (r.failure_code.is_some()
            || matches!(
                r.provision.phase(),
                Phase::Failed { .. }
                    | Phase::RollingBack { .. }
                    | Phase::RollbackPending { .. }
                    | Phase::RolledBack { .. }
            ))
}

fn ms(d: Duration) -> u64 {
    d.num_milliseconds().max(0) as u64
}

/// Time from start to running of a provision that succeeded.
pub(super) fn time_to_ready(r: &ProvisionRecord) -> Option<u64> {
    let ready = r.provision.steps().iter().find(|s| s.step == Step::WaitReady)?;
    Some(ms(ready.at - started(r)))
}

fn timing(values: &[u64]) -> Option<Timing> {
    Some(Timing {
        count: values.len() as u32,
        p50_ms: percentile(values, 50.0)?,
        p95_ms: percentile(values, 95.0)?,
    })
}

impl ProvisionMetrics {
    /// The figures of the provisions requested since `since`.
    pub(super) fn of(records: &[ProvisionRecord], since: DateTime<Utc>) -> Self {
        let mut m = ProvisionMetrics {
            since,
            requested: records.len() as u32,
            succeeded: 0,
            failed: 0,
            denied: 0,
            pending: 0,
            in_progress: 0,
            success_rate: None,
            total: None,
            steps: Vec::new(),
        };
        let mut per_step: BTreeMap<usize, (Step, Vec<u64>)> = BTreeMap::new();
        let mut totals = Vec::new();
        for r in records {
            let p = &r.provision;
            if succeeded(r) {
                m.succeeded += 1;
                totals.extend(time_to_ready(r));
            } else if failed(r) {
                m.failed += 1;
            } else if matches!(p.phase(), Phase::Denied { .. }) {
                m.denied += 1;
            } else if *p.phase() == Phase::PendingApproval {
                m.pending += 1;
            } else if !p.phase().is_at_rest() {
                m.in_progress += 1;
            }
            let mut previous = started(r);
            for s in p.steps() {
                let slot = STEP_ORDER.iter().position(|o| *o == s.step).unwrap_or(usize::MAX);
                per_step
                    .entry(slot)
                    .or_insert_with(|| (s.step, Vec::new()))
                    .1
                    .push(ms(s.at - previous));
                previous = s.at;
            }
        }
        let finished = m.succeeded + m.failed;
        m.success_rate = (finished > 0).then(|| f64::from(m.succeeded) / f64::from(finished));
        m.total = timing(&totals);
        m.steps = per_step
            .into_values()
            .filter_map(|(step, values)| Some((step, timing(&values)?)))
            .collect();
        m
    }
}

const STEP_ORDER: [Step; 9] = [
    Step::ReserveIp,
    Step::PlaceVm,
    Step::Clone,
    Step::Configure,
    Step::Resize,
    Step::Start,
    Step::WaitReady,
    Step::ExposeTunnel,
    Step::InjectGpuEnv,
];
