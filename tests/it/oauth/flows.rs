//! The OAuth cases the product promises: accounts by provider id, no account before the first
//! admin, no take-over by email (sign in and link instead), org and domain allow-lists, verified
//! emails only, state and PKCE, and the settings stored sealed.

use reqwest::Method;
use serde_json::json;

use super::provider::{CLIENT_SECRET, Person, Provider};
use super::{app_with_providers, browse};
use crate::accounts::{Cred, NO_LIMITS, PASSWORD, call, register};
use crate::helpers::TestApp;

#[tokio::test]
async fn a_github_sign_in_makes_a_member_found_again_by_provider_id() {
    let provider = Provider::start().await;
    let (app, _) = app_with_providers(&provider, &[]).await;
    let providers = call(&app, Method::GET, "/api/auth/providers", &Cred::None, None).await;
    assert_eq!(providers.body["data"], json!({"github": true, "google": true}));

    provider.as_person(Person::new("583231", "octocat", "octo@lab.example"));
    let first = browse(&app, "github", None, "next=%2Faccount").await;
    assert_eq!(
        first.location,
        "/auth/callback?provider=github&result=signed_in&next=%2Faccount"
    );
    let session = first.session.expect("a session");
    let me = call(&app, Method::GET, "/api/me", &Cred::Cookie(session), None).await;
    assert_eq!(
        (me.body["data"]["email"].as_str(), me.body["data"]["role"].as_str()),
        (Some("octo@lab.example"), Some("member"))
    );
    assert_eq!(me.body["data"]["name"], "octocat Person");
    assert!(
        !provider.last_scopes().contains(&"read:org".to_string()),
        "no org scope without an org list"
    );

    // The same GitHub id with a changed email is the same account.
    provider.as_person(Person::new("583231", "octocat", "renamed@lab.example"));
    let again = browse(&app, "github", None, "").await;
    let me2 = call(
        &app,
        Method::GET,
        "/api/me",
        &Cred::Cookie(again.session.unwrap()),
        None,
    )
    .await;
    assert_eq!(me2.body["data"]["id"], me.body["data"]["id"]);
    let identities = call(
        &app,
        Method::GET,
        "/api/me/identities",
        &Cred::Cookie(first_session(&app, &provider).await),
        None,
    )
    .await;
    assert_eq!(identities.body["data"][0]["provider"], "github");
    assert_eq!(identities.body["data"][0]["login"], "octocat");
    app.stop().await;
}

async fn first_session(app: &TestApp, provider: &Provider) -> String {
    provider.as_person(Person::new("583231", "octocat", "octo@lab.example"));
    browse(app, "github", None, "").await.session.unwrap()
}

#[tokio::test]
async fn no_account_is_made_before_the_first_admin_exists() {
    let provider = Provider::start().await;
    let env: Vec<(&str, String)> = provider.env();
    let mut pairs: Vec<(&str, &str)> = env.iter().map(|(k, v)| (*k, v.as_str())).collect();
    pairs.extend([
        ("GITHUB_CLIENT_ID", super::provider::CLIENT_ID),
        ("GITHUB_CLIENT_SECRET", CLIENT_SECRET),
    ]);
    let app = TestApp::spawn_with(nimbus::app::config::Mode::Demo, &pairs).await;
    provider.as_person(Person::new("1", "early", "early@lab.example"));
    let ended = browse(&app, "github", None, "").await;
    assert_eq!(ended.error().as_deref(), Some("no_admin_yet"));
    assert!(ended.session.is_none());
    let status = call(&app, Method::GET, "/api/auth/status", &Cred::None, None).await;
    assert_eq!(status.body["data"]["has_admin"], false, "nothing was created");
    app.stop().await;
}

