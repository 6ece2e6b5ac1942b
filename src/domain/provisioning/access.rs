//! Reading a provision from outside the state machine, and rebuilding one a store kept. The
//! fields are private so that the compiler, not a comment, keeps [`Provision::apply`] the only
//! way a state changes.

use chrono::{DateTime, Utc};

use super::{Held, Phase, Provision, ProvisionSpec, StepRecord};
use crate::domain::ids::InstanceId;

/// A provision's state as a store kept it: what [`Provision::restore`] rebuilds.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredProvision {
    pub id: InstanceId,
    pub spec: ProvisionSpec,
    pub phase: Phase,
    pub held: Held,
    pub unconfirmed: bool,
    pub notes: Vec<String>,
    pub steps: Vec<StepRecord>,
    pub requested_at: DateTime<Utc>,
}

impl Provision {
    /// Rebuilds a provision from its stored state. Only for adapters reading back what
    /// [`Provision::new`] and [`Provision::apply`] produced; anything else starts a provision
    /// with `new` and changes it with `apply`.
    pub fn restore(stored: StoredProvision) -> Self {
        let StoredProvision {
            id,
            spec,
            phase,
            held,
            unconfirmed,
            notes,
            steps,
            requested_at,
        } = stored;
        Self {
            id,
            spec,
            phase,
            held,
            unconfirmed,
            notes,
            steps,
            requested_at,
        }
    }

    pub fn id(&self) -> InstanceId {
        self.id
    }

    /// What the user asked for.
    pub fn spec(&self) -> &ProvisionSpec {
        &self.spec
    }

    pub fn phase(&self) -> &Phase {
        &self.phase
    }

    /// What the provision holds on the cluster and in the pool.
    pub fn held(&self) -> &Held {
        &self.held
    }

    /// Readiness was not confirmed in time; a later check clears it.
    pub fn unconfirmed(&self) -> bool {
        self.unconfirmed
    }

    /// Soft problems the user should know about, newest last.
    pub fn notes(&self) -> &[String] {
        &self.notes
    }

    /// The completed steps, in order.
    pub fn steps(&self) -> &[StepRecord] {
        &self.steps
    }

    pub fn requested_at(&self) -> DateTime<Utc> {
        self.requested_at
    }
}
