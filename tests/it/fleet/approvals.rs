//! The approval queue at the API: an xl request waits reserving nothing, an admin approves it
//! (quota and capacity checked) or denies it with a reason the member sees; a tier above a
//! member's allowance waits too; decisions are final and audited.

use reqwest::Method;
use serde_json::{Value, json};

use super::{as_, member, until_status, vm, with_admin};

fn xl(hostname: &str, reason: &str) -> Value {
    let mut body = vm(hostname, "xl");
    body["reason"] = json!(reason);
    body
}

async fn reserved(app: &crate::helpers::TestApp, admin: &str) -> usize {
    let ips = as_(app, admin, Method::GET, "/api/ips", None).await;
    assert_eq!(ips.status, 200, "{}", ips.body);
    ips.body["data"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|a| a["status"] != "free")
        .count()
}

#[tokio::test]
async fn an_xl_request_waits_reserving_nothing_until_an_admin_approves_it() {
    let (app, admin) = with_admin().await;
    let (_, bearer) = member(&app, "ada@lab.example", "Ada").await;
    let asked = as_(
        &app,
        &bearer,
        Method::POST,
        "/api/vms",
        Some(xl("trainer", "Hackathon ML project")),
    )
    .await;
    assert_eq!(asked.status, 202, "{}", asked.body);
    let request = &asked.body["data"];
    assert_eq!(request["status"], "pending_approval");
    assert_eq!(request["reason"], "Hackathon ML project");
    assert!(request["ip"].is_null() && request["node"].is_null());
    let id = request["id"].as_str().unwrap().to_owned();
    assert_eq!(reserved(&app, &admin).await, 0, "a pending request holds no address");
    let quota = as_(&app, &bearer, Method::GET, "/api/quota", None).await;
    assert_eq!(quota.body["data"]["usage"]["vms"], 0, "nor quota");

    let queue = as_(&app, &admin, Method::GET, "/api/approvals", None).await;
    let waiting = queue.body["data"].as_array().unwrap();
    assert_eq!(waiting.len(), 1);
    assert_eq!(
        (waiting[0]["id"].as_str(), waiting[0]["owner_name"].as_str()),
        (Some(id.as_str()), Some("Ada"))
    );
    let stats = as_(&app, &admin, Method::GET, "/api/cluster/stats", None).await;
    assert_eq!(stats.body["data"]["pending_approvals"], 1);

    let not_yours = as_(
        &app,
        &bearer,
        Method::POST,
        &format!("/api/approvals/{id}/approve"),
        None,
    )
    .await;
    assert_eq!(not_yours.status, 403);
    let approved = as_(
        &app,
        &admin,
        Method::POST,
        &format!("/api/approvals/{id}/approve"),
        None,
    )
    .await;
    assert_eq!(approved.status, 202, "{}", approved.body);
    let built = until_status(&app, &bearer, &id, "running").await;
    assert!(built["ip"].is_string());
    assert!(built["decided_at"].is_string());
    let twice = as_(
        &app,
        &admin,
        Method::POST,
        &format!("/api/approvals/{id}/approve"),
        None,
    )
    .await;
    assert_eq!(twice.status, 409);
    assert!(
        as_(&app, &admin, Method::GET, "/api/approvals", None).await.body["data"]
            .as_array()
            .unwrap()
            .is_empty()
    );
    let audit = as_(&app, &admin, Method::GET, "/api/audit?action=vm.approved", None).await;
    assert_eq!(audit.body["data"]["entries"].as_array().map(Vec::len), Some(1));
    app.stop().await;
}

#[tokio::test]
async fn a_denied_request_shows_why_and_frees_its_hostname() {
    let (app, admin) = with_admin().await;
    let (_, bearer) = member(&app, "ada@lab.example", "Ada").await;
    let asked = as_(
        &app,
        &bearer,
        Method::POST,
        "/api/vms",
        Some(xl("kafka", "Streaming POC")),
    )
    .await;
    let id = asked.body["data"]["id"].as_str().unwrap().to_owned();
    let path = format!("/api/approvals/{id}/deny");
    let empty = as_(&app, &admin, Method::POST, &path, Some(json!({"reason": "  "}))).await;
    assert_eq!(
        (empty.status.as_u16(), empty.body["field"].clone()),
        (400, json!("reason"))
    );
    let denied = as_(
        &app,
        &admin,
        Method::POST,
        &path,
        Some(json!({"reason": "Use a large; xl is for ML"})),
    )
    .await;
    assert_eq!(denied.status, 200, "{}", denied.body);
    let seen = as_(&app, &bearer, Method::GET, &format!("/api/vms/{id}"), None).await;
    assert_eq!(seen.body["data"]["status"], "denied");
    assert_eq!(seen.body["data"]["denied_reason"], "Use a large; xl is for ML");
    let late = as_(
        &app,
        &admin,
        Method::POST,
        &format!("/api/approvals/{id}/approve"),
        None,
    )
    .await;
    assert_eq!(late.status, 409, "a decision is final");
    assert_eq!(reserved(&app, &admin).await, 0);
    let reuse = as_(&app, &bearer, Method::POST, "/api/vms", Some(vm("kafka", "large"))).await;
    assert_eq!(reuse.status, 201, "the hostname is free again: {}", reuse.body);
    // The member dismisses the denied request.
    let dismissed = as_(&app, &bearer, Method::DELETE, &format!("/api/vms/{id}"), None).await;
    assert_eq!(dismissed.status, 202, "{}", dismissed.body);
    app.stop().await;
}

