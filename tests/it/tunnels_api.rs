//! The tunnel API over real HTTP on `nimbus demo` (its simulated cluster and its own simulated
//! Gopher, wired in process): a member provisions with public SSH, sees the WAN command, checks
//! and publishes a port, is refused with the field named for a taken, reserved or malformed
//! subdomain and at the quota; other members get 404; admins see it all joined on Gopher and in
//! the Fleet table; every change is audited; deleting the machine removes it from Gopher.

use std::time::Duration;

use nimbus::app::config::Mode;
use reqwest::Method;
use serde_json::{Value, json};

use crate::accounts::{Answer, Cred, NO_LIMITS, call, register};
use crate::helpers::TestApp;

async fn demo() -> (TestApp, Cred, Cred, Cred) {
    let mut env = NO_LIMITS.to_vec();
    env.push(("NIMBUS_SIM_PROFILE", "instant"));
    let app = TestApp::spawn_with(Mode::Demo, &env).await;
    let (_, admin) = register(&app, "admin@lab.example", "Ada").await;
    let (_, member) = register(&app, "member@lab.example", "Mel").await;
    let (_, other) = register(&app, "other@lab.example", "Oz").await;
    (app, Cred::Cookie(admin), Cred::Cookie(member), Cred::Cookie(other))
}

