//! Quotas at the API: a refusal names the limit, the use and what to do and creates nothing;
//! concurrent requests cannot together exceed a quota; defaults and per-member limits; admins
//! are exempt; deleting a machine gives its room back.

use reqwest::Method;
use serde_json::json;

use super::{as_, member, until_status, vm, with_admin};

#[tokio::test]
async fn a_member_at_their_limit_is_refused_with_the_limit_and_use_and_nothing_is_created() {
    let (app, admin) = with_admin().await;
    let (ada, bearer) = member(&app, "ada@lab.example", "Ada").await;
    let set = as_(
        &app,
        &admin,
        Method::PUT,
        &format!("/api/quotas/users/{ada}"),
        Some(json!({"max_vms": 1})),
    )
    .await;
    assert_eq!(set.status, 200, "{}", set.body);
    assert_eq!(set.body["data"]["quota"]["custom"], true);

    let first = as_(&app, &bearer, Method::POST, "/api/vms", Some(vm("one", "small"))).await;
    assert_eq!(first.status, 201, "{}", first.body);
    let keys_before = as_(&app, &bearer, Method::GET, "/api/keys", None).await.body["data"]
        .as_array()
        .unwrap()
        .len();
    let second = as_(&app, &bearer, Method::POST, "/api/vms", Some(vm("two", "small"))).await;
    assert_eq!(second.status, 403, "{}", second.body);
    assert_eq!(second.code(), "quota_exceeded");
    let message = second.body["error"].as_str().unwrap();
    assert!(message.contains("allows 1 machine and 1 is in use"), "{message}");
    assert!(message.contains("ask an admin to raise your quota"), "{message}");
    let keys_after = as_(&app, &bearer, Method::GET, "/api/keys", None).await.body["data"]
        .as_array()
        .unwrap()
        .len();
    assert_eq!(keys_before, keys_after, "a refused request saves no key");
    let mine = as_(&app, &bearer, Method::GET, "/api/vms", None).await;
    assert_eq!(mine.body["data"].as_array().unwrap().len(), 1);

    let quota = as_(&app, &bearer, Method::GET, "/api/quota", None).await;
    assert_eq!(quota.status, 200);
    let q = &quota.body["data"];
    assert_eq!((q["exempt"].clone(), q["custom"].clone()), (json!(false), json!(true)));
    assert_eq!(
        q["usage"],
        json!({"vms": 1, "vcpus": 1, "memory_mib": 1024, "disk_gib": 15})
    );
    assert_eq!(q["headroom"]["vms"], 0);

    // Deleting the machine gives its room back.
    let id = first.body["data"]["id"].as_str().unwrap().to_owned();
    let gone = as_(&app, &bearer, Method::DELETE, &format!("/api/vms/{id}"), None).await;
    assert_eq!(gone.status, 202);
    for _ in 0..400 {
        let q = as_(&app, &bearer, Method::GET, "/api/quota", None).await;
        if q.body["data"]["usage"]["vms"] == 0 {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(25)).await;
    }
    let again = as_(&app, &bearer, Method::POST, "/api/vms", Some(vm("two", "small"))).await;
    assert_eq!(again.status, 201, "{}", again.body);
    app.stop().await;
}

#[tokio::test]
async fn concurrent_requests_cannot_together_exceed_a_quota() {
    let (app, admin) = with_admin().await;
    let (ada, bearer) = member(&app, "ada@lab.example", "Ada").await;
    let set = as_(
        &app,
        &admin,
        Method::PUT,
        &format!("/api/quotas/users/{ada}"),
        Some(json!({"max_vms": 2})),
    )
    .await;
    assert_eq!(set.status, 200);
    let mut burst = tokio::task::JoinSet::new();
    for i in 0..6 {
        let (http, url, bearer) = (app.http.clone(), app.url("/api/vms"), bearer.clone());
        burst.spawn(async move {
            let resp = http
                .post(url)
                .header("authorization", format!("Bearer {bearer}"))
                .json(&vm(&format!("burst-{i}"), "small"))
                .send()
                .await
                .unwrap();
            let status = resp.status().as_u16();
            let body: serde_json::Value = resp.json().await.unwrap();
            (status, body["code"].as_str().unwrap_or_default().to_owned())
        });
    }
    let answers = burst.join_all().await;
    let created = answers.iter().filter(|(s, _)| *s == 201).count();
    let refused = answers
        .iter()
        .filter(|(s, c)| *s == 403 && c == "quota_exceeded")
        .count();
    assert_eq!((created, refused), (2, 4), "{answers:?}");
    let mine = as_(&app, &bearer, Method::GET, "/api/vms", None).await;
    assert_eq!(mine.body["data"].as_array().unwrap().len(), 2);
    app.stop().await;
}

