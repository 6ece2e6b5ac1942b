//! The authorization matrix: every operation in `openapi/nimbus.json`, called as each kind of
//! caller, must answer the expected status, and the spec must document every answer. An operation
//! missing from the table fails the test, so a new route cannot ship without deciding who may call
//! it.

mod isolation;
mod table;
mod table_gpu;
mod table_tunnels;
mod workers;
mod world;

use std::sync::Arc;
use std::sync::atomic::AtomicUsize;

use chrono::{DateTime, Duration, Utc};
use nimbus::adapters::clock::ManualClock;
use nimbus::app::config::Mode;
use reqwest::Method;
use serde_json::{Value, json};

use super::{Cred, NO_LIMITS, call, login, register};
use crate::helpers::TestApp;
use table::{PERSONAS, Persona, table};
use world::World;

fn start() -> DateTime<Utc> {
    DateTime::from_timestamp(1_800_000_000, 0).unwrap()
}

/// The kinds of caller, walked in three groups, each on its own instance, so the three run side by
/// side: one walk of every operation as all thirteen would be the longest test of the suite.
const GROUPS: [&[Persona]; 3] = [
    &[
        Persona::Anonymous,
        Persona::Member,
        Persona::OtherMember,
        Persona::Admin,
    ],
    &[
        Persona::Token,
        Persona::ReadOnlyToken,
        Persona::AdminToken,
        Persona::AdminReadOnlyToken,
        Persona::RevokedToken,
    ],
    &[
        Persona::ExpiredSession,
        Persona::DisabledAccount,
        Persona::DemotedAdmin,
        Persona::GatedMember,
    ],
];

#[tokio::test]
async fn every_operation_answers_signed_in_people_and_strangers_as_the_matrix_says() {
    walk(GROUPS[0]).await;
}

#[tokio::test]
async fn every_operation_answers_api_tokens_as_the_matrix_says() {
    walk(GROUPS[1]).await;
}

#[tokio::test]
async fn every_operation_answers_ended_changed_and_held_accounts_as_the_matrix_says() {
    walk(GROUPS[2]).await;
}

#[test]
fn the_groups_walk_every_kind_of_caller_once() {
    for persona in PERSONAS {
        let times = GROUPS.iter().flat_map(|g| g.iter()).filter(|p| **p == persona).count();
        assert_eq!(times, 1, "{persona:?} is walked {times} times");
    }
}

/// Calls every operation in the spec as each of `personas` and compares with the table.
async fn walk(personas: &[Persona]) {
    let clock = Arc::new(ManualClock::new(start()));
    let mut env = NO_LIMITS.to_vec();
    env.push(("NIMBUS_SIM_PROFILE", "instant"));
    let app = TestApp::spawn_full(Mode::Demo, &env, Some(clock.clone())).await;
    // The simulated cluster ends a task once the clock passes its end: keep time moving.
    let ticking = clock.clone();
    let ticker = tokio::spawn(async move {
        loop {
            tokio::time::sleep(std::time::Duration::from_millis(5)).await;
            ticking.advance(Duration::milliseconds(50));
        }
    });
    register(&app, "admin@lab.example", "Admin").await;
    let (member_id, _) = register(&app, "member@lab.example", "Member").await;
    let (other_id, _) = register(&app, "other@lab.example", "Other").await;
    // The member makes dozens of machines here; lift the quota that would stop them.
    let admin = Cred::Cookie(login(&app, "admin@lab.example").await);
    let lifted = call(
        &app,
        Method::PUT,
        &format!("/api/quotas/users/{member_id}"),
        &admin,
        Some(json!({})),
    )
    .await;
    assert_eq!(lifted.status, 200, "{}", lifted.body);
    // The member queues dozens of GPU jobs here too.
    let roomy = json!({"max_queued_per_user": 1000});
    let lifted = call(&app, Method::PUT, "/api/settings/gpu", &admin, Some(roomy)).await;
    assert_eq!(lifted.status, 200, "{}", lifted.body);
    let (former_id, _) = register(&app, "former@lab.example", "Former").await;
    let (disabled_id, _) = register(&app, "disabled@lab.example", "Disabled").await;
    let world = World {
        app,
        gated: gated_instance().await,
        clock,
        member_id,
        other_id,
        former_id,
        disabled_id,
        counter: AtomicUsize::new(0),
    };

    let spec: Value = serde_json::from_str(&nimbus::adapters::http::spec_json()).unwrap();
    let table = table();
    let mut seen = Vec::new();
    let mut failures = Vec::new();
    for (path, operations) in spec["paths"].as_object().unwrap() {
        for (method, operation) in operations.as_object().unwrap() {
            let id = operation["operationId"].as_str().unwrap();
            seen.push(id.to_string());
            let Some(expected) = table.get(id) else {
                failures.push(format!("{id} ({method} {path}) is not in the authorization matrix"));
                continue;
            };
            let secured = operation
                .get("security")
                .is_some_and(|s| !s.as_array().unwrap().is_empty());
            assert_eq!(
                secured,
                expected[0] == 401,
                "{id}: the spec's security and the matrix disagree"
            );
            for persona in personas {
                let column = PERSONAS.iter().position(|p| p == persona).unwrap();
                let want = &expected[column];
                let (cred, app) = world.cred(*persona).await;
                let concrete = if path.contains("{id}") {
                    path.replace("{id}", &world.id_for(id).await)
                } else if path.contains("{token}") {
                    path.replace("{token}", &world.invite_token(app).await)
                } else {
                    path.replace("{provider}", "github")
                };
                // No tunnel of that id exists on any machine.
                let concrete = concrete.replace("{tunnel_id}", "00000000000000aa");
                let method: Method = method.to_uppercase().parse().unwrap();
                let answer = call(
                    app,
                    method.clone(),
                    &format!("/api{concrete}"),
                    &cred,
                    world.body_for(id),
                )
                .await;
                let status = answer.status.as_u16().to_string();
                if operation["responses"].get(&status).is_none() {
                    failures.push(format!(
                        "{id} as {persona:?}: answered {status}, which the spec does not document"
                    ));
                }
                if answer.status.as_u16() != *want {
                    failures.push(format!(
                        "{id} as {persona:?}: {} (wanted {want}) {}",
                        answer.status, answer.body
                    ));
                }
                if answer.status.is_client_error() {
                    assert_eq!(answer.body["success"], false, "{id} as {persona:?}: {}", answer.body);
                }
            }
        }
    }
    for id in table.keys() {
        if !seen.iter().any(|s| s == id) {
            failures.push(format!("{id} is in the matrix but not in the spec"));
        }
    }
    assert!(
        failures.is_empty(),
        "authorization matrix failures:\n  {}",
        failures.join("\n  ")
    );
    ticker.abort();
    world.app.stop().await;
    world.gated.stop().await;
}

/// An instance whose access-code gate is on, with a member (of the same email as the main
/// instance's, so the shared request bodies fit) who has not entered the code.
async fn gated_instance() -> TestApp {
    let app = TestApp::spawn_with(Mode::Demo, NO_LIMITS).await;
    let (_, admin) = register(&app, "admin@lab.example", "Admin").await;
    register(&app, "member@lab.example", "Held").await;
    let on = call(
        &app,
        Method::PUT,
        "/api/settings/access-code",
        &Cred::Cookie(admin),
        Some(json!({"enabled": true})),
    )
    .await;
    assert_eq!(on.body["data"]["enabled"], true, "{}", on.body);
    app
}
