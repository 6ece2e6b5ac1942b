//! The HTTP surface every feature shares: envelope, status codes, request ids, security headers,
//! body limit, CORS and the portal fallback.

use nimbus::app::config::Mode;
use serde_json::Value;
use tokio::io::{AsyncReadExt, AsyncWriteExt};

use crate::helpers::TestApp;

#[tokio::test]
async fn health_answers_anonymous_callers_with_the_envelope_and_the_status_only() {
    let app = TestApp::spawn().await;
    let resp = app.get("/api/health").await;
    assert_eq!(resp.status(), 200);
    assert!(
        resp.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("application/json")
    );
    let body: Value = resp.json().await.unwrap();
    assert_eq!(body["success"], true);
    assert_eq!(
        body["data"],
        serde_json::json!({"status": "ok"}),
        "no version for strangers"
    );
    app.stop().await;
}

#[tokio::test]
async fn every_response_carries_a_request_id_and_errors_repeat_it() {
    let app = TestApp::spawn().await;
    let resp = app.get("/api/no-such-thing").await;
    assert_eq!(resp.status(), 404);
    let header_id = resp.headers()["x-request-id"].to_str().unwrap().to_string();
    let body: Value = resp.json().await.unwrap();
    assert_eq!(body["success"], false);
    assert_eq!(body["code"], "not_found");
    assert_eq!(body["request_id"], header_id.as_str());
    assert!(body["error"].as_str().unwrap().contains("/api/no-such-thing"), "{body}");

    let echoed = app
        .http
        .get(app.url("/api/health"))
        .header("x-request-id", "trace-42")
        .send()
        .await
        .unwrap();
    assert_eq!(echoed.headers()["x-request-id"], "trace-42");
    let unsafe_id = app
        .http
        .get(app.url("/api/health"))
        .header("x-request-id", "has spaces; and = signs")
        .send()
        .await
        .unwrap();
    assert_ne!(unsafe_id.headers()["x-request-id"], "has spaces; and = signs");
    app.stop().await;
}

#[tokio::test]
async fn a_wrong_method_gets_405_in_the_envelope() {
    let app = TestApp::spawn().await;
    let resp = app.http.delete(app.url("/api/health")).send().await.unwrap();
    assert_eq!(resp.status(), 405);
    assert_eq!(resp.headers()["allow"], "GET, HEAD");
    let body: Value = resp.json().await.unwrap();
    assert_eq!(body["code"], "method_not_allowed");
    app.stop().await;
}

#[tokio::test]
async fn security_headers_are_set_on_api_and_portal_responses() {
    let app = TestApp::spawn().await;
    for path in ["/api/health", "/", "/machines/42"] {
        let resp = app.get(path).await;
        let h = resp.headers();
        let csp = h["content-security-policy"].to_str().unwrap();
        assert!(
            csp.contains("script-src 'self'") && csp.contains("frame-ancestors 'none'"),
            "{path}: {csp}"
        );
        assert!(
            !csp.contains("script-src 'self' 'unsafe-inline'"),
            "{path}: no inline scripts"
        );
        assert_eq!(h["x-content-type-options"], "nosniff", "{path}");
        assert_eq!(h["x-frame-options"], "DENY", "{path}");
        assert_eq!(h["referrer-policy"], "no-referrer", "{path}");
        assert!(!h.contains_key("strict-transport-security"), "no HSTS over plain http");
    }
    app.stop().await;
}

#[tokio::test]
async fn client_routes_fall_back_to_an_html_page() {
    let app = TestApp::spawn().await;
    let resp = app.get("/some/client/route").await;
    assert!(
        resp.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/html")
    );
    let missing_asset = app.get("/assets/does-not-exist.js").await;
    assert_eq!(
        missing_asset.status(),
        404,
        "a missing file is not answered with the portal page"
    );
    app.stop().await;
}

#[tokio::test]
async fn the_spec_and_the_api_explorer_are_served() {
    let app = TestApp::spawn().await;
    let spec: Value = app.get("/api/openapi.json").await.json().await.unwrap();
    assert_eq!(spec["info"]["title"], "Nimbus");
    let docs = app.get("/api/docs").await;
    assert_eq!(docs.status(), 200);
    let csp = docs.headers()["content-security-policy"].to_str().unwrap().to_string();
    assert!(csp.contains("script-src 'self' 'unsafe-inline'"), "{csp}");
    assert!(
        docs.text().await.unwrap().contains("swagger"),
        "the explorer page is served"
    );
    app.stop().await;
}