#[tokio::test]
async fn defaults_apply_to_members_without_their_own_limits_and_admins_are_exempt() {
    let (app, admin) = with_admin().await;
    let (ada, bearer) = member(&app, "ada@lab.example", "Ada").await;
    let fresh = as_(&app, &admin, Method::GET, "/api/quotas", None).await;
    assert_eq!(fresh.status, 200);
    assert_eq!(
        fresh.body["data"]["defaults"]["max_vms"], 10,
        "built-in defaults until an admin saves some"
    );

    let bad = as_(
        &app,
        &admin,
        Method::PUT,
        "/api/quotas/defaults",
        Some(json!({"approval_above": "huge"})),
    )
    .await;
    assert_eq!(
        (bad.status.as_u16(), bad.body["field"].clone()),
        (400, json!("approval_above"))
    );
    let bad = as_(
        &app,
        &admin,
        Method::PUT,
        "/api/quotas/defaults",
        Some(json!({"max_vms": 20000})),
    )
    .await;
    assert_eq!(
        (bad.status.as_u16(), bad.body["field"].clone()),
        (400, json!("max_vms"))
    );
    let set = as_(
        &app,
        &admin,
        Method::PUT,
        "/api/quotas/defaults",
        Some(json!({"max_vcpus": 2})),
    )
    .await;
    assert_eq!(set.status, 200, "{}", set.body);
    assert_eq!(
        set.body["data"]["max_vms"],
        serde_json::Value::Null,
        "an absent limit is no limit"
    );

    let medium = as_(&app, &bearer, Method::POST, "/api/vms", Some(vm("mid", "medium"))).await;
    assert_eq!(medium.status, 201, "{}", medium.body);
    let small = as_(&app, &bearer, Method::POST, "/api/vms", Some(vm("tiny", "small"))).await;
    assert_eq!(small.status, 403);
    let message = small.body["error"].as_str().unwrap();
    assert!(
        message.contains("2 vCPUs in total; 2 are in use and this machine needs 1"),
        "{message}"
    );

    // A member's own limits win over the defaults; resetting puts them back.
    let own = as_(
        &app,
        &admin,
        Method::PUT,
        &format!("/api/quotas/users/{ada}"),
        Some(json!({"max_vcpus": 3})),
    )
    .await;
    assert_eq!(own.status, 200);
    assert_eq!(
        as_(&app, &bearer, Method::POST, "/api/vms", Some(vm("tiny", "small")))
            .await
            .status,
        201
    );
    let reset = as_(&app, &admin, Method::DELETE, &format!("/api/quotas/users/{ada}"), None).await;
    assert_eq!(reset.status, 200);
    assert_eq!(reset.body["data"]["quota"]["custom"], false);
    assert_eq!(reset.body["data"]["quota"]["usage"]["vcpus"], 3);

    // The admin is not limited, and cannot be given a quota.
    for i in 0..3 {
        let made = as_(
            &app,
            &admin,
            Method::POST,
            "/api/vms",
            Some(vm(&format!("adm-{i}"), "medium")),
        )
        .await;
        assert_eq!(made.status, 201, "{}", made.body);
    }
    let overview = as_(&app, &admin, Method::GET, "/api/quotas", None).await;
    let rows = overview.body["data"]["members"].as_array().unwrap();
    let admin_row = rows.iter().find(|r| r["role"] == "admin").unwrap();
    assert_eq!(admin_row["quota"]["exempt"], true);
    assert_eq!(admin_row["quota"]["usage"]["vms"], 3);
    let admin_id = admin_row["user_id"].as_str().unwrap();
    let refused = as_(
        &app,
        &admin,
        Method::PUT,
        &format!("/api/quotas/users/{admin_id}"),
        Some(json!({})),
    )
    .await;
    assert_eq!((refused.status.as_u16(), refused.code()), (409, "admin_has_no_quota"));
    let nobody = as_(
        &app,
        &admin,
        Method::PUT,
        "/api/quotas/users/not-a-user",
        Some(json!({})),
    )
    .await;
    assert_eq!(nobody.status, 404);

    // Every change is in the audit log.
    let audit = as_(&app, &admin, Method::GET, "/api/audit?action=quota.changed", None).await;
    assert_eq!(
        audit.body["data"]["entries"].as_array().map(Vec::len),
        Some(3),
        "{}",
        audit.body
    );
    app.stop().await;
}

