//! Sign-up: the first admin, the setup token in `serve`, field errors, cookie attributes.

use nimbus::app::config::Mode;
use reqwest::Method;
use serde_json::json;

use super::{Cred, NO_LIMITS, PASSWORD, call, register};
use crate::helpers::TestApp;

#[tokio::test]
async fn the_first_account_becomes_admin_and_later_ones_are_members() {
    let app = TestApp::spawn().await;
    let status = call(&app, Method::GET, "/api/auth/status", &Cred::None, None).await;
    assert_eq!(status.body["data"]["has_admin"], false);
    assert_eq!(
        status.body["data"]["setup_token_required"], false,
        "the demo needs no token"
    );

    let first = call(
        &app,
        Method::POST,
        "/api/auth/register",
        &Cred::None,
        Some(json!({"email": " Ada@Lab.Example ", "name": "Ada  Lovelace", "password": PASSWORD})),
    )
    .await;
    assert_eq!(first.status, 201, "{:?}", first.body);
    assert_eq!(first.body["data"]["role"], "admin");
    assert_eq!(first.body["data"]["email"], "ada@lab.example");
    assert_eq!(first.body["data"]["name"], "Ada Lovelace");
    let cookie = first.set_cookie();
    for attribute in ["HttpOnly", "SameSite=Lax", "Path=/"] {
        assert!(cookie.contains(attribute), "{cookie}");
    }
    assert!(
        !cookie.contains("Secure"),
        "plain-http demo cookies cannot be Secure: {cookie}"
    );

    let (_, member) = register(&app, "bob@lab.example", "Bob").await;
    let me = call(&app, Method::GET, "/api/me", &Cred::Cookie(member), None).await;
    assert_eq!(me.body["data"]["role"], "member");
    assert_eq!(me.body["data"]["via"], "session");
    let admin = Cred::Cookie(first.session().unwrap());
    let status = call(&app, Method::GET, "/api/auth/status", &admin, None).await;
    assert_eq!(status.body["data"]["has_admin"], true);
    assert_eq!(status.body["data"]["user"]["email"], "ada@lab.example");
    app.stop().await;
}

#[tokio::test]
async fn https_app_url_makes_the_session_cookie_secure() {
    let app = TestApp::spawn_with(Mode::Serve, &[("APP_URL", "https://nimbus.example")]).await;
    let token = app.running.as_ref().unwrap().app().setup_token.clone().unwrap();
    let answer = call(
        &app,
        Method::POST,
        "/api/auth/register",
        &Cred::None,
        Some(json!({"email": "ada@lab.example", "name": "Ada", "password": PASSWORD, "setup_token": token})),
    )
    .await;
    assert_eq!(answer.status, 201, "{:?}", answer.body);
    assert!(answer.set_cookie().contains("; Secure"), "{}", answer.set_cookie());
    app.stop().await;
}

#[tokio::test]
async fn bad_registrations_name_the_field_and_create_nothing() {
    let app = TestApp::spawn().await;
    let (_, admin) = register(&app, "ada@lab.example", "Ada").await;
    let cases = [
        (
            json!({"email": "not-an-email", "name": "X", "password": PASSWORD}),
            "email",
        ),
        (
            json!({"email": "x@lab.example", "name": "  ", "password": PASSWORD}),
            "name",
        ),
        (
            json!({"email": "x@lab.example", "name": "X", "password": "short"}),
            "password",
        ),
        (
            json!({"email": "x@lab.example", "name": "X", "password": "Password2024!"}),
            "password",
        ),
        (
            json!({"email": "x@lab.example", "name": "X", "password": "qwertyuiop"}),
            "password",
        ),
    ];
    for (body, field) in cases {
        let answer = call(&app, Method::POST, "/api/auth/register", &Cred::None, Some(body)).await;
        assert_eq!(answer.status, 400, "{:?}", answer.body);
        assert_eq!(answer.code(), "validation_failed");
        assert_eq!(answer.body["field"], field, "{:?}", answer.body);
        assert!(answer.session().is_none());
    }
    let taken = call(
        &app,
        Method::POST,
        "/api/auth/register",
        &Cred::None,
        Some(json!({"email": "ADA@lab.example", "name": "Imposter", "password": PASSWORD})),
    )
    .await;
    assert_eq!((taken.status.as_u16(), taken.code()), (409, "email_taken"));
    let users = call(&app, Method::GET, "/api/users", &Cred::Cookie(admin), None).await;
    assert_eq!(users.body["data"].as_array().unwrap().len(), 1, "{:?}", users.body);
    app.stop().await;
}

