//! (Re)starting the service after its binary or unit changed, waiting for it to answer, and
//! putting the previous binary (and unit) back when the new one never becomes healthy.

use std::path::{Path, PathBuf};
use std::time::Duration;

use anyhow::{Context, bail};

use super::binary_swap::{Swap, roll_back};
use super::files::{FileOwner, write_atomic};
use super::host::Host;
use super::layout::UNIT_FILE;
use super::service_settings::ServiceSettings;

/// What to restore if the restarted service does not become healthy.
pub(super) struct Restore {
    /// The binary was swapped and a previous one is kept.
    pub binary: bool,
    /// The unit's text before it was rewritten, when it was.
    pub unit: Option<String>,
}

impl Restore {
    pub fn from(swap: Swap, old_unit: Option<String>) -> Self {
        Self {
            binary: matches!(swap, Swap::Installed { replaced: true }),
            unit: old_unit,
        }
    }
}

/// Restarts the service and waits up to `timeout` for `/api/health`. When it does not answer
/// and there is something to restore, restores it, restarts, waits again, and fails saying
/// what happened.
pub(super) fn restart_checked(
    host: &Host,
    settings: &ServiceSettings,
    version: &str,
    restore: Restore,
    timeout: Duration,
) -> anyhow::Result<()> {
    let database = host.layout().at(&settings.database);
    let copies_before = migration_copies(&database);
    host.systemctl("restart")?;
    let Err(reason) = super::health_wait::wait_healthy(settings.health_addr, timeout) else {
        println!(
            "  ✓ nimbus {version} is running and answers {}/api/health",
            settings.url
        );
        return Ok(());
    };
    let failed = format!(
        "nimbus {version} did not answer /api/health at {} within {} s (last: {reason})",
        settings.health_addr,
        timeout.as_secs()
    );
    if !restore.binary && restore.unit.is_none() {
        bail!("{failed}; see `journalctl -u nimbus -n 50` for why");
    }
    println!("  ✗ {failed}");
    host.systemctl("stop")?;
    if restore.binary {
        // A newer version copies the database before it migrates it; the previous binary
        // refuses a schema newer than itself, so the copy goes back (nothing was served since).
        let fresh: Vec<PathBuf> = migration_copies(&database)
            .into_iter()
            .filter(|c| !copies_before.contains(c))
            .collect();
        if let Some(copy) = fresh.iter().min_by_key(|c| schema_version(c)) {
            put_back_database(copy, &database)?;
            println!(
                "  ↺ put back the database as it was before nimbus {version} migrated it ({})",
                copy.display()
            );
        }
        roll_back(host.layout())?;
        println!("  ↺ put the previous binary back");
    }
    if let Some(text) = &restore.unit {
        write_atomic(&host.layout().at(UNIT_FILE), text.as_bytes(), 0o644, FileOwner::ROOT)?;
        host.systemctl("daemon-reload")?;
        println!("  ↺ put the previous unit back");
    }
    host.systemctl("restart")?;
    match super::health_wait::wait_healthy(settings.health_addr, timeout) {
        Ok(()) => bail!(
            "{failed}; the previous version is back and healthy. The new binary's output is in `journalctl -u nimbus`"
        ),
        Err(again) => bail!(
            "{failed}; the previous version is back but does not answer either ({again}): see `journalctl -u nimbus -n 50`"
        ),
    }
}

/// The copies a start writes beside `database` before it migrates it (`nimbus.db.pre-migration-vN`).
fn migration_copies(database: &Path) -> Vec<PathBuf> {
    let (Some(dir), Some(name)) = (database.parent(), database.file_name()) else {
        return Vec::new();
    };
    let prefix = format!("{}.pre-migration-v", name.to_string_lossy());
    let Ok(entries) = std::fs::read_dir(dir) else {
        return Vec::new();
    };
    let mut copies: Vec<PathBuf> = entries
        .filter_map(|e| e.ok())
        .filter(|e| e.file_name().to_string_lossy().starts_with(&prefix))
        .map(|e| e.path())
        .collect();
    copies.sort();
    copies
}

/// Replaces `database` with `copy` (the service is stopped), dropping its write-ahead log.
fn put_back_database(copy: &Path, database: &Path) -> anyhow::Result<()> {
    for suffix in ["-wal", "-shm"] {
        let _ = std::fs::remove_file(super::files::beside(database, suffix));
    }
    std::fs::rename(copy, database)
        .with_context(|| format!("cannot put {} back as {}", copy.display(), database.display()))?;
    super::files::sync_dir(database.parent().context("the database has a directory")?)
}

/// N of `nimbus.db.pre-migration-vN`.
fn schema_version(copy: &Path) -> u64 {
    let name = copy.file_name().unwrap_or_default().to_string_lossy();
    name.rsplit_once("-v")
        .and_then(|(_, n)| n.parse().ok())
        .unwrap_or(u64::MAX)
}
