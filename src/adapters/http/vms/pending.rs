//! The answer of `POST /vms`: the built machine (200/201), the NDJSON stream (202), or, for a
//! request that needs an admin's approval, the pending machine (also 202, as JSON). OpenAPI has
//! one response per status, so this response documents 202 with both media types, which the
//! derive cannot express.

use poem::{IntoResponse, Response};
use poem_openapi::ApiResponse;
use poem_openapi::payload::Json;
use poem_openapi::registry::{MetaResponses, Registry};

use super::ProvisionResponse;
use super::views::VmView;
use crate::adapters::http::envelope::Envelope;

pub enum CreateResponse {
    Done(Box<ProvisionResponse>),
    /// The request waits as `pending_approval`; nothing is reserved until an admin approves.
    Pending(Box<Json<Envelope<VmView>>>),
}

impl ApiResponse for CreateResponse {
    fn meta() -> MetaResponses {
        let mut meta = ProvisionResponse::meta();
        let pending = <Json<Envelope<VmView>> as ApiResponse>::meta();
        let json = pending.responses.into_iter().flat_map(|r| r.content);
        if let Some(accepted) = meta.responses.iter_mut().find(|r| r.status == Some(202)) {
            accepted.description = "With `Accept: application/x-ndjson`, the NDJSON stream of the provision \
                (`accepted`, one `step` per completed step, then `result` or `error`; a request that \
                waits for approval sends `pending_approval` with the machine instead). As JSON: the \
                tier needs an admin's approval, so the machine waits as `pending_approval` and nothing \
                is reserved until an admin approves it.";
            accepted.content.extend(json);
        }
        meta
    }

    fn register(registry: &mut Registry) {
        ProvisionResponse::register(registry);
        <Json<Envelope<VmView>> as ApiResponse>::register(registry);
    }
}

impl IntoResponse for CreateResponse {
    fn into_response(self) -> Response {
        match self {
            Self::Done(r) => r.into_response(),
            Self::Pending(json) => json.with_status(poem::http::StatusCode::ACCEPTED).into_response(),
        }
    }
}
