//! The template bootstrap's admin routes over HTTP against `nimbus demo`: a start answers 202 with
//! what was queued and the status grid follows the bakes; bad OS or node names are refused naming
//! the field; a second start while one runs is a conflict; members and strangers are turned away.

use std::sync::Arc;
use std::time::Duration;

use nimbus::adapters::clock::ManualClock;
use nimbus::app::config::Mode;
use reqwest::Method;
use serde_json::{Value, json};

use super::as_;
use crate::accounts::{Cred, NO_LIMITS, call, register, token};
use crate::helpers::TestApp;

const START: &str = "/api/admin/bootstrap-templates";
const STATUS: &str = "/api/admin/bootstrap-status";

/// A demo whose clock stands still unless the test moves it, so a started bootstrap stays
/// running (its first Proxmox task never ends) until the test lets time pass.
async fn frozen_demo() -> (TestApp, Arc<ManualClock>, String) {
    let clock = Arc::new(ManualClock::new(chrono::Utc::now()));
    let mut env = NO_LIMITS.to_vec();
    env.push(("NIMBUS_SIM_PROFILE", "instant"));
    let app = TestApp::spawn_full(Mode::Demo, &env, Some(clock.clone())).await;
    let (_, session) = register(&app, "admin@lab.example", "Admin").await;
    let (_, bearer) = token(&app, &session, "admin-cli", "read_write").await;
    (app, clock, bearer)
}

fn cells_of<'a>(status: &'a Value, os: &'a str) -> impl Iterator<Item = &'a Value> + 'a {
    status["data"]["cells"]
        .as_array()
        .unwrap()
        .iter()
        .filter(move |c| c["os"] == os)
}

#[tokio::test]
async fn an_admin_starts_a_bootstrap_and_the_status_follows_its_bakes() {
    let (app, clock, admin) = frozen_demo().await;
    let before = as_(&app, &admin, Method::GET, STATUS, None).await;
    assert_eq!(before.status, 200, "{}", before.body);
    let data = &before.body["data"];
    assert_eq!(data["running"], false);
    assert_eq!(data["nodes"].as_array().unwrap().len(), 5, "{data}");
    assert_eq!(data["oses"].as_array().unwrap().len(), 4, "{data}");
    assert_eq!(data["cells"].as_array().unwrap().len(), 20, "{data}");
    assert!(data["bake_version"].as_u64().unwrap() >= 1);

    let started = as_(
        &app,
        &admin,
        Method::POST,
        START,
        Some(json!({"os": ["debian-12"], "force": true})),
    )
    .await;
    assert_eq!(started.status, 202, "{}", started.body);
    let queued = started.body["data"]["queued"].as_array().unwrap();
    assert!(!queued.is_empty(), "{}", started.body);
    assert!(queued.iter().all(|q| q["os"] == "debian-12"), "{}", started.body);
    assert!(
        started.body["data"]["message"].as_str().unwrap().contains("queued"),
        "{}",
        started.body
    );

    let during = as_(&app, &admin, Method::GET, STATUS, None).await;
    assert_eq!(during.body["data"]["running"], true, "{}", during.body);
    for q in queued {
        let cell = cells_of(&during.body, "debian-12")
            .find(|c| c["node"] == q["node"])
            .unwrap_or_else(|| panic!("no cell for {q}: {}", during.body));
        assert!(
            cell["state"] == "queued" || cell["state"] == "baking",
            "a queued bake shows as queued or baking: {cell}"
        );
        assert!(cell["last_run_at"].is_string(), "{cell}");
        assert!(cell["words"].is_string() && cell["percent"].is_u64(), "{cell}");
    }
    // Other OSes were not asked for: nothing queued there.
    assert!(cells_of(&during.body, "ubuntu-24.04").all(|c| c["state"] != "queued" && c["state"] != "baking"));

    // Let time pass until the run ends; every queued bake has then finished one way or the other.
    let mut last = Value::Null;
    for _ in 0..2000 {
        clock.advance(chrono::Duration::seconds(5));
        let got = as_(&app, &admin, Method::GET, STATUS, None).await;
        last = got.body;
        if last["data"]["running"] == false {
            break;
        }
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    assert_eq!(last["data"]["running"], false, "the bootstrap never finished: {last}");
    for q in queued {
        let cell = cells_of(&last, "debian-12").find(|c| c["node"] == q["node"]).unwrap();
        assert!(
            cell["state"] == "present" || cell["state"] == "failed",
            "a finished bake is present or failed: {cell}"
        );
        assert!(cell["last_finished_at"].is_string(), "{cell}");
        if cell["phase"] == "failed" {
            assert!(cell["reason"].as_str().is_some_and(|r| !r.is_empty()), "{cell}");
        }
    }
    app.stop().await;
}

#[tokio::test]
async fn unknown_oses_and_nodes_are_refused_naming_the_field() {
    let (app, _clock, admin) = frozen_demo().await;
    let os = as_(&app, &admin, Method::POST, START, Some(json!({"os": ["windows-95"]}))).await;
    assert_eq!(os.status, 400, "{}", os.body);
    assert_eq!(os.body["code"], "validation_failed");
    assert_eq!(os.body["field"], "os");
    assert!(os.body["error"].as_str().unwrap().contains("debian-12"), "{}", os.body);

    let node = as_(&app, &admin, Method::POST, START, Some(json!({"nodes": ["nowhere"]}))).await;
    assert_eq!(node.status, 400, "{}", node.body);
    assert_eq!(node.body["field"], "nodes");

    let idle = as_(&app, &admin, Method::GET, STATUS, None).await;
    assert_eq!(idle.body["data"]["running"], false, "a refusal starts nothing");
    app.stop().await;
}

#[tokio::test]
async fn a_second_start_while_one_runs_is_a_conflict() {
    let (app, _clock, admin) = frozen_demo().await;
    // An empty body is everything missing.
    let first = app
        .http
        .post(app.url(START))
        .header("authorization", format!("Bearer {admin}"))
        .header("content-type", "application/json")
        .send()
        .await
        .unwrap();
    assert_eq!(first.status(), 202, "{}", first.text().await.unwrap());
    let second = as_(&app, &admin, Method::POST, START, Some(json!({"force": true}))).await;
    assert_eq!(second.status, 409, "{}", second.body);
    assert_eq!(second.body["code"], "bootstrap_running");
    app.stop().await;
}

#[tokio::test]
async fn members_and_strangers_cannot_see_or_start_a_bootstrap() {
    let (app, _clock, _admin) = frozen_demo().await;
    let (_, session) = register(&app, "member@lab.example", "Member").await;
    let member = Cred::Cookie(session);
    for (method, path, body) in [(Method::POST, START, Some(json!({}))), (Method::GET, STATUS, None)] {
        let as_member = call(&app, method.clone(), path, &member, body.clone()).await;
        assert_eq!(as_member.status, 403, "{path}: {}", as_member.body);
        assert_eq!(as_member.body["code"], "admin_required");
        let anonymous = call(&app, method, path, &Cred::None, body).await;
        assert_eq!(anonymous.status, 401, "{path}: {}", anonymous.body);
    }
    app.stop().await;
}
