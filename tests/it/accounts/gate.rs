//! The access-code gate over HTTP: off by default; when on, members enter the current code
//! before anything but their account basics works; rotation and re-require; attempt limits;
//! the state survives a restart.

use nimbus::app::config::Mode;
use reqwest::Method;
use serde_json::json;

use super::{Cred, NO_LIMITS, call, register};
use crate::helpers::TestApp;

async fn code_of(app: &TestApp, admin: &Cred) -> (String, i64) {
    let settings = call(app, Method::GET, "/api/settings/access-code", admin, None).await;
    let data = &settings.body["data"];
    (
        data["code"].as_str().unwrap().to_string(),
        data["version"].as_i64().unwrap(),
    )
}

#[tokio::test]
async fn members_enter_the_current_code_once_the_gate_is_on() {
    let app = TestApp::spawn_with(Mode::Demo, NO_LIMITS).await;
    let (_, admin) = register(&app, "ada@lab.example", "Ada").await;
    let (_, member) = register(&app, "bob@lab.example", "Bob").await;
    let (admin, member) = (Cred::Cookie(admin), Cred::Cookie(member));
    let tokens = || call(&app, Method::GET, "/api/tokens", &member, None);
    assert_eq!(tokens().await.status, 200, "the gate is off by default");

    let on = call(
        &app,
        Method::PUT,
        "/api/settings/access-code",
        &admin,
        Some(json!({"enabled": true})),
    )
    .await;
    assert_eq!(on.body["data"]["enabled"], true);
    let (code, version) = code_of(&app, &admin).await;
    assert!(code.len() == 8 && code.chars().all(|c| c.is_ascii_digit()), "{code}");

    let blocked = tokens().await;
    assert_eq!((blocked.status.as_u16(), blocked.code()), (403, "access_code_required"));
    assert_eq!(
        call(&app, Method::GET, "/api/me", &member, None).await.status,
        200,
        "own basics still work"
    );
    let status = call(&app, Method::GET, "/api/auth/status", &member, None).await;
    assert_eq!(status.body["data"]["access_code_required"], true);
    assert_eq!(
        call(&app, Method::GET, "/api/tokens", &admin, None).await.status,
        200,
        "admins always pass"
    );

    let verify = |typed: String| {
        call(
            &app,
            Method::POST,
            "/api/access-code/verify",
            &member,
            Some(json!({"code": typed})),
        )
    };
    let wrong = verify("00000000".into()).await;
    assert_eq!(
        (wrong.status.as_u16(), wrong.code(), wrong.body["field"].as_str()),
        (400, "access_code_invalid", Some("code"))
    );
    assert_eq!(verify(format!(" {} ", &code)).await.status, 200);
    assert_eq!(tokens().await.status, 200);

    let bumped = call(&app, Method::POST, "/api/settings/access-code/bump", &admin, None).await;
    assert_eq!(bumped.body["data"]["version"], version + 1);
    assert_eq!(bumped.body["data"]["code"], code.as_str(), "a bump keeps the code");
    assert_eq!(
        tokens().await.code(),
        "access_code_required",
        "a bump stales every entry"
    );
    assert_eq!(verify(code.clone()).await.status, 200);

    let rotated = call(&app, Method::POST, "/api/settings/access-code/rotate", &admin, None).await;
    let fresh = rotated.body["data"]["code"].as_str().unwrap().to_string();
    assert_ne!(fresh, code);
    assert_eq!(verify(code).await.status, 400, "the old code no longer works");
    assert_eq!(verify(fresh).await.status, 200);

    let audit = call(&app, Method::GET, "/api/audit?action=access_code.failed", &admin, None).await;
    assert_eq!(audit.body["data"]["entries"].as_array().unwrap().len(), 2);
    let off = call(
        &app,
        Method::PUT,
        "/api/settings/access-code",
        &admin,
        Some(json!({"enabled": false})),
    )
    .await;
    assert_eq!(off.body["data"]["enabled"], false);
    app.stop().await;
}

#[tokio::test]
async fn attempts_are_limited_and_the_gate_survives_a_restart() {
    let app = TestApp::spawn_with(Mode::Demo, &[("RATE_LIMIT_ACCESS_CODE_PER_ACCOUNT", "2/1h")]).await;
    let (_, admin) = register(&app, "ada@lab.example", "Ada").await;
    let (_, member) = register(&app, "bob@lab.example", "Bob").await;
    let (admin, member) = (Cred::Cookie(admin), Cred::Cookie(member));
    call(
        &app,
        Method::PUT,
        "/api/settings/access-code",
        &admin,
        Some(json!({"enabled": true})),
    )
    .await;
    let (code, version) = code_of(&app, &admin).await;
    for _ in 0..2 {
        let wrong = call(
            &app,
            Method::POST,
            "/api/access-code/verify",
            &member,
            Some(json!({"code": "1"})),
        )
        .await;
        assert_eq!(wrong.status, 400);
    }
    let limited = call(
        &app,
        Method::POST,
        "/api/access-code/verify",
        &member,
        Some(json!({"code": code})),
    )
    .await;
    assert_eq!((limited.status.as_u16(), limited.code()), (429, "rate_limited"));

    let dir = app.dir.path().to_path_buf();
    let TestApp { running, dir: keep, .. } = app;
    running.unwrap().stop().await.unwrap();
    let app = TestApp::spawn_with(Mode::Demo, &[("NIMBUS_DATA_DIR", dir.to_str().unwrap()), NO_LIMITS[0]]).await;
    let admin = Cred::Cookie(super::login(&app, "ada@lab.example").await);
    assert_eq!(
        code_of(&app, &admin).await,
        (code, version),
        "same code and version after a restart"
    );
    let member = Cred::Cookie(super::login(&app, "bob@lab.example").await);
    assert_eq!(
        call(&app, Method::GET, "/api/tokens", &member, None).await.code(),
        "access_code_required"
    );
    app.stop().await;
    drop(keep);
}
