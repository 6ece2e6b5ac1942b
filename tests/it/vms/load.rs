//! What one caller may cost, over HTTP: concurrent listings of a slow cluster share one read,
//! anonymous health checks ask Proxmox at most once per age window, each account holds at most
//! eight open streams, and an admin's change to an account ends that account's streams.

use std::sync::Arc;
use std::time::Duration;

use chrono::{DateTime, Utc};
use nimbus::adapters::clock::ManualClock;
use nimbus::adapters::proxmox::sim::{Fault, FaultScope, SimCluster};
use nimbus::app::config::Mode;
use reqwest::Method;
use serde_json::{Value, json};

use super::{member, vm};
use crate::accounts::{Cred, NO_LIMITS, call, register, token};
use crate::helpers::TestApp;

fn start() -> DateTime<Utc> {
    DateTime::from_timestamp(1_800_000_000, 0).unwrap()
}

/// Nimbus on the demo cluster with a manual clock; `profile` is the simulator's.
async fn app_at(profile: &str) -> (TestApp, Arc<ManualClock>) {
    let clock = Arc::new(ManualClock::new(start()));
    let mut env = NO_LIMITS.to_vec();
    env.push(("NIMBUS_SIM_PROFILE", profile));
    let app = TestApp::spawn_full(Mode::Demo, &env, Some(clock.clone())).await;
    (app, clock)
}

fn cluster(app: &TestApp) -> SimCluster {
    app.running
        .as_ref()
        .unwrap()
        .app()
        .demo
        .as_ref()
        .unwrap()
        .cluster
        .clone()
}

#[tokio::test]
async fn concurrent_listings_of_a_slow_cluster_share_one_read_and_its_time_is_shown() {
    let (app, clock) = app_at("instant").await;
    register(&app, "admin@lab.example", "Admin").await;
    let (_, bearer) = member(&app, "ada@lab.example").await;
    // The simulated cluster ends a task once the clock passes its end: time moves while the
    // machine is built, then stands still.
    let ticking = clock.clone();
    let ticker = tokio::spawn(async move {
        loop {
            tokio::time::sleep(Duration::from_millis(5)).await;
            ticking.advance(chrono::Duration::milliseconds(50));
        }
    });
    let (status, text) = super::post(&app, &bearer, &vm("web-1"), &[]).await;
    assert_eq!(status, 201, "{text}");
    ticker.abort();
    let _ = ticker.await;
    let cluster = cluster(&app);
    clock.set(start() + chrono::Duration::hours(1));
    cluster.inject(
        Fault::Slow {
            delay: Duration::from_millis(300),
        },
        FaultScope::UntilCleared,
    );
    let before = cluster.asked("cluster/resources");
    let lists: Vec<_> = (0..10)
        .map(|_| {
            let (http, url, bearer) = (app.http.clone(), app.url("/api/vms"), bearer.clone());
            tokio::spawn(async move {
                let resp = http.get(url).bearer_auth(bearer).send().await.unwrap();
                assert_eq!(resp.status(), 200);
                resp.json::<Value>().await.unwrap()
            })
        })
        .collect();
    for list in lists {
        let list = list.await.unwrap();
        let machine = &list["data"][0];
        assert_eq!(machine["status"], "running", "{list}");
        assert_eq!(
            machine["status_at"], "2027-01-15T09:00:00+00:00",
            "when the cluster was read"
        );
    }
    assert_eq!(cluster.asked("cluster/resources"), before + 1, "ten listings, one read");
}

#[tokio::test]
async fn anonymous_health_polled_a_hundred_times_asks_proxmox_once_per_age_window() {
    let (app, clock) = app_at("instant").await;
    let cluster = cluster(&app);
    let before = cluster.asked("version");
    for _ in 0..100 {
        assert_eq!(app.get("/api/health").await.status(), 200);
    }
    assert_eq!(cluster.asked("version"), before + 1);
    clock.advance(chrono::Duration::seconds(6));
    for _ in 0..100 {
        assert_eq!(app.get("/api/health").await.status(), 200);
    }
    assert_eq!(cluster.asked("version"), before + 2);
}

/// A provision's NDJSON stream, after its `accepted` line; returns the stream and the id.
async fn provision_streamed(app: &TestApp, bearer: &str, hostname: &str) -> (reqwest::Response, String) {
    let mut resp = app
        .http
        .post(app.url("/api/vms"))
        .bearer_auth(bearer)
        .header("accept", "application/x-ndjson")
        .json(&vm(hostname))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 202);
    let mut text = String::new();
    while !text.contains('\n') {
        let chunk = resp.chunk().await.unwrap().expect("the accepted line");
        text.push_str(std::str::from_utf8(&chunk).unwrap());
    }
    let accepted: Value = serde_json::from_str(text.lines().next().unwrap()).unwrap();
    (resp, accepted["id"].as_str().unwrap().to_owned())
}

/// Opens a machine's event stream; a 200 is read up to its first bytes.
async fn events(app: &TestApp, bearer: &str, id: &str) -> reqwest::Response {
    let mut resp = app
        .http
        .get(app.url(&format!("/api/vms/{id}/events")))
        .bearer_auth(bearer)
        .send()
        .await
        .unwrap();
    if resp.status() == 200 {
        let first = resp.chunk().await.unwrap().expect("the stream begins");
        assert!(first.starts_with(b"retry:"));
    }
    resp
}

