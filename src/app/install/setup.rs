//! `nimbus install`: the user, the directories, the env file (kept if present), the binary, the
//! command on PATH, the unit; then enable, start and wait for health. Safe to run again: what
//! is already right is left alone, and each step says what it did.

use std::path::Path;
use std::time::Duration;

use anyhow::Context;

use super::binary_swap::{Swap, swap_in, version_of};
use super::files::{FileOwner, ensure_dir, mode_of, own_tree, write_atomic};
use super::host::Host;
use super::layout::{BINARY, COMMAND_LINK, DATA_DIR, ENV_FILE, ETC_DIR, UNIT_FILE};
use super::restart::{Restore, restart_checked};
use super::service_settings::ServiceSettings;
use super::service_unit::ServiceUnit;

/// The env file written when there is none: every setting `serve` needs, commented out.
const ENV_STUB: &str = "\
# Nimbus settings, read by `nimbus serve` (every variable is in the README's Configuration table).
# This file holds the Proxmox API token secret: keep it mode 0600, owned by nimbus.
# Set at least these, then run: sudo systemctl restart nimbus
#PROXMOX_HOST=https://pve1.example.lan:8006
#PROXMOX_TOKEN_ID=root@pam!nimbus
#PROXMOX_TOKEN_SECRET=
# The certificate's fingerprint, as `nimbus proxmox-fingerprint pve1.example.lan` prints it:
#PROXMOX_TLS_FINGERPRINT=
#IP_POOL_START=
#IP_POOL_END=
#GATEWAY_IP=
#PORT=8080
#APP_URL=https://nimbus.example.org
";

/// Installs `source` as the Nimbus service under `host`.
pub(super) fn install(host: &Host, source: &Path, health_timeout: Duration) -> anyhow::Result<()> {
    host.require_root("install")?;
    let version = version_of(source)?;
    let layout = host.layout();
    println!("Installing nimbus {version} under {}", layout.root().display());

    let (owner, created) = host.ensure_user()?;
    say(
        created,
        &format!("created the nimbus system user (uid {}, gid {})", owner.uid, owner.gid),
        &format!("the nimbus user exists (uid {})", owner.uid),
    );

    ensure_dir(&layout.at("/usr/lib/nimbus"), 0o755, FileOwner::ROOT)?;
    let etc = ensure_dir(&layout.at(ETC_DIR), 0o700, owner)?;
    say(
        etc,
        "created /etc/nimbus (0700, nimbus)",
        "/etc/nimbus is 0700, owned by nimbus",
    );
    let data = ensure_dir(&layout.at(DATA_DIR), 0o700, owner)?;
    say(
        data,
        "created /var/lib/nimbus (0700, nimbus)",
        "/var/lib/nimbus is 0700, owned by nimbus",
    );
    let moved = own_tree(&layout.at(DATA_DIR), owner)?;
    if moved > 0 {
        println!("  ✓ gave {moved} files in /var/lib/nimbus to nimbus");
    }
    env_file(host, owner)?;

    let settings = ServiceSettings::read(layout);
    for dir in &settings.extra_writable {
        ensure_dir(&layout.at(dir), 0o700, owner)?;
        println!("  ✓ {} (from the env file) is 0700, owned by nimbus", dir.display());
    }

    let swap = swap_in(source, layout)?;
    match swap {
        Swap::Unchanged => println!("  ✓ {BINARY} is already this binary"),
        Swap::Installed { replaced: false } => println!("  ✓ installed {BINARY}"),
        Swap::Installed { replaced: true } => {
            println!("  ✓ replaced {BINARY} (the old one is kept as {BINARY}.previous)")
        }
    }
    command_link(host)?;
    let old_unit = write_unit(host, &settings)?;

    host.systemctl("enable")?;
    if !host.manages_service() {
        println!("  · the service is not started: --root was given without --systemctl");
        return Ok(());
    }
    println!("  ✓ enabled nimbus.service");
    if let Some(blocker) = &settings.blocker {
        println!(
            "\nNimbus is installed but not started: {blocker}\n\
             Either start it and finish the setup wizard in the browser (a fresh install opens it):\n  \
             sudo systemctl start nimbus, then open {url}/setup with the one-time setup token from\n  \
             sudo journalctl -u nimbus | grep 'setup token'\n\
             or edit {ENV_FILE} (sudo editor {ENV_FILE}), then: sudo systemctl start nimbus",
            url = settings.url
        );
        return Ok(());
    }
    restart_checked(host, &settings, &version, Restore::from(swap, old_unit), health_timeout)?;
    println!(
        "\nNimbus is running at {url}\nWhile it has no admin, create the first account (it becomes the admin) at \
         {url}/signup\nwith the one-time setup token from the log:  sudo journalctl -u nimbus | grep 'setup token'",
        url = settings.url
    );
    Ok(())
}

