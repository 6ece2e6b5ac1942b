//! Admin → Settings → Gopher over real HTTP, against the Gopher simulator's HTTP face on
//! loopback: seeded from the environment, updated and cleared live (the catalog follows without a
//! restart), the key never returned, and connection tests that say what Gopher answered.

use std::net::SocketAddr;
use std::sync::Arc;

use nimbus::adapters::clock::SystemClock;
use nimbus::adapters::gopher::sim::{GopherFault, GopherHttpFace, SimGopher};
use nimbus::app::config::Mode;
use reqwest::Method;
use serde_json::json;

use crate::accounts::{Cred, NO_LIMITS, PASSWORD, call, register};
use crate::helpers::TestApp;
use crate::proxmox_trust::UNREACHED_CLUSTER;

const KEY: &str = "0123456789abcdef0123456789abcdef";

async fn gopher() -> GopherHttpFace {
    let sim = SimGopher::new(KEY, "gopher.test", Arc::new(SystemClock));
    GopherHttpFace::start(sim, SocketAddr::from(([127, 0, 0, 1], 0)))
        .await
        .expect("the simulated gateway starts")
}

/// `nimbus serve` seeded from the environment with the gateway at `url` and `key` (its cluster is
/// never reached), and its first account (the admin).
async fn nimbus(url: &str, key: &str) -> (TestApp, Cred) {
    let mut env = NO_LIMITS.to_vec();
    env.extend(UNREACHED_CLUSTER);
    env.extend([
        ("PROXMOX_TLS_INSECURE", "true"),
        ("GOPHER_API_URL", url),
        ("GOPHER_API_KEY", key),
    ]);
    let app = TestApp::spawn_with(Mode::Serve, &env).await;
    let token = app.running.as_ref().unwrap().app().setup_token.clone().unwrap();
    let admin = call(
        &app,
        Method::POST,
        "/api/auth/register",
        &Cred::None,
        Some(json!({"email": "ada@lab.example", "name": "Ada", "password": PASSWORD, "setup_token": token})),
    )
    .await
    .session()
    .expect("the first admin signs up");
    (app, Cred::Cookie(admin))
}

async fn tunnels_enabled(app: &TestApp, cred: &Cred) -> bool {
    let catalog = call(app, Method::GET, "/api/catalog", cred, None).await;
    catalog.body["data"]["tunnels_enabled"]
        .as_bool()
        .expect("tunnels_enabled")
}

#[tokio::test]
async fn the_environment_seeds_the_settings_and_the_catalog_follows_changes_live() {
    let face = gopher().await;
    let url = face.base_url().to_string();
    let (app, admin) = nimbus(&url, KEY).await;

    let view = call(&app, Method::GET, "/api/settings/gopher", &admin, None).await;
    assert_eq!(view.status, 200, "{:?}", view.body);
    assert_eq!(view.body["data"]["url"], url.as_str());
    assert_eq!(view.body["data"]["key_configured"], true);
    assert_eq!(view.body["data"]["enabled"], true);
    assert!(!view.body.to_string().contains(KEY), "the key is never returned");
    assert!(tunnels_enabled(&app, &admin).await);

    let cleared = call(
        &app,
        Method::PUT,
        "/api/settings/gopher",
        &admin,
        Some(json!({"clear": true})),
    )
    .await;
    assert_eq!(cleared.status, 200, "{:?}", cleared.body);
    assert_eq!(cleared.body["data"]["key_configured"], false);
    assert!(
        !tunnels_enabled(&app, &admin).await,
        "a clear turns tunnels off without a restart"
    );

    let saved = call(
        &app,
        Method::PUT,
        "/api/settings/gopher",
        &admin,
        Some(json!({"url": url, "api_key": KEY})),
    )
    .await;
    assert_eq!(saved.status, 200, "{:?}", saved.body);
    assert!(!saved.body.to_string().contains(KEY), "the key is never returned");
    assert!(
        tunnels_enabled(&app, &admin).await,
        "saving turns tunnels on without a restart"
    );

    let audit = call(&app, Method::GET, "/api/audit?action=settings.changed", &admin, None).await;
    let text = audit.body.to_string();
    assert!(text.contains("Gopher") && !text.contains(KEY), "{text}");
    app.stop().await;
}

#[tokio::test]
async fn an_update_names_the_wrong_field_and_an_empty_key_keeps_the_stored_one() {
    let face = gopher().await;
    let url = face.base_url().to_string();
    let (app, admin) = nimbus(&url, KEY).await;
    let put = |body| call(&app, Method::PUT, "/api/settings/gopher", &admin, Some(body));

    let bad = put(json!({"url": "router.example.com", "api_key": KEY})).await;
    assert_eq!((bad.status.as_u16(), bad.code()), (400, "validation_failed"));
    assert_eq!(bad.body["field"], "url");

    let kept = put(json!({"url": url, "api_key": ""})).await;
    assert_eq!(kept.status, 200, "{:?}", kept.body);
    let test = call(&app, Method::POST, "/api/settings/gopher/test", &admin, Some(json!({}))).await;
    assert_eq!(
        test.body["data"]["ok"], true,
        "the stored key still works: {:?}",
        test.body
    );

    let member = Cred::Cookie(register(&app, "bob@lab.example", "Bob").await.1);
    let refused = call(&app, Method::GET, "/api/settings/gopher", &member, None).await;
    assert_eq!(refused.status, 403);
    app.stop().await;
}

#[tokio::test]
async fn a_connection_test_says_what_gopher_answered() {
    let face = gopher().await;
    let url = face.base_url().to_string();
    let (app, admin) = nimbus(&url, KEY).await;
    let test = |body| call(&app, Method::POST, "/api/settings/gopher/test", &admin, Some(body));

    let ok = test(json!({})).await;
    assert_eq!(ok.status, 200, "{:?}", ok.body);
    assert_eq!(ok.body["data"]["ok"], true);
    assert!(
        ok.body["data"]["message"].as_str().unwrap().contains("0 machines"),
        "{:?}",
        ok.body
    );

    let wrong = test(json!({"api_key": "not-the-key"})).await;
    assert_eq!(wrong.body["data"]["ok"], false);
    assert_eq!(wrong.body["data"]["kind"], "unauthorized");
    assert!(
        wrong.body["data"]["message"]
            .as_str()
            .unwrap()
            .contains("refused the API key"),
        "{:?}",
        wrong.body
    );

    face.sim().inject(GopherFault::Down);
    let down = test(json!({})).await;
    assert_eq!(down.body["data"]["ok"], false);
    assert_eq!(down.body["data"]["kind"], "unavailable", "{:?}", down.body);
    app.stop().await;
}

#[tokio::test]
async fn the_demo_runs_its_own_gateway_so_tunnels_are_on() {
    let app = TestApp::spawn_with(Mode::Demo, NO_LIMITS).await;
    let (_, admin) = register(&app, "ada@lab.example", "Ada").await;
    let admin = Cred::Cookie(admin);
    assert!(tunnels_enabled(&app, &admin).await);
    let test = call(&app, Method::POST, "/api/settings/gopher/test", &admin, Some(json!({}))).await;
    assert_eq!(test.body["data"]["ok"], true, "{:?}", test.body);
    let view = call(&app, Method::GET, "/api/settings/gopher", &admin, None).await;
    assert!(
        view.body["data"]["url"]
            .as_str()
            .unwrap()
            .starts_with("http://127.0.0.1:")
    );
    app.stop().await;
}
