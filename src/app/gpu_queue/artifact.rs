//! The artifact path a worker reports with a job's end: where the job wrote its results, checked
//! before it is kept and shown.

use super::GpuError;

/// The longest artifact path kept.
const MAX_ARTIFACT_BYTES: usize = 1024;

/// An artifact path as the worker reported it: printable, at most 1 KiB.
pub(super) fn checked(path: String) -> Result<String, GpuError> {
    if path.is_empty() || path.len() > MAX_ARTIFACT_BYTES || path.chars().any(char::is_control) {
        return Err(GpuError::Invalid {
            field: "artifact",
            message: format!("artifact must be a path of 1 to {MAX_ARTIFACT_BYTES} bytes without control characters"),
        });
    }
    Ok(path)
}