/// Writes the env file stub when there is none; otherwise keeps it, making it private.
fn env_file(host: &Host, owner: FileOwner) -> anyhow::Result<()> {
    let path = host.layout().at(ENV_FILE);
    if !path.exists() {
        write_atomic(&path, ENV_STUB.as_bytes(), 0o600, owner)?;
        println!("  ✓ wrote {ENV_FILE} (0600, nimbus): the settings to fill in");
        return Ok(());
    }
    let mode = mode_of(&path).unwrap_or(0);
    if mode != 0o600 {
        std::fs::set_permissions(&path, std::os::unix::fs::PermissionsExt::from_mode(0o600))
            .with_context(|| format!("cannot set the mode of {}", path.display()))?;
        println!("  ✓ {ENV_FILE} was {mode:04o}, readable by others; it is 0600 now (it holds secrets)");
    }
    std::os::unix::fs::chown(&path, Some(owner.uid), Some(owner.gid))
        .with_context(|| format!("cannot give {} to nimbus", path.display()))?;
    println!("  ✓ kept {ENV_FILE} (0600, nimbus)");
    Ok(())
}

/// Points `/usr/local/bin/nimbus` at the installed binary.
fn command_link(host: &Host) -> anyhow::Result<()> {
    let link = host.layout().at(COMMAND_LINK);
    if std::fs::read_link(&link).ok().as_deref() == Some(Path::new(BINARY)) {
        return Ok(());
    }
    std::fs::create_dir_all(link.parent().context("the link has a directory")?)?;
    let staged = super::files::beside(&link, &format!(".new-{}", std::process::id()));
    let _ = std::fs::remove_file(&staged);
    std::os::unix::fs::symlink(BINARY, &staged).with_context(|| format!("cannot create {}", staged.display()))?;
    std::fs::rename(&staged, &link).with_context(|| format!("cannot create {}", link.display()))?;
    println!("  ✓ {COMMAND_LINK} → {BINARY}");
    Ok(())
}

/// Writes the unit when its text changed and reloads systemd. Returns the text it replaced.
pub(super) fn write_unit(host: &Host, settings: &ServiceSettings) -> anyhow::Result<Option<String>> {
    let unit = ServiceUnit {
        port: settings.port,
        extra_writable: settings.extra_writable.clone(),
    };
    let text = unit.render();
    let path = host.layout().at(UNIT_FILE);
    let old = std::fs::read_to_string(&path).ok();
    if old.as_deref() == Some(text.as_str()) {
        println!("  ✓ {UNIT_FILE} is up to date");
        return Ok(None);
    }
    std::fs::create_dir_all(path.parent().context("the unit has a directory")?)?;
    write_atomic(&path, text.as_bytes(), 0o644, FileOwner::ROOT)?;
    let privilege = if unit.binds_privileged_port() {
        format!("only CAP_NET_BIND_SERVICE, for port {}", unit.port)
    } else {
        "no capabilities".to_string()
    };
    println!("  ✓ wrote {UNIT_FILE} (hardened: {privilege})");
    host.systemctl("daemon-reload")?;
    Ok(old)
}

fn say(did: bool, done: &str, already: &str) {
    println!("  ✓ {}", if did { done } else { already });
}
