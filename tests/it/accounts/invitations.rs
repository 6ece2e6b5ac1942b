//! Invitations over HTTP: an admin invites, the link's token lets one person register (even when
//! sign-ups are invite-only or need the access code), with the invited role; used, expired,
//! revoked and wrong-address invitations are refused naming `invite`; two sign-ups racing for one
//! invitation make one account; members cannot invite; every step is audited.

use std::sync::Arc;

use chrono::{DateTime, Duration, Utc};
use nimbus::adapters::clock::ManualClock;
use nimbus::app::config::Mode;
use reqwest::Method;
use serde_json::{Value, json};

use super::{Cred, NO_LIMITS, PASSWORD, call, register};
use crate::helpers::TestApp;

/// An app with an admin; returns the admin's credentials.
pub(super) async fn with_admin(app: &TestApp) -> Cred {
    let (_, admin) = register(app, "ada@lab.example", "Ada").await;
    Cred::Cookie(admin)
}

/// Creates an invitation and returns the whole answer's data (invitation, token, link).
pub(super) async fn invite(app: &TestApp, admin: &Cred, body: Value) -> Value {
    let made = call(app, Method::POST, "/api/users/invitations", admin, Some(body)).await;
    assert_eq!(made.status, 201, "{}", made.body);
    made.body["data"].clone()
}

pub(super) async fn sign_up(app: &TestApp, email: &str, invite: Option<&str>) -> super::Answer {
    let mut body = json!({"email": email, "name": "Invited", "password": PASSWORD});
    if let Some(token) = invite {
        body["invite"] = json!(token);
    }
    call(app, Method::POST, "/api/auth/register", &Cred::None, Some(body)).await
}

pub(super) async fn set_mode(app: &TestApp, admin: &Cred, mode: &str) {
    let set = call(
        app,
        Method::PUT,
        "/api/settings/signups",
        admin,
        Some(json!({"mode": mode})),
    )
    .await;
    assert_eq!(set.status, 200, "{}", set.body);
    assert_eq!(set.body["data"]["mode"], mode);
}

async fn states(app: &TestApp, admin: &Cred) -> Vec<String> {
    let list = call(app, Method::GET, "/api/users/invitations", admin, None).await;
    assert_eq!(list.status, 200, "{}", list.body);
    list.body["data"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["state"].as_str().unwrap().to_string())
        .collect()
}

#[tokio::test]
async fn an_invitation_makes_one_account_with_its_role_and_is_then_used() {
    let app = TestApp::spawn_with(Mode::Demo, NO_LIMITS).await;
    let admin = with_admin(&app).await;
    let made = invite(&app, &admin, json!({"role": "admin"})).await;
    let token = made["token"].as_str().unwrap();
    assert!(
        made["link"]
            .as_str()
            .unwrap()
            .ends_with(&format!("/signup?invite={token}")),
        "{made}"
    );
    assert_eq!(made["invitation"]["state"], "pending");
    assert_eq!(made["invitation"]["role"], "admin");
    let listed = call(&app, Method::GET, "/api/users/invitations", &admin, None).await;
    assert!(
        !listed.body.to_string().contains(token),
        "the token is shown once, never listed: {}",
        listed.body
    );

    let check = call(
        &app,
        Method::GET,
        &format!("/api/auth/invitations/{token}"),
        &Cred::None,
        None,
    )
    .await;
    assert_eq!(check.status, 200, "{}", check.body);
    assert_eq!(check.body["data"]["state"], "pending");
    assert_eq!(check.body["data"]["role"], "admin");
    assert!(check.body["data"]["expires_at"].is_string());

    let joined = sign_up(&app, "grace@lab.example", Some(token)).await;
    assert_eq!(joined.status, 201, "{}", joined.body);
    assert_eq!(joined.body["data"]["role"], "admin", "the invited role");
    assert_eq!(states(&app, &admin).await, ["used"]);
    let listed = call(&app, Method::GET, "/api/users/invitations", &admin, None).await;
    assert_eq!(listed.body["data"][0]["used_by"], joined.body["data"]["id"]);

    let again = sign_up(&app, "eve@lab.example", Some(token)).await;
    assert_eq!(
        (again.status.as_u16(), again.code(), again.body["field"].as_str()),
        (400, "invite_used", Some("invite")),
        "{}",
        again.body
    );
    assert!(
        again.body["error"]
            .as_str()
            .unwrap()
            .contains("ask your admin for a new invitation")
    );
    let check = call(
        &app,
        Method::GET,
        &format!("/api/auth/invitations/{token}"),
        &Cred::None,
        None,
    )
    .await;
    assert_eq!(check.body["data"]["state"], "used");
    let unknown = call(
        &app,
        Method::GET,
        "/api/auth/invitations/not-a-token",
        &Cred::None,
        None,
    )
    .await;
    assert_eq!((unknown.status.as_u16(), unknown.code()), (404, "invite_not_found"));
    app.stop().await;
}

