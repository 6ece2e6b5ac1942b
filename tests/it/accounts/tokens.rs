//! Personal API tokens over HTTP: shown once, stored hashed, usable as Bearer, read-only scope,
//! revocation, expiry, and other users' tokens answering 404.

use std::sync::Arc;

use chrono::{DateTime, Duration};
use nimbus::adapters::clock::ManualClock;
use nimbus::app::config::Mode;
use reqwest::Method;
use serde_json::json;

use super::{Cred, NO_LIMITS, call, register, token};
use crate::helpers::TestApp;

#[tokio::test]
async fn a_token_is_shown_once_and_works_as_a_bearer_until_revoked() {
    let app = TestApp::spawn_with(Mode::Demo, NO_LIMITS).await;
    let (_, session) = register(&app, "ada@lab.example", "Ada").await;
    let browser = Cred::Cookie(session.clone());
    let created = call(
        &app,
        Method::POST,
        "/api/tokens",
        &browser,
        Some(json!({"name": " laptop ", "expires_in_days": 7})),
    )
    .await;
    assert_eq!(created.status, 201, "{:?}", created.body);
    let secret = created.body["data"]["secret"].as_str().unwrap().to_string();
    let shown = &created.body["data"]["token"];
    assert!(secret.starts_with("nimbus_") && secret.starts_with(shown["prefix"].as_str().unwrap()));
    assert_eq!(
        (shown["name"].as_str(), shown["scope"].as_str()),
        (Some("laptop"), Some("read_write"))
    );

    let list = call(&app, Method::GET, "/api/tokens", &browser, None).await;
    assert_eq!(list.body["data"].as_array().unwrap().len(), 1);
    assert!(
        !list.body.to_string().contains(&secret),
        "the list never shows the secret"
    );

    let bearer = Cred::Bearer(secret.clone());
    let me = call(&app, Method::GET, "/api/me", &bearer, None).await;
    assert_eq!(
        (me.body["data"]["via"].as_str(), me.body["data"]["email"].as_str()),
        (Some("token"), Some("ada@lab.example"))
    );
    let renamed = call(&app, Method::PATCH, "/api/me", &bearer, Some(json!({"name": "Ada L."}))).await;
    assert_eq!(renamed.status, 200);
    let mint = call(
        &app,
        Method::POST,
        "/api/tokens",
        &bearer,
        Some(json!({"name": "child"})),
    )
    .await;
    assert_eq!((mint.status.as_u16(), mint.code()), (403, "session_required"));
    let listed = call(&app, Method::GET, "/api/tokens", &browser, None).await;
    assert!(listed.body["data"][0]["last_used_at"].is_string(), "use is recorded");

    let dup = call(
        &app,
        Method::POST,
        "/api/tokens",
        &browser,
        Some(json!({"name": "laptop"})),
    )
    .await;
    assert_eq!(
        (dup.status.as_u16(), dup.code(), dup.body["field"].as_str()),
        (409, "token_name_taken", Some("name"))
    );
    for bad in [
        json!({"name": ""}),
        json!({"name": "x", "expires_in_days": 0}),
        json!({"name": "x", "expires_in_days": 400}),
    ] {
        let refused = call(&app, Method::POST, "/api/tokens", &browser, Some(bad.clone())).await;
        assert_eq!(
            (refused.status.as_u16(), refused.code()),
            (400, "validation_failed"),
            "{bad}"
        );
    }

    let id = shown["id"].as_str().unwrap();
    let revoked = call(&app, Method::DELETE, &format!("/api/tokens/{id}"), &browser, None).await;
    assert_eq!(revoked.status, 200);
    let after = call(&app, Method::GET, "/api/me", &bearer, None).await;
    assert_eq!((after.status.as_u16(), after.code()), (401, "token_invalid"));
    let garbage = call(
        &app,
        Method::GET,
        "/api/me",
        &Cred::Bearer("nimbus_not-a-real-token".into()),
        None,
    )
    .await;
    assert_eq!(garbage.code(), "token_invalid");
    app.stop().await;
}

#[tokio::test]
async fn a_read_only_token_reads_and_changes_nothing() {
    let app = TestApp::spawn_with(Mode::Demo, NO_LIMITS).await;
    let (_, session) = register(&app, "ada@lab.example", "Ada").await;
    let (_, secret) = token(&app, &session, "dashboard", "read_only").await;
    let bearer = Cred::Bearer(secret);
    let me = call(&app, Method::GET, "/api/me", &bearer, None).await;
    assert_eq!(me.body["data"]["read_only"], true);
    assert_eq!(call(&app, Method::GET, "/api/users", &bearer, None).await.status, 200);
    for (method, path, body) in [
        (Method::PATCH, "/api/me", Some(json!({"name": "Changed"}))),
        (Method::POST, "/api/auth/logout-all", None),
    ] {
        let refused = call(&app, method, path, &bearer, body).await;
        assert_eq!(
            (refused.status.as_u16(), refused.code()),
            (403, "read_only_token"),
            "{path}"
        );
    }
    let unchanged = call(&app, Method::GET, "/api/me", &Cred::Cookie(session), None).await;
    assert_eq!(unchanged.body["data"]["name"], "Ada");
    app.stop().await;
}

#[tokio::test]
async fn tokens_expire_and_other_users_tokens_are_not_found() {
    let clock = Arc::new(ManualClock::new(DateTime::from_timestamp(1_800_000_000, 0).unwrap()));
    let app = TestApp::spawn_full(Mode::Demo, NO_LIMITS, Some(clock.clone())).await;
    let (_, ada) = register(&app, "ada@lab.example", "Ada").await;
    let (_, bob) = register(&app, "bob@lab.example", "Bob").await;
    let created = call(
        &app,
        Method::POST,
        "/api/tokens",
        &Cred::Cookie(ada.clone()),
        Some(json!({"name": "short", "expires_in_days": 1})),
    )
    .await;
    let id = created.body["data"]["token"]["id"].as_str().unwrap().to_string();
    let bearer = Cred::Bearer(created.body["data"]["secret"].as_str().unwrap().to_string());

    let theft = call(
        &app,
        Method::DELETE,
        &format!("/api/tokens/{id}"),
        &Cred::Cookie(bob.clone()),
        None,
    )
    .await;
    assert_eq!(theft.status, 404);
    let bobs = call(&app, Method::GET, "/api/tokens", &Cred::Cookie(bob), None).await;
    assert_eq!(bobs.body["data"].as_array().unwrap().len(), 0);
    assert_eq!(
        call(
            &app,
            Method::DELETE,
            "/api/tokens/not-a-uuid",
            &Cred::Cookie(ada.clone()),
            None
        )
        .await
        .status,
        404
    );

    clock.advance(Duration::hours(23));
    assert_eq!(call(&app, Method::GET, "/api/me", &bearer, None).await.status, 200);
    clock.advance(Duration::hours(2));
    let expired = call(&app, Method::GET, "/api/me", &bearer, None).await;
    assert_eq!((expired.status.as_u16(), expired.code()), (401, "token_expired"));
    assert!(expired.body["error"].as_str().unwrap().contains("expired on"));
    // The browser session is a different credential, still alive.
    let list = call(&app, Method::GET, "/api/tokens", &Cred::Cookie(ada), None).await;
    assert_eq!(list.body["data"][0]["expired"], true);
    app.stop().await;
}