#[tokio::test]
async fn serve_needs_the_setup_token_for_the_first_admin_only() {
    let app = TestApp::spawn_with(Mode::Serve, &[]).await;
    let token = app
        .running
        .as_ref()
        .unwrap()
        .app()
        .setup_token
        .clone()
        .expect("a setup token");
    let status = call(&app, Method::GET, "/api/auth/status", &Cred::None, None).await;
    assert_eq!(status.body["data"]["setup_token_required"], true);
    let form = |token: Option<&str>, email: &str| {
        let mut body = json!({"email": email, "name": "Someone", "password": PASSWORD});
        if let Some(token) = token {
            body["setup_token"] = json!(token);
        }
        body
    };
    for attempt in [None, Some("0000-1111"), Some("")] {
        let refused = call(
            &app,
            Method::POST,
            "/api/auth/register",
            &Cred::None,
            Some(form(attempt, "eve@lab.example")),
        )
        .await;
        assert_eq!(
            (refused.status.as_u16(), refused.code()),
            (403, "setup_token_invalid"),
            "{attempt:?}"
        );
        assert_eq!(refused.body["field"], "setup_token");
        assert!(refused.body["error"].as_str().unwrap().contains("log"));
    }
    // Typed with spaces and capitals instead of dashes, it still matches.
    let typed = token.to_uppercase().replace('-', " ");
    let admin = call(
        &app,
        Method::POST,
        "/api/auth/register",
        &Cred::None,
        Some(form(Some(&typed), "ada@lab.example")),
    )
    .await;
    assert_eq!(admin.status, 201, "{:?}", admin.body);
    assert_eq!(admin.body["data"]["role"], "admin");
    let member = call(
        &app,
        Method::POST,
        "/api/auth/register",
        &Cred::None,
        Some(form(None, "bob@lab.example")),
    )
    .await;
    assert_eq!(member.body["data"]["role"], "member");
    let reuse = call(
        &app,
        Method::POST,
        "/api/auth/register",
        &Cred::None,
        Some(form(Some(&token), "carol@lab.example")),
    )
    .await;
    assert_eq!(reuse.body["data"]["role"], "member", "the spent token grants nothing");
    let users = call(
        &app,
        Method::GET,
        "/api/users",
        &Cred::Cookie(admin.session().unwrap()),
        None,
    )
    .await;
    let emails: Vec<_> = users.body["data"]
        .as_array()
        .unwrap()
        .iter()
        .map(|u| u["email"].clone())
        .collect();
    assert_eq!(
        emails,
        [
            json!("ada@lab.example"),
            json!("bob@lab.example"),
            json!("carol@lab.example")
        ]
    );
    app.stop().await;
}

#[tokio::test]
async fn boot_makes_the_oldest_active_account_admin_when_no_admin_is_left() {
    use sea_orm::ConnectionTrait;

    let app = TestApp::spawn_with(Mode::Demo, NO_LIMITS).await;
    register(&app, "ada@lab.example", "Ada").await;
    let (_, bob) = register(&app, "bob@lab.example", "Bob").await;
    register(&app, "carol@lab.example", "Carol").await;
    let TestApp { running, dir, .. } = app;
    running.unwrap().stop().await.unwrap();

    // Someone edits the database by hand: no admin is left and Ada is disabled.
    let db = dir.path().join("nimbus.db");
    let store = nimbus::adapters::store::sqlite::SqliteStore::open(&db).await.unwrap();
    store
        .reader()
        .execute_unprepared(
            "UPDATE users SET role = 'member'; UPDATE users SET status = 'disabled' WHERE email = 'ada@lab.example'",
        )
        .await
        .unwrap();
    store.close().await;

    let app = TestApp::spawn_with(Mode::Demo, &[("NIMBUS_DATA_DIR", dir.path().to_str().unwrap())]).await;
    let users = app
        .running
        .as_ref()
        .unwrap()
        .app()
        .account_management()
        .list_users()
        .await
        .unwrap();
    let roles: Vec<_> = users.iter().map(|u| (u.email.to_string(), u.role.as_str())).collect();
    assert_eq!(
        roles,
        [
            ("ada@lab.example".to_string(), "member"),
            ("bob@lab.example".to_string(), "admin"),
            ("carol@lab.example".to_string(), "member"),
        ]
    );
    let old = call(&app, Method::GET, "/api/me", &Cred::Cookie(bob), None).await;
    assert_eq!(old.status, 401, "the promoted account's sessions were ended");
    let bob = Cred::Cookie(super::login(&app, "bob@lab.example").await);
    let logged = call(
        &app,
        Method::GET,
        "/api/audit?action=account.promoted_at_boot",
        &bob,
        None,
    )
    .await;
    let entries = logged.body["data"]["entries"].as_array().unwrap();
    assert_eq!(entries.len(), 1, "{:?}", logged.body);
    assert_eq!(entries[0]["target_label"], "bob@lab.example");
    app.stop().await;
    drop(dir);
}

