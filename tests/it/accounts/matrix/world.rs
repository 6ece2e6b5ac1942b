//! The matrix's world: the accounts, the fresh credentials each kind of caller gets for one call,
//! and a fresh resource of the member's for every `{id}`.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use chrono::Duration;
use nimbus::adapters::clock::ManualClock;
use reqwest::Method;
use serde_json::{Value, json};

use super::super::{Cred, PASSWORD, call, login, register, token};
use super::table::Persona;
use crate::helpers::TestApp;

pub struct World {
    pub app: TestApp,
    /// A second instance with the access-code gate on, for the gated member.
    pub gated: TestApp,
    pub clock: Arc<ManualClock>,
    pub member_id: String,
    pub other_id: String,
    pub former_id: String,
    pub disabled_id: String,
    pub counter: AtomicUsize,
}

impl World {
    fn unique(&self, what: &str) -> String {
        format!("{what}{}", self.counter.fetch_add(1, Ordering::Relaxed))
    }

    async fn admin(&self) -> Cred {
        Cred::Cookie(login(&self.app, "admin@lab.example").await)
    }

    async fn set_user(&self, id: &str, body: Value) {
        let path = format!("/api/users/{id}");
        let answer = call(&self.app, Method::PATCH, &path, &self.admin().await, Some(body)).await;
        assert_eq!(answer.status, 200, "{}", answer.body);
    }

    /// Fresh credentials for one call, so no call depends on what an earlier one ended, and the
    /// instance to call with them.
    pub async fn cred(&self, persona: Persona) -> (Cred, &TestApp) {
        let cred = match persona {
            Persona::Anonymous => Cred::None,
            Persona::Member => Cred::Cookie(login(&self.app, "member@lab.example").await),
            Persona::OtherMember => Cred::Cookie(login(&self.app, "other@lab.example").await),
            Persona::Admin => self.admin().await,
            Persona::Token | Persona::ReadOnlyToken | Persona::AdminToken | Persona::AdminReadOnlyToken => {
                let whose = match persona {
                    Persona::AdminToken | Persona::AdminReadOnlyToken => "admin@lab.example",
                    _ => "member@lab.example",
                };
                let session = login(&self.app, whose).await;
                let scope = match persona {
                    Persona::Token | Persona::AdminToken => "read_write",
                    _ => "read_only",
                };
                Cred::Bearer(token(&self.app, &session, &self.unique("t"), scope).await.1)
            }
            Persona::ExpiredSession => {
                let session = login(&self.app, "member@lab.example").await;
                self.clock.advance(Duration::days(7) + Duration::minutes(1));
                Cred::Cookie(session)
            }
            Persona::DisabledAccount => {
                self.set_user(&self.disabled_id, json!({"status": "active"})).await;
                let session = login(&self.app, "disabled@lab.example").await;
                let made = token(&self.app, &session, &self.unique("d"), "read_write").await.1;
                self.set_user(&self.disabled_id, json!({"status": "disabled"})).await;
                Cred::Bearer(made)
            }
            Persona::RevokedToken => {
                let session = login(&self.app, "member@lab.example").await;
                let (id, secret) = token(&self.app, &session, &self.unique("r"), "read_write").await;
                let path = format!("/api/tokens/{id}");
                let revoked = call(&self.app, Method::DELETE, &path, &Cred::Cookie(session), None).await;
                assert_eq!(revoked.status, 200, "{}", revoked.body);
                Cred::Bearer(secret)
            }
            Persona::DemotedAdmin => {
                self.set_user(&self.former_id, json!({"role": "admin"})).await;
                let session = login(&self.app, "former@lab.example").await;
                let path = format!("/api/users/{}", self.former_id);
                let body = Some(json!({"role": "member"}));
                let stepped_down = call(&self.app, Method::PATCH, &path, &Cred::Cookie(session.clone()), body).await;
                assert_eq!(stepped_down.status, 200, "{}", stepped_down.body);
                Cred::Cookie(session)
            }
            Persona::GatedMember => {
                return (
                    Cred::Cookie(login(&self.gated, "member@lab.example").await),
                    &self.gated,
                );
            }
        };
        (cred, &self.app)
    }

