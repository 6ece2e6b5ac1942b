//! The VM API over real HTTP against `nimbus demo`'s simulated cluster (instant profile): plain,
//! streamed and idempotent provisions, field errors that change nothing, one VM per hostname,
//! other members' VMs answering 404, server-sent events, the kept key, failure and retry.

use std::time::Duration;

use nimbus::app::config::Mode;
use reqwest::Method;
use serde_json::{Value, json};

use crate::accounts::{Cred, NO_LIMITS, call, register, token};

mod lifecycle;
mod load;
mod more;
use crate::helpers::TestApp;

pub(crate) async fn app() -> TestApp {
    let mut env = NO_LIMITS.to_vec();
    env.push(("NIMBUS_SIM_PROFILE", "instant"));
    TestApp::spawn_with(Mode::Demo, &env).await
}

pub(super) fn vm(hostname: &str) -> Value {
    json!({"hostname": hostname, "tier": "small", "os_template": "debian-12", "generate_key": true})
}

/// POSTs with headers; returns status and body text.
pub(super) async fn post(app: &TestApp, cred: &str, body: &Value, headers: &[(&str, &str)]) -> (u16, String) {
    let mut req = app
        .http
        .post(app.url("/api/vms"))
        .header("authorization", format!("Bearer {cred}"))
        .json(body);
    for (k, v) in headers {
        req = req.header(*k, *v);
    }
    let resp = req.send().await.unwrap();
    (resp.status().as_u16(), resp.text().await.unwrap())
}

pub(super) async fn member(app: &TestApp, email: &str) -> (String, String) {
    let (_, session) = register(app, email, "Member").await;
    let (_, secret) = token(app, &session, "cli", "read_write").await;
    (session, secret)
}

pub(super) async fn vms_of(app: &TestApp, bearer: &str) -> Vec<Value> {
    let list = call(app, Method::GET, "/api/vms", &Cred::Bearer(bearer.into()), None).await;
    list.body["data"].as_array().unwrap().clone()
}

#[tokio::test]
async fn a_member_provisions_plain_and_streamed_with_an_api_token() {
    let app = app().await;
    register(&app, "admin@lab.example", "Admin").await;
    let (_, bearer) = member(&app, "ada@lab.example").await;

    let (status, text) = post(&app, &bearer, &vm("web-1"), &[]).await;
    assert_eq!(status, 201, "{text}");
    let result: Value = serde_json::from_str(&text).unwrap();
    let data = &result["data"];
    assert!(data["ip"].as_str().unwrap().starts_with("127.77.0."));
    assert_eq!(data["username"], "debian");
    assert_eq!(data["key_name"], "web-1");
    assert!(
        data["ssh_private_key"]
            .as_str()
            .unwrap()
            .starts_with("-----BEGIN OPENSSH PRIVATE KEY-----")
    );
    let id = data["id"].as_str().unwrap().to_string();

    let (status, text) = post(&app, &bearer, &vm("web-2"), &[("accept", "application/x-ndjson")]).await;
    assert_eq!(status, 202);
    let lines: Vec<Value> = text.lines().map(|l| serde_json::from_str(l).unwrap()).collect();
    assert_eq!(lines[0]["type"], "accepted");
    assert!(
        text.starts_with("{\"type\":\"accepted\""),
        "the type comes first: {text}"
    );
    let steps: Vec<&str> = lines
        .iter()
        .filter(|l| l["type"] == "step")
        .map(|l| l["step"].as_str().unwrap())
        .collect();
    assert_eq!(
        steps,
        [
            "reserve_ip",
            "place_vm",
            "clone",
            "configure",
            "resize",
            "start",
            "wait_ready"
        ]
    );
    assert!(lines[1]["detail"]["ip"].is_string() && lines[3]["detail"]["vmid"].is_number());
    let last = lines.last().unwrap();
    assert_eq!(last["type"], "result");
    assert_eq!(last["data"]["id"], lines[0]["id"]);
    assert_eq!(
        lines
            .iter()
            .filter(|l| l["type"] == "result" || l["type"] == "error")
            .count(),
        1
    );

    let list = vms_of(&app, &bearer).await;
    assert_eq!(list.len(), 2);
    assert!(list.iter().all(|v| v["status"] == "running"), "{list:?}");
    let one = call(
        &app,
        Method::GET,
        &format!("/api/vms/{id}"),
        &Cred::Bearer(bearer.clone()),
        None,
    )
    .await;
    assert_eq!(one.body["data"]["steps"].as_array().unwrap().len(), 7);
    assert_eq!(one.body["data"]["private_key_available"], true);
    let key = call(
        &app,
        Method::GET,
        &format!("/api/vms/{id}/private-key"),
        &Cred::Bearer(bearer.clone()),
        None,
    )
    .await;
    assert_eq!(key.body["data"]["private_key"], data["ssh_private_key"]);

    let events = app
        .http
        .get(app.url(&format!("/api/vms/{id}/events")))
        .header("authorization", format!("Bearer {bearer}"))
        .send()
        .await
        .unwrap();
    assert_eq!(events.headers()["content-type"], "text/event-stream");
    let text = tokio::time::timeout(Duration::from_secs(10), events.text())
        .await
        .unwrap()
        .unwrap();
    assert!(text.contains("event: vm\ndata: {"), "{text}");
    assert!(
        text.contains("\"status\":\"running\""),
        "the stream ends once the VM settles: {text}"
    );
    app.stop().await;
}