#[tokio::test]
async fn oversized_bodies_are_refused_with_413_whether_declared_or_streamed() {
    let app = TestApp::spawn().await;
    let big = vec![b'x'; nimbus::adapters::http::MAX_BODY_BYTES + 1];
    let resp = app
        .http
        .post(app.url("/api/auth/login"))
        .header("content-type", "application/json")
        .body(big.clone())
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 413);
    let body: Value = resp.json().await.unwrap();
    assert_eq!(body["code"], "payload_too_large");
    // An operation that reads no body (and documents no 413) does not refuse one.
    let ignored = app.http.get(app.url("/api/health")).body(big).send().await.unwrap();
    assert_eq!(ignored.status(), 200);

    // The same limit holds for a chunked body that declares no length.
    let addr = app.base.trim_start_matches("http://").to_string();
    let mut stream = tokio::net::TcpStream::connect(&addr).await.unwrap();
    let head = format!(
        "POST /api/auth/login HTTP/1.1\r\nHost: {addr}\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n"
    );
    stream.write_all(head.as_bytes()).await.unwrap();
    let chunk = vec![b'y'; 64 * 1024];
    for _ in 0..20 {
        let frame = format!("{:x}\r\n", chunk.len());
        if stream.write_all(frame.as_bytes()).await.is_err()
            || stream.write_all(&chunk).await.is_err()
            || stream.write_all(b"\r\n").await.is_err()
        {
            break; // the server may answer and close before the whole body is sent
        }
    }
    let _ = stream.write_all(b"0\r\n\r\n").await;
    let mut answer = String::new();
    let _ = stream.read_to_string(&mut answer).await;
    assert!(
        answer.starts_with("HTTP/1.1 413"),
        "{}",
        answer.lines().next().unwrap_or("")
    );
    app.stop().await;
}

#[tokio::test]
async fn cors_is_off_unless_an_origin_is_configured() {
    let preflight = |app: &TestApp, origin: &str| {
        app.http
            .request(reqwest::Method::OPTIONS, app.url("/api/health"))
            .header("origin", origin)
            .header("access-control-request-method", "GET")
            .send()
    };
    let closed = TestApp::spawn().await;
    let resp = preflight(&closed, "https://evil.example").await.unwrap();
    assert!(!resp.headers().contains_key("access-control-allow-origin"));
    closed.stop().await;

    let open = TestApp::spawn_with(Mode::Serve, &[("CORS_ORIGIN", "https://portal.example")]).await;
    let allowed = preflight(&open, "https://portal.example").await.unwrap();
    assert_eq!(
        allowed.headers()["access-control-allow-origin"],
        "https://portal.example"
    );
    assert_eq!(allowed.headers()["access-control-allow-credentials"], "true");
    let other = preflight(&open, "https://evil.example").await.unwrap();
    assert!(!other.headers().contains_key("access-control-allow-origin"));
    open.stop().await;
}

#[tokio::test]
async fn https_app_url_turns_on_hsts() {
    let app = TestApp::spawn_with(Mode::Serve, &[("APP_URL", "https://nimbus.example")]).await;
    let resp = app.get("/api/health").await;
    assert!(resp.headers().contains_key("strict-transport-security"));
    app.stop().await;
}

#[tokio::test]
async fn state_written_before_a_restart_is_there_after_it() {
    let first = TestApp::spawn().await;
    let id = first.running.as_ref().unwrap().app().instance_id.clone();
    let dir = first.dir.path().to_path_buf();
    let TestApp { running, dir: keep, .. } = first;
    running.unwrap().stop().await.unwrap();
    let second = TestApp::spawn_with(Mode::Demo, &[("NIMBUS_DATA_DIR", dir.to_str().unwrap())]).await;
    assert_eq!(second.running.as_ref().unwrap().app().instance_id, id);
    second.stop().await;
    drop(keep);
}