    /// A resource of the member's for `{id}`, made fresh for each call.
    pub async fn id_for(&self, operation: &str) -> String {
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
            "revoke_invitation" => {
                let admin = login(&self.app, "admin@lab.example").await;
                let made = call(
                    &self.app,
                    Method::POST,
                    "/api/users/invitations",
                    &Cred::Cookie(admin),
                    Some(json!({})),
                )
                .await;
                assert_eq!(made.status, 201, "{}", made.body);
                made.body["data"]["invitation"]["id"].as_str().unwrap().to_string()
            }
            // A fresh account each call: a released address can no longer sign in.
            "release_email" => {
                register(&self.app, &format!("{}@lab.example", self.unique("squat")), "Squat")
                    .await
                    .0
            }
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
            | "stop_vm" | "reboot_vm" | "list_tunnels" | "create_tunnel" | "delete_tunnel" | "retry_public_ssh" => {
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
            "get_gpu_job" | "get_gpu_job_log" | "cancel_gpu_job" => self.gpu_job(false).await,
            // A finished job: its stream sends everything and ends.
            "follow_gpu_job" => self.gpu_job(true).await,
            "revoke_gpu_worker" => {
                let admin = login(&self.app, "admin@lab.example").await;
                let id = self.unique("gx10");
                let made = call(
                    &self.app,
                    Method::POST,
                    "/api/settings/gpu/workers",
                    &Cred::Cookie(admin),
                    Some(json!({ "id": id })),
                )
                .await;
                assert_eq!(made.status, 201, "{}", made.body);
                id
            }
            // No job has this number.
            "worker_heartbeat" | "worker_post_log" | "worker_report" => "999999".to_owned(),
            other => panic!("the matrix has no resource for {{id}} of {other}"),
        }
    }

    /// A fresh GPU job of the member's (cancelled at once when `finished`).
    async fn gpu_job(&self, finished: bool) -> String {
        let session = Cred::Cookie(login(&self.app, "member@lab.example").await);
        let made = call(
            &self.app,
            Method::POST,
            "/api/gpu/jobs",
            &session,
            self.body_for("submit_gpu_job"),
        )
        .await;
        assert_eq!(made.status, 201, "{}", made.body);
        let id = made.body["data"]["id"].as_u64().unwrap().to_string();
        if finished {
            let path = format!("/api/gpu/jobs/{id}/cancel");
            let cancelled = call(&self.app, Method::POST, &path, &session, None).await;
            assert_eq!(cancelled.status, 200, "{}", cancelled.body);
        }
        id
    }

    /// A fresh invitation's token on `app` (the instance the call goes to), made by its admin.
    pub async fn invite_token(&self, app: &TestApp) -> String {
        let admin = login(app, "admin@lab.example").await;
        let made = call(
            app,
            Method::POST,
            "/api/users/invitations",
            &Cred::Cookie(admin),
            Some(json!({})),
        )
        .await;
        assert_eq!(made.status, 201, "{}", made.body);
        made.body["data"]["token"].as_str().unwrap().to_string()
    }

    pub fn body_for(&self, operation: &str) -> Option<Value> {
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
            "test_gopher_settings" => json!({}),
            "set_gopher_settings" => json!({"url": "http://127.0.0.1:1"}),
            "set_oauth_settings" => json!({"github_orgs": []}),
            "create_tunnel" => json!({"target_port": 8080}),
            "set_tunnel_policy" => json!({"per_member_quota": 5}),
            "set_signups" => json!({"mode": "open"}),
            "create_invitation" => json!({"role": "member", "expires_in_days": 1}),
            "create_key" => json!({"name": self.unique("made-key"), "generate": true}),
            "update_key" => json!({"label": "relabelled"}),
            "attach_private_key" => json!({"private_key": "not a key"}),
            "deny_vm" => json!({"reason": "not now"}),
            "set_quota_defaults" | "set_member_quota" => json!({}),
            // One OS whose demo templates are healthy: the run skips them and ends at once.
            "bootstrap_templates" => json!({"os": ["debian-12"]}),
            "cluster_proxmox_fingerprint" | "setup_proxmox_fingerprint" => json!({"url": "127.0.0.1:1"}),
            "cluster_proxmox_check" | "setup_proxmox" => {
                json!({"url": "127.0.0.1:1", "fingerprint": "00", "token_id": "a@pve!b", "token_secret": "c"})
            }
            "cluster_network_review" | "cluster_network_probe" | "setup_network" | "setup_network_probe" => {
                json!({"pool_start": "127.77.0.10", "pool_end": "127.77.0.200", "gateway": "127.77.0.1", "prefix": 24})
            }
            "set_cluster_settings" => json!({"network": {"pool_start": "127.77.0.10", "pool_end": "127.77.0.200",
                "gateway": "127.77.0.1", "prefix": 24, "nameservers": "1.1.1.1 8.8.8.8"}}),
            "setup_access" => json!({"signup_mode": "open"}),
            "setup_finish" => json!({"email": "setup@lab.example", "password": PASSWORD}),
            "submit_gpu_job" => json!({"image": "nvidia/cuda:12.4.1-base-ubuntu22.04", "command": ["nvidia-smi"]}),
            "set_gpu_settings" => json!({"max_queued_per_user": 100}),
            "add_gpu_worker" => json!({"id": self.unique("gx10")}),
            "worker_report" => json!({"state": "succeeded", "exit_code": 0}),
            "create_vm" => {
                json!({"hostname": self.unique("vm"), "tier": "small", "os_template": "debian-12", "generate_key": true})
            }
            _ => return None,
        })
    }
}
