//! The admin's observability routes over HTTP: node scores that name where the next VM goes (and
//! it does), rejection reasons, every guest with Nimbus's own told apart from foreign ones, the
//! IP pool with holders, the overview's figures and provisioning metrics.

use nimbus::domain::cluster::NodeName;
use nimbus::domain::vmid::VmId;
use nimbus::ports::Proxmox;
use nimbus::ports::proxmox::CloneRequest;
use reqwest::Method;
use serde_json::{Value, json};

use super::{as_, member, until_status, vm, with_admin};

fn nodes_of(answer: &Value) -> Vec<Value> {
    answer["data"]["nodes"].as_array().unwrap().clone()
}

#[tokio::test]
async fn node_scores_name_the_next_node_and_it_takes_the_next_machine() {
    let (app, admin) = with_admin().await;
    let nodes = as_(&app, &admin, Method::GET, "/api/nodes", None).await;
    assert_eq!(nodes.status, 200, "{}", nodes.body);
    assert_eq!(nodes.body["data"]["tier"], "small");
    let list = nodes_of(&nodes.body);
    assert_eq!(list.len(), 5);
    for n in &list {
        assert_eq!(n["status"], "online");
        assert!(n["mem_total"].as_u64().unwrap() > 0 && n["max_cpu"].as_u64().unwrap() > 0);
        assert_eq!(n["accepted"], true, "{n}");
        let score = n["score"]["total"].as_f64().unwrap();
        assert!((0.0..=1.0).contains(&score), "{n}");
        assert_eq!(n["templates"].as_array().unwrap().len(), 4, "{n}");
    }
    let first = list
        .iter()
        .find(|n| n["preference"] == 1)
        .expect("one node is first choice");
    let made = as_(&app, &admin, Method::POST, "/api/vms", Some(vm("placed", "small"))).await;
    assert_eq!(made.status, 201, "{}", made.body);
    assert_eq!(
        made.body["data"]["node"], first["name"],
        "the machine went where the scores said"
    );

    let bad = as_(&app, &admin, Method::GET, "/api/nodes?tier=huge", None).await;
    assert_eq!((bad.status.as_u16(), bad.body["field"].clone()), (400, json!("tier")));

    // A node an outage takes away is rejected with its reason.
    let demo = app.running.as_ref().unwrap().app().demo.as_ref().unwrap();
    demo.cluster.inject(
        nimbus::adapters::proxmox::sim::Fault::NodeOffline {
            node: NodeName::parse(list[1]["name"].as_str().unwrap()).unwrap(),
            mode: nimbus::adapters::proxmox::sim::OfflineMode::Refused,
        },
        nimbus::adapters::proxmox::sim::FaultScope::UntilCleared,
    );
    let nodes = as_(&app, &admin, Method::GET, "/api/nodes?tier=xl", None).await;
    let pve2 = nodes_of(&nodes.body)
        .into_iter()
        .find(|n| n["name"] == list[1]["name"])
        .unwrap();
    assert_eq!(
        (pve2["status"].as_str(), pve2["accepted"].as_bool()),
        (Some("offline"), Some(false))
    );
    assert_eq!(pve2["rejections"][0]["code"], "offline");
    assert!(pve2["rejections"][0]["message"].as_str().unwrap().contains("offline"));
    app.stop().await;
}

