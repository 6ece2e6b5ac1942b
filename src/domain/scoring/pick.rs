//! Choosing among assessed nodes, and explaining the choice or the refusal.
//!
//! The Go version sorted with a window comparator (`|a-b| < 0.05` means "compare guest counts"),
//! which is not a total order and let a rejected node (score 0) hide an accepted one. Here the
//! ranking is built by repeated selection with a key that is a total order, over accepted nodes
//! only; rejected nodes follow, by name.

use std::cmp::Ordering;

use super::{NodeAssessment, Rejection, ScoringPolicy, Verdict};
use crate::domain::cluster::{NodeName, human_bytes};
use crate::domain::tier::Tier;

/// Accepted nodes whose score is less than this below the best form the top group, where the
/// node with the fewest guests wins.
pub const TIE_WINDOW: f64 = 0.05;

/// The outcome of scoring for one request: every node's assessment (in the cluster's order) and
/// the ranking derived from it.
#[derive(Debug, Clone, PartialEq)]
pub struct PlacementDecision {
    tier: String,
    vcpus: u32,
    memory_mib: u64,
    buffer_mib: u64,
    disk_gib: u64,
    assessments: Vec<NodeAssessment>,
    /// Indexes into `assessments`: accepted nodes in pick order, then rejected ones by name.
    ranking: Vec<usize>,
}

/// Selection key inside the top group: fewest guests, then higher score, then name.
fn group_key(a: &NodeAssessment, b: &NodeAssessment) -> Ordering {
    let (sa, sb) = (a.score().unwrap_or(0.0), b.score().unwrap_or(0.0));
    a.guests
        .cmp(&b.guests)
        .then_with(|| sb.total_cmp(&sa))
        .then_with(|| a.node.cmp(&b.node))
}

/// Accepted nodes in pick order: nodes with a free building slot first (when the policy limits
/// them), each group by repeated selection of the best within the tie window.
fn rank(assessments: &[NodeAssessment], building_limit: Option<u32>) -> Vec<usize> {
    let accepted: Vec<usize> = (0..assessments.len())
        .filter(|&i| assessments[i].score().is_some())
        .collect();
    let (free, busy): (Vec<usize>, Vec<usize>) = accepted
        .into_iter()
        .partition(|&i| building_limit.is_none_or(|limit| assessments[i].building < limit));
    let mut out = Vec::with_capacity(assessments.len());
    select(assessments, free, &mut out);
    select(assessments, busy, &mut out);
    let mut rejected: Vec<usize> = (0..assessments.len())
        .filter(|&i| assessments[i].score().is_none())
        .collect();
    rejected.sort_by(|&a, &b| assessments[a].node.cmp(&assessments[b].node));
    out.extend(rejected);
    out
}

/// Appends `left` to `out` best first: the best score's tie window, fewest guests first.
fn select(assessments: &[NodeAssessment], mut left: Vec<usize>, out: &mut Vec<usize>) {
    while !left.is_empty() {
        let best = left
            .iter()
            .map(|&i| assessments[i].score().unwrap_or(0.0))
            .fold(f64::NEG_INFINITY, f64::max);
        let pos = (0..left.len())
            .filter(|&p| best - assessments[left[p]].score().unwrap_or(0.0) < TIE_WINDOW)
            .min_by(|&p, &q| group_key(&assessments[left[p]], &assessments[left[q]]))
            .expect("the best node is always in its own group");
        out.push(left.remove(pos));
    }
}

fn describe(r: &Rejection) -> String {
    match r {
        Rejection::Offline => "offline".into(),
        Rejection::Excluded => "excluded by an admin".into(),
        Rejection::NoTemplate => "no template for this OS".into(),
        Rejection::NoCapacity => "reports no memory".into(),
        Rejection::InsufficientCores { has, .. } => format!("only {has} vCPU"),
        Rejection::InsufficientMemory { free, .. } => format!("{} memory free", human_bytes((*free).max(0))),
        Rejection::InsufficientDisk { free, .. } => format!("{} disk free", human_bytes((*free).max(0))),
    }
}