#[tokio::test]
async fn an_email_of_an_existing_account_is_refused_until_the_owner_links_it() {
    let provider = Provider::start().await;
    let (app, _) = app_with_providers(&provider, &[]).await;
    let (_, ada) = register(&app, "ada@lab.example", "Ada").await;
    provider.as_person(Person::new("77", "ada-gh", "ada@lab.example"));
    let refused = browse(&app, "github", None, "").await;
    assert_eq!(
        refused.error().as_deref(),
        Some("email_unproven"),
        "an address typed at sign-up is not proven"
    );

    let linked = browse(&app, "github", Some(&ada), "link=true").await;
    assert_eq!(linked.location, "/auth/callback?provider=github&result=linked&next=%2F");
    let signed_in = browse(&app, "github", None, "").await;
    let me = call(
        &app,
        Method::GET,
        "/api/me",
        &Cred::Cookie(signed_in.session.unwrap()),
        None,
    )
    .await;
    assert_eq!(me.body["data"]["email"], "ada@lab.example");

    // The same GitHub identity cannot be linked to a second account.
    let (_, bob) = register(&app, "bob@lab.example", "Bob").await;
    let stolen = browse(&app, "github", Some(&bob), "link=true").await;
    assert_eq!(stolen.error().as_deref(), Some("identity_in_use"));
    let anonymous_link = browse(&app, "github", None, "link=true").await;
    assert_eq!(anonymous_link.error().as_deref(), Some("not_signed_in"));

    let ada = Cred::Cookie(ada);
    let unlinked = call(&app, Method::DELETE, "/api/me/identities/github", &ada, None).await;
    assert_eq!(unlinked.status, 200, "Ada still has her password");
    assert_eq!(
        call(&app, Method::DELETE, "/api/me/identities/github", &ada, None)
            .await
            .status,
        404
    );
    let log = call(
        &app,
        Method::GET,
        "/api/audit?action=identity.linked",
        &Cred::Cookie(crate::accounts::login(&app, "admin@lab.example").await),
        None,
    )
    .await;
    assert_eq!(log.body["data"]["entries"].as_array().unwrap().len(), 1);
    app.stop().await;
}

#[tokio::test]
async fn the_only_way_to_sign_in_cannot_be_unlinked() {
    let provider = Provider::start().await;
    let (app, _) = app_with_providers(&provider, &[]).await;
    provider.as_person(Person::new("9", "solo", "solo@lab.example"));
    let session = browse(&app, "github", None, "").await.session.unwrap();
    let solo = Cred::Cookie(session);
    let refused = call(&app, Method::DELETE, "/api/me/identities/github", &solo, None).await;
    assert_eq!((refused.status.as_u16(), refused.code()), (409, "last_sign_in_method"));

    // A first password needs no current one; afterwards the provider can go.
    let me = call(&app, Method::GET, "/api/me", &solo, None).await;
    assert_eq!(me.body["data"]["has_password"], false);
    let set = call(
        &app,
        Method::POST,
        "/api/me/password",
        &solo,
        Some(json!({"new_password": PASSWORD})),
    )
    .await;
    assert_eq!(set.status, 200, "{:?}", set.body);
    let solo = Cred::Cookie(set.session().unwrap());
    let unlinked = call(&app, Method::DELETE, "/api/me/identities/github", &solo, None).await;
    assert_eq!(unlinked.status, 200);
    crate::accounts::login(&app, "solo@lab.example").await;
    let again = call(
        &app,
        Method::POST,
        "/api/me/password",
        &solo,
        Some(json!({"new_password": "another good passphrase"})),
    )
    .await;
    assert_eq!(
        (again.status.as_u16(), again.body["field"].as_str()),
        (401, Some("current_password")),
        "now the current one is needed"
    );
    app.stop().await;
}

#[tokio::test]
async fn org_and_domain_lists_and_unverified_emails_are_enforced() {
    let provider = Provider::start().await;
    let (app, admin) = app_with_providers(&provider, &[]).await;
    let admin = Cred::Cookie(admin);
    let lists = json!({"github_orgs": ["Robotics-Club"], "google_domains": ["uni.example"]});
    let saved = call(&app, Method::PUT, "/api/settings/oauth", &admin, Some(lists)).await;
    assert_eq!(saved.body["data"]["github_orgs"], json!(["robotics-club"]));

    let mut outsider = Person::new("10", "outsider", "out@lab.example");
    outsider.orgs = vec!["chess".into()];
    provider.as_person(outsider);
    assert_eq!(
        browse(&app, "github", None, "").await.error().as_deref(),
        Some("org_not_allowed")
    );
    assert!(
        provider.last_scopes().contains(&"read:org".to_string()),
        "orgs are asked for when a list is set"
    );
    let mut member = Person::new("11", "roboticist", "robo@lab.example");
    member.orgs = vec!["robotics-club".into()];
    provider.as_person(member);
    assert!(browse(&app, "github", None, "").await.session.is_some());

    provider.as_person(Person::new("g-1", "x", "someone@gmail.example"));
    assert_eq!(
        browse(&app, "google", None, "").await.error().as_deref(),
        Some("domain_not_allowed")
    );
    let mut unverified = Person::new("g-2", "x", "student@uni.example");
    unverified.verified = false;
    provider.as_person(unverified);
    assert_eq!(
        browse(&app, "google", None, "").await.error().as_deref(),
        Some("email_not_verified")
    );
    // A personal Google account with an address at the domain: verified, but no `hd` claim.
    provider.as_person(Person::new("g-4", "x", "alumnus@uni.example"));
    assert_eq!(
        browse(&app, "google", None, "").await.error().as_deref(),
        Some("domain_not_allowed")
    );
    let mut student = Person::new("g-3", "x", "student@uni.example");
    student.hd = Some("uni.example".into());
    provider.as_person(student);
    let ok = browse(&app, "google", None, "").await;
    assert!(ok.session.is_some(), "{ok:?}");
    app.stop().await;
}

