//! Behind an https front: with an https `APP_URL` the session cookie is `__Host-nimbus_session`
//! (Secure, Path=/, no Domain); without `APP_URL`, a trusted proxy's `X-Forwarded-Proto: https`
//! makes cookies Secure and the sign-in providers' callback URL https; nobody else's header
//! counts; and `serve` warns when `APP_URL` is unset.

use nimbus::app::config::Mode;
use reqwest::header::{COOKIE, SET_COOKIE};
use serde_json::json;

use crate::accounts::{NO_LIMITS, PASSWORD};
use crate::helpers::TestApp;

async fn serve(extra: &[(&str, &str)]) -> TestApp {
    let mut env = NO_LIMITS.to_vec();
    env.extend_from_slice(&[
        ("GITHUB_CLIENT_ID", "nimbus-test-client"),
        ("GITHUB_CLIENT_SECRET", "nimbus-test-secret"),
        ("GITHUB_OAUTH_AUTHORIZE_URL", "http://127.0.0.1:9/login/oauth/authorize"),
    ]);
    env.extend_from_slice(extra);
    TestApp::spawn_with(Mode::Serve, &env).await
}

/// Signs the first admin up, optionally through a proxy saying the browser used `proto`; returns
/// the `Set-Cookie` header.
async fn sign_up(app: &TestApp, proto: Option<&str>) -> String {
    let token = app.running.as_ref().unwrap().app().setup_token.clone().unwrap();
    let mut req = app.http.post(app.url("/api/auth/register")).json(&json!({
        "email": "ada@lab.example", "name": "Ada", "password": PASSWORD, "setup_token": token,
    }));
    if let Some(proto) = proto {
        req = req.header("x-forwarded-proto", proto);
    }
    let resp = req.send().await.unwrap();
    assert_eq!(resp.status(), 201);
    resp.headers()[SET_COOKIE].to_str().unwrap().to_owned()
}

/// Signs in again, optionally through a proxy saying `proto`; returns the `Set-Cookie` header.
async fn sign_in(app: &TestApp, proto: Option<&str>) -> String {
    let mut req = app
        .http
        .post(app.url("/api/auth/login"))
        .json(&json!({"email": "ada@lab.example", "password": PASSWORD}));
    if let Some(proto) = proto {
        req = req.header("x-forwarded-proto", proto);
    }
    let resp = req.send().await.unwrap();
    assert_eq!(resp.status(), 200);
    resp.headers()[SET_COOKIE].to_str().unwrap().to_owned()
}

/// The `redirect_uri` Nimbus sends the browser to GitHub with, and the flow cookie it sets.
async fn github_start(app: &TestApp, proto: Option<&str>) -> (String, String) {
    let mut req = app.http.get(app.url("/api/auth/github"));
    if let Some(proto) = proto {
        req = req.header("x-forwarded-proto", proto);
    }
    let resp = req.send().await.unwrap();
    assert_eq!(resp.status(), 302);
    let location: url::Url = resp.headers()["location"].to_str().unwrap().parse().unwrap();
    let redirect = location
        .query_pairs()
        .find(|(k, _)| k == "redirect_uri")
        .map(|(_, v)| v.into_owned())
        .expect("a redirect_uri");
    (redirect, resp.headers()[SET_COOKIE].to_str().unwrap().to_owned())
}

fn is_secure(set_cookie: &str) -> bool {
    set_cookie.split(';').any(|part| part.trim() == "Secure")
}

