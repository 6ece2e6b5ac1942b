//! Sign-in limits count failures, not attempts: per (account, address), per address and, looser,
//! per account; so an attacker guessing one account's password from one address is stopped
//! without locking its owner out, and a class signing in at once is never refused.

use nimbus::app::config::Mode;
use reqwest::StatusCode;
use serde_json::json;

use super::{Cred, PASSWORD, call};
use crate::helpers::TestApp;

/// The sign-ins below come through a trusted proxy, so each names its client address (`nimbus
/// serve`: the demo takes no proxies).
const BEHIND_PROXY: &[(&str, &str)] = &[("TRUSTED_PROXIES", "127.0.0.1")];

/// `nimbus serve` with `env`, and Ada as its first admin.
async fn serve_with_admin(env: &[(&str, &str)]) -> TestApp {
    let app = TestApp::spawn_with(Mode::Serve, env).await;
    let token = app.running.as_ref().unwrap().app().setup_token.clone().unwrap();
    let body = json!({"email": "ada@lab.example", "name": "Ada", "password": PASSWORD, "setup_token": token});
    let admin = call(
        &app,
        reqwest::Method::POST,
        "/api/auth/register",
        &Cred::None,
        Some(body),
    )
    .await;
    assert_eq!(admin.status, 201, "{:?}", admin.body);
    app
}

async fn sign_in(app: &TestApp, from: &str, email: &str, password: &str) -> reqwest::Response {
    app.http
        .post(app.url("/api/auth/login"))
        .header("x-forwarded-for", from)
        .json(&json!({"email": email, "password": password}))
        .send()
        .await
        .expect("request")
}

#[tokio::test]
async fn an_attacker_guessing_the_admins_password_does_not_lock_the_admin_out() {
    let app = serve_with_admin(BEHIND_PROXY).await;
    let mut refused = 0;
    for n in 0..40 {
        let guess = sign_in(&app, "198.51.100.7", "ada@lab.example", &format!("guess number {n}")).await;
        match guess.status() {
            StatusCode::UNAUTHORIZED => {}
            StatusCode::TOO_MANY_REQUESTS => refused += 1,
            other => panic!("guess {n}: {other}"),
        }
    }
    assert!(refused > 0, "the attacker's address is stopped");
    let admin = sign_in(&app, "203.0.113.9", "ada@lab.example", PASSWORD).await;
    assert_eq!(admin.status(), 200, "the admin signs in from another address");
    let again = sign_in(&app, "198.51.100.7", "ada@lab.example", "one more guess").await;
    assert_eq!(again.status(), 429, "the attacker is still stopped");
    app.stop().await;
}

#[tokio::test]
async fn successful_sign_ins_are_never_counted_against_a_limit() {
    let app = serve_with_admin(BEHIND_PROXY).await;
    for n in 0..40 {
        let ok = sign_in(&app, "198.51.100.7", "ada@lab.example", PASSWORD).await;
        assert_eq!(ok.status(), 200, "sign-in {n}");
    }
    app.stop().await;
}

#[tokio::test]
async fn an_ipv6_client_is_limited_by_its_64_whatever_address_it_takes() {
    let env = [("TRUSTED_PROXIES", "127.0.0.1"), ("RATE_LIMIT_SIGNIN_PER_IP", "3/1h")];
    let app = serve_with_admin(&env).await;
    for n in 1..=3 {
        let from = format!("2001:db8:7:9::{n:x}");
        let guess = sign_in(&app, &from, &format!("user{n}@lab.example"), "wrong wrong wrong").await;
        assert_eq!(guess.status(), 401);
    }
    let same_64 = sign_in(&app, "2001:db8:7:9:ffff::1", "new@lab.example", "wrong wrong wrong").await;
    assert_eq!(same_64.status(), 429, "another address of the same /64");
    let next_64 = sign_in(&app, "2001:db8:7:a::1", "new@lab.example", "wrong wrong wrong").await;
    assert_eq!(next_64.status(), 401, "the neighbouring /64 is someone else");
    app.stop().await;
}
