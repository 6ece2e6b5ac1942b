//! Tests of the SQLite adapter against real database files in temporary directories.

use std::sync::Arc;

use chrono::{TimeZone, Utc};
use sea_orm::{ConnectionTrait, EntityTrait, Set, Statement};

use super::*;

fn t0() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 28, 12, 0, 0).unwrap()
}

async fn fresh() -> (tempfile::TempDir, SqliteStore) {
    let dir = tempfile::tempdir().unwrap();
    let store = SqliteStore::open(&dir.path().join("nimbus.db")).await.unwrap();
    (dir, store)
}

async fn pragma(db: &DatabaseConnection, name: &str) -> String {
    let row = db
        .query_one_raw(Statement::from_string(
            db.get_database_backend(),
            format!("PRAGMA {name}"),
        ))
        .await
        .unwrap()
        .unwrap();
    row.try_get_by_index::<i64>(0)
        .map(|v| v.to_string())
        .or_else(|_| row.try_get_by_index::<String>(0))
        .unwrap()
}

#[tokio::test]
async fn open_creates_the_file_in_wal_mode_with_full_sync_and_foreign_keys() {
    let (dir, store) = fresh().await;
    assert!(dir.path().join("nimbus.db").exists());
    for db in [&store.reader, &store.writer] {
        assert_eq!(pragma(db, "journal_mode").await, "wal");
        assert_eq!(pragma(db, "synchronous").await, "2", "2 is FULL");
        assert_eq!(pragma(db, "foreign_keys").await, "1");
    }
}

#[tokio::test]
async fn open_creates_missing_parent_directories() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("a/b/nimbus.db");
    SqliteStore::open(&path).await.unwrap();
    assert!(path.exists());
}

#[tokio::test]
async fn settings_survive_closing_and_reopening_the_file() {
    let (dir, store) = fresh().await;
    store.put_setting("greeting", "hello", t0()).await.unwrap();
    store.put_setting("greeting", "hello again", t0()).await.unwrap();
    store.close().await;
    let reopened = SqliteStore::open(&dir.path().join("nimbus.db")).await.unwrap();
    assert_eq!(
        reopened.get_setting("greeting").await.unwrap().as_deref(),
        Some("hello again")
    );
    assert_eq!(reopened.get_setting("missing").await.unwrap(), None);
}

#[tokio::test]
async fn put_if_absent_keeps_the_first_value() {
    let (_dir, store) = fresh().await;
    assert_eq!(store.put_setting_if_absent("id", "first", t0()).await.unwrap(), "first");
    assert_eq!(
        store.put_setting_if_absent("id", "second", t0()).await.unwrap(),
        "first"
    );
}

#[tokio::test]
async fn concurrent_read_modify_write_transactions_never_fail_or_lose_an_update() {
    let (_dir, store) = fresh().await;
    store.put_setting("counter", "0", t0()).await.unwrap();
    let store = Arc::new(store);
    let tasks: Vec<_> = (0..40)
        .map(|_| {
            let store = Arc::clone(&store);
            tokio::spawn(async move {
                store
                    .write(|txn| {
                        Box::pin(async move {
                            let current = setting::Entity::find_by_id("counter".to_string())
                                .one(txn)
                                .await?
                                .unwrap();
                            let next: i64 = current.value.parse::<i64>().unwrap() + 1;
                            setting::Entity::update(setting::ActiveModel {
                                key: Set("counter".into()),
                                value: Set(next.to_string()),
                                updated_at: Set(t0()),
                            })
                            .exec(txn)
                            .await?;
                            Ok(())
                        })
                    })
                    .await
            })
        })
        .collect();
    for task in tasks {
        task.await
            .unwrap()
            .expect("no writer may fail with 'database is locked'");
    }
    assert_eq!(store.get_setting("counter").await.unwrap().as_deref(), Some("40"));
}

#[tokio::test]
async fn open_refuses_a_database_from_a_newer_binary() {
    let (dir, store) = fresh().await;
    store
        .writer
        .execute_unprepared("INSERT INTO seaql_migrations (version, applied_at) VALUES ('m29990101_000001_future', 0)")
        .await
        .unwrap();
    store.close().await;
    let err = SqliteStore::open(&dir.path().join("nimbus.db")).await.unwrap_err();
    assert!(matches!(err, OpenStoreError::NewerSchema { ref unknown, .. } if unknown == "m29990101_000001_future"));
    assert!(err.to_string().contains("newer Nimbus"), "{err}");
}

#[tokio::test]
async fn open_explains_a_path_that_cannot_be_a_database() {
    let dir = tempfile::tempdir().unwrap();
    let err = SqliteStore::open(dir.path()).await.unwrap_err();
    assert!(err.to_string().contains(&dir.path().display().to_string()), "{err}");
}

#[tokio::test]
async fn ping_answers_on_a_healthy_database() {
    let (_dir, store) = fresh().await;
    store.ping().await.unwrap();
}

