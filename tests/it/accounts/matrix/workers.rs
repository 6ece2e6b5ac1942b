//! The authorization matrix for the third kind of caller, a GPU worker: its token opens the worker
//! protocol and nothing else. Every operation in the spec is called with a valid worker token; the
//! worker protocol answers as `table_gpu::worker_rows` says, and every other operation answers as
//! it answers no credentials at all (the anonymous column), so a worker token is never mistaken
//! for a person's.

use reqwest::Method;
use serde_json::{Value, json};

use super::table::table;
use super::table_gpu::worker_rows;
use super::{Cred, NO_LIMITS, call, register};
use crate::helpers::TestApp;
use nimbus::app::config::Mode;

#[tokio::test]
async fn a_worker_token_opens_the_worker_protocol_and_nothing_else() {
    let app = TestApp::spawn_with(Mode::Demo, NO_LIMITS).await;
    let (_, admin) = register(&app, "admin@lab.example", "Admin").await;
    let admin = Cred::Cookie(admin);
    let made = call(
        &app,
        Method::POST,
        "/api/settings/gpu/workers",
        &admin,
        Some(json!({"id": "gx10-matrix"})),
    )
    .await;
    assert_eq!(made.status, 201, "{}", made.body);
    let worker = Cred::Bearer(made.body["data"]["token"].as_str().unwrap().to_owned());

    let spec: Value = serde_json::from_str(&nimbus::adapters::http::spec_json()).unwrap();
    let table = table();
    let workers: std::collections::BTreeMap<_, _> = worker_rows().into_iter().collect();
    let mut failures = Vec::new();
    for (path, operations) in spec["paths"].as_object().unwrap() {
        for (method, operation) in operations.as_object().unwrap() {
            let id = operation["operationId"].as_str().unwrap();
            let want = match workers.get(id) {
                Some(status) => *status,
                None => table.get(id).map_or(0, |row| row[0]),
            };
            // Anonymous answers that need a concrete record (an invitation's token, a machine)
            // are 401 or 404 before the record matters; any id stands in.
            let concrete = path
                .replace("{id}", "999999")
                .replace("{token}", "no-such-token")
                .replace("{provider}", "github")
                .replace("{tunnel_id}", "00000000000000aa");
            let method: Method = method.to_uppercase().parse().unwrap();
            let body = match id {
                "worker_report" => Some(json!({"state": "succeeded", "exit_code": 0})),
                _ => None,
            };
            let answer = call(&app, method.clone(), &format!("/api{concrete}"), &worker, body).await;
            let public = table.get(id).is_some_and(|row| row[0] != 401) && !workers.contains_key(id);
            // Public operations answer a worker token as anyone; only their refusal of the token
            // as a person's credential matters, so any answer but 401 is right for them.
            let right = if public {
                answer.status.as_u16() != 401
            } else {
                answer.status.as_u16() == want
            };
            if !right {
                failures.push(format!(
                    "{id} ({method} {path}) with a worker token: {} (wanted {want}) {}",
                    answer.status, answer.body
                ));
            }
        }
    }
    assert!(
        failures.is_empty(),
        "worker token matrix failures:\n  {}",
        failures.join("\n  ")
    );

    // Revoked, the token opens nothing.
    let revoked = call(
        &app,
        Method::DELETE,
        "/api/settings/gpu/workers/gx10-matrix",
        &admin,
        None,
    )
    .await;
    assert_eq!(revoked.status, 204, "{}", revoked.body);
    let claim = call(&app, Method::POST, "/api/gpu/worker/claim", &worker, None).await;
    assert_eq!(claim.status, 401, "{}", claim.body);
    assert_eq!(claim.body["code"], "worker_token_invalid");
    app.stop().await;
}
