//! Keys at provision time, other members' VMs, and a failed provision with its retry.

use std::time::Duration;

use nimbus::adapters::proxmox::sim::{Fault, FaultScope, Op};
use reqwest::Method;
use serde_json::{Value, json};

use super::{app, member, post, vm, vms_of};
use crate::accounts::{Cred, call, register};

#[tokio::test]
async fn keys_at_provision_time_follow_the_vault_rules() {
    let app = app().await;
    let (session, bearer) = member(&app, "ada@lab.example").await;
    let (_, other) = member(&app, "bob@lab.example").await;
    let line = std::fs::read_to_string("tests/fixtures/ssh/ed25519.pub").unwrap();
    let pasted = json!({"hostname": "paste-1", "tier": "small", "os_template": "debian-12", "ssh_pubkey": line.trim()});
    assert_eq!(post(&app, &bearer, &pasted, &[]).await.0, 201);
    let keys = call(&app, Method::GET, "/api/keys", &Cred::Cookie(session.clone()), None).await;
    let keys = keys.body["data"].as_array().unwrap().clone();
    assert_eq!(keys.len(), 1);
    assert_eq!(keys[0]["name"], "paste-1", "a pasted key is saved under the VM's name");
    let again = json!({"hostname": "paste-2", "tier": "small", "os_template": "debian-12", "ssh_pubkey": line.trim()});
    assert_eq!(post(&app, &bearer, &again, &[]).await.0, 201);
    let count = call(&app, Method::GET, "/api/keys", &Cred::Cookie(session.clone()), None).await;
    assert_eq!(
        count.body["data"].as_array().unwrap().len(),
        1,
        "the same key is not saved twice"
    );
    let saved = json!({"hostname": "saved", "tier": "small", "os_template": "debian-12", "ssh_key_id": keys[0]["id"]});
    let (status, text) = post(&app, &other, &saved, &[]).await;
    assert_eq!(status, 404, "another member's key: {text}");
    assert_eq!(post(&app, &bearer, &saved, &[]).await.0, 201);
    // A key named after a hostname already exists: the generated key gets another name.
    let (_, text) = post(&app, &bearer, &vm("paste-1x"), &[]).await;
    assert!(text.contains("\"key_name\":\"paste-1x\""), "{text}");
    let unkept = json!({"hostname": "once", "tier": "small", "os_template": "debian-12", "generate_key": true, "keep_private_key": false});
    let (_, text) = post(&app, &bearer, &unkept, &[]).await;
    let result: Value = serde_json::from_str(&text).unwrap();
    assert_eq!(result["data"]["key_kept"], false);
    assert!(
        result["data"]["ssh_private_key"]
            .as_str()
            .unwrap()
            .starts_with("-----BEGIN")
    );
    let id = result["data"]["id"].as_str().unwrap();
    let none = call(
        &app,
        Method::GET,
        &format!("/api/vms/{id}/private-key"),
        &Cred::Bearer(bearer.clone()),
        None,
    )
    .await;
    assert_eq!(none.status, 404, "a key shown once is not stored: {}", none.body);
    app.stop().await;
}

#[tokio::test]
async fn other_members_get_404_and_admins_see_every_vm() {
    let app = app().await;
    let (_, admin_session) = register(&app, "admin@lab.example", "Admin").await;
    let (_, bearer) = member(&app, "ada@lab.example").await;
    let (_, other) = member(&app, "bob@lab.example").await;
    let (_, text) = post(&app, &bearer, &vm("mine"), &[]).await;
    let id = serde_json::from_str::<Value>(&text).unwrap()["data"]["id"]
        .as_str()
        .unwrap()
        .to_string();
    for path in ["", "/events", "/private-key"] {
        let answer = call(
            &app,
            Method::GET,
            &format!("/api/vms/{id}{path}"),
            &Cred::Bearer(other.clone()),
            None,
        )
        .await;
        assert_eq!(answer.status, 404, "{path}");
    }
    let retry = call(
        &app,
        Method::POST,
        &format!("/api/vms/{id}/retry"),
        &Cred::Bearer(other.clone()),
        None,
    )
    .await;
    assert_eq!(retry.status, 404);
    assert!(vms_of(&app, &other).await.is_empty());
    let admin = call(
        &app,
        Method::GET,
        &format!("/api/vms/{id}"),
        &Cred::Cookie(admin_session.clone()),
        None,
    )
    .await;
    assert_eq!(admin.status, 200, "{}", admin.body);
    let everyone = call(
        &app,
        Method::GET,
        "/api/vms?all=true",
        &Cred::Cookie(admin_session),
        None,
    )
    .await;
    let ids: Vec<&str> = everyone.body["data"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v["id"].as_str().unwrap())
        .collect();
    assert_eq!(ids, [id.as_str()], "an admin lists every owner's machines");
    let refused = call(
        &app,
        Method::GET,
        "/api/vms?all=true",
        &Cred::Bearer(other.clone()),
        None,
    )
    .await;
    assert_eq!(refused.status, 403);
    assert_eq!(refused.body["code"], "admin_required");
    app.stop().await;
}

#[tokio::test]
async fn a_failed_provision_says_which_step_and_why_rolls_back_and_can_be_retried() {
    let app = app().await;
    let (_, bearer) = member(&app, "ada@lab.example").await;
    let demo = app.running.as_ref().unwrap().app().demo.as_ref().unwrap();
    demo.cluster.inject(
        Fault::TaskError {
            op: Op::Config,
            message: "unable to parse ipconfig0".into(),
        },
        FaultScope::Once,
    );
    let (status, text) = post(&app, &bearer, &vm("flaky"), &[]).await;
    assert_eq!(status, 503, "{text}");
    let answer: Value = serde_json::from_str(&text).unwrap();
    assert_eq!(answer["code"], "provision_failed");
    assert!(answer["error"].as_str().unwrap().contains("configuring"), "{text}");
    assert!(!text.contains("ipconfig0"), "no raw Proxmox text reaches the user");
    let mut vm_state = Value::Null;
    for _ in 0..200 {
        vm_state = vms_of(&app, &bearer).await[0].clone();
        if vm_state["phase"] == "rolled_back" {
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    assert_eq!(vm_state["phase"], "rolled_back");
    assert_eq!(vm_state["status"], "failed");
    assert_eq!(vm_state["failure"]["step"], "configure");
    assert_eq!(vm_state["can_retry"], true);
    assert_eq!(vm_state["ip"], Value::Null, "the address was released");
    let id = vm_state["id"].as_str().unwrap();
    let retry = call(
        &app,
        Method::POST,
        &format!("/api/vms/{id}/retry"),
        &Cred::Bearer(bearer.clone()),
        None,
    )
    .await;
    assert_eq!(retry.status, 202, "{}", retry.body);
    let new_id = retry.body["data"]["id"].as_str().unwrap().to_string();
    let mut running = false;
    for _ in 0..200 {
        let one = call(
            &app,
            Method::GET,
            &format!("/api/vms/{new_id}"),
            &Cred::Bearer(bearer.clone()),
            None,
        )
        .await;
        if one.body["data"]["status"] == "running" {
            running = true;
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    assert!(running, "the retry runs");
    app.stop().await;
}
