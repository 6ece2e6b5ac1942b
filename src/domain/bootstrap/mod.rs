//! The template bootstrap's rules: one node × OS's persisted progress (`slot.rs`), what makes a
//! template healthy and when it should be rebuilt (`health.rs`), and reading the checksum lists
//! distributions publish (`checksums.rs`).

mod checksums;
mod health;
mod slot;

pub use checksums::{ChecksumError, find_checksum};
pub use health::{REBUILD_AFTER_DAYS, RebuildReason, TEMPLATE_TAG, TemplateHealth, baked_tag, baked_tags, tags_of};
pub use slot::{BakePhase, BakeSlot, BakeStep, Outcome};