#[tokio::test]
async fn an_https_app_url_names_the_session_cookie_host_prefixed_and_only_that_name_signs_in() {
    let app = serve(&[("APP_URL", "https://nimbus.example")]).await;
    let set = sign_up(&app, None).await;
    let secret = set
        .strip_prefix("__Host-nimbus_session=")
        .unwrap_or_else(|| panic!("{set}"))
        .split(';')
        .next()
        .unwrap()
        .to_owned();
    assert!(
        is_secure(&set) && set.contains("Path=/") && !set.contains("Domain"),
        "{set}"
    );
    let me = |cookie: String| app.http.get(app.url("/api/me")).header(COOKIE, cookie).send();
    assert_eq!(
        me(format!("__Host-nimbus_session={secret}")).await.unwrap().status(),
        200
    );
    assert_eq!(me(format!("nimbus_session={secret}")).await.unwrap().status(), 401);
    let (redirect, flow) = github_start(&app, Some("http")).await;
    assert_eq!(
        redirect, "https://nimbus.example/api/auth/github/callback",
        "APP_URL wins"
    );
    assert!(is_secure(&flow), "{flow}");
    app.stop().await;
}

#[tokio::test]
async fn an_http_app_url_keeps_the_plain_cookie_name() {
    let app = serve(&[("APP_URL", "http://nimbus.lan:8080"), ("TRUSTED_PROXIES", "127.0.0.1")]).await;
    let set = sign_up(&app, Some("https")).await;
    assert!(
        set.starts_with("nimbus_session=") && !is_secure(&set),
        "APP_URL wins: {set}"
    );
    app.stop().await;
}

#[tokio::test]
async fn without_app_url_a_trusted_proxy_saying_https_makes_cookies_secure_and_the_callback_https() {
    let app = serve(&[("TRUSTED_PROXIES", "127.0.0.1")]).await;
    let set = sign_up(&app, Some("https")).await;
    assert!(set.starts_with("nimbus_session=") && is_secure(&set), "{set}");
    let plain = sign_in(&app, None).await;
    assert!(!is_secure(&plain), "no header, plain http: {plain}");
    let (redirect, flow) = github_start(&app, Some("https")).await;
    let host = app.base.strip_prefix("http://").unwrap();
    assert_eq!(redirect, format!("https://{host}/api/auth/github/callback"));
    assert!(is_secure(&flow), "{flow}");
    let (redirect, flow) = github_start(&app, None).await;
    assert_eq!(redirect, format!("http://{host}/api/auth/github/callback"));
    assert!(!is_secure(&flow), "{flow}");
    app.stop().await;
}

#[tokio::test]
async fn x_forwarded_proto_from_a_peer_that_is_not_a_trusted_proxy_is_ignored() {
    let app = serve(&[("TRUSTED_PROXIES", "10.9.0.0/16")]).await;
    let set = sign_up(&app, Some("https")).await;
    assert!(!is_secure(&set), "{set}");
    let (redirect, _) = github_start(&app, Some("https")).await;
    assert!(redirect.starts_with("http://"), "{redirect}");
    app.stop().await;
}

/// Proxmox is never reached, so any pin will do.
const PIN: &str = "AB:AB:AB:AB:AB:AB:AB:AB:AB:AB:AB:AB:AB:AB:AB:AB:AB:AB:AB:AB:AB:AB:AB:AB:AB:AB:AB:AB:AB:AB:AB:AB";

#[test]
fn serve_warns_when_app_url_is_unset() {
    use super::proxmox_trust::{UNREACHED_CLUSTER, serve_until_listening, stop};

    let pinned: Vec<(&str, &str)> = UNREACHED_CLUSTER
        .iter()
        .copied()
        .chain([("PROXMOX_TLS_FINGERPRINT", PIN)])
        .collect();
    let warned = |lines: &[String]| lines.iter().any(|l| l.contains("WARN") && l.contains("APP_URL"));
    let dir = tempfile::tempdir().unwrap();
    let (child, lines) = serve_until_listening(dir.path(), &pinned);
    stop(child);
    assert!(warned(&lines), "no warning about APP_URL:\n{}", lines.join("\n"));
    let dir = tempfile::tempdir().unwrap();
    let mut with_url = pinned.clone();
    with_url.push(("APP_URL", "https://nimbus.example"));
    let (child, lines) = serve_until_listening(dir.path(), &with_url);
    stop(child);
    assert!(!warned(&lines), "{}", lines.join("\n"));
}
