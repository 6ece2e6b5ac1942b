//! The JSON envelope every API answer uses (`{"success":true,"data":…}` or the error body) and the
//! mapping from HTTP-level failures (bad JSON, unknown route, oversized body) into it.

use poem::Response;
use poem::http::StatusCode;
use poem_openapi::Object;
use poem_openapi::types::{ParseFromJSON, ToJSON};

use super::middleware::current_request_id;

/// A successful answer: `{"success": true, "data": …}`.
#[derive(Debug, Object)]
pub struct Envelope<T: ParseFromJSON + ToJSON + Send + Sync> {
    /// Always `true`.
    pub success: bool,
    pub data: T,
}

impl<T: ParseFromJSON + ToJSON + Send + Sync> Envelope<T> {
    pub fn ok(data: T) -> Self {
        Self { success: true, data }
    }
}

/// A failed answer. `error` is a sentence for people; `code` is stable for programs.
#[derive(Debug, Clone, Object)]
pub struct ErrorBody {
    /// Always `false`.
    pub success: bool,
    /// What went wrong and what to do about it.
    pub error: String,
    /// A stable snake_case identifier of the failure, e.g. `validation_failed`.
    pub code: String,
    /// The request field the error is about, when there is one.
    #[oai(skip_serializing_if_is_none)]
    pub field: Option<String>,
    /// The id of this request in Nimbus's log (also in the `x-request-id` header).
    #[oai(skip_serializing_if_is_none)]
    pub request_id: Option<String>,
}

impl ErrorBody {
    pub fn new(code: &str, error: impl Into<String>) -> Self {
        Self {
            success: false,
            error: error.into(),
            code: code.to_string(),
            field: None,
            request_id: current_request_id(),
        }
    }

    pub fn with_field(mut self, field: &str) -> Self {
        self.field = Some(field.to_string());
        self
    }

    /// The opaque answer for a failure Nimbus did not expect; the cause goes to the log only.
    pub fn internal() -> Self {
        let id = current_request_id().unwrap_or_else(|| "unknown".into());
        Self::new(
            "internal_error",
            format!("Something went wrong inside Nimbus. The server log has the details under request id {id}."),
        )
    }

    pub fn into_response(self, status: StatusCode) -> Response {
        let body = poem_openapi::types::ToJSON::to_json_string(&self);
        Response::builder()
            .status(status)
            .content_type("application/json; charset=utf-8")
            .body(body)
    }
}

/// Turns an error raised below the operations (routing, request parsing, limits) into the
/// envelope, with a message that says what to do.
pub fn error_response(err: &poem::Error, method: &str, path: &str) -> Response {
    let status = err.status();
    let body = match status {
        StatusCode::NOT_FOUND => ErrorBody::new(
            "not_found",
            format!("There is no API route {method} {path}. The API is described at /api/docs."),
        ),
        StatusCode::METHOD_NOT_ALLOWED => ErrorBody::new(
            "method_not_allowed",
            format!("{path} does not accept {method}. See /api/docs."),
        ),
        StatusCode::PAYLOAD_TOO_LARGE => ErrorBody::new("payload_too_large", err.to_string()),
        StatusCode::UNSUPPORTED_MEDIA_TYPE => ErrorBody::new(
            "unsupported_media_type",
            "Send the request body as JSON with the header Content-Type: application/json.",
        ),
        StatusCode::BAD_REQUEST => ErrorBody::new("bad_request", format!("The request could not be read: {err}.")),
        s if s.is_server_error() => {
            tracing::error!(error = %err, "request failed");
            ErrorBody::internal()
        }
        _ => ErrorBody::new(&code_for(status), err.to_string()),
    };
    body.into_response(status)
}

fn code_for(status: StatusCode) -> String {
    status
        .canonical_reason()
        .unwrap_or("error")
        .to_ascii_lowercase()
        .replace([' ', '-'], "_")
}
