//! Gopher's status codes as errors by kind, with Gopher's own words kept.

use crate::ports::tunnel_gateway::GatewayError;

/// The error for a non-2xx answer with `message` (the envelope's `error`, or the raw body).
pub(super) fn classify(status: u16, message: String) -> GatewayError {
    match status {
        401 | 403 => GatewayError::Unauthorized,
        404 => GatewayError::NotFound(message),
        409 => GatewayError::Conflict {
            // Gopher's only 409 is a subdomain in use.
            field: "subdomain".into(),
            message,
        },
        400 | 422 => GatewayError::Invalid(message),
        502..=504 => GatewayError::Unavailable(format!("HTTP {status}: {message}")),
        _ => GatewayError::Failed(format!("HTTP {status}: {message}")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_status_maps_to_its_kind() {
        assert_eq!(classify(401, "x".into()), GatewayError::Unauthorized);
        assert_eq!(
            classify(404, "machine not found".into()),
            GatewayError::NotFound("machine not found".into())
        );
        assert!(matches!(classify(409, "in use".into()), GatewayError::Conflict { field, .. } if field == "subdomain"));
        assert_eq!(classify(400, "bad".into()), GatewayError::Invalid("bad".into()));
        assert!(matches!(classify(503, "off".into()), GatewayError::Unavailable(m) if m.contains("off")));
        assert!(matches!(classify(500, "boom".into()), GatewayError::Failed(m) if m.contains("boom")));
    }
}