#[tokio::test]
async fn streamed_requests_end_with_the_pending_machine_and_allowances_widen_what_waits() {
    let (app, admin) = with_admin().await;
    let (ada, bearer) = member(&app, "ada@lab.example", "Ada").await;
    let resp = app
        .http
        .post(app.url("/api/vms"))
        .header("authorization", format!("Bearer {bearer}"))
        .header("accept", "application/x-ndjson")
        .json(&xl("big", "benchmarks"))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 202);
    let text = resp.text().await.unwrap();
    let lines: Vec<Value> = text.lines().map(|l| serde_json::from_str(l).unwrap()).collect();
    assert_eq!(lines.len(), 2, "{text}");
    assert_eq!(
        (lines[0]["type"].as_str(), lines[1]["type"].as_str()),
        (Some("accepted"), Some("pending_approval"))
    );
    assert_eq!(lines[1]["data"]["status"], "pending_approval");

    // An allowance of "small" makes medium wait too; the catalog says so.
    let set = as_(
        &app,
        &admin,
        Method::PUT,
        &format!("/api/quotas/users/{ada}"),
        Some(json!({"approval_above": "small", "max_vms": 2})),
    )
    .await;
    assert_eq!(set.status, 200, "{}", set.body);
    let catalog = as_(&app, &bearer, Method::GET, "/api/catalog", None).await;
    let needs: Vec<(String, bool)> = catalog.body["data"]["tiers"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| {
            (
                t["name"].as_str().unwrap().to_owned(),
                t["needs_approval"].as_bool().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        needs,
        [("small", false), ("medium", true), ("large", true), ("xl", true)].map(|(n, b)| (n.to_owned(), b))
    );
    let medium = as_(&app, &bearer, Method::POST, "/api/vms", Some(vm("mid", "medium"))).await;
    assert_eq!(medium.status, 202);
    let mid = medium.body["data"]["id"].as_str().unwrap().to_owned();

    // Approval re-checks the quota: two smalls fill it, so the medium cannot be approved.
    for name in ["s-1", "s-2"] {
        assert_eq!(
            as_(&app, &bearer, Method::POST, "/api/vms", Some(vm(name, "small")))
                .await
                .status,
            201
        );
    }
    let full = as_(
        &app,
        &admin,
        Method::POST,
        &format!("/api/approvals/{mid}/approve"),
        None,
    )
    .await;
    assert_eq!(
        (full.status.as_u16(), full.code()),
        (409, "quota_exceeded"),
        "{}",
        full.body
    );
    assert!(
        full.body["error"].as_str().unwrap().contains("Ada's quota"),
        "{}",
        full.body
    );
    let still = as_(&app, &bearer, Method::GET, &format!("/api/vms/{mid}"), None).await;
    assert_eq!(
        still.body["data"]["status"], "pending_approval",
        "the request keeps waiting"
    );
    // Withdrawn by the member, it leaves the queue.
    assert_eq!(
        as_(&app, &bearer, Method::DELETE, &format!("/api/vms/{mid}"), None)
            .await
            .status,
        202
    );
    let after = as_(
        &app,
        &admin,
        Method::POST,
        &format!("/api/approvals/{mid}/approve"),
        None,
    )
    .await;
    assert!(after.status == 404 || after.status == 409, "{}", after.status);
    app.stop().await;
}

#[tokio::test]
async fn an_approved_request_that_fails_is_tried_again_without_a_second_approval() {
    let (app, admin) = with_admin().await;
    let (_, bearer) = member(&app, "ada@lab.example", "Ada").await;
    let asked = as_(
        &app,
        &bearer,
        Method::POST,
        "/api/vms",
        Some(xl("flaky-xl", "load tests")),
    )
    .await;
    let id = asked.body["data"]["id"].as_str().unwrap().to_owned();
    let demo = app.running.as_ref().unwrap().app().demo.as_ref().unwrap();
    demo.cluster.inject(
        nimbus::adapters::proxmox::sim::Fault::TaskError {
            op: nimbus::adapters::proxmox::sim::Op::Config,
            message: "unable to parse ipconfig0".into(),
        },
        nimbus::adapters::proxmox::sim::FaultScope::Once,
    );
    let approved = as_(
        &app,
        &admin,
        Method::POST,
        &format!("/api/approvals/{id}/approve"),
        None,
    )
    .await;
    assert_eq!(approved.status, 202, "{}", approved.body);
    let failed = until_status(&app, &bearer, &id, "failed").await;
    assert_eq!(failed["failure"]["step"], "configure");
    let mut rolled = failed;
    for _ in 0..400 {
        if rolled["can_retry"] == true {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(25)).await;
        rolled = as_(&app, &bearer, Method::GET, &format!("/api/vms/{id}"), None)
            .await
            .body["data"]
            .clone();
    }
    let retry = as_(&app, &bearer, Method::POST, &format!("/api/vms/{id}/retry"), None).await;
    assert_eq!(retry.status, 202, "{}", retry.body);
    assert_ne!(
        retry.body["data"]["status"], "pending_approval",
        "the approval carries over"
    );
    let again = retry.body["data"]["id"].as_str().unwrap().to_owned();
    until_status(&app, &bearer, &again, "running").await;
    assert!(
        as_(&app, &admin, Method::GET, "/api/approvals", None).await.body["data"]
            .as_array()
            .unwrap()
            .is_empty()
    );
    app.stop().await;
}
