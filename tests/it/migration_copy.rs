//! A start that changes the schema first copies the database beside itself
//! (`nimbus.db.pre-migration-v<N>`, N the schema version it had), keeps the copy through that
//! run and removes it at the next successful start; a start on a current schema copies nothing.

use std::path::{Path, PathBuf};

use nimbus::adapters::store::sqlite::Migrator;
use nimbus::app::wiring::App;
use sea_orm_migration::MigratorTrait;

use crate::helpers::serve_config;

/// The pre-migration copies beside the database.
fn copies(dir: &Path) -> Vec<PathBuf> {
    let mut found: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| {
            p.file_name()
                .unwrap()
                .to_string_lossy()
                .starts_with("nimbus.db.pre-migration-")
        })
        .collect();
    found.sort();
    found
}

/// Writes a database at schema version `steps` (the first `steps` migrations applied).
async fn database_at(path: &Path, steps: u32) {
    let url = format!("sqlite://{}?mode=rwc", path.display());
    let db = sea_orm::Database::connect(&url).await.unwrap();
    Migrator::up(&db, Some(steps)).await.unwrap();
    db.close().await.unwrap();
}

async fn start_and_stop(dir: &Path) {
    let app = App::build(serve_config(dir)).await.unwrap();
    app.store.close().await;
}

#[tokio::test]
async fn an_older_schema_is_copied_before_migrating_and_the_copy_goes_at_the_next_start() {
    let dir = tempfile::tempdir().unwrap();
    let steps = Migrator::migrations().len() as u32 - 2;
    database_at(&dir.path().join("nimbus.db"), steps).await;

    start_and_stop(dir.path()).await;
    let made = copies(dir.path());
    assert_eq!(made, [dir.path().join(format!("nimbus.db.pre-migration-v{steps}"))]);
    let url = format!("sqlite://{}?mode=ro", made[0].display());
    let copy = sea_orm::Database::connect(&url).await.unwrap();
    let pending = Migrator::get_pending_migrations(&copy).await.unwrap();
    assert_eq!(pending.len(), 2, "the copy is the database as it was before migrating");
    copy.close().await.unwrap();

    start_and_stop(dir.path()).await;
    assert!(
        copies(dir.path()).is_empty(),
        "the next successful start removes the copy"
    );
}

#[tokio::test]
async fn a_new_or_current_database_is_not_copied() {
    let dir = tempfile::tempdir().unwrap();
    start_and_stop(dir.path()).await;
    assert!(copies(dir.path()).is_empty(), "a new database has nothing to keep");
    start_and_stop(dir.path()).await;
    assert!(copies(dir.path()).is_empty(), "a current database is not migrated");
}