/// The machine once public SSH has settled (connected or failed), within a bound.
async fn settled(app: &TestApp, cred: &Cred, id: &str) -> Value {
    let path = format!("/api/vms/{id}");
    for _ in 0..1_200 {
        let vm = call(app, Method::GET, &path, cred, None).await.body["data"].clone();
        let state = vm["public_ssh"]["state"].as_str().unwrap_or_default().to_owned();
        if vm["status"] == "running" && (state == "connected" || state == "failed") {
            return vm;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!("public SSH of {id} did not settle");
}

fn refused(answer: &Answer, status: u16, code: &str, field: Option<&str>) {
    assert_eq!(answer.status, status, "{}", answer.body);
    assert_eq!(answer.body["code"], code, "{}", answer.body);
    if let Some(field) = field {
        assert_eq!(answer.body["field"], field, "{}", answer.body);
    }
}

#[tokio::test]
async fn a_member_publishes_ports_of_their_machine_and_only_they_and_admins_reach_them() {
    let (app, admin, member, other) = demo().await;
    let info = call(&app, Method::GET, "/api/tunnels/info", &member, None).await;
    assert_eq!(info.body["data"]["enabled"], true, "{}", info.body);
    assert_eq!(info.body["data"]["host"], "127.0.0.1");
    assert_eq!(info.body["data"]["used"], 0);

    let made = call(
        &app,
        Method::POST,
        "/api/vms",
        &member,
        Some(
            json!({"hostname": "pub-1", "tier": "small", "os_template": "debian-12", "generate_key": true,
            "public_tunnel": true}),
        ),
    )
    .await;
    assert_eq!(made.status, 201, "{}", made.body);
    let id = made.body["data"]["id"].as_str().unwrap().to_owned();
    let vm = settled(&app, &member, &id).await;
    let public = &vm["public_ssh"];
    assert_eq!(public["state"], "connected", "{public}");
    let port = public["port"].as_u64().expect("the port Gopher's bootstrap printed");
    assert_eq!(public["command"], format!("ssh -p {port} debian@127.0.0.1"));

    // The subdomain check as you type.
    let check = |s: &str| format!("/api/tunnels/check?subdomain={s}");
    let www = call(&app, Method::GET, &check("www"), &member, None).await;
    assert_eq!(www.body["data"]["available"], false);
    assert!(www.body["data"]["reason"].as_str().unwrap().contains("reserved"));
    let mine = call(&app, Method::GET, &check("My-App"), &member, None).await;
    assert_eq!(
        (
            mine.body["data"]["subdomain"].clone(),
            mine.body["data"]["available"].clone()
        ),
        (json!("my-app"), json!(true))
    );
    refused(
        &call(&app, Method::GET, &check("a.b"), &member, None).await,
        400,
        "validation_failed",
        Some("subdomain"),
    );

    let tunnels = format!("/api/vms/{id}/tunnels");
    let publish = |body: Value| call(&app, Method::POST, &tunnels, &member, Some(body));
    let created = publish(json!({"target_port": 8080, "subdomain": "My-App"})).await;
    assert_eq!(created.status, 201, "{}", created.body);
    let tunnel = created.body["data"].clone();
    assert_eq!(tunnel["url"], "https://my-app.gopher.test");
    assert_eq!(
        (tunnel["target_port"].clone(), tunnel["tls"].clone()),
        (json!(8080), json!(true))
    );
    refused(
        &publish(json!({"target_port": 8081, "subdomain": "my-app"})).await,
        409,
        "subdomain_taken",
        Some("subdomain"),
    );
    refused(
        &publish(json!({"target_port": 0})).await,
        400,
        "validation_failed",
        Some("target_port"),
    );
    refused(
        &publish(json!({"target_port": 8081, "subdomain": "admin"})).await,
        400,
        "validation_failed",
        Some("subdomain"),
    );
    let info = call(&app, Method::GET, "/api/tunnels/info", &member, None).await;
    assert_eq!(info.body["data"]["domain"], "gopher.test");
    assert_eq!(info.body["data"]["used"], 1);

    // A subdomain someone else holds on Gopher.
    let gopher = call(&app, Method::GET, "/api/settings/gopher", &admin, None).await;
    let gopher_url = gopher.body["data"]["url"]
        .as_str()
        .unwrap()
        .trim_end_matches('/')
        .to_owned();
    let fault = app
        .http
        .post(format!("{gopher_url}/_sim/faults"))
        .json(&json!({"kind": "subdomain_taken", "subdomain": "taken"}))
        .send()
        .await
        .unwrap();
    assert!(fault.status().is_success());
    let taken = call(&app, Method::GET, &check("taken"), &member, None).await;
    assert_eq!(taken.body["data"]["available"], false, "{}", taken.body);
    refused(
        &publish(json!({"target_port": 8081, "subdomain": "taken"})).await,
        409,
        "subdomain_taken",
        Some("subdomain"),
    );

    // The quota, as an admin sets it.
    let policy = call(
        &app,
        Method::PUT,
        "/api/settings/tunnels",
        &admin,
        Some(json!({"per_member_quota": 1})),
    )
    .await;
    assert_eq!(policy.status, 200, "{}", policy.body);
    refused(
        &publish(json!({"target_port": 9090})).await,
        409,
        "tunnel_quota_reached",
        None,
    );

    // Other members see nothing of it.
    let tunnel_id = tunnel["id"].as_str().unwrap();
    let one = format!("{tunnels}/{tunnel_id}");
    for (method, path) in [
        (Method::GET, &tunnels),
        (Method::POST, &tunnels),
        (Method::DELETE, &one),
    ] {
        let body = (method == Method::POST).then(|| json!({"target_port": 22}));
        let answer = call(&app, method.clone(), path, &other, body).await;
        assert_eq!(answer.status, 404, "{method} {path}: {}", answer.body);
    }

    // Admins see it everywhere.
    let listed = call(&app, Method::GET, &tunnels, &admin, None).await;
    assert_eq!(listed.body["data"]["items"].as_array().unwrap().len(), 1);
    let overview = call(&app, Method::GET, "/api/tunnels", &admin, None).await;
    assert_eq!(overview.body["data"]["reachable"], true, "{}", overview.body);
    let machines = overview.body["data"]["machines"].as_array().unwrap().clone();
    assert_eq!(machines.len(), 1, "{}", overview.body);
    assert_eq!(machines[0]["foreign"], false);
    assert_eq!(machines[0]["vm"]["hostname"], "pub-1");
    assert_eq!(machines[0]["vm"]["owner_name"], "Mel");
    assert_eq!(machines[0]["tunnels"][0]["subdomain"], "my-app");
    let fleet = call(&app, Method::GET, "/api/cluster/vms", &admin, None).await;
    let row = fleet.body["data"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["hostname"] == "pub-1")
        .cloned()
        .expect("the machine is in the Fleet table");
    assert_eq!(row["public_ssh"], format!("127.0.0.1:{port}"));
    assert_eq!(row["public_urls"], json!(["https://my-app.gopher.test"]));

    let removed = call(&app, Method::DELETE, &one, &member, None).await;
    assert_eq!(removed.status, 204, "{}", removed.body);
    let listed = call(&app, Method::GET, &tunnels, &member, None).await;
    assert_eq!(listed.body["data"]["items"], json!([]));
    let audit = call(&app, Method::GET, "/api/audit", &admin, None).await;
    let actions: Vec<String> = audit.body["data"]["entries"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["action"].as_str().unwrap_or_default().to_owned())
        .collect();
    for wanted in ["tunnel.created", "tunnel.deleted"] {
        assert!(actions.iter().any(|a| a == wanted), "{wanted} in {actions:?}");
    }

    // Deleting the machine removes its Gopher machine.
    let deleted = call(&app, Method::DELETE, &format!("/api/vms/{id}"), &member, None).await;
    assert_eq!(deleted.status, 202, "{}", deleted.body);
    for _ in 0..1_200 {
        let overview = call(&app, Method::GET, "/api/tunnels", &admin, None).await;
        if overview.body["data"]["machines"] == json!([]) {
            return;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!("the Gopher machine outlived its VM");
}

#[tokio::test]
async fn with_gopher_cleared_tunnels_are_off_and_public_ssh_is_refused_with_the_field_named() {
    let (app, admin, member, _) = demo().await;
    let cleared = call(
        &app,
        Method::PUT,
        "/api/settings/gopher",
        &admin,
        Some(json!({"clear": true})),
    )
    .await;
    assert_eq!(cleared.status, 200, "{}", cleared.body);
    let info = call(&app, Method::GET, "/api/tunnels/info", &member, None).await;
    assert_eq!(info.body["data"]["enabled"], false, "{}", info.body);
    let refused_vm = call(
        &app,
        Method::POST,
        "/api/vms",
        &member,
        Some(
            json!({"hostname": "pub-off", "tier": "small", "os_template": "debian-12", "generate_key": true,
            "public_tunnel": true}),
        ),
    )
    .await;
    refused(&refused_vm, 400, "validation_failed", Some("public_tunnel"));
    let mine = call(&app, Method::GET, "/api/vms", &member, None).await;
    assert_eq!(mine.body["data"], json!([]), "nothing was made");
    let check = call(&app, Method::GET, "/api/tunnels/check?subdomain=my-blog", &member, None).await;
    assert_eq!(check.body["data"]["available"], false, "{}", check.body);
    assert!(check.body["data"]["reason"].as_str().unwrap().contains("not set up"));
    let overview = call(&app, Method::GET, "/api/tunnels", &admin, None).await;
    assert_eq!(overview.status, 200, "{}", overview.body);
    assert_eq!(overview.body["data"]["reachable"], false);
    assert!(overview.body["data"]["error"].as_str().unwrap().contains("not set up"));
}
