//! Secrets at rest over real files: the key file made on first start, a missing or wrong key
//! stopping boot, key rotation, an online backup restored into a working server, and the raw
//! database scan.

use std::collections::BTreeMap;
use std::path::Path;

use nimbus::app::config::{Config, Mode, Sources};
use nimbus::app::wiring::{self, App};

use crate::helpers::TestApp;

const SECRET: &str = "hunter2-client-secret-5b1f";

fn config(dir: &Path, extra: &[(&str, &str)]) -> Config {
    let mut env = BTreeMap::new();
    env.insert("NIMBUS_DATA_DIR".to_string(), dir.display().to_string());
    env.insert("PORT".to_string(), "0".to_string());
    for (k, v) in extra {
        env.insert(k.to_string(), v.to_string());
    }
    let sources = Sources {
        env,
        cwd: dir.to_path_buf(),
        system_env_file: dir.join("none.env"),
    };
    Config::load(Mode::Serve, &sources).unwrap()
}

async fn boot_error(dir: &Path, extra: &[(&str, &str)]) -> String {
    match App::build(config(dir, extra)).await {
        Ok(_) => panic!("boot should have failed"),
        Err(e) => format!("{e:#}"),
    }
}

/// Starts an app on `dir`, stores the test secret, and stops it.
async fn app_with_secret(dir: &Path, extra: &[(&str, &str)]) {
    let app = App::build(config(dir, extra)).await.unwrap();
    app.secrets.put("oauth.github.client_secret", SECRET).await.unwrap();
    app.store.close().await;
}

async fn read_secret(dir: &Path, extra: &[(&str, &str)]) -> Option<String> {
    let app = App::build(config(dir, extra)).await.unwrap();
    let value = app.secrets.get("oauth.github.client_secret").await.unwrap();
    app.store.close().await;
    value
}

#[tokio::test]
async fn the_first_start_makes_a_private_key_file_that_later_starts_use() {
    let dir = tempfile::tempdir().unwrap();
    app_with_secret(dir.path(), &[]).await;
    let key_file = dir.path().join("nimbus.key");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&key_file).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o600, "the key file is readable by its owner only");
    }
    let key = std::fs::read_to_string(&key_file).unwrap();
    assert_eq!(read_secret(dir.path(), &[]).await.as_deref(), Some(SECRET));
    assert_eq!(
        std::fs::read_to_string(&key_file).unwrap(),
        key,
        "the key is never replaced"
    );
}

#[tokio::test]
async fn a_missing_or_wrong_key_stops_boot_and_never_makes_a_new_key() {
    let dir = tempfile::tempdir().unwrap();
    app_with_secret(dir.path(), &[]).await;
    let key_file = dir.path().join("nimbus.key");
    let original = std::fs::read(&key_file).unwrap();

    std::fs::remove_file(&key_file).unwrap();
    let missing = boot_error(dir.path(), &[]).await;
    assert!(
        missing.contains("nimbus.key") && missing.contains("missing"),
        "{missing}"
    );
    assert!(!key_file.exists(), "no new key was made");

    std::fs::write(&key_file, "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=\n").unwrap();
    let wrong = boot_error(dir.path(), &[]).await;
    assert!(wrong.contains("does not decrypt"), "{wrong}");
    let env = boot_error(
        dir.path(),
        &[("NIMBUS_ENCRYPTION_KEY", "AQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQE=")],
    )
    .await;
    assert!(env.contains("NIMBUS_ENCRYPTION_KEY"), "{env}");

    std::fs::write(&key_file, original).unwrap();
    assert_eq!(read_secret(dir.path(), &[]).await.as_deref(), Some(SECRET));
}

#[tokio::test]
async fn rotation_keeps_every_secret_readable_and_retires_the_old_key() {
    let dir = tempfile::tempdir().unwrap();
    app_with_secret(dir.path(), &[]).await;
    let key_file = dir.path().join("nimbus.key");
    let old_key = std::fs::read(&key_file).unwrap();

    let rotation = wiring::rotate_key(&config(dir.path(), &[])).await.unwrap();
    assert_eq!(rotation.resealed, 2, "the secret and the key check");
    assert_ne!(std::fs::read(&key_file).unwrap(), old_key);
    assert!(!dir.path().join("nimbus.key.new").exists());
    assert_eq!(read_secret(dir.path(), &[]).await.as_deref(), Some(SECRET));

    std::fs::write(&key_file, old_key).unwrap();
    assert!(boot_error(dir.path(), &[]).await.contains("does not decrypt"));
}

#[tokio::test]
async fn rotation_with_an_environment_key_prints_the_new_one() {
    let dir = tempfile::tempdir().unwrap();
    let env = [("NIMBUS_ENCRYPTION_KEY", "AQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQE=")];
    app_with_secret(dir.path(), &env).await;
    assert!(
        !dir.path().join("nimbus.key").exists(),
        "no key file when the key is in the environment"
    );
    let rotation = wiring::rotate_key(&config(dir.path(), &env)).await.unwrap();
    let new_key = rotation.new_env_key.expect("the new key to set");
    assert!(boot_error(dir.path(), &env).await.contains("NIMBUS_ENCRYPTION_KEY"));
    let fresh = [("NIMBUS_ENCRYPTION_KEY", new_key.as_str())];
    assert_eq!(read_secret(dir.path(), &fresh).await.as_deref(), Some(SECRET));
}

