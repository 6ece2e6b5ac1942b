//! The SSH key vault over HTTP: add (with a matching private half or not), generate (kept or
//! shown once), fingerprints as ssh-keygen prints them, the default, rename, attach, delete,
//! refusals with the field named, other people's keys answering 404, and the raw scan.

use nimbus::app::config::Mode;
use reqwest::Method;
use serde_json::{Value, json};

use crate::accounts::{Cred, NO_LIMITS, call, register};
use crate::helpers::TestApp;

fn fixture(name: &str) -> String {
    std::fs::read_to_string(format!("{}/tests/fixtures/ssh/{name}", env!("CARGO_MANIFEST_DIR"))).unwrap()
}

fn names(list: &Value) -> Vec<String> {
    list["data"]
        .as_array()
        .unwrap()
        .iter()
        .map(|k| k["name"].as_str().unwrap().to_string())
        .collect()
}

#[tokio::test]
async fn keys_are_added_generated_defaulted_renamed_and_deleted() {
    let app = TestApp::spawn_with(Mode::Demo, NO_LIMITS).await;
    let (_, ada) = register(&app, "ada@lab.example", "Ada").await;
    let ada = Cred::Cookie(ada);
    let add = |body: Value| call(&app, Method::POST, "/api/keys", &ada, Some(body));

    let laptop = add(json!({"name": "laptop", "public_key": fixture("ed25519.pub"), "label": "work laptop"})).await;
    assert_eq!(laptop.status, 201, "{:?}", laptop.body);
    let key = &laptop.body["data"]["key"];
    assert_eq!(key["fingerprint"], fixture("ed25519.fingerprint").trim());
    assert_eq!(
        (key["algorithm"].as_str(), key["bits"].as_u64()),
        (Some("ssh-ed25519"), Some(256))
    );
    assert_eq!(key["is_default"], true, "the first key is the default");
    assert_eq!(key["has_private_key"], false);
    assert!(laptop.body["data"].get("private_key").is_none());

    let made = add(json!({"name": "web01", "generate": true, "set_default": true})).await;
    assert_eq!(made.status, 201, "{:?}", made.body);
    let private = made.body["data"]["private_key"].as_str().unwrap().to_string();
    assert!(private.starts_with("-----BEGIN OPENSSH PRIVATE KEY-----"));
    let web01 = made.body["data"]["key"]["id"].as_str().unwrap().to_string();
    let list = call(&app, Method::GET, "/api/keys", &ada, None).await;
    assert_eq!(names(&list.body), ["web01", "laptop"], "default first");
    let download = call(&app, Method::GET, &format!("/api/keys/{web01}/private-key"), &ada, None).await;
    assert_eq!(
        download.body["data"]["private_key"].as_str(),
        Some(private.as_str()),
        "kept: downloadable again"
    );
    assert_eq!(download.body["data"]["key_name"], "web01");

    let once = add(json!({"name": "throwaway", "generate": true, "keep_private_key": false})).await;
    assert!(once.body["data"]["private_key"].as_str().is_some(), "shown once");
    assert_eq!(once.body["data"]["key"]["has_private_key"], false);
    let once_id = once.body["data"]["key"]["id"].as_str().unwrap().to_string();
    let gone = call(
        &app,
        Method::GET,
        &format!("/api/keys/{once_id}/private-key"),
        &ada,
        None,
    )
    .await;
    assert_eq!(gone.status, 404, "never stored");

    let laptop_id = key["id"].as_str().unwrap().to_string();
    let default = call(
        &app,
        Method::POST,
        &format!("/api/keys/{laptop_id}/default"),
        &ada,
        None,
    )
    .await;
    assert_eq!(default.body["data"]["is_default"], true);
    let list = call(&app, Method::GET, "/api/keys", &ada, None).await;
    let defaults: Vec<_> = list.body["data"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|k| k["is_default"] == true)
        .collect();
    assert_eq!(defaults.len(), 1, "one default at a time");

    let renamed = call(
        &app,
        Method::PATCH,
        &format!("/api/keys/{laptop_id}"),
        &ada,
        Some(json!({"name": "old-laptop", "label": ""})),
    )
    .await;
    assert_eq!(renamed.body["data"]["name"], "old-laptop");
    assert!(renamed.body["data"].get("label").is_none(), "an empty label removes it");
    let clash = call(
        &app,
        Method::PATCH,
        &format!("/api/keys/{laptop_id}"),
        &ada,
        Some(json!({"name": "web01"})),
    )
    .await;
    assert_eq!((clash.status.as_u16(), clash.code()), (409, "key_name_taken"));

    let deleted = call(&app, Method::DELETE, &format!("/api/keys/{web01}"), &ada, None).await;
    assert_eq!(deleted.status, 200);
    assert_eq!(
        call(&app, Method::GET, &format!("/api/keys/{web01}"), &ada, None)
            .await
            .status,
        404
    );
    app.stop().await;
}

