//! The copy a start writes before it changes the schema: `VACUUM INTO` a file beside the
//! database named `<database>.pre-migration-v<N>`, N the schema version the database had (how
//! many migrations it had applied). It is kept through that run, so a migration that goes wrong
//! (or a newer version that misbehaves) can be undone by putting the copy back, and removed at the
//! next successful start. A new database, or one already current, is not copied.

use std::path::{Path, PathBuf};

use sea_orm::{ConnectionTrait, DatabaseConnection};

use super::OpenStoreError;
use super::files::{create_private_file, sibling};

/// `nimbus.db` → `nimbus.db.pre-migration-`.
fn prefix(database: &Path) -> String {
    format!(
        "{}.pre-migration-",
        database.file_name().map(|n| n.to_string_lossy()).unwrap_or_default()
    )
}

/// Writes the copy of the database at schema `version`, owner-only. A copy of that version left
/// by an earlier start whose migration failed is kept as it is: it is the untouched one.
pub(super) async fn write(db: &DatabaseConnection, database: &Path, version: usize) -> Result<PathBuf, OpenStoreError> {
    let copy = sibling(database, &format!(".pre-migration-v{version}"));
    if copy.exists() {
        return Ok(copy);
    }
    let failed = |reason: String| OpenStoreError::Migrate {
        path: database.to_path_buf(),
        reason: format!(
            "cannot write the copy {} before migrating: {reason}; check the free space and permissions of that directory",
            copy.display()
        ),
    };
    create_private_file(&copy).map_err(|e| failed(e.to_string()))?;
    let target = copy.display().to_string().replace('\'', "''");
    if let Err(e) = db.execute_unprepared(&format!("VACUUM INTO '{target}'")).await {
        let _ = std::fs::remove_file(&copy);
        return Err(failed(e.to_string()));
    }
    Ok(copy)
}

/// Removes every pre-migration copy beside `database` but `keep`; returns the ones removed.
pub(super) fn remove_all_but(database: &Path, keep: Option<&Path>) -> std::io::Result<Vec<PathBuf>> {
    let dir = match database.parent() {
        Some(d) if !d.as_os_str().is_empty() => d,
        _ => Path::new("."),
    };
    let prefix = prefix(database);
    let mut removed = Vec::new();
    for entry in std::fs::read_dir(dir)? {
        let path = entry?.path();
        let ours = path
            .file_name()
            .is_some_and(|n| n.to_string_lossy().starts_with(&prefix));
        if ours && Some(path.as_path()) != keep {
            std::fs::remove_file(&path)?;
            removed.push(path);
        }
    }
    Ok(removed)
}
