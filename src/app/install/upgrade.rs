//! `nimbus install --upgrade`: only the binary (and the unit, when this version writes a
//! different one) change; the user, the env file and the data are left as they are. The
//! service is restarted and must answer `/api/health`, or the previous binary goes back.

use std::path::Path;
use std::time::Duration;

use anyhow::bail;

use super::binary_swap::{Swap, swap_in, version_of};
use super::host::Host;
use super::layout::{BINARY, UNIT_FILE};
use super::restart::{Restore, restart_checked};
use super::service_settings::ServiceSettings;
use super::setup::write_unit;

/// Upgrades the installed service to `source`.
pub(super) fn upgrade(host: &Host, source: &Path, health_timeout: Duration) -> anyhow::Result<()> {
    host.require_root("install --upgrade")?;
    let layout = host.layout();
    if !layout.at(BINARY).is_file() || !layout.at(UNIT_FILE).is_file() {
        bail!(
            "Nimbus is not installed under {} (no {BINARY} or {UNIT_FILE}): run `nimbus install` first",
            layout.root().display()
        );
    }
    let version = version_of(source)?;
    let installed = version_of(&layout.at(BINARY)).unwrap_or_else(|_| "unknown".into());
    println!(
        "Upgrading nimbus {installed} to {version} under {}",
        layout.root().display()
    );
    let swap = swap_in(source, layout)?;
    if swap == Swap::Unchanged {
        println!("  ✓ {BINARY} is already this binary: nothing to do");
        return Ok(());
    }
    println!("  ✓ put the new binary in place (the old one is kept as {BINARY}.previous)");
    let settings = ServiceSettings::read(layout);
    let old_unit = write_unit(host, &settings)?;
    if !host.manages_service() {
        println!("  · the service is not restarted: --root was given without --systemctl");
        return Ok(());
    }
    if let Some(blocker) = &settings.blocker {
        println!("  · the service is not restarted: it cannot start yet ({blocker})");
        return Ok(());
    }
    restart_checked(host, &settings, &version, Restore::from(swap, old_unit), health_timeout)
}
