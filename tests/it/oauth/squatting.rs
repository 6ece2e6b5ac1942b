//! Email squatting: an address typed at sign-up is unproven until a provider proves it, so a
//! provider sign-in that meets an unproven account with its verified address is refused with
//! what to do, flagged for admins and audited; an admin can release the address (the provider
//! sign-in then makes the rightful account), or the owner signs in with the password and links.

use reqwest::Method;
use serde_json::{Value, json};

use super::app_with_providers;
use super::browse;
use super::provider::{Person, Provider};
use crate::accounts::{Cred, call, register};
use crate::helpers::TestApp;

/// The admin's view of one account in `GET /api/users`.
async fn listed(app: &TestApp, admin: &Cred, id: &str) -> Value {
    let users = call(app, Method::GET, "/api/users", admin, None).await;
    assert_eq!(users.status, 200, "{}", users.body);
    let all = users.body["data"].as_array().unwrap();
    all.iter()
        .find(|u| u["id"] == id)
        .cloned()
        .expect("the account is listed")
}

async fn audited(app: &TestApp, admin: &Cred, action: &str) -> Vec<Value> {
    let log = call(app, Method::GET, &format!("/api/audit?action={action}"), admin, None).await;
    assert_eq!(log.status, 200, "{}", log.body);
    log.body["data"]["entries"].as_array().cloned().unwrap_or_default()
}

#[tokio::test]
async fn a_squatted_address_is_refused_flagged_and_released_so_the_owner_gets_the_account() {
    let provider = Provider::start().await;
    let (app, admin) = app_with_providers(&provider, &[]).await;
    let admin = Cred::Cookie(admin);
    // Mallory registers Ada's address before Ada ever comes.
    let (squat_id, squatter) = register(&app, "ada@lab.example", "Not Ada").await;
    let squatter = Cred::Cookie(squatter);
    let before = listed(&app, &admin, &squat_id).await;
    assert_eq!(
        (&before["email_verified"], &before["email_conflict"]),
        (&json!(false), &json!(false))
    );

    // Ada signs in with Google, which vouches for the address.
    provider.as_person(Person::new("g-ada", "ada", "ada@lab.example"));
    let refused = browse(&app, "google", None, "").await;
    assert_eq!(refused.error().as_deref(), Some("email_unproven"));
    assert!(refused.session.is_none());
    let flagged = listed(&app, &admin, &squat_id).await;
    assert_eq!(flagged["email_conflict"], true, "{flagged}");
    let conflicts = audited(&app, &admin, "account.email_conflict").await;
    assert_eq!(conflicts.len(), 1, "{conflicts:?}");
    assert!(
        conflicts[0]["detail"].as_str().unwrap().contains("Google"),
        "{conflicts:?}"
    );

    // The admin releases the address: the squatter's sessions end and the address is free.
    let released = call(
        &app,
        Method::POST,
        &format!("/api/users/{squat_id}/release-email"),
        &admin,
        None,
    )
    .await;
    assert_eq!(released.status, 200, "{}", released.body);
    let placeholder = format!("released-{squat_id}@nimbus.invalid");
    assert_eq!(released.body["data"]["email"], placeholder.as_str());
    assert_eq!(released.body["data"]["email_conflict"], false);
    let me = call(&app, Method::GET, "/api/me", &squatter, None).await;
    assert_eq!(me.status, 401, "the squatter's session ended: {}", me.body);
    let old_password = call(
        &app,
        Method::POST,
        "/api/auth/login",
        &Cred::None,
        Some(json!({"email": "ada@lab.example", "password": crate::accounts::PASSWORD})),
    )
    .await;
    assert_eq!(old_password.status, 401, "{}", old_password.body);
    assert_eq!(audited(&app, &admin, "account.email_released").await.len(), 1);

    // Now Ada's Google sign-in makes her account, with the address proven.
    let ada = browse(&app, "google", None, "").await;
    let ada = Cred::Cookie(ada.session.clone().unwrap_or_else(|| panic!("signed in: {ada:?}")));
    let me = call(&app, Method::GET, "/api/me", &ada, None).await;
    assert_eq!(me.body["data"]["email"], "ada@lab.example");
    assert_ne!(me.body["data"]["id"], squat_id.as_str());
    let ada_row = listed(&app, &admin, me.body["data"]["id"].as_str().unwrap()).await;
    assert_eq!(ada_row["email_verified"], true, "{ada_row}");

    // The placeholder cannot be taken at sign-up, so it can never collide with a real account.
    let taken = call(
        &app,
        Method::POST,
        "/api/auth/register",
        &Cred::None,
        Some(json!({"email": "someone@nimbus.invalid", "name": "X", "password": crate::accounts::PASSWORD})),
    )
    .await;
    assert_eq!((taken.status.as_u16(), taken.code()), (400, "validation_failed"));
    assert_eq!(taken.body["field"], "email", "{}", taken.body);
    app.stop().await;
}

#[tokio::test]
async fn the_owner_of_an_unproven_address_signs_in_with_the_password_and_links_to_prove_it() {
    let provider = Provider::start().await;
    let (app, admin) = app_with_providers(&provider, &[]).await;
    let admin = Cred::Cookie(admin);
    let (ada_id, ada) = register(&app, "ada@lab.example", "Ada").await;

    provider.as_person(Person::new("77", "ada-gh", "ada@lab.example"));
    let refused = browse(&app, "github", None, "").await;
    assert_eq!(refused.error().as_deref(), Some("email_unproven"));
    assert_eq!(listed(&app, &admin, &ada_id).await["email_conflict"], true);

    let linked = browse(&app, "github", Some(&ada), "link=true").await;
    assert_eq!(linked.location, "/auth/callback?provider=github&result=linked&next=%2F");
    let row = listed(&app, &admin, &ada_id).await;
    assert_eq!(
        (&row["email_verified"], &row["email_conflict"]),
        (&json!(true), &json!(false)),
        "linking a provider that vouches for the address proves it: {row}"
    );
    let signed_in = browse(&app, "github", None, "").await;
    assert!(signed_in.session.is_some(), "{signed_in:?}");

    // Once proven, another provider identity with the address is told to sign in and link, as
    // before, and nothing is flagged.
    provider.as_person(Person::new("g-77", "ada", "ada@lab.example"));
    let other = browse(&app, "google", None, "").await;
    assert_eq!(other.error().as_deref(), Some("email_in_use"));
    assert_eq!(listed(&app, &admin, &ada_id).await["email_conflict"], false);
    app.stop().await;
}

#[tokio::test]
async fn an_admins_address_is_not_released_and_an_unknown_account_is_not_found() {
    let provider = Provider::start().await;
    let (app, admin_session) = app_with_providers(&provider, &[]).await;
    let admin = Cred::Cookie(admin_session.clone());
    let me = call(&app, Method::GET, "/api/me", &admin, None).await;
    let admin_id = me.body["data"]["id"].as_str().unwrap().to_string();
    let refused = call(
        &app,
        Method::POST,
        &format!("/api/users/{admin_id}/release-email"),
        &admin,
        None,
    )
    .await;
    assert_eq!(
        (refused.status.as_u16(), refused.code()),
        (409, "admin_email"),
        "{}",
        refused.body
    );
    assert!(
        refused.body["error"].as_str().unwrap().contains("member first"),
        "{}",
        refused.body
    );
    let missing = call(
        &app,
        Method::POST,
        "/api/users/00000000-0000-0000-0000-000000000000/release-email",
        &admin,
        None,
    )
    .await;
    assert_eq!(missing.status, 404, "{}", missing.body);
    app.stop().await;
}
