//! The fleet over real HTTP against `nimbus demo` (instant profile): member quotas checked where
//! a machine is admitted, the approval queue, provisioning on a member's behalf, and the admin's
//! observability routes (nodes and scores, every guest, figures, metrics, the IP pool).

use std::time::Duration;

use reqwest::Method;
use serde_json::{Value, json};

use crate::accounts::{Cred, call, register, token};
use crate::helpers::TestApp;
use crate::vms::app;

mod admin;
mod approvals;
mod quotas;
mod templates;

/// A fresh demo with its first account (the admin); returns the app and the admin's token.
async fn with_admin() -> (TestApp, String) {
    let app = app().await;
    let (_, session) = register(&app, "admin@lab.example", "Admin").await;
    let (_, bearer) = token(&app, &session, "admin-cli", "read_write").await;
    (app, bearer)
}

/// A member: their user id and an API token.
async fn member(app: &TestApp, email: &str, name: &str) -> (String, String) {
    let (id, session) = register(app, email, name).await;
    let (_, bearer) = token(app, &session, "cli", "read_write").await;
    (id, bearer)
}

fn vm(hostname: &str, tier: &str) -> Value {
    json!({"hostname": hostname, "tier": tier, "os_template": "debian-12", "generate_key": true})
}

async fn as_(app: &TestApp, bearer: &str, method: Method, path: &str, body: Option<Value>) -> crate::accounts::Answer {
    call(app, method, path, &Cred::Bearer(bearer.to_owned()), body).await
}

/// Waits (bounded) until the machine's status is `want`; returns the machine.
async fn until_status(app: &TestApp, bearer: &str, id: &str, want: &str) -> Value {
    let mut last = Value::Null;
    for _ in 0..400 {
        let got = as_(app, bearer, Method::GET, &format!("/api/vms/{id}"), None).await;
        last = got.body["data"].clone();
        if last["status"] == want {
            return last;
        }
        tokio::time::sleep(Duration::from_millis(25)).await;
    }
    panic!("machine {id} never reached {want}: {last}");
}