#[tokio::test]
async fn a_repeated_idempotency_key_makes_one_vm_and_a_different_body_is_refused() {
    let app = app().await;
    let (_, bearer) = member(&app, "ada@lab.example").await;
    let key = [("idempotency-key", "3f1c9a5e-retry")];
    let (first, a) = post(&app, &bearer, &vm("once"), &key).await;
    let (again, b) = post(&app, &bearer, &vm("once"), &key).await;
    assert_eq!((first, again), (201, 200), "{a} {b}");
    let id = |t: &str| serde_json::from_str::<Value>(t).unwrap()["data"]["id"].clone();
    assert_eq!(id(&a), id(&b));
    let (streamed, c) = post(
        &app,
        &bearer,
        &vm("once"),
        &[key[0], ("accept", "application/x-ndjson")],
    )
    .await;
    assert_eq!(streamed, 202);
    assert!(c.contains(&format!("\"id\":{}", id(&a))), "{c}");
    let (conflict, d) = post(&app, &bearer, &vm("other"), &key).await;
    assert_eq!(conflict, 409, "{d}");
    assert!(d.contains("idempotency_conflict"));
    assert_eq!(vms_of(&app, &bearer).await.len(), 1);
    let (bad, e) = post(&app, &bearer, &vm("x"), &[("idempotency-key", "has space")]).await;
    assert_eq!(bad, 400, "{e}");
    app.stop().await;
}

#[tokio::test]
async fn two_concurrent_requests_for_one_hostname_make_one_vm_and_one_clear_409() {
    let app = app().await;
    let (_, bearer) = member(&app, "ada@lab.example").await;
    let (_, other) = member(&app, "bob@lab.example").await;
    let body = vm("shared-name");
    let (a, b) = tokio::join!(post(&app, &bearer, &body, &[]), post(&app, &other, &body, &[]));
    let mut statuses = [a.0, b.0];
    statuses.sort();
    assert_eq!(statuses, [201, 409], "{a:?} {b:?}");
    let refusal = if a.0 == 409 { &a.1 } else { &b.1 };
    let refusal: Value = serde_json::from_str(refusal).unwrap();
    assert_eq!(refusal["code"], "hostname_taken");
    assert_eq!(refusal["field"], "hostname");
    assert_eq!(vms_of(&app, &bearer).await.len() + vms_of(&app, &other).await.len(), 1);
    app.stop().await;
}

#[tokio::test]
async fn bad_fields_are_named_and_change_nothing() {
    let app = app().await;
    register(&app, "admin@lab.example", "Admin").await;
    let (_, bearer) = member(&app, "ada@lab.example").await;
    let cases = [
        (
            json!({"hostname": "Bad_Name", "tier": "small", "os_template": "debian-12", "generate_key": true}),
            400,
            "hostname",
        ),
        (
            json!({"hostname": "ok", "tier": "huge", "os_template": "debian-12", "generate_key": true}),
            400,
            "tier",
        ),
        (
            json!({"hostname": "ok", "tier": "small", "os_template": "arch", "generate_key": true}),
            400,
            "os_template",
        ),
        (
            json!({"hostname": "ok", "tier": "small", "os_template": "debian-12"}),
            400,
            "ssh_key_id",
        ),
        (
            json!({"hostname": "ok", "tier": "small", "os_template": "debian-12", "ssh_pubkey": "not a key"}),
            400,
            "ssh_pubkey",
        ),
        (
            json!({"hostname": "ok", "tier": "small", "os_template": "debian-12",
                "ssh_pubkey": "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIFs6JPryV1wcIJJDdBb9ZlV19EqzTCcO53zzM1RFnJ3g a\rruncmd"}),
            400,
            "ssh_pubkey",
        ),
        (
            json!({"hostname": "ok", "tier": "xl", "os_template": "debian-12", "generate_key": true, "keep_private_key": false}),
            400,
            "keep_private_key",
        ),
        (
            json!({"hostname": "ok", "tier": "small", "os_template": "debian-12", "reason": "x".repeat(501)}),
            400,
            "reason",
        ),
        (
            json!({"hostname": "ok", "tier": "small", "os_template": "debian-12", "ssh_key_id": uuid::Uuid::new_v4().to_string()}),
            404,
            "ssh_key_id",
        ),
    ];
    for (body, status, field) in cases {
        let (got, text) = post(&app, &bearer, &body, &[]).await;
        assert_eq!(got, status, "{body}: {text}");
        let answer: Value = serde_json::from_str(&text).unwrap();
        assert_eq!(answer["field"], field, "{text}");
        assert!(!answer["error"].as_str().unwrap().is_empty());
    }
    assert!(vms_of(&app, &bearer).await.is_empty());
    let keys = call(&app, Method::GET, "/api/keys", &Cred::Bearer(bearer.clone()), None).await;
    assert!(keys.body["data"].as_array().unwrap().is_empty(), "no key was saved");
    app.stop().await;
}
