//! The REST face at the HTTP level, with a plain HTTP client rather than the adapter: token
//! authentication, the requests pveproxy refuses (bodies on GET/DELETE, chunked bodies, unknown
//! paths), JSON bodies, the two error formats, and the `/_sim/` control endpoint's own refusals.

use std::net::SocketAddr;

use nimbus::adapters::proxmox::rest::{ApiToken, ErrorFormat, RestFace, RestFaceOptions};
use nimbus::adapters::proxmox::sim::{Profile, Scenario, SimCluster};
use serde_json::{Value, json};

async fn face(format: ErrorFormat) -> RestFace {
    let clock = std::sync::Arc::new(nimbus::adapters::clock::SystemClock);
    let cluster = SimCluster::new(Scenario::default_cluster(2), Profile::Instant, 1, clock);
    let mut options = RestFaceOptions::new(SocketAddr::from(([127, 0, 0, 1], 0)), ApiToken::random());
    options.error_format = format;
    RestFace::start(cluster, options).await.expect("face starts")
}

fn client() -> reqwest::Client {
    reqwest::Client::builder()
        .danger_accept_invalid_certs(true)
        .build()
        .expect("client")
}

fn auth(face: &RestFace) -> String {
    format!("PVEAPIToken={}", face.token())
}

fn reason(response: &reqwest::Response) -> String {
    response
        .extensions()
        .get::<hyper::ext::ReasonPhrase>()
        .map(|r| String::from_utf8_lossy(r.as_bytes()).into_owned())
        .unwrap_or_default()
}

#[tokio::test]
async fn without_the_right_token_every_call_is_401_with_an_empty_body() {
    let f = face(ErrorFormat::Modern).await;
    let url = format!("{}api2/json/nodes", f.base_url());
    let none = client().get(&url).send().await.unwrap();
    assert_eq!((none.status().as_u16(), reason(&none)), (401, "No ticket".to_owned()));
    assert!(none.bytes().await.unwrap().is_empty());
    let wrong = client()
        .get(&url)
        .header("Authorization", "PVEAPIToken=root@pam!nimbus=wrong")
        .send()
        .await
        .unwrap();
    assert_eq!(
        (wrong.status().as_u16(), reason(&wrong)),
        (401, "Authentication failed!".to_owned())
    );
    // A space instead of the first '=' is accepted, as pveproxy does.
    let spaced = format!("PVEAPIToken {}", f.token());
    let ok = client().get(&url).header("Authorization", spaced).send().await.unwrap();
    assert_eq!(ok.status().as_u16(), 200);
    let body: Value = ok.json().await.unwrap();
    assert_eq!(body["data"].as_array().map(Vec::len), Some(2));
    f.stop().await;
}

#[tokio::test]
async fn requests_pveproxy_refuses_are_refused_with_501() {
    let f = face(ErrorFormat::Modern).await;
    let base = f.base_url();
    let with_body = client()
        .delete(format!("{base}api2/json/nodes/pve1/qemu/9000"))
        .header("Authorization", auth(&f))
        .body("purge=1")
        .send()
        .await
        .unwrap();
    assert_eq!(
        (with_body.status().as_u16(), reason(&with_body)),
        (501, "Unexpected content for method 'DELETE'".to_owned())
    );
    let unknown = client()
        .get(format!("{base}api2/json/nodes/pve1/frobnicate"))
        .header("Authorization", auth(&f))
        .send()
        .await
        .unwrap();
    assert_eq!(unknown.status().as_u16(), 501);
    assert_eq!(
        unknown.text().await.unwrap(),
        "Method 'GET /nodes/pve1/frobnicate' not implemented"
    );
    f.stop().await;
}