/// Opens a machine's event stream over a socket of its own; returns it once the answer began.
async fn raw_events(app: &TestApp, bearer: &str, id: &str) -> tokio::net::TcpStream {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let addr = app.base.trim_start_matches("http://").to_owned();
    let mut socket = tokio::net::TcpStream::connect(&addr).await.unwrap();
    let request =
        format!("GET /api/vms/{id}/events HTTP/1.1\r\nHost: {addr}\r\nAuthorization: Bearer {bearer}\r\n\r\n");
    socket.write_all(request.as_bytes()).await.unwrap();
    let mut head = Vec::new();
    let mut byte = [0u8; 1];
    while !head.ends_with(b"\r\n\r\n") {
        assert_eq!(socket.read(&mut byte).await.unwrap(), 1, "the answer's head");
        head.push(byte[0]);
    }
    assert!(head.starts_with(b"HTTP/1.1 200"), "{}", String::from_utf8_lossy(&head));
    socket
}

/// Reads a stream to its end, which must come within a bound; returns what it said.
async fn read_to_end(mut resp: reqwest::Response) -> String {
    let mut text = String::new();
    let ended = tokio::time::timeout(Duration::from_secs(20), async {
        while let Some(chunk) = resp.chunk().await.unwrap() {
            text.push_str(std::str::from_utf8(&chunk).unwrap());
        }
    })
    .await;
    assert!(ended.is_ok(), "the stream did not end: {text}");
    text
}

#[tokio::test]
async fn the_ninth_stream_of_an_account_is_refused_until_one_closes() {
    // The clock stands still, so every provision waits on its clone and its streams stay open.
    let (app, _clock) = app_at("bench").await;
    register(&app, "admin@lab.example", "Admin").await;
    let (_, ada) = member(&app, "ada@lab.example").await;
    let (_, bob) = member(&app, "bob@lab.example").await;
    let (_provision, id) = provision_streamed(&app, &ada, "web-1").await;
    let mut open = Vec::new();
    for _ in 0..6 {
        let stream = events(&app, &ada, &id).await;
        assert_eq!(stream.status(), 200);
        open.push(stream);
    }
    // One over a socket of its own, so that closing it really closes the connection (a client
    // library may keep a dropped response's connection to drain it).
    let socket = raw_events(&app, &ada, &id).await;
    let refused = events(&app, &ada, &id).await;
    assert_eq!(refused.status(), 429);
    assert!(refused.headers().contains_key("retry-after"));
    let body: Value = refused.json().await.unwrap();
    assert_eq!(body["code"], "too_many_streams", "{body}");
    let message = body["error"].as_str().unwrap();
    assert!(
        message.contains("8 streams open") && message.contains("Close"),
        "{message}"
    );

    let streamed = app
        .http
        .post(app.url("/api/vms"))
        .bearer_auth(&ada)
        .header("accept", "application/x-ndjson")
        .json(&vm("web-2"))
        .send()
        .await
        .unwrap();
    assert_eq!(streamed.status(), 429, "a provision stream counts too");
    let list = call(&app, Method::GET, "/api/vms", &Cred::Bearer(ada.clone()), None).await;
    assert_eq!(
        list.body["data"].as_array().unwrap().len(),
        1,
        "the refused request created nothing"
    );

    let (_bobs, bobs_id) = provision_streamed(&app, &bob, "bob-1").await;
    assert_eq!(
        events(&app, &bob, &bobs_id).await.status(),
        200,
        "another account is unaffected"
    );

    drop(socket);
    let mut reopened = None;
    for _ in 0..400 {
        let stream = events(&app, &ada, &id).await;
        if stream.status() == 200 {
            reopened = Some(stream);
            break;
        }
        tokio::time::sleep(Duration::from_millis(25)).await;
    }
    assert!(reopened.is_some(), "closing a stream frees its slot");
}

#[tokio::test]
async fn an_admin_changing_a_members_role_or_standing_ends_their_open_streams() {
    let (app, _clock) = app_at("bench").await;
    let (_, admin_session) = register(&app, "admin@lab.example", "Admin").await;
    let (_, admin) = token(&app, &admin_session, "admin", "read_write").await;
    let (ada_id, ada_session) = register(&app, "ada@lab.example", "Ada").await;
    let (_, ada) = token(&app, &ada_session, "cli", "read_write").await;
    let (provision, id) = provision_streamed(&app, &ada, "web-1").await;
    let follow = events(&app, &ada, &id).await;
    assert_eq!(follow.status(), 200);

    let change = |body: Value| {
        let (app, admin, ada_id) = (&app, admin.clone(), ada_id.clone());
        async move {
            let path = format!("/api/users/{ada_id}");
            let answer = call(app, Method::PATCH, &path, &Cred::Bearer(admin), Some(body)).await;
            assert_eq!(answer.status, 200, "{:?}", answer.body);
        }
    };
    change(json!({"role": "admin"})).await;
    let said = read_to_end(follow).await;
    assert!(said.contains("event: error") && said.contains("stream_ended"), "{said}");
    let said = read_to_end(provision).await;
    assert!(said.contains("\"code\":\"stream_ended\""), "{said}");

    let follow = events(&app, &ada, &id).await;
    assert_eq!(follow.status(), 200, "a new stream opens under the new role");
    change(json!({"status": "disabled"})).await;
    let said = read_to_end(follow).await;
    assert!(said.contains("stream_ended"), "{said}");
}