#[tokio::test]
async fn an_invitation_expires_after_its_days() {
    let start = DateTime::<Utc>::from_timestamp(1_800_000_000, 0).unwrap();
    let clock = Arc::new(ManualClock::new(start));
    let app = TestApp::spawn_full(Mode::Demo, NO_LIMITS, Some(clock.clone())).await;
    let admin = with_admin(&app).await;
    let week = invite(&app, &admin, json!({})).await;
    let day = invite(&app, &admin, json!({"expires_in_days": 1})).await;
    let expires =
        |made: &Value| DateTime::parse_from_rfc3339(made["invitation"]["expires_at"].as_str().unwrap()).unwrap();
    assert_eq!(expires(&week), start + Duration::days(7), "seven days by default");
    assert_eq!(expires(&day), start + Duration::days(1));
    let wrong = call(
        &app,
        Method::POST,
        "/api/users/invitations",
        &admin,
        Some(json!({"expires_in_days": 400})),
    )
    .await;
    assert_eq!(
        (wrong.status.as_u16(), wrong.body["field"].as_str()),
        (400, Some("expires_in_days"))
    );

    clock.advance(Duration::days(1) + Duration::seconds(1));
    let late = sign_up(&app, "late@lab.example", day["token"].as_str()).await;
    assert_eq!(
        (late.status.as_u16(), late.code(), late.body["field"].as_str()),
        (400, "invite_expired", Some("invite")),
        "{}",
        late.body
    );
    let check = call(
        &app,
        Method::GET,
        &format!("/api/auth/invitations/{}", day["token"].as_str().unwrap()),
        &Cred::None,
        None,
    )
    .await;
    assert_eq!(check.body["data"]["state"], "expired");
    let mut seen = states(&app, &admin).await;
    seen.sort();
    assert_eq!(seen, ["expired", "pending"]);
    let on_time = sign_up(&app, "on-time@lab.example", week["token"].as_str()).await;
    assert_eq!(on_time.status, 201, "{}", on_time.body);
    app.stop().await;
}

#[tokio::test]
async fn a_revoked_invitation_is_refused_and_only_a_pending_one_can_be_revoked() {
    let app = TestApp::spawn_with(Mode::Demo, NO_LIMITS).await;
    let admin = with_admin(&app).await;
    let made = invite(&app, &admin, json!({})).await;
    let id = made["invitation"]["id"].as_str().unwrap();
    let (app, admin) = (&app, &admin);
    let revoke = |id: String| async move {
        call(
            app,
            Method::POST,
            &format!("/api/users/invitations/{id}/revoke"),
            admin,
            None,
        )
        .await
    };
    let revoked = revoke(id.to_string()).await;
    assert_eq!(revoked.status, 200, "{}", revoked.body);
    assert_eq!(revoked.body["data"]["state"], "revoked");
    let twice = revoke(id.to_string()).await;
    assert_eq!((twice.status.as_u16(), twice.code()), (409, "invitation_not_pending"));
    let missing = revoke(uuid::Uuid::new_v4().to_string()).await;
    assert_eq!(missing.status, 404);

    let refused = sign_up(app, "late@lab.example", made["token"].as_str()).await;
    assert_eq!(
        (refused.status.as_u16(), refused.code(), refused.body["field"].as_str()),
        (400, "invite_revoked", Some("invite"))
    );
}

