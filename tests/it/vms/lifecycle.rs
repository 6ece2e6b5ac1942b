//! Lifecycle over HTTP: stop and start a machine, delete it (202, then gone), and reuse its
//! hostname and address.

use std::time::Duration;

use reqwest::Method;
use serde_json::Value;

use super::{app, member, post, vm};
use crate::accounts::{Cred, call};

async fn until(app: &crate::helpers::TestApp, bearer: &str, id: &str, want: &str) -> Value {
    let mut last = Value::Null;
    for _ in 0..200 {
        let one = call(
            app,
            Method::GET,
            &format!("/api/vms/{id}"),
            &Cred::Bearer(bearer.into()),
            None,
        )
        .await;
        if one.status == 404 && want == "gone" {
            return Value::Null;
        }
        last = one.body["data"].clone();
        if last["status"] == want {
            return last;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!("never {want}: {last}");
}

#[tokio::test]
async fn a_machine_is_stopped_started_and_deleted_and_its_name_and_address_reused() {
    let app = app().await;
    let (_, bearer) = member(&app, "ada@lab.example").await;
    let (_, text) = post(&app, &bearer, &vm("cycle"), &[]).await;
    let made: Value = serde_json::from_str(&text).unwrap();
    let id = made["data"]["id"].as_str().unwrap().to_string();
    let ip = made["data"]["ip"].clone();
    let act = |what: &str| {
        let path = format!("/api/vms/{id}/{what}");
        let cred = Cred::Bearer(bearer.clone());
        let app = &app;
        async move { call(app, Method::POST, &path, &cred, None).await }
    };
    let again = act("start").await;
    assert_eq!(again.status, 409, "{}", again.body);
    assert!(again.body["error"].as_str().unwrap().contains("already running"));
    let stop = act("stop").await;
    assert_eq!(stop.status, 202, "{}", stop.body);
    assert_eq!(stop.body["data"]["status"], "stopping");
    until(&app, &bearer, &id, "stopped").await;
    assert_eq!(act("start").await.status, 202);
    until(&app, &bearer, &id, "running").await;

    let deleted = call(
        &app,
        Method::DELETE,
        &format!("/api/vms/{id}"),
        &Cred::Bearer(bearer.clone()),
        None,
    )
    .await;
    assert_eq!(deleted.status, 202, "{}", deleted.body);
    assert_eq!(deleted.body["data"]["status"], "deleting");
    until(&app, &bearer, &id, "gone").await;
    let (status, text) = post(&app, &bearer, &vm("cycle"), &[]).await;
    assert_eq!(status, 201, "the hostname is free again: {text}");
    let reborn: Value = serde_json::from_str(&text).unwrap();
    assert_eq!(reborn["data"]["ip"], ip, "the lowest free address is the released one");
    app.stop().await;
}

#[tokio::test]
async fn an_admin_reconciles_the_pool_on_demand_and_reads_the_report() {
    let app = app().await;
    let (admin_session, _) = member(&app, "admin@lab.example").await;
    let (_, bearer) = member(&app, "ada@lab.example").await;
    assert_eq!(post(&app, &bearer, &vm("counted"), &[]).await.0, 201);
    let report = call(
        &app,
        Method::POST,
        "/api/ips/reconcile",
        &Cred::Cookie(admin_session),
        None,
    )
    .await;
    assert_eq!(report.status, 200, "{}", report.body);
    let data = &report.body["data"];
    assert!(data["at"].is_string());
    assert_eq!(data["partial"], false);
    assert!(data["conflicts"].as_array().unwrap().is_empty(), "{data}");
    assert!(
        data["unchanged"].as_u64().unwrap() >= 1,
        "the running machine's address is as recorded: {data}"
    );
    let refused = call(&app, Method::POST, "/api/ips/reconcile", &Cred::Bearer(bearer), None).await;
    assert_eq!(refused.status, 403);
    app.stop().await;
}
