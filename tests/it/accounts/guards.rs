//! Roles and standing, admin-only health details, rate limits and the CSRF guard.

use nimbus::app::config::Mode;
use reqwest::Method;
use serde_json::json;

use super::{Cred, NO_LIMITS, PASSWORD, call, login, register};
use crate::helpers::TestApp;

#[tokio::test]
async fn admins_change_roles_and_standing_but_never_remove_the_last_admin() {
    let app = TestApp::spawn_with(Mode::Demo, NO_LIMITS).await;
    let (ada_id, ada) = register(&app, "ada@lab.example", "Ada").await;
    let (bob_id, bob) = register(&app, "bob@lab.example", "Bob").await;
    let admin = Cred::Cookie(ada.clone());
    let (app_ref, admin_ref) = (&app, &admin);
    let patch = move |id: &str, body: serde_json::Value| {
        let path = format!("/api/users/{id}");
        async move { call(app_ref, Method::PATCH, &path, admin_ref, Some(body)).await }
    };

    let last = patch(&ada_id, json!({"role": "member"})).await;
    assert_eq!((last.status.as_u16(), last.code()), (409, "last_admin"));
    let last = patch(&ada_id, json!({"status": "disabled"})).await;
    assert_eq!(last.code(), "last_admin");

    let promoted = patch(&bob_id, json!({"role": "admin"})).await;
    assert_eq!(promoted.body["data"]["role"], "admin");
    let ended = call(&app, Method::GET, "/api/me", &Cred::Cookie(bob), None).await;
    assert_eq!(ended.status, 401, "a privilege change ends the user's sessions");
    let bob = login(&app, "bob@lab.example").await;
    let self_demote = patch(&ada_id, json!({"role": "member"})).await;
    assert_eq!(self_demote.status, 200, "two admins: one may step down");
    assert_eq!(
        call(&app, Method::GET, "/api/me", &Cred::Cookie(ada.clone()), None)
            .await
            .status,
        200,
        "the acting session survives"
    );
    let denied = call(&app, Method::GET, "/api/users", &Cred::Cookie(ada), None).await;
    assert_eq!((denied.status.as_u16(), denied.code()), (403, "admin_required"));

    let bob_admin = Cred::Cookie(bob);
    let disabled = call(
        &app,
        Method::PATCH,
        &format!("/api/users/{ada_id}"),
        &bob_admin,
        Some(json!({"status": "disabled"})),
    )
    .await;
    assert_eq!(disabled.body["data"]["status"], "disabled");
    let refused = call(
        &app,
        Method::POST,
        "/api/auth/login",
        &Cred::None,
        Some(json!({"email": "ada@lab.example", "password": PASSWORD})),
    )
    .await;
    assert_eq!((refused.status.as_u16(), refused.code()), (403, "account_disabled"));
    let unknown = call(
        &app,
        Method::PATCH,
        &format!("/api/users/{}", uuid::Uuid::new_v4()),
        &bob_admin,
        Some(json!({"role": "admin"})),
    )
    .await;
    assert_eq!(unknown.status, 404);
    let enabled = call(
        &app,
        Method::PATCH,
        &format!("/api/users/{ada_id}"),
        &bob_admin,
        Some(json!({"status": "active"})),
    )
    .await;
    assert_eq!(enabled.body["data"]["status"], "active");
    login(&app, "ada@lab.example").await;
    app.stop().await;
}

#[tokio::test]
async fn health_shows_the_version_to_the_signed_in_and_the_cluster_to_admins_only() {
    let app = TestApp::spawn().await;
    let (_, admin) = register(&app, "ada@lab.example", "Ada").await;
    let (_, member) = register(&app, "bob@lab.example", "Bob").await;
    for (cred, shown) in [
        (Cred::None, false),
        (Cred::Cookie(member), false),
        (Cred::Cookie(admin), true),
    ] {
        let health = call(&app, Method::GET, "/api/health", &cred, None).await;
        assert_eq!(health.status, 200);
        assert_eq!(
            health.body["data"]["proxmox"].is_object(),
            shown,
            "{cred:?}: {:?}",
            health.body
        );
        if shown {
            assert_eq!(
                health.body["data"]["proxmox"]["insecure_tls"], false,
                "the demo pins its cluster"
            );
        }
        let version = &health.body["data"]["version"];
        match cred {
            Cred::None => assert!(
                version.is_null(),
                "anonymous callers get the status only: {:?}",
                health.body
            ),
            _ => assert_eq!(version, env!("CARGO_PKG_VERSION"), "{cred:?}"),
        }
    }
    app.stop().await;
}

