//! `CellState`: where one node × OS stands on Admin → Templates.

/// A node × OS cell's state.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CellState {
    /// A template is there (healthy or not: see `rebuild`).
    Present,
    /// No template and no bake under way.
    Missing,
    /// Waiting its turn in a running bootstrap.
    Queued,
    /// Being baked now.
    Baking,
    /// The last bake failed (see `reason`); no template (or the old one is still used).
    Failed,
}

impl CellState {
    pub fn key(self) -> &'static str {
        match self {
            CellState::Present => "present",
            CellState::Missing => "missing",
            CellState::Queued => "queued",
            CellState::Baking => "baking",
            CellState::Failed => "failed",
        }
    }
}
