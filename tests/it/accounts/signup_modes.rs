//! Who may sign up, three ways: `open`, `access_code` (anyone signs up and meets the gate, or
//! types the code at sign-up) and `invite_only`; an invitation lets its holder in under each.

use nimbus::app::config::Mode;
use reqwest::Method;
use serde_json::json;

use super::invitations::{invite, set_mode, sign_up, with_admin};
use super::{Cred, NO_LIMITS, PASSWORD, call};
use crate::helpers::TestApp;

#[tokio::test]
async fn an_invitation_lets_a_person_in_when_sign_ups_are_invite_only_or_need_the_access_code() {
    let app = TestApp::spawn_with(Mode::Demo, NO_LIMITS).await;
    let admin = with_admin(&app).await;
    set_mode(&app, &admin, "invite_only").await;
    let closed = sign_up(&app, "stranger@lab.example", None).await;
    assert_eq!((closed.status.as_u16(), closed.code()), (403, "signups_closed"));
    let status = call(&app, Method::GET, "/api/auth/status", &Cred::None, None).await;
    assert_eq!(status.body["data"]["signup_mode"], "invite_only");
    assert_eq!(status.body["data"]["signups_open"], false);
    let made = invite(&app, &admin, json!({})).await;
    let joined = sign_up(&app, "invited@lab.example", made["token"].as_str()).await;
    assert_eq!(joined.status, 201, "{}", joined.body);

    set_mode(&app, &admin, "access_code").await;
    let settings = call(&app, Method::GET, "/api/settings/access-code", &admin, None).await;
    assert_eq!(settings.body["data"]["enabled"], true, "the gate follows the mode");
    let code = settings.body["data"]["code"].as_str().unwrap().to_string();
    let walk_in = sign_up(&app, "walk-in@lab.example", None).await;
    assert_eq!(walk_in.status, 201, "anyone may sign up, then meets the gate");
    let held = Cred::Cookie(walk_in.session().unwrap());
    let tokens = call(&app, Method::GET, "/api/tokens", &held, None).await;
    assert_eq!(tokens.code(), "access_code_required");
    let with_code = call(
        &app,
        Method::POST,
        "/api/auth/register",
        &Cred::None,
        Some(json!({"email": "coded@lab.example", "name": "Coded", "password": PASSWORD, "access_code": code})),
    )
    .await;
    assert_eq!(with_code.status, 201, "{}", with_code.body);
    let coded = Cred::Cookie(with_code.session().unwrap());
    assert_eq!(call(&app, Method::GET, "/api/tokens", &coded, None).await.status, 200);
    let wrong_code = call(
        &app,
        Method::POST,
        "/api/auth/register",
        &Cred::None,
        Some(json!({"email": "wrong@lab.example", "name": "W", "password": PASSWORD, "access_code": "00000000"})),
    )
    .await;
    assert_eq!(
        (wrong_code.status.as_u16(), wrong_code.body["field"].as_str()),
        (400, Some("access_code"))
    );

    let made = invite(&app, &admin, json!({})).await;
    let invited = sign_up(&app, "guest@lab.example", made["token"].as_str()).await;
    assert_eq!(invited.status, 201, "{}", invited.body);
    let guest = Cred::Cookie(invited.session().unwrap());
    assert_eq!(
        call(&app, Method::GET, "/api/tokens", &guest, None).await.status,
        200,
        "the invitation replaces the access code"
    );
    app.stop().await;
}