/// The fixture's Ed25519 key with another comment.
fn with_comment(comment: &str) -> String {
    let line = fixture("ed25519.pub");
    let mut fields = line.split_whitespace();
    format!("{} {} {comment}", fields.next().unwrap(), fields.next().unwrap())
}

#[tokio::test]
async fn a_private_half_must_match_be_unprotected_and_in_openssh_format() {
    let app = TestApp::spawn_with(Mode::Demo, NO_LIMITS).await;
    let (_, ada) = register(&app, "ada@lab.example", "Ada").await;
    let ada = Cred::Cookie(ada);
    let generated = call(
        &app,
        Method::POST,
        "/api/keys",
        &ada,
        Some(json!({"name": "source", "generate": true})),
    )
    .await;
    let pair_private = generated.body["data"]["private_key"].as_str().unwrap().to_string();
    let pair_public = generated.body["data"]["key"]["public_key"]
        .as_str()
        .unwrap()
        .to_string();

    let refusals = [
        (
            json!({"name": "x", "public_key": fixture("ed25519.pub"), "private_key": pair_private}),
            "private_key",
            "does not belong",
        ),
        (
            json!({"name": "x", "public_key": fixture("ed25519.pub"), "private_key": fixture("locked-with-unknown-passphrase")}),
            "private_key",
            "passphrase",
        ),
        (
            json!({"name": "x", "public_key": fixture("rsa2048.pub")}),
            "public_key",
            "3072",
        ),
        (
            json!({"name": "x", "public_key": "ssh-dss AAAAB3NzaC1kc3MAAACBAP== old"}),
            "public_key",
            "DSA",
        ),
        (
            json!({"name": "x", "public_key": pair_private.clone()}),
            "public_key",
            "private key",
        ),
        (json!({"name": "x"}), "public_key", "public key"),
        (
            json!({"name": "x", "public_key": with_comment("you\r@laptop")}),
            "public_key",
            "control character",
        ),
        (
            json!({"name": "x", "public_key": with_comment("you@laptop\u{1b}[2J")}),
            "public_key",
            "control character",
        ),
        (
            json!({"name": "Bad Name", "public_key": fixture("ed25519.pub")}),
            "name",
            "lower-case",
        ),
    ];
    for (body, field, words) in refusals {
        let refused = call(&app, Method::POST, "/api/keys", &ada, Some(body.clone())).await;
        assert_eq!(refused.status, 400, "{body}: {:?}", refused.body);
        assert_eq!(refused.body["field"], field, "{body}");
        assert!(
            refused.body["error"].as_str().unwrap().contains(words),
            "{body}: {}",
            refused.body["error"]
        );
    }
    let list = call(&app, Method::GET, "/api/keys", &ada, None).await;
    assert_eq!(names(&list.body), ["source"], "refusals store nothing");

    // A matching pair, and a private half attached later to a public-only key.
    let pair = call(
        &app,
        Method::POST,
        "/api/keys",
        &ada,
        Some(json!({"name": "copy", "public_key": pair_public.clone(), "private_key": pair_private.clone()})),
    )
    .await;
    assert_eq!(pair.status, 201, "{:?}", pair.body);
    assert_eq!(
        pair.body["data"]["key"]["has_private_key"], true,
        "a matching pair keeps its private half"
    );
    let public_only = call(
        &app,
        Method::POST,
        "/api/keys",
        &ada,
        Some(json!({"name": "rsa", "public_key": fixture("rsa3072.pub")})),
    )
    .await;
    assert_eq!(public_only.body["data"]["key"]["bits"], 3072);
    let rsa = public_only.body["data"]["key"]["id"].as_str().unwrap().to_string();
    let wrong = call(
        &app,
        Method::POST,
        &format!("/api/keys/{rsa}/private-key"),
        &ada,
        Some(json!({"private_key": pair_private})),
    )
    .await;
    assert_eq!(wrong.status, 400);
    app.stop().await;
}

