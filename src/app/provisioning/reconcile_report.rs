//! `ReconcileReport`: what one pass of the IP reconcile did — rows changed and unchanged, the
//! conflicts left for an admin, whether every guest could be read — and how it reads in words.

use chrono::{DateTime, Utc};

use crate::app::jobs::JobReport;
use crate::domain::ip_pool::Conflict;

/// What one pass did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ReconcileReport {
    pub at: Option<DateTime<Utc>>,
    /// Rows changed (adopted, touched, vacated, expired, ...).
    pub applied: usize,
    pub unchanged: usize,
    pub conflicts: Vec<Conflict>,
    /// Some guest's config could not be read: no miss was counted this pass.
    pub partial: bool,
}

impl ReconcileReport {
    /// The pass in a line of words.
    pub fn summary(&self) -> String {
        let mut text = format!("{} addresses changed, {} unchanged", self.applied, self.unchanged);
        match self.conflicts.len() {
            0 => {}
            1 => text.push_str(", 1 conflict to look at"),
            n => text.push_str(&format!(", {n} conflicts to look at")),
        }
        if self.partial {
            text.push_str("; some guests could not be read, so no holder was counted missing");
        }
        text
    }
}

impl ReconcileReport {
    /// How the job board shows this pass.
    pub(super) fn job_report(&self) -> JobReport {
        if !self.conflicts.is_empty() || self.partial {
            JobReport::warning(self.summary())
        } else if self.applied > 0 {
            JobReport::changed(self.summary())
        } else {
            JobReport::quiet(self.summary())
        }
    }
}
