//! The error half of every operation: `ApiError<S>`, whose possible statuses are the set `S` the
//! operation declares with [`statuses!`]. The spec lists exactly those statuses (and 500), and the
//! answer can carry no other. A use case's error converts into it (each group's one `From` impl)
//! only when the operation has decided about every status that error can map to: listed, or
//! declared `never` for this operation. The compiler checks that; a `never` that happens anyway is
//! logged as a bug and answered 500 (and fails debug builds, so the tests notice).
//!
//! Statuses that extractors and the request parser answer before the operation runs (401/403 of
//! `SignedIn`, 400/413/415 of a body, 400 of a typed parameter) are listed the same way;
//! `tests/it/openapi.rs` checks each operation lists exactly those its shape implies.

use std::fmt;
use std::marker::PhantomData;
use std::time::Duration;

use poem::http::StatusCode;
use poem::http::header::HeaderValue;
use poem::{IntoResponse, Response};
use poem_openapi::ApiResponse;
use poem_openapi::payload::Json;
use poem_openapi::registry::{MetaHeader, MetaResponse, MetaResponses, Registry};
use poem_openapi::types::Type;

use super::envelope::ErrorBody;
use super::limits::retry_after_secs;
use status::{BadRequest, Conflict, Forbidden, NotFound, TooManyRequests, Unauthorized, Unavailable};

/// An error status an operation may answer (500 is implied for every operation).
pub trait Status {
    const CODE: u16;
    /// What the spec says about it unless the operation says more.
    const DESCRIPTION: &'static str;
}

/// The error statuses, one type each, so a status set can be checked by the compiler.
pub mod status {
    macro_rules! status {
        ($($(#[$doc:meta])* $name:ident = $code:literal, $description:literal;)+) => {$(
            $(#[$doc])*
            pub enum $name {}

            impl super::Status for $name {
                const CODE: u16 = $code;
                const DESCRIPTION: &'static str = $description;
            }
        )+};
    }

    status! {
        BadRequest = 400, "The request could not be read, or a field is invalid (`validation_failed`; `field` names it).";
        Unauthorized = 401, "Not signed in, the session ended, or the API token is invalid or expired.";
        Forbidden = 403, "Not allowed: `code` says why (`admin_required`, `read_only_token`, `access_code_required`, `account_disabled` or, for a write from another site, `csrf_rejected`).";
        NotFound = 404, "No such record (other users' records answer this too).";
        Conflict = 409, "The request conflicts with what exists; `code` says how.";
        PayloadTooLarge = 413, "The body is larger than the API accepts.";
        UnsupportedMediaType = 415, "The body is not JSON (`Content-Type: application/json`).";
        TooManyRequests = 429, "Too many attempts; retry after the number of seconds in `Retry-After`.";
        Unavailable = 503, "Nimbus cannot do it right now: a dependency is down or out of room; `code` says which.";
    }
}

const INTERNAL: &str = "An unexpected failure; the body carries the request id.";

/// `Retry-After` of a refused stream: about the keep-alive interval, by which a stream whose
/// client went away has been noticed.
const STREAM_RETRY_AFTER_SECS: u64 = 15;

/// One status an operation lists, with what the spec says about it.
#[derive(Debug, Clone, Copy)]
pub struct Listed {
    pub code: u16,
    pub description: &'static str,
}

impl Listed {
    /// `X`, described by the operation's own words when it gives some.
    pub const fn of<X: Status>(own: &[&'static str]) -> Self {
        Self {
            code: X::CODE,
            description: if own.is_empty() { X::DESCRIPTION } else { own[0] },
        }
    }
}

/// The error statuses one operation (or a few alike) answers besides 500; see [`statuses!`].
pub trait StatusSet: 'static {
    /// The set's name, for the log.
    const NAME: &'static str;
    const LISTED: &'static [Listed];
}

/// The operation has decided about status `X`: it answers it (`ANSWERS`), or declares that its
/// use case never refuses it with `X`.
pub trait Covers<X: Status>: StatusSet {
    const ANSWERS: bool;
}

/// Declares status sets: `Name [Status, Status = "own description", ...] never [Status, ...];`.
/// `never` names statuses the operation's use case can map to in general but not for this
/// operation (a status the use case cannot map to at all needs no mention).
macro_rules! statuses {
    ($(
        $(#[$doc:meta])*
        $vis:vis $name:ident [$($status:ident $(= $own:literal)?),* $(,)?] $(never [$($never:ident),+ $(,)?])?;
    )+) => {$(
        $(#[$doc])*
        $vis enum $name {}

        impl $crate::adapters::http::errors::StatusSet for $name {
            const NAME: &'static str = stringify!($name);
            const LISTED: &'static [$crate::adapters::http::errors::Listed] = &[$(
                $crate::adapters::http::errors::Listed::of::<$crate::adapters::http::errors::status::$status>(
                    &[$($own)?],
                ),
            )*];
        }
        $(
            impl $crate::adapters::http::errors::Covers<$crate::adapters::http::errors::status::$status> for $name {
                const ANSWERS: bool = true;
            }
        )*
        $($(
            impl $crate::adapters::http::errors::Covers<$crate::adapters::http::errors::status::$never> for $name {
                const ANSWERS: bool = false;
            }
        )+)?
    )+};
}
pub(crate) use statuses;

/// A refusal or failure of an operation whose statuses are the set `S`.
pub struct ApiError<S> {
    status: StatusCode,
    /// Boxed: results of every operation carry this, and most are `Ok`.
    body: Box<ErrorBody>,
    retry_after: Option<u64>,
    set: PhantomData<fn() -> S>,
}

impl<S> fmt::Debug for ApiError<S> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ApiError")
            .field("status", &self.status)
            .field("body", &self.body)
            .finish()
    }
}