#[tokio::test]
async fn other_peoples_keys_answer_404_everywhere_and_private_halves_stay_sealed() {
    let app = TestApp::spawn_with(Mode::Demo, NO_LIMITS).await;
    let (_, ada) = register(&app, "ada@lab.example", "Ada").await;
    let (_, bob) = register(&app, "bob@lab.example", "Bob").await;
    let ada = Cred::Cookie(ada);
    let made = call(
        &app,
        Method::POST,
        "/api/keys",
        &ada,
        Some(json!({"name": "secret-key", "generate": true})),
    )
    .await;
    let private = made.body["data"]["private_key"].as_str().unwrap().to_string();
    let id = made.body["data"]["key"]["id"].as_str().unwrap().to_string();
    let bob = Cred::Cookie(bob);
    for (method, path, body) in [
        (Method::GET, format!("/api/keys/{id}"), None),
        (
            Method::PATCH,
            format!("/api/keys/{id}"),
            Some(json!({"label": "mine now"})),
        ),
        (Method::DELETE, format!("/api/keys/{id}"), None),
        (Method::GET, format!("/api/keys/{id}/private-key"), None),
        (
            Method::POST,
            format!("/api/keys/{id}/private-key"),
            Some(json!({"private_key": private.clone()})),
        ),
        (Method::POST, format!("/api/keys/{id}/default"), None),
    ] {
        let answer = call(&app, method.clone(), &path, &bob, body).await;
        assert_eq!(answer.status, 404, "{method} {path}: {:?}", answer.body);
    }
    assert_eq!(
        names(&call(&app, Method::GET, "/api/keys", &bob, None).await.body),
        Vec::<String>::new()
    );
    // Bob may use the same name for his own key.
    let same = call(
        &app,
        Method::POST,
        "/api/keys",
        &bob,
        Some(json!({"name": "secret-key", "generate": true})),
    )
    .await;
    assert_eq!(same.status, 201);

    let db = app.dir.path().join("nimbus.db");
    let mut bytes = std::fs::read(&db).unwrap();
    if let Ok(wal) = std::fs::read(db.with_extension("db-wal")) {
        bytes.extend(wal);
    }
    let has = |needle: &str| bytes.windows(needle.len()).any(|w| w == needle.as_bytes());
    assert!(has("secret-key"), "the scan finds the key's name");
    let body: String = private.lines().filter(|l| !l.starts_with("-----")).collect();
    assert!(!has("BEGIN OPENSSH PRIVATE KEY"), "no private key in clear");
    assert!(!has(&body[..40]), "not even a piece of its body");
    app.stop().await;
}

#[tokio::test]
async fn private_halves_survive_a_key_rotation() {
    let app = TestApp::spawn_with(Mode::Demo, NO_LIMITS).await;
    let (_, ada) = register(&app, "ada@lab.example", "Ada").await;
    let made = call(
        &app,
        Method::POST,
        "/api/keys",
        &Cred::Cookie(ada),
        Some(json!({"name": "kept", "generate": true})),
    )
    .await;
    let private = made.body["data"]["private_key"].as_str().unwrap().to_string();
    let id = made.body["data"]["key"]["id"].as_str().unwrap().to_string();
    let TestApp { running, dir, .. } = app;
    running.unwrap().stop().await.unwrap();

    let data = dir.path().to_str().unwrap().to_string();
    let mut env = std::collections::BTreeMap::new();
    env.insert("NIMBUS_DATA_DIR".to_string(), data.clone());
    let sources = nimbus::app::config::Sources {
        env,
        cwd: dir.path().to_path_buf(),
        system_env_file: dir.path().join("none.env"),
    };
    let config = nimbus::app::config::Config::load(Mode::Serve, &sources).unwrap();
    let rotation = nimbus::app::wiring::rotate_key(&config).await.unwrap();
    assert_eq!(
        rotation.resealed, 3,
        "the key check, the SSH private half and the demo's Gopher API key"
    );

    let mut pairs: Vec<(&str, &str)> = vec![("NIMBUS_DATA_DIR", data.as_str())];
    pairs.extend(NO_LIMITS.iter().copied());
    let app = TestApp::spawn_with(Mode::Demo, &pairs).await;
    let ada = Cred::Cookie(crate::accounts::login(&app, "ada@lab.example").await);
    let download = call(&app, Method::GET, &format!("/api/keys/{id}/private-key"), &ada, None).await;
    assert_eq!(download.body["data"]["private_key"].as_str(), Some(private.as_str()));
    app.stop().await;
    drop(dir);
}