#[tokio::test]
async fn simultaneous_first_registrations_make_exactly_one_admin() {
    let app = TestApp::spawn_with(Mode::Demo, NO_LIMITS).await;
    let attempts = (0..8).map(|n| {
        let body =
            json!({"email": format!("racer{n}@lab.example"), "name": format!("Racer {n}"), "password": PASSWORD});
        call(&app, Method::POST, "/api/auth/register", &Cred::None, Some(body))
    });
    let answers = futures_join_all(attempts).await;
    let roles: Vec<_> = answers
        .iter()
        .map(|a| {
            assert_eq!(a.status, 201, "{:?}", a.body);
            a.body["data"]["role"].as_str().unwrap().to_string()
        })
        .collect();
    assert_eq!(roles.iter().filter(|r| *r == "admin").count(), 1, "{roles:?}");
    app.stop().await;
}

/// Runs the futures concurrently on this task and collects their outputs in order.
pub(super) async fn futures_join_all<F: std::future::Future>(futures: impl IntoIterator<Item = F>) -> Vec<F::Output> {
    let mut pinned: Vec<_> = futures.into_iter().map(Box::pin).collect();
    let mut outputs: Vec<Option<F::Output>> = pinned.iter().map(|_| None).collect();
    std::future::poll_fn(|cx| {
        let mut pending = false;
        for (future, output) in pinned.iter_mut().zip(outputs.iter_mut()) {
            if output.is_none() {
                match future.as_mut().poll(cx) {
                    std::task::Poll::Ready(value) => *output = Some(value),
                    std::task::Poll::Pending => pending = true,
                }
            }
        }
        if pending {
            std::task::Poll::Pending
        } else {
            std::task::Poll::Ready(())
        }
    })
    .await;
    outputs.into_iter().map(|o| o.expect("every future finished")).collect()
}

#[tokio::test]
async fn admins_close_and_reopen_sign_ups() {
    let app = TestApp::spawn_with(Mode::Demo, NO_LIMITS).await;
    let (_, admin) = register(&app, "ada@lab.example", "Ada").await;
    let admin = Cred::Cookie(admin);
    let closed = call(
        &app,
        Method::PUT,
        "/api/settings/signups",
        &admin,
        Some(json!({"open": false})),
    )
    .await;
    assert_eq!(closed.body["data"]["open"], false);
    let status = call(&app, Method::GET, "/api/auth/status", &Cred::None, None).await;
    assert_eq!(status.body["data"]["signups_open"], false);
    let refused = call(
        &app,
        Method::POST,
        "/api/auth/register",
        &Cred::None,
        Some(json!({"email": "bob@lab.example", "name": "Bob", "password": PASSWORD})),
    )
    .await;
    assert_eq!((refused.status.as_u16(), refused.code()), (403, "signups_closed"));
    assert!(refused.session().is_none());
    super::login(&app, "ada@lab.example").await;

    call(
        &app,
        Method::PUT,
        "/api/settings/signups",
        &admin,
        Some(json!({"open": true})),
    )
    .await;
    register(&app, "bob@lab.example", "Bob").await;
    let log = call(&app, Method::GET, "/api/audit?action=settings.changed", &admin, None).await;
    let details: Vec<_> = log.body["data"]["entries"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["detail"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(
        details,
        [
            "who may sign up: invite_only → open",
            "who may sign up: open → invite_only"
        ]
    );
    app.stop().await;
}
