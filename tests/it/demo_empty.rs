//! `nimbus demo --empty`: the simulated cluster comes up with its nodes and storages but no
//! templates, so the template bootstrap can be shown from a bare cluster, and the demo serves a
//! stand-in image mirror on loopback for it; plain `nimbus demo` keeps its templates.

use std::process::Stdio;

use serde_json::{Value, json};

use super::cli::{nimbus, terminate};
use super::processes::{lines_of, read_until};

/// What a running demo shows: its mirror's URL, each node's templates and each OS's availability.
struct Seen {
    mirror: String,
    nodes: Vec<(String, Vec<String>)>,
    os_available: Vec<(String, bool)>,
    sums_status: u16,
}

/// Runs `nimbus demo` with `args`, signs up its first (admin) account and reads what it shows.
fn demo_shows(args: &[&str]) -> Seen {
    let dir = tempfile::tempdir().unwrap();
    let mut child = nimbus(dir.path())
        .arg("demo")
        .args(args)
        .env("PORT", "0")
        .env("NIMBUS_SIM_PROFILE", "instant")
        .env("NIMBUS_DATA_DIR", dir.path().join("data"))
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let banner = read_until(
        &lines_of(child.stdout.take().unwrap()),
        "Press Ctrl+C",
        "the demo prints its banner",
    );
    let after = |prefix: &str| {
        banner
            .iter()
            .find_map(|l| l.split_once(prefix).map(|(_, rest)| rest.trim().to_owned()))
            .unwrap_or_else(|| panic!("no {prefix:?} in the banner {banner:#?}"))
    };
    let url = after("Nimbus demo is running at ");
    let mirror = after("Image mirror (stand-in): ");
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let seen = runtime.block_on(async {
        let http = reqwest::Client::builder().no_proxy().build().unwrap();
        let body = json!({"email": "ada@lab.example", "name": "Ada", "password": "correct horse battery staple"});
        let registered = http
            .post(format!("{url}/api/auth/register"))
            .json(&body)
            .send()
            .await
            .unwrap();
        assert_eq!(registered.status(), 201);
        let cookie = registered
            .headers()
            .get_all("set-cookie")
            .iter()
            .filter_map(|v| v.to_str().ok())
            .find(|v| v.starts_with("nimbus_session="))
            .and_then(|v| v.split(';').next())
            .expect("a session cookie")
            .to_owned();
        let get = |path: &str| {
            let request = http.get(format!("{url}{path}")).header("cookie", &cookie);
            async move {
                let response = request.send().await.unwrap();
                assert_eq!(response.status(), 200);
                response.json::<Value>().await.unwrap()
            }
        };
        let nodes = get("/api/nodes").await["data"]["nodes"]
            .as_array()
            .unwrap()
            .iter()
            .map(|n| {
                let templates = n["templates"].as_array().unwrap();
                let templates = templates.iter().map(|t| t.as_str().unwrap().to_owned()).collect();
                (n["name"].as_str().unwrap().to_owned(), templates)
            })
            .collect();
        let os_available = get("/api/catalog").await["data"]["os"]
            .as_array()
            .unwrap()
            .iter()
            .map(|o| (o["key"].as_str().unwrap().to_owned(), o["available"].as_bool().unwrap()))
            .collect();
        let sums = http
            .get(format!("{mirror}ubuntu-24.04/SHA256SUMS"))
            .send()
            .await
            .unwrap();
        Seen {
            mirror: mirror.clone(),
            nodes,
            os_available,
            sums_status: sums.status().as_u16(),
        }
    });
    let logs = terminate(child);
    assert!(
        logs.contains("stand-in image mirror"),
        "the mirror's URL is logged: {logs}"
    );
    seen
}

#[test]
fn demo_empty_starts_with_nodes_but_no_templates_and_serves_the_image_mirror() {
    let seen = demo_shows(&["--empty"]);
    assert!(seen.mirror.starts_with("http://127.0.0.1:"), "{}", seen.mirror);
    assert_eq!(seen.sums_status, 200, "the mirror answers while the demo runs");
    assert_eq!(seen.nodes.len(), 5, "{:?}", seen.nodes);
    for (node, templates) in &seen.nodes {
        assert!(templates.is_empty(), "{node} has templates {templates:?}");
    }
    assert_eq!(seen.os_available.len(), 4);
    assert!(
        seen.os_available.iter().all(|(_, available)| !available),
        "{:?}",
        seen.os_available
    );
}

#[test]
fn plain_demo_keeps_its_templates_and_also_serves_the_image_mirror() {
    let seen = demo_shows(&[]);
    assert_eq!(seen.sums_status, 200);
    assert_eq!(seen.nodes.len(), 5);
    for (node, templates) in &seen.nodes {
        assert_eq!(templates.len(), 4, "{node} has templates {templates:?}");
    }
    assert!(
        seen.os_available.iter().all(|(_, available)| *available),
        "{:?}",
        seen.os_available
    );
}