#[tokio::test]
async fn a_forged_state_a_denial_and_a_replayed_code_are_refused() {
    let provider = Provider::start().await;
    let (app, _) = app_with_providers(&provider, &[]).await;
    provider.as_person(Person::new("5", "eve", "eve@lab.example"));

    // The callback without the browser's state cookie (another browser, or a forged link).
    let start = app.http.get(app.url("/api/auth/github")).send().await.unwrap();
    let to_provider = start.headers()["location"].to_str().unwrap().to_string();
    let approved = app.http.get(&to_provider).send().await.unwrap();
    let back = approved.headers()["location"].to_str().unwrap().to_string();
    let forged = app
        .http
        .get(&back)
        .header("cookie", "nimbus_oauth=someone-else")
        .send()
        .await
        .unwrap();
    assert!(
        forged.headers()["location"]
            .to_str()
            .unwrap()
            .ends_with("error=invalid_state&next=%2F")
    );

    provider.deny();
    assert_eq!(
        browse(&app, "github", None, "").await.error().as_deref(),
        Some("access_denied")
    );

    // The real browser comes back twice with the same code: the second is refused.
    provider.as_person(Person::new("5", "eve", "eve@lab.example"));
    let start = app.http.get(app.url("/api/auth/github")).send().await.unwrap();
    let cookie = start.headers()["set-cookie"]
        .to_str()
        .unwrap()
        .split(';')
        .next()
        .unwrap()
        .to_string();
    let to_provider = start.headers()["location"].to_str().unwrap().to_string();
    let back = app.http.get(&to_provider).send().await.unwrap().headers()["location"]
        .to_str()
        .unwrap()
        .to_string();
    let first = app.http.get(&back).header("cookie", &cookie).send().await.unwrap();
    assert!(
        first.headers()["location"]
            .to_str()
            .unwrap()
            .contains("result=signed_in")
    );
    let replay = app.http.get(&back).header("cookie", &cookie).send().await.unwrap();
    assert!(
        replay.headers()["location"]
            .to_str()
            .unwrap()
            .contains("error=invalid_state")
    );
    app.stop().await;
}

#[tokio::test]
async fn client_secrets_are_stored_sealed_and_never_shown() {
    let provider = Provider::start().await;
    let (app, admin) = app_with_providers(&provider, &[]).await;
    let settings = call(
        &app,
        Method::GET,
        "/api/settings/oauth",
        &Cred::Cookie(admin.clone()),
        None,
    )
    .await;
    assert_eq!(settings.body["data"]["github_configured"], true);
    assert!(!settings.body.to_string().contains(CLIENT_SECRET));
    let keep = call(
        &app,
        Method::PUT,
        "/api/settings/oauth",
        &Cred::Cookie(admin),
        Some(json!({"github_client_secret": ""})),
    )
    .await;
    assert_eq!(
        keep.body["data"]["github_configured"], true,
        "an empty secret keeps the stored one"
    );

    let db = app.dir.path().join("nimbus.db");
    let mut bytes = std::fs::read(&db).unwrap();
    if let Ok(wal) = std::fs::read(db.with_extension("db-wal")) {
        bytes.extend(wal);
    }
    let has = |needle: &str| bytes.windows(needle.len()).any(|w| w == needle.as_bytes());
    assert!(has(super::provider::CLIENT_ID), "the scan finds the (public) client id");
    assert!(!has(CLIENT_SECRET), "the client secret is never stored in clear");
    let _ = (NO_LIMITS, PASSWORD);
    app.stop().await;
}

#[tokio::test]
async fn no_provider_account_is_made_while_sign_ups_are_closed() {
    let provider = Provider::start().await;
    let (app, admin) = app_with_providers(&provider, &[]).await;
    call(
        &app,
        Method::PUT,
        "/api/settings/signups",
        &Cred::Cookie(admin),
        Some(json!({"open": false})),
    )
    .await;
    provider.as_person(Person::new("31", "latecomer", "late@lab.example"));
    let ended = browse(&app, "github", None, "").await;
    assert_eq!(ended.error().as_deref(), Some("signups_closed"));
    assert!(ended.session.is_none());
    app.stop().await;
}