#[tokio::test]
async fn every_guest_the_pool_and_the_figures_tell_nimbus_machines_from_foreign_ones() {
    let (app, admin) = with_admin().await;
    let (_, bearer) = member(&app, "ada@lab.example", "Ada").await;
    let made = as_(&app, &bearer, Method::POST, "/api/vms", Some(vm("web", "small"))).await;
    assert_eq!(made.status, 201, "{}", made.body);
    let ip = made.body["data"]["ip"].as_str().unwrap().to_owned();
    let demo = app.running.as_ref().unwrap().app().demo.as_ref().unwrap();
    let proxmox = demo.cluster.proxmox();
    let template = VmId::new(9000).unwrap();
    proxmox
        .clone_vm(&CloneRequest {
            node: demo.cluster.node_of(template).expect("the first template"),
            vmid: template,
            newid: VmId::new(4242).unwrap(),
            name: Some("someone-elses".into()),
            description: None,
            full: Some(true),
            target: None,
            storage: None,
        })
        .await
        .unwrap();

    let mut guests = Vec::new();
    for _ in 0..400 {
        let answer = as_(&app, &admin, Method::GET, "/api/cluster/vms", None).await;
        assert_eq!(answer.status, 200, "{}", answer.body);
        guests = answer.body["data"].as_array().unwrap().clone();
        if guests.iter().any(|g| g["vmid"] == 4242) {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(25)).await;
    }
    let ours = guests
        .iter()
        .find(|g| g["hostname"] == "web")
        .expect("the Nimbus machine is listed");
    assert_eq!(
        (ours["source"].as_str(), ours["owner_name"].as_str()),
        (Some("nimbus"), Some("Ada"))
    );
    assert_eq!(ours["ip"], ip.as_str());
    let foreign = guests
        .iter()
        .find(|g| g["vmid"] == 4242)
        .expect("the foreign guest is listed");
    assert_eq!(
        (foreign["source"].as_str(), foreign["nimbus_managed"].as_bool()),
        (Some("foreign"), Some(false))
    );
    assert!(
        guests.iter().all(|g| g["vmid"].as_u64().unwrap() < 9000),
        "templates are left out"
    );

    let pool = as_(&app, &admin, Method::GET, "/api/ips", None).await;
    let held = pool.body["data"]
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["ip"] == ip.as_str())
        .unwrap()
        .clone();
    assert_eq!(
        (held["status"].as_str(), held["source"].as_str()),
        (Some("allocated"), Some("local"))
    );
    assert_eq!(
        (held["hostname"].as_str(), held["owner_name"].as_str()),
        (Some("web"), Some("Ada"))
    );

    let stats = as_(&app, &admin, Method::GET, "/api/cluster/stats", None).await;
    let s = &stats.body["data"];
    assert_eq!(
        (s["machines_active"].as_u64(), s["machines_new_this_week"].as_u64()),
        (Some(1), Some(1))
    );
    let pool = &s["pool"];
    assert_eq!(
        pool["total"].as_u64().unwrap(),
        pool["free"].as_u64().unwrap() + pool["reserved"].as_u64().unwrap() + pool["allocated"].as_u64().unwrap()
    );
    assert_eq!(pool["allocated"], 1);
    assert!(
        pool["first"].as_str().unwrap().starts_with("127.") && pool["last"].is_string(),
        "{pool}"
    );
    assert_eq!(s["cluster"]["nodes_total"], 5);
    assert!(s["cluster"]["guests_total"].as_u64().unwrap() >= 2);
    assert!(s["avg_provision_ms"].is_u64(), "{s}");

    let last = as_(&app, &admin, Method::POST, "/api/ips/reconcile", None).await;
    assert_eq!(last.status, 200);
    let read = as_(&app, &admin, Method::GET, "/api/ips/reconcile", None).await;
    assert_eq!(
        read.body["data"]["at"], last.body["data"]["at"],
        "the last report is the one just run"
    );
    app.stop().await;
}

