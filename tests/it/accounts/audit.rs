//! The audit log over HTTP: what sign-ins, failures, role changes and tokens record, the
//! filters and paging, and who may read it.

use nimbus::app::config::Mode;
use reqwest::Method;
use serde_json::{Value, json};

use super::{Cred, NO_LIMITS, PASSWORD, call, login, register, token};
use crate::helpers::TestApp;

fn actions(page: &Value) -> Vec<String> {
    page["data"]["entries"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["action"].as_str().unwrap().to_string())
        .collect()
}

#[tokio::test]
async fn privileged_actions_are_recorded_and_admins_read_them_with_filters() {
    let app = TestApp::spawn_with(Mode::Demo, NO_LIMITS).await;
    let (_, admin) = register(&app, "ada@lab.example", "Ada").await;
    let (bob_id, _) = register(&app, "bob@lab.example", "Bob").await;
    let bob = login(&app, "bob@lab.example").await;
    let wrong = call(
        &app,
        Method::POST,
        "/api/auth/login",
        &Cred::None,
        Some(json!({"email": "Bob@lab.example", "password": "not it at all"})),
    )
    .await;
    assert_eq!(wrong.status, 401);
    token(&app, &bob, "ci", "read_only").await;
    let admin = Cred::Cookie(admin);
    let promoted = call(
        &app,
        Method::PATCH,
        &format!("/api/users/{bob_id}"),
        &admin,
        Some(json!({"role": "admin"})),
    )
    .await;
    assert_eq!(promoted.status, 200);

    let all = call(&app, Method::GET, "/api/audit", &admin, None).await;
    assert_eq!(all.status, 200, "{:?}", all.body);
    assert_eq!(
        actions(&all.body),
        [
            "account.role_changed",
            "token.created",
            "auth.sign_in_failed",
            "auth.sign_in",
            "account.created",
            "account.created"
        ]
    );
    let entries = &all.body["data"]["entries"];
    assert_eq!(entries[0]["detail"], "member → admin");
    assert_eq!(entries[0]["actor_email"], "ada@lab.example");
    assert_eq!(entries[0]["target_label"], "bob@lab.example");
    assert_eq!(entries[0]["ip"], "127.0.0.1");
    assert_eq!(entries[1]["target_label"], "ci");
    assert_eq!(entries[2]["actor_email"], "bob@lab.example");
    assert!(
        entries[2].get("actor_id").is_none(),
        "a failed sign-in has no actor account"
    );
    assert!(
        !all.body.to_string().contains("not it at all"),
        "passwords never reach the log"
    );

    let failures = call(&app, Method::GET, "/api/audit?action=auth.sign_in_failed", &admin, None).await;
    assert_eq!(actions(&failures.body), ["auth.sign_in_failed"]);
    let by_bob = call(&app, Method::GET, &format!("/api/audit?actor={bob_id}"), &admin, None).await;
    assert_eq!(
        actions(&by_bob.body),
        ["token.created", "auth.sign_in", "account.created"]
    );
    let text = call(&app, Method::GET, "/api/audit?q=BOB%40lab", &admin, None).await;
    assert_eq!(actions(&text.body).len(), 5, "{:?}", text.body);

    let first = call(&app, Method::GET, "/api/audit?limit=4", &admin, None).await;
    assert_eq!(actions(&first.body).len(), 4);
    let before = first.body["data"]["next_before"].as_i64().expect("a next page");
    let second = call(
        &app,
        Method::GET,
        &format!("/api/audit?limit=4&before={before}"),
        &admin,
        None,
    )
    .await;
    assert_eq!(actions(&second.body), ["account.created", "account.created"]);
    assert!(second.body["data"]["next_before"].is_null());

    let bad = call(&app, Method::GET, "/api/audit?actor=nobody", &admin, None).await;
    assert_eq!((bad.status.as_u16(), bad.body["field"].as_str()), (400, Some("actor")));
    app.stop().await;
}

#[tokio::test]
async fn members_cannot_read_the_audit_log() {
    let app = TestApp::spawn_with(Mode::Demo, NO_LIMITS).await;
    register(&app, "ada@lab.example", "Ada").await;
    let (_, member) = register(&app, "bob@lab.example", "Bob").await;
    let denied = call(&app, Method::GET, "/api/audit", &Cred::Cookie(member), None).await;
    assert_eq!((denied.status.as_u16(), denied.code()), (403, "admin_required"));
    let _ = PASSWORD;
    app.stop().await;
}
