//! Sign-in and sessions: no user enumeration, sign-out, password change, idle and absolute
//! expiry, the once-a-minute last-used write and the purge.

use std::sync::Arc;

use chrono::{DateTime, Duration, Utc};
use nimbus::adapters::clock::ManualClock;
use nimbus::app::config::Mode;
use reqwest::Method;
use serde_json::json;

use super::{Cred, NO_LIMITS, PASSWORD, call, login, register};
use crate::helpers::TestApp;

fn start() -> DateTime<Utc> {
    DateTime::from_timestamp(1_800_000_000, 0).unwrap()
}

#[tokio::test]
async fn sign_in_answers_alike_for_an_unknown_email_and_a_wrong_password() {
    let app = TestApp::spawn().await;
    register(&app, "ada@lab.example", "Ada").await;
    let attempt = |email: &'static str, password: &'static str| {
        call(
            &app,
            Method::POST,
            "/api/auth/login",
            &Cred::None,
            Some(json!({"email": email, "password": password})),
        )
    };
    let wrong = attempt("ada@lab.example", "not the password").await;
    let unknown = attempt("nobody@lab.example", "not the password").await;
    assert_eq!((wrong.status.as_u16(), wrong.code()), (401, "invalid_credentials"));
    assert_eq!(wrong.status, unknown.status);
    assert_eq!(wrong.body["error"], unknown.body["error"]);
    assert!(wrong.session().is_none());
    let ok = attempt("  ADA@lab.example", PASSWORD).await;
    assert_eq!(ok.status, 200);
    assert!(ok.session().is_some());
    app.stop().await;
}

#[tokio::test]
async fn sign_out_ends_one_session_and_sign_out_everywhere_ends_them_all() {
    let app = TestApp::spawn_with(Mode::Demo, NO_LIMITS).await;
    let (_, first) = register(&app, "ada@lab.example", "Ada").await;
    let second = login(&app, "ada@lab.example").await;
    let third = login(&app, "ada@lab.example").await;
    let sessions = call(
        &app,
        Method::GET,
        "/api/me/sessions",
        &Cred::Cookie(third.clone()),
        None,
    )
    .await;
    let list = sessions.body["data"].as_array().unwrap();
    assert_eq!(list.len(), 3);
    assert_eq!(list.iter().filter(|s| s["current"] == true).count(), 1);

    let out = call(
        &app,
        Method::POST,
        "/api/auth/logout",
        &Cred::Cookie(first.clone()),
        None,
    )
    .await;
    assert_eq!(out.body["data"]["sessions_ended"], 1);
    assert!(out.set_cookie().contains("Max-Age=0"), "{}", out.set_cookie());
    let gone = call(&app, Method::GET, "/api/me", &Cred::Cookie(first), None).await;
    assert_eq!((gone.status.as_u16(), gone.code()), (401, "session_expired"));
    assert_eq!(
        call(&app, Method::GET, "/api/me", &Cred::Cookie(second.clone()), None)
            .await
            .status,
        200
    );

    let all = call(
        &app,
        Method::POST,
        "/api/auth/logout-all",
        &Cred::Cookie(third.clone()),
        None,
    )
    .await;
    assert_eq!(all.body["data"]["sessions_ended"], 2);
    for secret in [second, third] {
        assert_eq!(
            call(&app, Method::GET, "/api/me", &Cred::Cookie(secret), None)
                .await
                .status,
            401
        );
    }
    let anonymous = call(&app, Method::GET, "/api/me", &Cred::None, None).await;
    assert_eq!((anonymous.status.as_u16(), anonymous.code()), (401, "not_signed_in"));
    app.stop().await;
}

