//! Password hashing is bounded: as many hashes at once as cores, a bounded number waiting (each
//! for a bounded time), 503 with `Retry-After` beyond that; so a class signing in at once gets
//! in, and a flood cannot take every blocking thread.

use std::time::Duration;

use nimbus::app::config::Mode;
use reqwest::Method;
use serde_json::json;

use super::{Cred, NO_LIMITS, PASSWORD, call, register};
use crate::helpers::TestApp;

fn sign_in_body() -> serde_json::Value {
    json!({"email": "ada@lab.example", "password": PASSWORD})
}

#[tokio::test]
async fn a_class_of_thirty_signing_in_at_once_all_get_in() {
    // The wait is long here so a slow shared machine cannot fail the test: it proves the room
    // for waiting, not the speed of Argon2.
    let mut env = NO_LIMITS.to_vec();
    env.push(("PASSWORD_HASH_WAIT_SECONDS", "300"));
    let app = TestApp::spawn_with(Mode::Demo, &env).await;
    register(&app, "ada@lab.example", "Ada").await;
    let class = (0..30).map(|_| call(&app, Method::POST, "/api/auth/login", &Cred::None, Some(sign_in_body())));
    for (n, answer) in super::signup::futures_join_all(class).await.into_iter().enumerate() {
        assert_eq!(answer.status, 200, "student {n}: {:?}", answer.body);
    }
    app.stop().await;
}

#[tokio::test]
async fn beyond_the_hashing_room_a_sign_in_is_answered_503_with_retry_after() {
    let mut env = NO_LIMITS.to_vec();
    env.extend([
        ("PASSWORD_HASH_CONCURRENCY", "1"),
        ("PASSWORD_HASH_QUEUE", "0"),
        ("PASSWORD_HASH_WAIT_SECONDS", "7"),
    ]);
    let app = TestApp::spawn_with(Mode::Demo, &env).await;
    register(&app, "ada@lab.example", "Ada").await;
    let gate = app.running.as_ref().unwrap().app().accounts().hashing();
    let (release, held) = std::sync::mpsc::channel::<()>();
    let holder = tokio::spawn({
        let gate = gate.clone();
        async move { gate.run(move || held.recv().is_ok()).await }
    });
    for _ in 0..500 {
        if gate.running() == 1 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    assert_eq!(gate.running(), 1, "the only hashing slot is taken");

    let refused = call(&app, Method::POST, "/api/auth/login", &Cred::None, Some(sign_in_body())).await;
    assert_eq!(
        (refused.status.as_u16(), refused.code()),
        (503, "busy"),
        "{:?}",
        refused.body
    );
    assert_eq!(refused.headers["retry-after"], "7");
    assert!(
        refused.body["error"].as_str().unwrap().contains("7 seconds"),
        "{:?}",
        refused.body
    );

    release.send(()).unwrap();
    assert_eq!(holder.await.unwrap(), Ok(true));
    let ok = call(&app, Method::POST, "/api/auth/login", &Cred::None, Some(sign_in_body())).await;
    assert_eq!(ok.status, 200);
    app.stop().await;
}
