//! The authorization matrix: every operation in `openapi/nimbus.json`, called as each kind of
//! caller, must answer the expected status, and the spec must document every answer. An operation
//! missing from the table fails the test, so a new route cannot ship without deciding who may call
//! it.

use std::collections::BTreeMap;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use chrono::{DateTime, Duration, Utc};
use nimbus::adapters::clock::ManualClock;
use nimbus::app::config::Mode;
use reqwest::Method;
use serde_json::{Value, json};

use super::{Cred, NO_LIMITS, PASSWORD, call, login, register, token};
use crate::helpers::TestApp;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Persona {
    Anonymous,
    Member,
    OtherMember,
    Admin,
    Token,
    ReadOnlyToken,
    ExpiredSession,
}

const PERSONAS: [Persona; 7] = [
    Persona::Anonymous,
    Persona::Member,
    Persona::OtherMember,
    Persona::Admin,
    Persona::Token,
    Persona::ReadOnlyToken,
    Persona::ExpiredSession,
];

/// Expected statuses in `PERSONAS` order, per operation id.
fn table() -> BTreeMap<&'static str, [u16; 7]> {
    BTreeMap::from([
        //                   anon member other admin token ro  expired
        ("health", [200, 200, 200, 200, 200, 200, 200]),
        ("auth_status", [200, 200, 200, 200, 200, 200, 200]),
        ("register", [201, 201, 201, 201, 201, 201, 201]),
        ("login", [200, 200, 200, 200, 200, 200, 200]),
        ("logout", [200, 200, 200, 200, 200, 200, 200]),
        ("logout_all", [401, 200, 200, 200, 200, 403, 401]),
        ("me", [401, 200, 200, 200, 200, 200, 401]),
        ("update_me", [401, 200, 200, 200, 200, 403, 401]),
        ("change_password", [401, 200, 200, 200, 403, 403, 401]),
        ("list_sessions", [401, 200, 200, 200, 200, 200, 401]),
        ("end_session", [401, 200, 404, 404, 200, 403, 401]),
        ("list_tokens", [401, 200, 200, 200, 200, 200, 401]),
        ("create_token", [401, 201, 201, 201, 403, 403, 401]),
        ("revoke_token", [401, 200, 404, 404, 200, 403, 401]),
        ("list_users", [401, 403, 403, 200, 403, 403, 401]),
        ("update_user", [401, 403, 403, 200, 403, 403, 401]),
        ("list_audit", [401, 403, 403, 200, 403, 403, 401]),
        ("access_code_status", [401, 200, 200, 200, 200, 200, 401]),
        ("verify_access_code", [401, 200, 200, 200, 200, 403, 401]),
        ("get_access_code_settings", [401, 403, 403, 200, 403, 403, 401]),
        ("set_access_code_settings", [401, 403, 403, 200, 403, 403, 401]),
        ("rotate_access_code", [401, 403, 403, 200, 403, 403, 401]),
        ("bump_access_code", [401, 403, 403, 200, 403, 403, 401]),
        ("auth_providers", [200, 200, 200, 200, 200, 200, 200]),
        ("oauth_start", [302, 302, 302, 302, 302, 302, 302]),
        ("oauth_callback", [302, 302, 302, 302, 302, 302, 302]),
        ("list_identities", [401, 200, 200, 200, 200, 200, 401]),
        ("unlink_identity", [401, 404, 404, 404, 404, 403, 401]),
        ("get_oauth_settings", [401, 403, 403, 200, 403, 403, 401]),
        ("set_oauth_settings", [401, 403, 403, 200, 403, 403, 401]),
        ("get_signups", [401, 403, 403, 200, 403, 403, 401]),
        ("set_signups", [401, 403, 403, 200, 403, 403, 401]),
        ("list_keys", [401, 200, 200, 200, 200, 200, 401]),
        ("create_key", [401, 201, 201, 201, 201, 403, 401]),
        ("get_key", [401, 200, 404, 404, 200, 200, 401]),
        ("update_key", [401, 200, 404, 404, 200, 403, 401]),
        ("delete_key", [401, 200, 404, 404, 200, 403, 401]),
        ("get_private_key", [401, 200, 404, 404, 200, 200, 401]),
        ("attach_private_key", [401, 409, 404, 404, 409, 403, 401]),
        ("set_default_key", [401, 200, 404, 404, 200, 403, 401]),
        ("get_catalog", [401, 200, 200, 200, 200, 200, 401]),
        ("list_vms", [401, 200, 200, 200, 200, 200, 401]),
        ("create_vm", [401, 201, 201, 201, 201, 403, 401]),
        ("get_vm", [401, 200, 404, 200, 200, 200, 401]),
        ("vm_events", [401, 200, 404, 200, 200, 200, 401]),
        ("get_vm_private_key", [401, 200, 404, 404, 200, 200, 401]),
        ("retry_vm", [401, 409, 404, 404, 409, 403, 401]),
        ("delete_vm", [401, 202, 404, 202, 202, 403, 401]),
        ("start_vm", [401, 409, 404, 409, 409, 403, 401]),
        ("shutdown_vm", [401, 202, 404, 202, 202, 403, 401]),
        ("stop_vm", [401, 202, 404, 202, 202, 403, 401]),
        ("reboot_vm", [401, 202, 404, 202, 202, 403, 401]),
        ("reconcile_ips", [401, 403, 403, 200, 403, 403, 401]),
        ("list_ips", [401, 403, 403, 200, 403, 403, 401]),
        ("last_reconcile", [401, 403, 403, 200, 403, 403, 401]),
        ("list_approvals", [401, 403, 403, 200, 403, 403, 401]),
        ("approve_vm", [401, 403, 403, 202, 403, 403, 401]),
        ("deny_vm", [401, 403, 403, 200, 403, 403, 401]),
        ("list_nodes", [401, 403, 403, 200, 403, 403, 401]),
        ("list_jobs", [401, 403, 403, 200, 403, 403, 401]),
        ("list_cluster_vms", [401, 403, 403, 200, 403, 403, 401]),
        ("get_cluster_stats", [401, 403, 403, 200, 403, 403, 401]),
        ("get_provision_metrics", [401, 403, 403, 200, 403, 403, 401]),
        ("get_my_quota", [401, 200, 200, 200, 200, 200, 401]),
        ("list_quotas", [401, 403, 403, 200, 403, 403, 401]),
        ("set_quota_defaults", [401, 403, 403, 200, 403, 403, 401]),
        ("set_member_quota", [401, 403, 403, 200, 403, 403, 401]),
        ("reset_member_quota", [401, 403, 403, 200, 403, 403, 401]),
    ])
}

