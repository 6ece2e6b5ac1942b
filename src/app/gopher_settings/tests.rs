//! The Gopher settings over a real store and cipher, with the gateway mocked: seeding once,
//! updates applied at once, clearing, the key never shown, connection tests in words, audit.

use std::sync::Arc;

use chrono::{TimeZone, Utc};
use uuid::Uuid;

use super::*;
use crate::adapters::clock::ManualClock;
use crate::adapters::secrets::AesGcmSecrets;
use crate::adapters::store::sqlite::SqliteStore;
use crate::app::accounts::Via;
use crate::domain::account::{Email, UserStatus};
use crate::domain::ids::UserId;
use crate::domain::role::Role;
use crate::ports::accounts::User;
use crate::ports::audit::{AuditLog, AuditQuery};
use crate::ports::tunnel_gateway::{GatewayResult, MockGatewayOpener, MockTunnelGateway, TunnelGateway};

struct World {
    settings: GopherSettings,
    switch: Arc<GatewaySwitch>,
    store: SqliteStore,
    _dir: tempfile::TempDir,
}

/// A gateway whose machine list answers `answer`.
fn gateway(answer: GatewayResult<usize>) -> Arc<dyn TunnelGateway> {
    let mut gw = MockTunnelGateway::new();
    gw.expect_machines().returning(move || match &answer {
        Ok(_) => Ok(Vec::new()),
        Err(e) => Err(e.clone()),
    });
    Arc::new(gw)
}

/// An opener that remembers the key of each open and answers with `answer`.
async fn world(answer: GatewayResult<usize>, keys: Arc<std::sync::Mutex<Vec<String>>>) -> World {
    let dir = tempfile::tempdir().unwrap();
    let store = SqliteStore::open(&dir.path().join("nimbus.db")).await.unwrap();
    let clock: Arc<dyn Clock> = Arc::new(ManualClock::new(Utc.with_ymd_and_hms(2026, 1, 1, 0, 0, 0).unwrap()));
    let shared: Arc<dyn Store> = Arc::new(store.clone());
    let secrets = Arc::new(SecretBox::new(
        shared.clone(),
        Arc::new(AesGcmSecrets::new(&[7; 32])),
        clock.clone(),
    ));
    let mut opener = MockGatewayOpener::new();
    opener.expect_open().returning(move |url, key| {
        if url.scheme() == "ftp" {
            return Err(GatewayError::Invalid("not http".into()));
        }
        keys.lock().unwrap().push(key.to_owned());
        Ok(gateway(answer.clone()))
    });
    let switch = Arc::new(GatewaySwitch::default());
    let audit = Arc::new(Auditor::new(Arc::new(store.clone()), clock.clone()));
    World {
        settings: GopherSettings::new(shared, secrets, Arc::new(opener), switch.clone(), audit, clock),
        switch,
        store,
        _dir: dir,
    }
}

fn admin() -> Caller {
    Caller {
        user: User {
            id: UserId::from_uuid(Uuid::from_u128(1)),
            email: Email::parse("ada@lab.example").unwrap(),
            name: "Ada".into(),
            role: Role::Admin,
            status: UserStatus::Active,
            created_at: Utc.with_ymd_and_hms(2026, 1, 1, 0, 0, 0).unwrap(),
            last_seen_at: None,
            access_code_version: None,
            has_password: true,
            email_verified: false,
            email_conflict_at: None,
        },
        via: Via::Session { id: Uuid::from_u128(2) },
        ip: None,
    }
}

fn keys() -> Arc<std::sync::Mutex<Vec<String>>> {
    Arc::default()
}

fn url(text: &str) -> url::Url {
    url::Url::parse(text).unwrap()
}

fn update(url: &str, key: &str) -> GopherUpdate {
    GopherUpdate {
        url: Some(url.into()),
        api_key: Some(key.into()),
        clear: false,
    }
}

#[tokio::test]
async fn the_environment_seeds_once_and_a_clear_is_not_undone_by_it() {
    let w = world(Ok(0), keys()).await;
    let seed = url("http://127.0.0.1:9/");
    w.settings.seed_and_load(Some((&seed, "k1"))).await.unwrap();
    assert!(w.switch.is_configured());
    let view = w.settings.view().await.unwrap();
    assert_eq!(
        view,
        GopherView {
            url: Some("http://127.0.0.1:9/".into()),
            key_configured: true,
            enabled: true
        }
    );
    w.settings
        .update(
            &admin(),
            GopherUpdate {
                clear: true,
                ..Default::default()
            },
        )
        .await
        .unwrap();
    w.settings.seed_and_load(Some((&seed, "k1"))).await.unwrap();
    assert!(!w.switch.is_configured(), "a later start does not seed again");
}