#[tokio::test]
async fn a_password_change_rotates_this_session_and_ends_the_others() {
    let app = TestApp::spawn_with(Mode::Demo, NO_LIMITS).await;
    let (_, here) = register(&app, "ada@lab.example", "Ada").await;
    let elsewhere = login(&app, "ada@lab.example").await;
    let here_cred = Cred::Cookie(here.clone());
    let change = |current: &'static str, new: &'static str| {
        call(
            &app,
            Method::POST,
            "/api/me/password",
            &here_cred,
            Some(json!({"current_password": current, "new_password": new})),
        )
    };
    let wrong = change("wrong password!", "a brand new passphrase").await;
    assert_eq!(
        (wrong.status.as_u16(), wrong.body["field"].as_str()),
        (401, Some("current_password"))
    );
    let weak = change(PASSWORD, "password123").await;
    assert_eq!(
        (weak.status.as_u16(), weak.body["field"].as_str()),
        (400, Some("new_password"))
    );
    let done = change(PASSWORD, "a brand new passphrase").await;
    assert_eq!(done.status, 200, "{:?}", done.body);
    assert_eq!(done.body["data"]["sessions_ended"], 1);
    let fresh = done.session().expect("a new session cookie");
    assert_ne!(fresh, here);
    assert_eq!(
        call(&app, Method::GET, "/api/me", &Cred::Cookie(here.clone()), None)
            .await
            .status,
        401
    );
    assert_eq!(
        call(&app, Method::GET, "/api/me", &Cred::Cookie(elsewhere), None)
            .await
            .status,
        401
    );
    assert_eq!(
        call(&app, Method::GET, "/api/me", &Cred::Cookie(fresh), None)
            .await
            .status,
        200
    );
    let old = call(
        &app,
        Method::POST,
        "/api/auth/login",
        &Cred::None,
        Some(json!({"email": "ada@lab.example", "password": PASSWORD})),
    )
    .await;
    assert_eq!(old.status, 401);
    app.stop().await;
}

#[tokio::test]
async fn sessions_end_when_idle_and_at_their_absolute_age() {
    let clock = Arc::new(ManualClock::new(start()));
    let env = [
        ("SESSION_IDLE_TIMEOUT_SECONDS", "3600"),
        ("SESSION_MAX_AGE_SECONDS", "7200"),
    ];
    let app = TestApp::spawn_full(Mode::Demo, &env, Some(clock.clone())).await;
    let (_, idle) = register(&app, "ada@lab.example", "Ada").await;
    let app_ref = &app;
    let me = move |secret: &str| {
        let cred = Cred::Cookie(secret.to_string());
        async move { call(app_ref, Method::GET, "/api/me", &cred, None).await }
    };
    clock.advance(Duration::minutes(50));
    assert_eq!(me(&idle).await.status, 200);
    clock.advance(Duration::minutes(50));
    assert_eq!(me(&idle).await.status, 200, "use keeps a session alive");
    clock.advance(Duration::minutes(61));
    let ended = me(&idle).await;
    assert_eq!((ended.status.as_u16(), ended.code()), (401, "session_expired"));

    let busy = login(&app, "ada@lab.example").await;
    for _ in 0..2 {
        clock.advance(Duration::minutes(59));
        assert_eq!(me(&busy).await.status, 200);
    }
    clock.advance(Duration::minutes(3));
    assert_eq!(me(&busy).await.status, 401, "no session outlives its absolute age");
    app.stop().await;
}

#[tokio::test]
async fn last_used_is_written_at_most_once_a_minute_and_the_purge_removes_ended_sessions() {
    let clock = Arc::new(ManualClock::new(start()));
    let app = TestApp::spawn_full(
        Mode::Demo,
        &[("SESSION_IDLE_TIMEOUT_SECONDS", "3600")],
        Some(clock.clone()),
    )
    .await;
    let (_, secret) = register(&app, "ada@lab.example", "Ada").await;
    let cred = Cred::Cookie(secret);
    let last_used = || async {
        let list = call(&app, Method::GET, "/api/me/sessions", &cred, None).await;
        list.body["data"][0]["last_used_at"].as_str().unwrap().to_string()
    };
    let first = last_used().await;
    clock.advance(Duration::seconds(59));
    assert_eq!(last_used().await, first, "no write within the minute");
    clock.advance(Duration::seconds(2));
    let second = last_used().await;
    assert_ne!(second, first);

    let other = login(&app, "ada@lab.example").await;
    let accounts = app.running.as_ref().unwrap().app().account_management().clone();
    assert_eq!(accounts.purge(clock.now_for_test()).await.unwrap(), (0, 0));
    clock.advance(Duration::minutes(61));
    assert_eq!(accounts.purge(clock.now_for_test()).await.unwrap().0, 2);
    assert_eq!(
        call(&app, Method::GET, "/api/me", &Cred::Cookie(other), None)
            .await
            .status,
        401
    );
    app.stop().await;
}

trait Now {
    fn now_for_test(&self) -> DateTime<Utc>;
}

impl Now for ManualClock {
    fn now_for_test(&self) -> DateTime<Utc> {
        nimbus::ports::Clock::now(self)
    }
}