struct World {
    app: TestApp,
    clock: Arc<ManualClock>,
    member_id: String,
    other_id: String,
    counter: AtomicUsize,
}

impl World {
    fn unique(&self, what: &str) -> String {
        format!("{what}{}", self.counter.fetch_add(1, Ordering::Relaxed))
    }

    /// Fresh credentials for one call, so no call depends on what an earlier one ended.
    async fn cred(&self, persona: Persona) -> Cred {
        match persona {
            Persona::Anonymous => Cred::None,
            Persona::Member => Cred::Cookie(login(&self.app, "member@lab.example").await),
            Persona::OtherMember => Cred::Cookie(login(&self.app, "other@lab.example").await),
            Persona::Admin => Cred::Cookie(login(&self.app, "admin@lab.example").await),
            Persona::Token | Persona::ReadOnlyToken => {
                let session = login(&self.app, "member@lab.example").await;
                let scope = if persona == Persona::Token {
                    "read_write"
                } else {
                    "read_only"
                };
                Cred::Bearer(token(&self.app, &session, &self.unique("t"), scope).await.1)
            }
            Persona::ExpiredSession => {
                let session = login(&self.app, "member@lab.example").await;
                self.clock.advance(Duration::days(7) + Duration::minutes(1));
                Cred::Cookie(session)
            }
        }
    }