impl<S: StatusSet> ApiError<S> {
    fn answer(status: StatusCode, body: ErrorBody) -> Self {
        Self {
            status,
            body: Box::new(body),
            retry_after: None,
            set: PhantomData,
        }
    }

    /// A refusal with status `X`, which `S` answers or declares it never does.
    pub fn refuse<X: Status>(body: ErrorBody) -> Self
    where
        S: Covers<X>,
    {
        if <S as Covers<X>>::ANSWERS {
            let status = StatusCode::from_u16(X::CODE).expect("error statuses are valid");
            return Self::answer(status, body);
        }
        tracing::error!(
            operation = S::NAME,
            status = X::CODE,
            code = %body.code,
            error = %body.error,
            "refused with a status the operation declares it never answers; answering 500 instead"
        );
        debug_assert!(
            false,
            "{} declares it never answers {} but refused with it ({})",
            S::NAME,
            X::CODE,
            body.code
        );
        Self::answer(StatusCode::INTERNAL_SERVER_ERROR, ErrorBody::internal())
    }

    pub fn bad_request(body: ErrorBody) -> Self
    where
        S: Covers<BadRequest>,
    {
        Self::refuse::<BadRequest>(body)
    }

    /// 400 `validation_failed` about `field`.
    pub fn invalid(field: &str, message: impl Into<String>) -> Self
    where
        S: Covers<BadRequest>,
    {
        Self::bad_request(ErrorBody::new("validation_failed", message).with_field(field))
    }

    pub fn unauthorized(body: ErrorBody) -> Self
    where
        S: Covers<Unauthorized>,
    {
        Self::refuse::<Unauthorized>(body)
    }

    pub fn forbidden(body: ErrorBody) -> Self
    where
        S: Covers<Forbidden>,
    {
        Self::refuse::<Forbidden>(body)
    }

    pub fn not_found(body: ErrorBody) -> Self
    where
        S: Covers<NotFound>,
    {
        Self::refuse::<NotFound>(body)
    }

    /// 404 `not_found`: "There is no such {what}."
    pub fn no_such(what: &str) -> Self
    where
        S: Covers<NotFound>,
    {
        Self::not_found(ErrorBody::new("not_found", format!("There is no such {what}.")))
    }

    pub fn conflict(body: ErrorBody) -> Self
    where
        S: Covers<Conflict>,
    {
        Self::refuse::<Conflict>(body)
    }

    pub fn unavailable(body: ErrorBody) -> Self
    where
        S: Covers<Unavailable>,
    {
        Self::refuse::<Unavailable>(body)
    }

