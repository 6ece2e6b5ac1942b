//! Changing the password: it revokes the caller's API tokens unless asked not to, and is
//! rate-limited per account.

use nimbus::app::config::Mode;
use reqwest::Method;
use serde_json::{Value, json};

use super::{Answer, Cred, NO_LIMITS, PASSWORD, call, register, token};
use crate::helpers::TestApp;

const NEW_PASSWORD: &str = "a brand new passphrase";

async fn change(app: &TestApp, session: &str, body: Value) -> Answer {
    call(
        app,
        Method::POST,
        "/api/me/password",
        &Cred::Cookie(session.into()),
        Some(body),
    )
    .await
}

async fn token_works(app: &TestApp, secret: &str) -> bool {
    let me = call(app, Method::GET, "/api/me", &Cred::Bearer(secret.into()), None).await;
    me.status == 200
}

#[tokio::test]
async fn a_password_change_revokes_the_api_tokens_by_default() {
    let app = TestApp::spawn_with(Mode::Demo, NO_LIMITS).await;
    let (_, session) = register(&app, "ada@lab.example", "Ada").await;
    let (_, script) = token(&app, &session, "script", "read_write").await;
    let (_, ci) = token(&app, &session, "ci", "read_only").await;
    assert!(token_works(&app, &script).await);
    let changed = change(
        &app,
        &session,
        json!({"current_password": PASSWORD, "new_password": NEW_PASSWORD}),
    )
    .await;
    assert_eq!(changed.status, 200, "{:?}", changed.body);
    assert_eq!(changed.body["data"]["tokens_revoked"], 2);
    assert!(!token_works(&app, &script).await, "the token was revoked");
    assert!(!token_works(&app, &ci).await);
    let session = changed.session().unwrap();
    let list = call(&app, Method::GET, "/api/tokens", &Cred::Cookie(session), None).await;
    assert_eq!(list.body["data"], json!([]));
    app.stop().await;
}

#[tokio::test]
async fn a_password_change_keeps_the_api_tokens_when_asked_to() {
    let app = TestApp::spawn_with(Mode::Demo, NO_LIMITS).await;
    let (_, session) = register(&app, "ada@lab.example", "Ada").await;
    let (_, script) = token(&app, &session, "script", "read_write").await;
    let body = json!({"current_password": PASSWORD, "new_password": NEW_PASSWORD, "revoke_tokens": false});
    let changed = change(&app, &session, body).await;
    assert_eq!(changed.status, 200, "{:?}", changed.body);
    assert_eq!(changed.body["data"]["tokens_revoked"], 0);
    assert!(token_works(&app, &script).await, "the token still works");
    app.stop().await;
}

#[tokio::test]
async fn password_changes_are_rate_limited_per_account() {
    let mut env = NO_LIMITS.to_vec();
    env.push(("RATE_LIMIT_PASSWORD_PER_ACCOUNT", "2/1h"));
    let app = TestApp::spawn_with(Mode::Demo, &env).await;
    let (_, session) = register(&app, "ada@lab.example", "Ada").await;
    let guess = json!({"current_password": "not my password", "new_password": NEW_PASSWORD});
    for _ in 0..2 {
        assert_eq!(change(&app, &session, guess.clone()).await.status, 401);
    }
    let limited = change(&app, &session, guess).await;
    assert_eq!((limited.status.as_u16(), limited.code()), (429, "rate_limited"));
    let retry: u64 = limited.headers["retry-after"].to_str().unwrap().parse().unwrap();
    assert!((1..=3600).contains(&retry), "{retry}");
    app.stop().await;
}