#[tokio::test]
async fn rotation_refuses_while_a_server_holds_the_data_dir() {
    let app = TestApp::spawn_with(Mode::Serve, &[]).await;
    let refused = wiring::rotate_key(&config(app.dir.path(), &[])).await.unwrap_err();
    assert!(format!("{refused:#}").contains("stop it first"), "{refused:#}");
    app.stop().await;
}

#[tokio::test]
async fn an_online_backup_restores_into_a_working_server() {
    let app = TestApp::spawn_with(Mode::Serve, &[]).await;
    let running = app.running.as_ref().unwrap().app();
    running.secrets.put("oauth.github.client_secret", SECRET).await.unwrap();
    let out = tempfile::tempdir().unwrap();
    let backup = wiring::backup(&config(app.dir.path(), &[]), out.path()).await.unwrap();
    app.stop().await;

    let restored = tempfile::tempdir().unwrap();
    std::fs::copy(&backup.database, restored.path().join("nimbus.db")).unwrap();
    std::fs::copy(backup.key.unwrap(), restored.path().join("nimbus.key")).unwrap();
    assert_eq!(read_secret(restored.path(), &[]).await.as_deref(), Some(SECRET));
}

#[tokio::test]
async fn the_database_holds_secrets_only_sealed() {
    let dir = tempfile::tempdir().unwrap();
    let app = App::build(config(dir.path(), &[])).await.unwrap();
    app.secrets.put("marker-name-visible", SECRET).await.unwrap();
    let mut bytes = std::fs::read(dir.path().join("nimbus.db")).unwrap();
    if let Ok(wal) = std::fs::read(dir.path().join("nimbus.db-wal")) {
        bytes.extend(wal);
    }
    let has = |needle: &str| bytes.windows(needle.len()).any(|w| w == needle.as_bytes());
    assert!(has("marker-name-visible"), "the scan finds the secret's (public) name");
    assert!(!has(SECRET), "the secret itself is never stored in clear");
    app.store.close().await;
}

#[tokio::test]
async fn a_rotation_interrupted_before_or_after_its_commit_leaves_a_working_key() {
    let dir = tempfile::tempdir().unwrap();
    app_with_secret(dir.path(), &[]).await;
    let key_file = dir.path().join("nimbus.key");
    let pending = dir.path().join("nimbus.key.new");

    // Crashed before the commit: the new key opens nothing and is discarded.
    std::fs::write(&pending, "AgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgI=\n").unwrap();
    assert_eq!(read_secret(dir.path(), &[]).await.as_deref(), Some(SECRET));
    assert!(!pending.exists());

    // Crashed after the commit, before the rename: the new key is adopted.
    let old_key = std::fs::read(&key_file).unwrap();
    wiring::rotate_key(&config(dir.path(), &[])).await.unwrap();
    std::fs::rename(&key_file, &pending).unwrap();
    std::fs::write(&key_file, old_key).unwrap();
    assert_eq!(read_secret(dir.path(), &[]).await.as_deref(), Some(SECRET));
    assert!(!pending.exists());
}

#[test]
fn the_backup_and_rotate_key_commands_say_what_they_did() {
    let dir = tempfile::tempdir().unwrap();
    let runtime = tokio::runtime::Runtime::new().unwrap();
    runtime.block_on(app_with_secret(dir.path(), &[]));
    let run = |args: &[&str]| {
        std::process::Command::new(env!("CARGO_BIN_EXE_nimbus"))
            .args(args)
            .env_clear()
            .env("NIMBUS_DATA_DIR", dir.path())
            .current_dir(dir.path())
            .output()
            .unwrap()
    };
    let out = dir.path().join("backups");
    let backup = run(&["backup", "--out", out.to_str().unwrap()]);
    assert!(backup.status.success(), "{}", String::from_utf8_lossy(&backup.stderr));
    let text = String::from_utf8(backup.stdout).unwrap();
    assert!(
        text.contains("database: ") && text.contains("key: ") && text.contains("apart"),
        "{text}"
    );
    assert_eq!(std::fs::read_dir(&out).unwrap().count(), 2);

    let rotate = run(&["rotate-key"]);
    assert!(rotate.status.success(), "{}", String::from_utf8_lossy(&rotate.stderr));
    let text = String::from_utf8(rotate.stdout).unwrap();
    assert!(text.contains("re-encrypted 2 secrets"), "{text}");
}

#[tokio::test]
async fn a_sealed_value_copied_to_another_row_fails_loudly() {
    use sea_orm::ConnectionTrait;

    let dir = tempfile::tempdir().unwrap();
    let app = App::build(config(dir.path(), &[])).await.unwrap();
    app.secrets.put("oauth.github.client_secret", SECRET).await.unwrap();
    app.secrets
        .put("oauth.google.client_secret", "another-secret")
        .await
        .unwrap();
    app.store
        .reader()
        .execute_unprepared(
            "UPDATE secret_values SET sealed = (SELECT sealed FROM secret_values WHERE name = \
             'oauth.github.client_secret') WHERE name = 'oauth.google.client_secret'",
        )
        .await
        .unwrap();
    let moved = app.secrets.get("oauth.google.client_secret").await.unwrap_err();
    assert!(format!("{moved:#}").contains("cannot be decrypted"), "{moved:#}");
    assert_eq!(
        app.secrets.get("oauth.github.client_secret").await.unwrap().as_deref(),
        Some(SECRET)
    );
    app.store.close().await;
}