#[tokio::test]
async fn a_chunked_body_is_refused_with_501_and_plain_http_works() {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};

    let clock = std::sync::Arc::new(nimbus::adapters::clock::SystemClock);
    let cluster = SimCluster::new(Scenario::default_cluster(1), Profile::Instant, 1, clock);
    let mut options = RestFaceOptions::new(SocketAddr::from(([127, 0, 0, 1], 0)), ApiToken::random());
    options.tls = false;
    let f = RestFace::start(cluster, options).await.expect("face starts");
    assert_eq!(f.base_url().scheme(), "http");
    let mut stream = tokio::net::TcpStream::connect(f.addr()).await.unwrap();
    let request = format!(
        "POST /api2/json/nodes/pve1/qemu/9000/clone HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: {}\r\n\
         Transfer-Encoding: chunked\r\nConnection: close\r\n\r\n9\r\nnewid=150\r\n0\r\n\r\n",
        auth(&f)
    );
    stream.write_all(request.as_bytes()).await.unwrap();
    let mut answer = String::new();
    stream.read_to_string(&mut answer).await.unwrap();
    assert!(
        answer.starts_with("HTTP/1.1 501 chunked transfer encoding not supported\r\n"),
        "{answer}"
    );
    let ok = reqwest::Client::new()
        .get(format!("{}api2/json/version", f.base_url()))
        .header("Authorization", auth(&f))
        .send()
        .await
        .unwrap();
    assert_eq!(ok.status().as_u16(), 200);
    f.stop().await;
}

#[tokio::test]
async fn json_bodies_work_and_errors_come_in_both_formats() {
    for format in [ErrorFormat::Modern, ErrorFormat::Legacy] {
        let f = face(format).await;
        let base = f.base_url();
        let clone = client()
            .post(format!("{base}api2/json/nodes/pve1/qemu/9000/clone"))
            .header("Authorization", auth(&f))
            .json(&json!({ "newid": 150, "name": "from-json", "full": false }))
            .send()
            .await
            .unwrap();
        assert_eq!(clone.status().as_u16(), 200);
        let upid: Value = clone.json().await.unwrap();
        assert!(
            upid["data"].as_str().is_some_and(|u| u.starts_with("UPID:pve1:")),
            "{upid}"
        );

        let missing = client()
            .get(format!("{base}api2/json/nodes/pve1/qemu/4321/config"))
            .header("Authorization", auth(&f))
            .send()
            .await
            .unwrap();
        let text = "Configuration file 'nodes/pve1/qemu-server/4321.conf' does not exist";
        assert_eq!((missing.status().as_u16(), reason(&missing)), (500, text.to_owned()));
        let body: Value = missing.json().await.unwrap();
        match format {
            ErrorFormat::Modern => assert_eq!(body, json!({ "data": null, "message": format!("{text}\n") })),
            ErrorFormat::Legacy => assert_eq!(body, json!({ "data": null })),
        }
        f.stop().await;
    }
}

#[tokio::test]
async fn the_control_endpoint_explains_what_it_cannot_use() {
    let f = face(ErrorFormat::Modern).await;
    let base = f.base_url();
    let bad = client()
        .post(format!("{base}_sim/faults"))
        .json(&json!({ "fault": { "kind": "meteor_strike" } }))
        .send()
        .await
        .unwrap();
    assert_eq!(bad.status().as_u16(), 400);
    let body: Value = bad.json().await.unwrap();
    assert!(
        body["error"].as_str().is_some_and(|e| e.contains("meteor_strike")),
        "{body}"
    );
    let lan = client().get(format!("{base}_sim/lan?ip=nope")).send().await.unwrap();
    assert_eq!(lan.status().as_u16(), 400);
    let offline = client()
        .post(format!("{base}_sim/faults"))
        .json(&json!({ "fault": { "kind": "node_offline", "node": "pve2", "mode": "no_route" }, "scope": { "kind": "until_cleared" } }))
        .send()
        .await
        .unwrap();
    assert_eq!(offline.status().as_u16(), 201);
    let proxied = client()
        .get(format!("{base}api2/json/nodes/pve2/qemu"))
        .header("Authorization", auth(&f))
        .send()
        .await
        .unwrap();
    assert_eq!(
        (proxied.status().as_u16(), reason(&proxied)),
        (595, "No route to host".to_owned())
    );
    assert!(proxied.bytes().await.unwrap().is_empty());
    f.stop().await;
}