#[tokio::test]
async fn metrics_count_outcomes_and_time_every_step() {
    let (app, admin) = with_admin().await;
    let (_, bearer) = member(&app, "ada@lab.example", "Ada").await;
    for name in ["m-1", "m-2", "m-3"] {
        let made = as_(&app, &bearer, Method::POST, "/api/vms", Some(vm(name, "small"))).await;
        assert_eq!(made.status, 201, "{}", made.body);
    }
    let demo = app.running.as_ref().unwrap().app().demo.as_ref().unwrap();
    demo.cluster.inject(
        nimbus::adapters::proxmox::sim::Fault::TaskError {
            op: nimbus::adapters::proxmox::sim::Op::Start,
            message: "start failed".into(),
        },
        nimbus::adapters::proxmox::sim::FaultScope::Once,
    );
    let failed = as_(&app, &bearer, Method::POST, "/api/vms", Some(vm("m-bad", "small"))).await;
    assert_eq!(failed.status, 503, "{}", failed.body);
    let mut body = vm("m-xl", "xl");
    body["reason"] = json!("later");
    let asked = as_(&app, &bearer, Method::POST, "/api/vms", Some(body)).await;
    let xl = asked.body["data"]["id"].as_str().unwrap().to_owned();
    let denied = as_(
        &app,
        &admin,
        Method::POST,
        &format!("/api/approvals/{xl}/deny"),
        Some(json!({"reason": "no"})),
    )
    .await;
    assert_eq!(denied.status, 200);
    // A deleted machine still counts in the history.
    let first = as_(&app, &bearer, Method::GET, "/api/vms", None).await.body["data"]
        .as_array()
        .unwrap()
        .iter()
        .find(|v| v["hostname"] == "m-1")
        .unwrap()["id"]
        .as_str()
        .unwrap()
        .to_owned();
    as_(&app, &bearer, Method::DELETE, &format!("/api/vms/{first}"), None).await;
    until_status(&app, &admin, &first, "deleting").await;

    let mut m = Value::Null;
    for _ in 0..400 {
        let answer = as_(&app, &admin, Method::GET, "/api/metrics/provisions", None).await;
        assert_eq!(answer.status, 200, "{}", answer.body);
        m = answer.body["data"].clone();
        if m["failed"] == 1 && m["in_progress"] == 0 {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(25)).await;
    }
    assert_eq!(
        (
            m["requested"].as_u64(),
            m["succeeded"].as_u64(),
            m["failed"].as_u64(),
            m["denied"].as_u64()
        ),
        (Some(5), Some(3), Some(1), Some(1)),
        "{m}"
    );
    assert_eq!(m["success_rate"], 0.75);
    assert_eq!(m["total"]["count"], 3);
    let steps: Vec<(&str, u64)> = m["steps"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| (s["step"].as_str().unwrap(), s["count"].as_u64().unwrap()))
        .collect();
    assert_eq!(
        &steps[..4],
        &[("reserve_ip", 4), ("place_vm", 4), ("clone", 4), ("configure", 4)],
        "{m}"
    );
    assert!(steps.contains(&("wait_ready", 3)), "{m}");
    let bad = as_(&app, &admin, Method::GET, "/api/metrics/provisions?days=0", None).await;
    assert_eq!((bad.status.as_u16(), bad.body["field"].clone()), (400, json!("days")));
    app.stop().await;
}

#[tokio::test]
async fn admins_see_every_background_job_and_the_last_report_of_each_that_ran() {
    let mut env = crate::accounts::NO_LIMITS.to_vec();
    env.extend([("NIMBUS_SIM_PROFILE", "instant"), ("RECONCILE_INTERVAL_SECONDS", "1")]);
    let app = crate::helpers::TestApp::spawn_with(nimbus::app::config::Mode::Demo, &env).await;
    let (_, session) = crate::accounts::register(&app, "admin@lab.example", "Admin").await;
    let (_, admin) = crate::accounts::token(&app, &session, "admin-cli", "read_write").await;
    let listed = as_(&app, &admin, Method::GET, "/api/system/jobs", None).await;
    assert_eq!(listed.status, 200, "{}", listed.body);
    let names: Vec<&str> = listed.body["data"]["jobs"]
        .as_array()
        .unwrap()
        .iter()
        .map(|j| j["name"].as_str().unwrap())
        .collect();
    for job in ["session_purge", "ip_reconcile", "drift_watch", "template_discovery"] {
        assert!(names.contains(&job), "{job} missing from {names:?}");
    }
    let mut reconcile = Value::Null;
    for _ in 0..400 {
        let jobs = as_(&app, &admin, Method::GET, "/api/system/jobs", None).await.body;
        reconcile = jobs["data"]["jobs"]
            .as_array()
            .unwrap()
            .iter()
            .find(|j| j["name"] == "ip_reconcile")
            .cloned()
            .unwrap();
        if reconcile.get("last_run_at").is_some() {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(25)).await;
    }
    assert_eq!(reconcile["interval_seconds"], 1, "{reconcile}");
    assert_eq!(reconcile["outcome"], "ok", "{reconcile}");
    assert!(
        reconcile["summary"].as_str().unwrap().contains("unchanged"),
        "{reconcile}"
    );
    assert!(reconcile["duration_ms"].is_u64(), "{reconcile}");
    let discovery = as_(&app, &admin, Method::GET, "/api/system/jobs", None).await.body["data"]["jobs"]
        .as_array()
        .unwrap()
        .iter()
        .find(|j| j["name"] == "template_discovery")
        .cloned()
        .unwrap();
    assert!(
        discovery.get("last_run_at").is_none(),
        "it runs every 5 minutes: {discovery}"
    );
    let (_, member) = member(&app, "member@lab.example", "Member").await;
    let refused = as_(&app, &member, Method::GET, "/api/system/jobs", None).await;
    assert_eq!(refused.status, 403, "{}", refused.body);
}
