//! Fault injection for the Gopher simulator: what can go wrong with a gateway. Tests (and, over
//! the HTTP face, `POST /_sim/faults`) inject faults; every call consults them. A fault lasts
//! until it is cleared.

use serde::{Deserialize, Serialize};

/// A fault. Over the HTTP face it is JSON tagged by `kind`, e.g. `{"kind":"down"}` or
/// `{"kind":"subdomain_taken","subdomain":"www"}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case", deny_unknown_fields)]
pub enum GopherFault {
    /// Gopher is down: the in-memory face answers `Unavailable`, the HTTP face drops every
    /// connection without an answer.
    Down,
    /// Every API call answers only after this delay.
    Slow { delay_ms: u64 },
    /// Every API call fails with a 500 carrying this message.
    ServerError { message: String },
    /// Bootstraps run but their machines never connect: they stay pending.
    NeverConnects,
    /// Someone else's tunnel holds this subdomain.
    SubdomainTaken { subdomain: String },
}

/// The id [`super::SimGopher::inject`] gives a fault, to clear it with.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct FaultId(pub u64);

/// The faults in force.
#[derive(Debug, Default)]
pub(super) struct Faults {
    next: u64,
    active: Vec<(FaultId, GopherFault)>,
}

impl Faults {
    pub fn inject(&mut self, fault: GopherFault) -> FaultId {
        self.next += 1;
        let id = FaultId(self.next);
        self.active.push((id, fault));
        id
    }

    pub fn clear(&mut self, id: FaultId) {
        self.active.retain(|(fid, _)| *fid != id);
    }

    pub fn heal(&mut self) {
        self.active.clear();
    }

    pub fn down(&self) -> bool {
        self.active.iter().any(|(_, f)| matches!(f, GopherFault::Down))
    }

    pub fn delay_ms(&self) -> u64 {
        self.active
            .iter()
            .filter_map(|(_, f)| match f {
                GopherFault::Slow { delay_ms } => Some(*delay_ms),
                _ => None,
            })
            .max()
            .unwrap_or(0)
    }

    pub fn server_error(&self) -> Option<String> {
        self.active.iter().find_map(|(_, f)| match f {
            GopherFault::ServerError { message } => Some(message.clone()),
            _ => None,
        })
    }

    pub fn never_connects(&self) -> bool {
        self.active.iter().any(|(_, f)| matches!(f, GopherFault::NeverConnects))
    }

    pub fn taken(&self, subdomain: &str) -> bool {
        self.active
            .iter()
            .any(|(_, f)| matches!(f, GopherFault::SubdomainTaken { subdomain: s } if s == subdomain))
    }
}
