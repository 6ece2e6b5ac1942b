//! (Re)starting the service after its binary or unit changed, waiting for it to answer, and
//! putting the previous binary (and unit) back when the new one never becomes healthy.

use std::time::Duration;

use anyhow::bail;

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
    if restore.binary {
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
