//! What the database file holds: no password, session secret or API token in clear, in the main
//! file or the write-ahead log, read as raw bytes. A known non-secret value must be found by
//! the same scan, so the scan itself is shown to work.

use nimbus::app::config::Mode;
use reqwest::Method;

use super::{Cred, NO_LIMITS, PASSWORD, call, register, token};
use crate::helpers::TestApp;

fn contains(haystack: &[u8], needle: &str) -> bool {
    haystack.windows(needle.len()).any(|w| w == needle.as_bytes())
}

#[tokio::test]
async fn the_database_holds_no_password_session_or_token_in_clear() {
    let app = TestApp::spawn_with(Mode::Demo, NO_LIMITS).await;
    let marker = "Ada Marker-7c41e9";
    let (_, session) = register(&app, "ada@lab.example", marker).await;
    let (_, api_token) = token(&app, &session, "scan", "read_write").await;
    let me = call(&app, Method::GET, "/api/me", &Cred::Bearer(api_token.clone()), None).await;
    assert_eq!(me.status, 200);

    let db = app.dir.path().join("nimbus.db");
    let mut bytes = std::fs::read(&db).unwrap();
    let wal = db.with_extension("db-wal");
    if let Ok(more) = std::fs::read(&wal) {
        bytes.extend(more);
    }
    assert!(contains(&bytes, marker), "the scan must find the known display name");
    assert!(contains(&bytes, "$argon2id$"), "the scan must find the password hash");
    for (what, secret) in [
        ("password", PASSWORD),
        ("session secret", session.as_str()),
        ("API token", api_token.as_str()),
    ] {
        assert!(!contains(&bytes, secret), "the database holds the {what} in clear");
    }
    // Nor the secret's body without its prefix.
    assert!(!contains(&bytes, api_token.trim_start_matches("nimbus_")));
    app.stop().await;
}