    /// A resource of the member's for `{id}`, made fresh for each call.
    async fn id_for(&self, operation: &str) -> String {
        match operation {
            "end_session" => {
                let session = login(&self.app, "member@lab.example").await;
                let list = call(&self.app, Method::GET, "/api/me/sessions", &Cred::Cookie(session), None).await;
                let current = list.body["data"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .find(|s| s["current"] == true);
                current.unwrap()["id"].as_str().unwrap().to_string()
            }
            "revoke_token" => {
                let session = login(&self.app, "member@lab.example").await;
                token(&self.app, &session, &self.unique("victim"), "read_write").await.0
            }
            "update_user" => self.member_id.clone(),
            // The other member's, so the member's own lifted quota stays as set up.
            "set_member_quota" | "reset_member_quota" => self.other_id.clone(),
            "approve_vm" | "deny_vm" => {
                let session = login(&self.app, "member@lab.example").await;
                let made = call(
                    &self.app,
                    Method::POST,
                    "/api/vms",
                    &Cred::Cookie(session),
                    Some(json!({"hostname": self.unique("xl"), "tier": "xl", "os_template": "debian-12"})),
                )
                .await;
                assert_eq!(made.status, 202, "{}", made.body);
                made.body["data"]["id"].as_str().unwrap().to_string()
            }
            "get_key" | "update_key" | "delete_key" | "get_private_key" | "attach_private_key" | "set_default_key" => {
                let session = login(&self.app, "member@lab.example").await;
                let made = call(
                    &self.app,
                    Method::POST,
                    "/api/keys",
                    &Cred::Cookie(session),
                    Some(json!({"name": self.unique("key"), "generate": true})),
                )
                .await;
                made.body["data"]["key"]["id"].as_str().unwrap().to_string()
            }
            "get_vm" | "vm_events" | "get_vm_private_key" | "retry_vm" | "delete_vm" | "start_vm" | "shutdown_vm"
            | "stop_vm" | "reboot_vm" => {
                let session = login(&self.app, "member@lab.example").await;
                let made = call(
                    &self.app,
                    Method::POST,
                    "/api/vms",
                    &Cred::Cookie(session),
                    self.body_for("create_vm"),
                )
                .await;
                assert_eq!(made.status, 201, "{}", made.body);
                made.body["data"]["id"].as_str().unwrap().to_string()
            }
            other => panic!("the matrix has no resource for {{id}} of {other}"),
        }
    }

    fn body_for(&self, operation: &str) -> Option<Value> {
        Some(match operation {
            "register" => {
                json!({"email": format!("{}@lab.example", self.unique("new")), "name": "New", "password": PASSWORD})
            }
            "login" => json!({"email": "member@lab.example", "password": PASSWORD}),
            "update_me" => json!({"name": "Renamed"}),
            "change_password" => json!({"current_password": PASSWORD, "new_password": PASSWORD}),
            "create_token" => json!({"name": self.unique("made")}),
            "update_user" => json!({"role": "member"}),
            "verify_access_code" => json!({"code": "00000000"}),
            "set_access_code_settings" => json!({"enabled": false}),
            "set_oauth_settings" => json!({"github_orgs": []}),
            "set_signups" => json!({"open": true}),
            "create_key" => json!({"name": self.unique("made-key"), "generate": true}),
            "update_key" => json!({"label": "relabelled"}),
            "attach_private_key" => json!({"private_key": "not a key"}),
            "deny_vm" => json!({"reason": "not now"}),
            "set_quota_defaults" | "set_member_quota" => json!({}),
            "create_vm" => {
                json!({"hostname": self.unique("vm"), "tier": "small", "os_template": "debian-12", "generate_key": true})
            }
            _ => return None,
        })
    }
}

fn start() -> DateTime<Utc> {
    DateTime::from_timestamp(1_800_000_000, 0).unwrap()
}

#[tokio::test]
async fn every_operation_answers_each_kind_of_caller_as_the_matrix_says() {
    let clock = Arc::new(ManualClock::new(start()));
    let mut env = NO_LIMITS.to_vec();
    env.push(("NIMBUS_SIM_PROFILE", "instant"));
    let app = TestApp::spawn_full(Mode::Demo, &env, Some(clock.clone())).await;
    // The simulated cluster ends a task once the clock passes its end: keep time moving.
    let ticking = clock.clone();
    let ticker = tokio::spawn(async move {
        loop {
            tokio::time::sleep(std::time::Duration::from_millis(5)).await;
            ticking.advance(Duration::milliseconds(50));
        }
    });
    register(&app, "admin@lab.example", "Admin").await;
    let (member_id, _) = register(&app, "member@lab.example", "Member").await;
    let (other_id, _) = register(&app, "other@lab.example", "Other").await;
    // The member makes dozens of machines here; lift the quota that would stop them.
    let admin = Cred::Cookie(login(&app, "admin@lab.example").await);
    let lifted = call(
        &app,
        Method::PUT,
        &format!("/api/quotas/users/{member_id}"),
        &admin,
        Some(json!({})),
    )
    .await;
    assert_eq!(lifted.status, 200, "{}", lifted.body);
    let world = World {
        app,
        clock,
        member_id,
        other_id,
        counter: AtomicUsize::new(0),
    };

    let spec: Value = serde_json::from_str(&nimbus::adapters::http::spec_json()).unwrap();
    let table = table();
    let mut seen = Vec::new();
    let mut failures = Vec::new();
    for (path, operations) in spec["paths"].as_object().unwrap() {
        for (method, operation) in operations.as_object().unwrap() {
            let id = operation["operationId"].as_str().unwrap();
            seen.push(id.to_string());
            let Some(expected) = table.get(id) else {
                failures.push(format!("{id} ({method} {path}) is not in the authorization matrix"));
                continue;
            };
            let secured = operation
                .get("security")
                .is_some_and(|s| !s.as_array().unwrap().is_empty());
            assert_eq!(
                secured,
                expected[0] == 401,
                "{id}: the spec's security and the matrix disagree"
            );
            for (persona, want) in PERSONAS.iter().zip(expected) {
                let cred = world.cred(*persona).await;
                let concrete = if path.contains("{id}") {
                    path.replace("{id}", &world.id_for(id).await)
                } else {
                    path.replace("{provider}", "github")
                };
                let method: Method = method.to_uppercase().parse().unwrap();
                let answer = call(
                    &world.app,
                    method.clone(),
                    &format!("/api{concrete}"),
                    &cred,
                    world.body_for(id),
                )
                .await;
                let status = answer.status.as_u16().to_string();
                if operation["responses"].get(&status).is_none() {
                    failures.push(format!(
                        "{id} as {persona:?}: answered {status}, which the spec does not document"
                    ));
                }
                if answer.status.as_u16() != *want {
                    failures.push(format!(
                        "{id} as {persona:?}: {} (wanted {want}) {}",
                        answer.status, answer.body
                    ));
                }
                if answer.status.is_client_error() {
                    assert_eq!(answer.body["success"], false, "{id} as {persona:?}: {}", answer.body);
                }
            }
        }
    }
    for id in table.keys() {
        if !seen.iter().any(|s| s == id) {
            failures.push(format!("{id} is in the matrix but not in the spec"));
        }
    }
    assert!(
        failures.is_empty(),
        "authorization matrix failures:\n  {}",
        failures.join("\n  ")
    );
    ticker.abort();
    world.app.stop().await;
}
