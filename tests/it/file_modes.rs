//! What Nimbus writes on disk is its own: the data dir it creates is 0700, and the database, its
//! WAL and shared-memory files, the lock and every backup are 0600, whatever the umask.

use std::os::unix::fs::PermissionsExt;
use std::path::Path;

use nimbus::app::wiring::{self, App};

use crate::helpers::serve_config;

fn mode(path: &Path) -> u32 {
    std::fs::metadata(path)
        .unwrap_or_else(|e| panic!("{}: {e}", path.display()))
        .permissions()
        .mode()
        & 0o777
}

#[tokio::test]
async fn the_data_dir_is_private_and_the_database_and_backups_are_owner_only() {
    let parent = tempfile::tempdir().unwrap();
    let dir = parent.path().join("data");
    let app = App::build(serve_config(&dir)).await.unwrap();
    app.secrets.put("oauth.github.client_secret", "s3cret").await.unwrap();
    assert_eq!(mode(&dir), 0o700, "the data dir");
    for file in [
        "nimbus.db",
        "nimbus.db-wal",
        "nimbus.db-shm",
        "nimbus.lock",
        "nimbus.key",
    ] {
        assert_eq!(mode(&dir.join(file)), 0o600, "{file}");
    }
    let out = parent.path().join("backups");
    let backup = wiring::backup(&serve_config(&dir), &out).await.unwrap();
    assert_eq!(mode(&out), 0o700, "the backup dir it made");
    assert_eq!(mode(&backup.database), 0o600, "the database copy");
    assert_eq!(mode(&backup.key.unwrap()), 0o600, "the key copy");
    app.store.close().await;
}

#[tokio::test]
async fn an_existing_database_readable_by_others_is_made_owner_only_at_start() {
    let dir = tempfile::tempdir().unwrap();
    {
        let app = App::build(serve_config(dir.path())).await.unwrap();
        app.store.close().await;
    }
    let db = dir.path().join("nimbus.db");
    std::fs::set_permissions(&db, std::fs::Permissions::from_mode(0o644)).unwrap();
    let app = App::build(serve_config(dir.path())).await.unwrap();
    app.secrets.put("oauth.github.client_secret", "s3cret").await.unwrap();
    for file in ["nimbus.db", "nimbus.db-wal", "nimbus.db-shm"] {
        assert_eq!(mode(&dir.path().join(file)), 0o600, "{file}");
    }
    app.store.close().await;
}
