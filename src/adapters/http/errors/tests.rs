//! What `ApiError<S>` documents and answers: exactly its set's statuses and 500.

use std::time::Duration;

use poem::IntoResponse;
use poem_openapi::ApiResponse;

use super::ApiError;
use super::status::Conflict;
use crate::adapters::http::envelope::ErrorBody;

statuses! {
    Lookup [Unauthorized, NotFound = "No such thing of yours."] never [Conflict];
    Limited [TooManyRequests, BadRequest];
}

fn documented<S: super::StatusSet>() -> Vec<(u16, &'static str, bool)> {
    ApiError::<S>::meta()
        .responses
        .iter()
        .map(|r| (r.status.unwrap(), r.description, !r.headers.is_empty()))
        .collect()
}

#[test]
fn the_spec_lists_the_sets_statuses_and_500_in_order_with_their_descriptions() {
    let lookup = documented::<Lookup>();
    let statuses: Vec<u16> = lookup.iter().map(|d| d.0).collect();
    assert_eq!(statuses, [401, 404, 500], "never-statuses are not documented");
    assert_eq!(lookup[1].1, "No such thing of yours.");
    assert!(lookup[0].1.starts_with("Not signed in"), "the default description");
    let limited = documented::<Limited>();
    assert_eq!(
        limited.iter().map(|d| (d.0, d.2)).collect::<Vec<_>>(),
        [(400, false), (429, true), (500, false)],
        "sorted, and only 429 documents a header (Retry-After)"
    );
}

#[test]
fn a_listed_refusal_answers_its_status_and_a_rate_limit_says_when_to_retry() {
    let refused = ApiError::<Lookup>::no_such("thing").into_response();
    assert_eq!(refused.status(), 404);
    let limited = ApiError::<Limited>::rate_limited(Duration::from_millis(2500)).into_response();
    assert_eq!(limited.status(), 429);
    assert_eq!(limited.headers()["retry-after"], "3");
    let failed = ApiError::<Lookup>::unexpected("test failure", "disk on fire").into_response();
    assert_eq!(failed.status(), 500);
}

#[test]
#[cfg_attr(debug_assertions, should_panic(expected = "Lookup declares it never answers 409"))]
fn a_refusal_the_operation_rules_out_is_a_bug_answered_500() {
    let refused = ApiError::<Lookup>::refuse::<Conflict>(ErrorBody::new("conflict", "clash"));
    assert_eq!(refused.into_response().status(), 500);
}