    /// 429 `rate_limited` with `Retry-After`.
    pub fn rate_limited(wait: Duration) -> Self
    where
        S: Covers<TooManyRequests>,
    {
        let secs = retry_after_secs(wait);
        let body = ErrorBody::new(
            "rate_limited",
            format!("Too many attempts. Try again in {secs} seconds."),
        );
        let mut refused = Self::refuse::<TooManyRequests>(body);
        if refused.status == StatusCode::TOO_MANY_REQUESTS {
            refused.retry_after = Some(secs);
        }
        refused
    }

    /// 429 `too_many_streams`: the account holds as many open streams as it may. `Retry-After`
    /// is a guess (a stream usually ends within it); closing one frees a slot at once.
    pub fn too_many_streams(full: crate::app::stream_budget::StreamsFull) -> Self
    where
        S: Covers<TooManyRequests>,
    {
        let body = ErrorBody::new(
            "too_many_streams",
            format!(
                "Your account has {} streams open (machine events or provision progress), the most it may \
                 hold at once is {}. Close a browser tab or a command following a machine, then try again.",
                full.open, full.limit
            ),
        );
        let mut refused = Self::refuse::<TooManyRequests>(body);
        if refused.status == StatusCode::TOO_MANY_REQUESTS {
            refused.retry_after = Some(STREAM_RETRY_AFTER_SECS);
        }
        refused
    }

    /// 503 `busy`: Nimbus has no room for the work right now; `Retry-After` says when to retry.
    pub fn busy(message: impl Into<String>, wait: Duration) -> Self
    where
        S: Covers<Unavailable>,
    {
        let mut refused = Self::unavailable(ErrorBody::new("busy", message));
        if refused.status == StatusCode::SERVICE_UNAVAILABLE {
            refused.retry_after = Some(retry_after_secs(wait));
        }
        refused
    }

    /// The opaque 500 for a failure Nimbus did not expect; `what` and the cause go to the log.
    pub fn unexpected(what: &str, cause: impl fmt::Display) -> Self {
        tracing::error!(operation = S::NAME, error = %cause, "{what}");
        Self::answer(StatusCode::INTERNAL_SERVER_ERROR, ErrorBody::internal())
    }
}

/// `Retry-After`: always on 429; on 503 when the refusal is for a moment (`busy`).
fn retry_after_header(code: u16) -> Vec<MetaHeader> {
    let (required, description) = match code {
        c if c == <TooManyRequests as Status>::CODE => (true, None),
        c if c == <Unavailable as Status>::CODE => (
            false,
            Some("Seconds to wait before retrying, when Nimbus is only busy (`busy`)."),
        ),
        _ => return Vec::new(),
    };
    vec![MetaHeader {
        name: "RETRY-AFTER".to_string(),
        description: description.map(str::to_string),
        required,
        deprecated: false,
        schema: u64::schema_ref(),
    }]
}

fn error_content() -> Vec<poem_openapi::registry::MetaMediaType> {
    <Json<ErrorBody> as ApiResponse>::meta()
        .responses
        .into_iter()
        .flat_map(|r| r.content)
        .collect()
}

impl<S: StatusSet> ApiResponse for ApiError<S> {
    fn meta() -> MetaResponses {
        let mut listed: Vec<Listed> = S::LISTED.to_vec();
        listed.push(Listed {
            code: 500,
            description: INTERNAL,
        });
        listed.sort_by_key(|l| l.code);
        let responses = listed
            .into_iter()
            .map(|l| MetaResponse {
                description: l.description,
                status: Some(l.code),
                status_range: None,
                content: error_content(),
                headers: retry_after_header(l.code),
            })
            .collect();
        MetaResponses { responses }
    }

    fn register(registry: &mut Registry) {
        <Json<ErrorBody> as ApiResponse>::register(registry);
    }
}

impl<S> IntoResponse for ApiError<S> {
    fn into_response(self) -> Response {
        let mut resp = ErrorBody::into_response(*self.body, self.status);
        if let Some(secs) = self.retry_after {
            resp.headers_mut().insert("retry-after", HeaderValue::from(secs));
        }
        resp
    }
}

impl<S> From<ApiError<S>> for poem::Error {
    fn from(e: ApiError<S>) -> Self {
        poem::Error::from_response(e.into_response())
    }
}

#[cfg(test)]
mod tests;