#[tokio::test]
async fn an_invitation_for_an_address_refuses_any_other() {
    let app = TestApp::spawn_with(Mode::Demo, NO_LIMITS).await;
    let admin = with_admin(&app).await;
    set_mode(&app, &admin, "invite_only").await;
    let made = invite(&app, &admin, json!({"email": "Grace@Lab.Example"})).await;
    assert_eq!(made["invitation"]["email"], "grace@lab.example");
    let check = call(
        &app,
        Method::GET,
        &format!("/api/auth/invitations/{}", made["token"].as_str().unwrap()),
        &Cred::None,
        None,
    )
    .await;
    assert_eq!(check.body["data"]["email_bound"], true);
    assert!(
        !check.body.to_string().contains("grace@"),
        "the public check reveals no address: {}",
        check.body
    );
    let other = sign_up(&app, "eve@lab.example", made["token"].as_str()).await;
    assert_eq!(
        (other.status.as_u16(), other.code(), other.body["field"].as_str()),
        (400, "invite_wrong_email", Some("invite")),
        "{}",
        other.body
    );
    let right = sign_up(&app, "grace@lab.example", made["token"].as_str()).await;
    assert_eq!(right.status, 201, "{}", right.body);
    assert_eq!(right.body["data"]["role"], "member");
    app.stop().await;
}

#[tokio::test]
async fn two_sign_ups_racing_for_one_invitation_make_exactly_one_account() {
    let app = TestApp::spawn_with(Mode::Demo, NO_LIMITS).await;
    let admin = with_admin(&app).await;
    set_mode(&app, &admin, "invite_only").await;
    for round in 0..3 {
        let made = invite(&app, &admin, json!({})).await;
        let token = made["token"].as_str().unwrap();
        let (first, second) = (format!("a{round}@lab.example"), format!("b{round}@lab.example"));
        let (a, b) = tokio::join!(sign_up(&app, &first, Some(token)), sign_up(&app, &second, Some(token)));
        let mut statuses = [a.status.as_u16(), b.status.as_u16()];
        statuses.sort();
        assert_eq!(statuses, [201, 400], "{} / {}", a.body, b.body);
        let loser = if a.status == 400 { &a } else { &b };
        assert_eq!(loser.code(), "invite_used", "{}", loser.body);
    }
    let users = call(&app, Method::GET, "/api/users", &admin, None).await;
    assert_eq!(users.body["data"].as_array().unwrap().len(), 1 + 3);
    app.stop().await;
}

#[tokio::test]
async fn members_cannot_invite_list_or_revoke() {
    let app = TestApp::spawn_with(Mode::Demo, NO_LIMITS).await;
    let admin = with_admin(&app).await;
    let made = invite(&app, &admin, json!({})).await;
    let (_, member) = register(&app, "bob@lab.example", "Bob").await;
    let member = Cred::Cookie(member);
    let create = call(&app, Method::POST, "/api/users/invitations", &member, Some(json!({}))).await;
    assert_eq!(create.status, 403, "{}", create.body);
    assert_eq!(
        call(&app, Method::GET, "/api/users/invitations", &member, None)
            .await
            .status,
        403
    );
    let id = made["invitation"]["id"].as_str().unwrap();
    let revoke = call(
        &app,
        Method::POST,
        &format!("/api/users/invitations/{id}/revoke"),
        &member,
        None,
    )
    .await;
    assert_eq!(revoke.status, 403);
    assert_eq!(states(&app, &admin).await, ["pending"]);
    app.stop().await;
}

#[tokio::test]
async fn creating_revoking_and_redeeming_an_invitation_are_audited() {
    let app = TestApp::spawn_with(Mode::Demo, NO_LIMITS).await;
    let admin = with_admin(&app).await;
    let kept = invite(&app, &admin, json!({"email": "grace@lab.example"})).await;
    let dropped = invite(&app, &admin, json!({"role": "admin"})).await;
    let id = dropped["invitation"]["id"].as_str().unwrap();
    let revoke = call(
        &app,
        Method::POST,
        &format!("/api/users/invitations/{id}/revoke"),
        &admin,
        None,
    )
    .await;
    assert_eq!(revoke.status, 200);
    let joined = sign_up(&app, "grace@lab.example", kept["token"].as_str()).await;
    assert_eq!(joined.status, 201, "{}", joined.body);

    let log = call(&app, Method::GET, "/api/audit", &admin, None).await;
    let entries = log.body["data"]["entries"].as_array().unwrap();
    let actions: Vec<&str> = entries.iter().map(|e| e["action"].as_str().unwrap()).collect();
    assert_eq!(
        actions[..5],
        [
            "invitation.redeemed",
            "account.created",
            "invitation.revoked",
            "invitation.created",
            "invitation.created"
        ],
        "{}",
        log.body
    );
    assert!(
        !log.body.to_string().contains(kept["token"].as_str().unwrap()),
        "no token in the log"
    );
    app.stop().await;
}