#[tokio::test]
async fn rate_limits_answer_429_with_retry_after() {
    let env = [
        ("RATE_LIMIT_SIGNIN_PER_ACCOUNT", "3/1h"),
        ("RATE_LIMIT_REGISTER_PER_IP", "2/1h"),
    ];
    let app = TestApp::spawn_with(Mode::Demo, &env).await;
    register(&app, "ada@lab.example", "Ada").await;
    register(&app, "bob@lab.example", "Bob").await;
    let third = call(
        &app,
        Method::POST,
        "/api/auth/register",
        &Cred::None,
        Some(json!({"email": "carol@lab.example", "name": "C", "password": PASSWORD})),
    )
    .await;
    assert_eq!((third.status.as_u16(), third.code()), (429, "rate_limited"));
    let guess = || {
        call(
            &app,
            Method::POST,
            "/api/auth/login",
            &Cred::None,
            Some(json!({"email": "ada@lab.example", "password": "guess guess guess"})),
        )
    };
    for _ in 0..3 {
        assert_eq!(guess().await.status, 401);
    }
    let limited = guess().await;
    assert_eq!((limited.status.as_u16(), limited.code()), (429, "rate_limited"));
    let retry: u64 = limited.headers["retry-after"].to_str().unwrap().parse().unwrap();
    assert!((1..=3600).contains(&retry), "{retry}");
    assert!(limited.body["error"].as_str().unwrap().contains(&retry.to_string()));
    login(&app, "bob@lab.example").await;
    app.stop().await;
}

#[tokio::test]
async fn cross_site_browser_writes_are_refused() {
    let app = TestApp::spawn().await;
    let (_, secret) = register(&app, "ada@lab.example", "Ada").await;
    let attempt = |headers: &'static [(&'static str, &'static str)], bearer: Option<String>| {
        let mut req = app
            .http
            .patch(app.url("/api/me"))
            .header("cookie", format!("nimbus_session={secret}"))
            .json(&json!({"name": "Mallory"}));
        for (k, v) in headers {
            req = req.header(*k, *v);
        }
        if let Some(token) = bearer {
            req = req.header("authorization", format!("Bearer {token}"));
        }
        req.send()
    };
    let evil = attempt(&[("origin", "https://evil.example")], None).await.unwrap();
    assert_eq!(evil.status(), 403);
    let body: serde_json::Value = evil.json().await.unwrap();
    assert_eq!(body["code"], "csrf_rejected");
    assert_eq!(
        attempt(&[("sec-fetch-site", "cross-site")], None)
            .await
            .unwrap()
            .status(),
        403
    );
    assert_eq!(
        attempt(&[("sec-fetch-site", "same-site")], None)
            .await
            .unwrap()
            .status(),
        403
    );
    assert_eq!(
        attempt(&[("sec-fetch-site", "same-origin")], None)
            .await
            .unwrap()
            .status(),
        200
    );
    let host = app.base.trim_start_matches("http://").to_string();
    let same = app
        .http
        .patch(app.url("/api/me"))
        .header("cookie", format!("nimbus_session={secret}"))
        .header("origin", format!("http://{host}"))
        .json(&json!({"name": "Ada"}))
        .send()
        .await
        .unwrap();
    assert_eq!(same.status(), 200);
    let text = app
        .http
        .patch(app.url("/api/me"))
        .header("cookie", format!("nimbus_session={secret}"))
        .header("content-type", "text/plain")
        .body(r#"{"name":"Mallory"}"#)
        .send()
        .await
        .unwrap();
    assert!(
        text.status().is_client_error(),
        "a non-JSON body is refused: {}",
        text.status()
    );
    let me = call(&app, Method::GET, "/api/me", &Cred::Cookie(secret.clone()), None).await;
    assert_eq!(me.body["data"]["name"], "Ada");
    let (_, token) = super::token(&app, &secret, "script", "read_write").await;
    assert_eq!(
        attempt(&[("origin", "https://evil.example")], Some(token))
            .await
            .unwrap()
            .status(),
        200,
        "bearer calls carry no ambient credentials"
    );
    app.stop().await;
}