impl Rejection {
    /// The reason in words, with the figure that decided it.
    pub fn describe(&self) -> String {
        describe(self)
    }
}

impl PlacementDecision {
    /// The accepted nodes from first choice down (the first is where the VM would go).
    pub fn preference(&self) -> Vec<&NodeName> {
        self.ranked()
            .filter(|a| matches!(a.verdict, Verdict::Accepted(_)))
            .map(|a| &a.node)
            .collect()
    }

    pub fn new(tier: &Tier, policy: &ScoringPolicy, assessments: Vec<NodeAssessment>) -> Self {
        let ranking = rank(&assessments, policy.building_limit);
        Self {
            tier: tier.name().to_string(),
            vcpus: tier.vcpus(),
            memory_mib: tier.memory_mib(),
            buffer_mib: policy.mem_buffer_mib,
            disk_gib: tier.disk_gib(),
            assessments,
            ranking,
        }
    }

    /// Every node, in the order the cluster listed them.
    pub fn assessments(&self) -> &[NodeAssessment] {
        &self.assessments
    }

    /// Every node, best first: accepted nodes in pick order, then rejected ones by name.
    pub fn ranked(&self) -> impl Iterator<Item = &NodeAssessment> {
        self.ranking.iter().map(|&i| &self.assessments[i])
    }

    /// The chosen node, if any node was accepted.
    pub fn winner(&self) -> Option<&NodeAssessment> {
        self.ranked().next().filter(|a| a.score().is_some())
    }

    pub fn winner_name(&self) -> Option<&NodeName> {
        self.winner().map(|a| &a.node)
    }

    /// Why nothing was picked, in words an admin or user can act on; `None` when a node was.
    ///
    /// `no node can take a medium VM (2 vCPU, 2 GiB memory + 256 MiB buffer, 30 GiB disk):
    /// pve1 offline; pve2 2.1 GiB memory free`
    pub fn refusal(&self) -> Option<String> {
        if self.winner().is_some() {
            return None;
        }
        let need = self.need();
        if self.assessments.is_empty() {
            return Some(format!(
                "no node can take a {} VM ({need}): the cluster reported no nodes",
                self.tier
            ));
        }
        let nodes: Vec<String> = self
            .ranked()
            .map(|a| match &a.verdict {
                Verdict::Rejected(reasons) => {
                    let why: Vec<String> = reasons.iter().map(describe).collect();
                    format!("{} {}", a.node, why.join(", "))
                }
                Verdict::Accepted(_) => format!("{} accepted", a.node),
            })
            .collect();
        Some(format!(
            "no node can take a {} VM ({need}): {}",
            self.tier,
            nodes.join("; ")
        ))
    }

    /// Why nothing was picked without naming a node or its figures, for people who may not
    /// see the cluster's inside; `None` when a node was.
    ///
    /// `no node can take a medium VM (2 vCPU, 2 GiB memory + 256 MiB buffer, 30 GiB disk)`
    pub fn shortage(&self) -> Option<String> {
        if self.winner().is_some() {
            return None;
        }
        Some(format!("no node can take a {} VM ({})", self.tier, self.need()))
    }

    /// What the tier needs of a node.
    fn need(&self) -> String {
        format!(
            "{} vCPU, {} memory + {} buffer, {} GiB disk",
            self.vcpus,
            human_bytes((self.memory_mib * 1024 * 1024) as i64),
            human_bytes((self.buffer_mib * 1024 * 1024) as i64),
            self.disk_gib
        )
    }

    /// One log line: `winner=pve2 pve2=0.851 pve1=rejected(offline,no_template)`.
    pub fn summary(&self) -> String {
        let mut parts = vec![format!(
            "tier={} winner={}",
            self.tier,
            self.winner_name().map_or("none", NodeName::as_str)
        )];
        for a in self.ranked() {
            parts.push(match &a.verdict {
                Verdict::Accepted(s) => format!("{}={:.3}", a.node, s.total),
                Verdict::Rejected(r) => format!(
                    "{}=rejected({})",
                    a.node,
                    r.iter().map(Rejection::code).collect::<Vec<_>>().join(",")
                ),
            });
        }
        parts.join(" ")
    }
}