#[tokio::test]
async fn quota_rows_saved_before_the_pending_cap_existed_get_the_default_cap() {
    use crate::ports::quotas::QuotaStore;
    use sea_orm_migration::{MigrationName, MigratorTrait};

    let (dir, store) = fresh().await;
    let all = migrations::Migrator::migrations();
    let added = all
        .iter()
        .position(|m| m.name() == quotas_schema::AddPendingCap.name())
        .expect("the migration is listed");
    let later = u32::try_from(all.len() - added).unwrap();
    migrations::Migrator::down(&store.writer, Some(later)).await.unwrap();
    store
        .writer
        .execute_unprepared("INSERT INTO quotas (scope, max_vms) VALUES ('default', 4)")
        .await
        .unwrap();
    store.close().await;

    let store = SqliteStore::open(&dir.path().join("nimbus.db")).await.unwrap();
    let defaults = store.quota_defaults().await.unwrap().unwrap();
    assert_eq!((defaults.max_vms, defaults.max_pending), (Some(4), Some(3)));
}

#[tokio::test]
async fn migrating_proves_the_addresses_of_accounts_a_provider_made_or_vouched_for_and_no_others() {
    use sea_orm_migration::{MigrationName, MigratorTrait};

    let (dir, store) = fresh().await;
    // Back to the schema before addresses were proven, with the accounts of that time.
    let all = Migrator::migrations();
    let added = all
        .iter()
        .position(|m| m.name() == email_proof_schema::ProveEmails.name())
        .expect("the migration is listed");
    let later = u32::try_from(all.len() - added).unwrap();
    Migrator::down(&store.writer, Some(later)).await.unwrap();
    let when = "2026-11-28 12:00:00+00:00";
    for (id, email, hash, role) in [
        (
            "00000000-0000-0000-0000-000000000001",
            "admin@lab.example",
            Some("$argon2id$x"),
            "admin",
        ),
        (
            "00000000-0000-0000-0000-000000000002",
            "typed@lab.example",
            Some("$argon2id$x"),
            "member",
        ),
        (
            "00000000-0000-0000-0000-000000000003",
            "made@lab.example",
            None,
            "member",
        ),
        (
            "00000000-0000-0000-0000-000000000004",
            "linked@lab.example",
            Some("$argon2id$x"),
            "member",
        ),
        (
            "00000000-0000-0000-0000-000000000005",
            "other@lab.example",
            Some("$argon2id$x"),
            "member",
        ),
    ] {
        let hash = hash.map_or("NULL".to_string(), |h| format!("'{h}'"));
        store
            .writer
            .execute_unprepared(&format!(
                "INSERT INTO users (id, email, name, password_hash, role, status, created_at, updated_at) \
                 VALUES ('{id}', '{email}', 'N', {hash}, '{role}', 'active', '{when}', '{when}')"
            ))
            .await
            .unwrap();
    }
    for (user, email) in [
        ("00000000-0000-0000-0000-000000000004", "Linked@Lab.Example"),
        ("00000000-0000-0000-0000-000000000005", "someone-else@lab.example"),
    ] {
        store
            .writer
            .execute_unprepared(&format!(
                "INSERT INTO identities (provider, subject, user_id, login, email, linked_at) \
                 VALUES ('github', '{user}', '{user}', 'x', '{email}', '{when}')"
            ))
            .await
            .unwrap();
    }
    store.close().await;

    let store = SqliteStore::open(&dir.path().join("nimbus.db")).await.unwrap();
    let proven: Vec<(String, bool)> = crate::ports::AccountStore::list_users(&store)
        .await
        .unwrap()
        .into_iter()
        .map(|u| (u.email.to_string(), u.email_verified))
        .collect();
    assert_eq!(
        proven,
        [
            ("admin@lab.example".to_string(), false),
            ("linked@lab.example".to_string(), true),
            ("made@lab.example".to_string(), true),
            ("other@lab.example".to_string(), false),
            ("typed@lab.example".to_string(), false),
        ]
    );
}

#[tokio::test]
async fn migrating_folds_the_open_closed_switch_and_the_gate_switch_into_one_sign_up_mode() {
    use sea_orm_migration::{MigrationName, MigratorTrait};

    // (accounts.signups, access_code.enabled) before → accounts.signups after.
    let cases = [
        (None, None, None),
        (Some("open"), None, Some("open")),
        (Some("closed"), None, Some("invite_only")),
        (Some("open"), Some("true"), Some("access_code")),
        (None, Some("true"), Some("access_code")),
        (Some("open"), Some("false"), Some("open")),
        (Some("closed"), Some("true"), Some("invite_only")),
    ];
    for (signups, gate, want) in cases {
        let (dir, store) = fresh().await;
        let all = Migrator::migrations();
        let added = all
            .iter()
            .position(|m| m.name() == invitations_schema::FoldSignupSetting.name())
            .expect("the migration is listed");
        let later = u32::try_from(all.len() - added).unwrap();
        Migrator::down(&store.writer, Some(later)).await.unwrap();
        for (key, value) in [("accounts.signups", signups), ("access_code.enabled", gate)] {
            if let Some(value) = value {
                store.put_setting(key, value, t0()).await.unwrap();
            }
        }
        store.close().await;

        let store = SqliteStore::open(&dir.path().join("nimbus.db")).await.unwrap();
        let case = format!("{signups:?} + gate {gate:?}");
        assert_eq!(
            store.get_setting("accounts.signups").await.unwrap().as_deref(),
            want,
            "{case}"
        );
        assert_eq!(store.get_setting("access_code.enabled").await.unwrap(), None, "{case}");
        store.close().await;
    }
}