#[tokio::test]
async fn behind_a_trusted_proxy_limits_and_the_audit_log_see_the_real_client() {
    let env = [("TRUSTED_PROXIES", "127.0.0.1"), ("RATE_LIMIT_SIGNIN_PER_IP", "2/1h")];
    let app = TestApp::spawn_with(Mode::Serve, &env).await;
    let token = app.running.as_ref().unwrap().app().setup_token.clone().unwrap();
    let admin = call(
        &app,
        Method::POST,
        "/api/auth/register",
        &Cred::None,
        Some(json!({"email": "ada@lab.example", "name": "Ada", "password": PASSWORD, "setup_token": token})),
    )
    .await;
    let admin = Cred::Cookie(admin.session().unwrap());
    let attempt = |client: &'static str| {
        app.http
            .post(app.url("/api/auth/login"))
            .header("x-forwarded-for", client)
            .json(&json!({"email": "nobody@lab.example", "password": "wrong wrong wrong"}))
            .send()
    };
    for _ in 0..2 {
        assert_eq!(attempt("198.51.100.7").await.unwrap().status(), 401);
    }
    assert_eq!(
        attempt("198.51.100.7").await.unwrap().status(),
        429,
        "that client is limited"
    );
    assert_eq!(
        attempt("203.0.113.9").await.unwrap().status(),
        401,
        "another client behind the same proxy is not"
    );
    let log = call(&app, Method::GET, "/api/audit?action=auth.sign_in_failed", &admin, None).await;
    assert_eq!(log.body["data"]["entries"][0]["ip"], "203.0.113.9");
    app.stop().await;
}

#[tokio::test]
async fn members_machine_requests_are_rate_limited_per_account_and_admins_are_not() {
    let mut env: Vec<(&str, &str)> = NO_LIMITS
        .iter()
        .copied()
        .filter(|(k, _)| *k != "RATE_LIMIT_VMS_PER_ACCOUNT")
        .collect();
    env.extend([
        ("RATE_LIMIT_VMS_PER_ACCOUNT", "2/1h"),
        ("NIMBUS_SIM_PROFILE", "instant"),
    ]);
    let app = TestApp::spawn_with(Mode::Demo, &env).await;
    let admin = Cred::Cookie(register(&app, "admin@lab.example", "Admin").await.1);
    let ada = Cred::Cookie(register(&app, "ada@lab.example", "Ada").await.1);
    let bob = Cred::Cookie(register(&app, "bob@lab.example", "Bob").await.1);
    let vm =
        |name: &str| Some(json!({"hostname": name, "tier": "small", "os_template": "debian-12", "generate_key": true}));
    for name in ["ada-1", "ada-2"] {
        let made = call(&app, Method::POST, "/api/vms", &ada, vm(name)).await;
        assert_eq!(made.status, 201, "{}", made.body);
    }
    let refused = call(&app, Method::POST, "/api/vms", &ada, vm("ada-3")).await;
    assert_eq!(
        (refused.status.as_u16(), refused.code()),
        (429, "rate_limited"),
        "{}",
        refused.body
    );
    let wait: u64 = refused.headers["retry-after"].to_str().unwrap().parse().unwrap();
    assert!((1..=1800).contains(&wait), "{wait}");
    let mine = call(&app, Method::GET, "/api/vms", &ada, None).await;
    assert_eq!(
        mine.body["data"].as_array().unwrap().len(),
        2,
        "the refused request made nothing"
    );

    let theirs = call(&app, Method::POST, "/api/vms", &bob, vm("bob-1")).await;
    assert_eq!(
        theirs.status, 201,
        "another member has a budget of their own: {}",
        theirs.body
    );
    for i in 0..4 {
        let made = call(&app, Method::POST, "/api/vms", &admin, vm(&format!("admin-{i}"))).await;
        assert_eq!(made.status, 201, "admins are not limited: {}", made.body);
    }
    app.stop().await;
}
