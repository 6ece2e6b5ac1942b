//! How a provider callback ends, and where the browser goes next.

/// How a callback ended. Refusals carry the code the portal's page explains.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    SignedIn { session: String },
    Linked,
    Refused(&'static str),
}

/// Only paths inside the portal are followed after sign-in.
pub fn safe_next(next: Option<&str>) -> String {
    match next {
        Some(n) if n.starts_with('/') && !n.starts_with("//") && !n.contains('\\') => n.to_string(),
        _ => "/".to_string(),
    }
}