#[tokio::test]
async fn nothing_stored_and_no_environment_means_tunnels_are_off() {
    let w = world(Ok(0), keys()).await;
    w.settings.seed_and_load(None).await.unwrap();
    assert!(!w.switch.is_configured());
    let view = w.settings.view().await.unwrap();
    assert_eq!((view.url, view.key_configured, view.enabled), (None, false, false));
}

#[tokio::test]
async fn an_update_applies_at_once_and_an_empty_key_keeps_the_stored_one() {
    let opened = keys();
    let w = world(Ok(0), opened.clone()).await;
    w.settings.seed_and_load(None).await.unwrap();
    let view = w
        .settings
        .update(&admin(), update("http://127.0.0.1:1", "first"))
        .await
        .unwrap();
    assert!(view.enabled && view.key_configured && w.switch.is_configured());
    w.settings
        .update(&admin(), update("http://127.0.0.1:2", "  "))
        .await
        .unwrap();
    assert_eq!(*opened.lock().unwrap(), ["first", "first"], "the stored key is kept");
    assert_eq!(
        w.settings.view().await.unwrap().url.as_deref(),
        Some("http://127.0.0.1:2/")
    );
    let sealed = w.store.get_secret_value(KEY).await.unwrap().unwrap();
    assert!(!sealed.contains("first"), "the key is sealed at rest");
    let events = AuditLog::list(
        &w.store,
        AuditQuery {
            limit: 10,
            ..Default::default()
        },
    )
    .await
    .unwrap();
    let details: Vec<_> = events.iter().map(|e| e.event.detail.clone()).collect();
    assert!(details.iter().any(|d| d.contains("API key")), "{details:?}");
    assert!(details.iter().all(|d| !d.contains("first")), "{details:?}");
}

#[tokio::test]
async fn bad_values_are_refused_naming_the_field_and_change_nothing() {
    let w = world(Ok(0), keys()).await;
    w.settings.seed_and_load(None).await.unwrap();
    match w.settings.update(&admin(), update("gopher.example", "k")).await {
        Err(GopherSettingsError::Field { field: "url", message }) => assert!(message.contains("http"), "{message}"),
        other => panic!("{other:?}"),
    }
    match w.settings.update(&admin(), update("http://127.0.0.1:1", "")).await {
        Err(GopherSettingsError::Field { field: "api_key", .. }) => {}
        other => panic!("{other:?}"),
    }
    assert!(!w.switch.is_configured());
}

#[tokio::test]
async fn clearing_turns_tunnels_off_and_forgets_the_key() {
    let w = world(Ok(0), keys()).await;
    w.settings
        .update(&admin(), update("http://127.0.0.1:1", "k"))
        .await
        .unwrap();
    let view = w
        .settings
        .update(
            &admin(),
            GopherUpdate {
                clear: true,
                ..Default::default()
            },
        )
        .await
        .unwrap();
    assert_eq!((view.url, view.key_configured, view.enabled), (None, false, false));
    assert!(w.switch.current().is_none());
}

#[tokio::test]
async fn a_connection_test_says_what_gopher_answered_in_words() {
    let w = world(Ok(0), keys()).await;
    w.settings
        .update(&admin(), update("http://127.0.0.1:1", "k"))
        .await
        .unwrap();
    let ok = w.settings.probe(GopherProbe::default()).await.unwrap();
    assert!(ok.ok && ok.message.contains("0 machines"), "{ok:?}");

    let refused = world(Err(GatewayError::Unauthorized), keys()).await;
    let answer = refused
        .settings
        .probe(GopherProbe {
            url: Some("http://127.0.0.1:1".into()),
            api_key: Some("wrong".into()),
        })
        .await
        .unwrap();
    assert_eq!(answer.kind.as_deref(), Some("unauthorized"));
    assert!(
        !answer.ok && answer.message.contains("refused the API key"),
        "{answer:?}"
    );

    let nothing = world(Ok(0), keys()).await;
    match nothing.settings.probe(GopherProbe::default()).await {
        Err(GopherSettingsError::Field { field: "url", .. }) => {}
        other => panic!("{other:?}"),
    }
}

#[test]
fn debug_never_shows_a_key() {
    let text = format!(
        "{:?} {:?}",
        update("http://h", "s3cret-key"),
        GopherProbe {
            url: None,
            api_key: Some("s3cret-key".into())
        }
    );
    assert!(!text.contains("s3cret-key"), "{text}");
}