#[tokio::test]
async fn an_admin_provisions_for_a_member_who_then_owns_it_within_their_quota() {
    let (app, admin) = with_admin().await;
    let (ada, bearer) = member(&app, "ada@lab.example", "Ada").await;
    let (bob, bob_bearer) = member(&app, "bob@lab.example", "Bob").await;
    let mut body = vm("for-ada", "xl");
    body["owner_id"] = json!(ada);
    let made = as_(&app, &admin, Method::POST, "/api/vms", Some(body)).await;
    assert_eq!(made.status, 201, "an admin's request needs no approval: {}", made.body);
    assert!(
        made.body["data"]["ssh_private_key"].is_null(),
        "the member's key is not handed to the admin"
    );
    let id = made.body["data"]["id"].as_str().unwrap().to_owned();
    let theirs = until_status(&app, &bearer, &id, "running").await;
    assert_eq!(theirs["owner_id"], ada);
    assert!(theirs["created_by"].is_string());
    assert_eq!(
        theirs["private_key_available"], true,
        "the owner can download the kept key"
    );
    let quota = as_(&app, &bearer, Method::GET, "/api/quota", None).await;
    assert_eq!(quota.body["data"]["usage"]["vcpus"], 8);

    // Members cannot act for others; unknown accounts are named.
    let mut body = vm("for-bob", "small");
    body["owner_id"] = json!(bob);
    let refused = as_(&app, &bearer, Method::POST, "/api/vms", Some(body)).await;
    assert_eq!(
        (refused.status.as_u16(), refused.body["field"].clone()),
        (403, json!("owner_id"))
    );
    assert!(
        as_(&app, &bob_bearer, Method::GET, "/api/vms", None).await.body["data"]
            .as_array()
            .unwrap()
            .is_empty()
    );
    let mut body = vm("for-nobody", "small");
    body["owner_id"] = json!("00000000-0000-0000-0000-000000000000");
    let unknown = as_(&app, &admin, Method::POST, "/api/vms", Some(body)).await;
    assert_eq!(
        (unknown.status.as_u16(), unknown.body["field"].clone()),
        (400, json!("owner_id"))
    );

    // The member's quota applies to what is made for them.
    let set = as_(
        &app,
        &admin,
        Method::PUT,
        &format!("/api/quotas/users/{ada}"),
        Some(json!({"max_vms": 1})),
    )
    .await;
    assert_eq!(set.status, 200);
    let mut body = vm("for-ada-2", "small");
    body["owner_id"] = json!(ada);
    let over = as_(&app, &admin, Method::POST, "/api/vms", Some(body)).await;
    assert_eq!(over.status, 403);
    assert!(
        over.body["error"].as_str().unwrap().contains("Ada's quota"),
        "{}",
        over.body
    );
    let audit = as_(
        &app,
        &admin,
        Method::GET,
        "/api/audit?action=vm.created_on_behalf",
        None,
    )
    .await;
    assert_eq!(audit.body["data"]["entries"].as_array().map(Vec::len), Some(1));
    app.stop().await;
}

#[tokio::test]
async fn requests_waiting_for_approval_are_capped_per_member_and_a_decision_frees_a_place() {
    let (app, admin) = with_admin().await;
    let (_, bearer) = member(&app, "ada@lab.example", "Ada").await;
    let (_, bob) = member(&app, "bob@lab.example", "Bob").await;
    let mut waiting = Vec::new();
    for i in 0..3 {
        let filed = as_(
            &app,
            &bearer,
            Method::POST,
            "/api/vms",
            Some(vm(&format!("big-{i}"), "xl")),
        )
        .await;
        assert_eq!(filed.status, 202, "{}", filed.body);
        waiting.push(filed.body["data"]["id"].as_str().unwrap().to_owned());
    }
    let fourth = as_(&app, &bearer, Method::POST, "/api/vms", Some(vm("big-3", "xl"))).await;
    assert_eq!(
        (fourth.status.as_u16(), fourth.code()),
        (403, "quota_exceeded"),
        "{}",
        fourth.body
    );
    let message = fourth.body["error"].as_str().unwrap();
    assert!(message.contains("allows 3 requests waiting"), "{message}");
    assert!(message.contains("withdraw a request"), "{message}");
    let theirs = as_(&app, &bob, Method::POST, "/api/vms", Some(vm("bobs-big", "xl"))).await;
    assert_eq!(
        theirs.status, 202,
        "another member has places of their own: {}",
        theirs.body
    );
    let admins = as_(&app, &admin, Method::POST, "/api/vms", Some(vm("admins-own", "small"))).await;
    assert_eq!(admins.status, 201, "{}", admins.body);
    let queue = as_(&app, &admin, Method::GET, "/api/approvals", None).await;
    assert_eq!(
        queue.body["data"].as_array().unwrap().len(),
        4,
        "the refused one never queued"
    );

    let path = format!("/api/approvals/{}/deny", waiting[0]);
    let denied = as_(&app, &admin, Method::POST, &path, Some(json!({"reason": "not now"}))).await;
    assert_eq!(denied.status, 200, "{}", denied.body);
    let now = as_(&app, &bearer, Method::POST, "/api/vms", Some(vm("big-3", "xl"))).await;
    assert_eq!(now.status, 202, "a decision frees a place: {}", now.body);

    let defaults = as_(
        &app,
        &admin,
        Method::PUT,
        "/api/quotas/defaults",
        Some(json!({"max_pending": 5000})),
    )
    .await;
    assert_eq!(
        (defaults.status.as_u16(), &defaults.body["field"]),
        (400, &json!("max_pending"))
    );
    let defaults = as_(
        &app,
        &admin,
        Method::PUT,
        "/api/quotas/defaults",
        Some(json!({"max_pending": 4})),
    )
    .await;
    assert_eq!(defaults.status, 200, "{}", defaults.body);
    assert_eq!(defaults.body["data"]["max_pending"], 4, "{}", defaults.body);
    let fifth = as_(&app, &bearer, Method::POST, "/api/vms", Some(vm("big-4", "xl"))).await;
    assert_eq!(fifth.status, 202, "the admin's default now allows four: {}", fifth.body);
    app.stop().await;
}
