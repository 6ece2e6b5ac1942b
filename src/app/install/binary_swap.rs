//! Putting a new `nimbus` binary in place while the old one runs: the new file is written
//! beside the installed one, synced, and renamed over it, so the running program's file is
//! never opened for writing ("text file busy") and a crash leaves either the old binary or the
//! new one, never half of one. The replaced binary is kept as `nimbus.previous` for a rollback.

use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use anyhow::{Context, bail};

use super::files::{FileOwner, beside, copy_atomic, same_bytes, sync_dir};
use super::layout::{BINARY, Layout, PREVIOUS_BINARY};

/// How long `nimbus version` may take before the file counts as not runnable here.
const VERSION_TIMEOUT: Duration = Duration::from_secs(20);

/// What [`swap_in`] did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Swap {
    /// The installed binary already had these bytes.
    Unchanged,
    /// The binary was put in place; `replaced` when an older one was kept as `nimbus.previous`.
    Installed { replaced: bool },
}

/// Runs `binary version` and returns the version it reports, or says why the file is not a
/// Nimbus binary this host can run (a download for another architecture, a truncated file).
pub(super) fn version_of(binary: &Path) -> anyhow::Result<String> {
    let mut child = Command::new(binary)
        .arg("version")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .with_context(|| {
            format!(
                "{} does not run on this host (is it for another architecture, or not executable?)",
                binary.display()
            )
        })?;
    let deadline = Instant::now() + VERSION_TIMEOUT;
    let status = loop {
        if let Some(status) = child.try_wait()? {
            break status;
        }
        if Instant::now() >= deadline {
            let _ = child.kill();
            let _ = child.wait();
            bail!(
                "{} did not answer `version` within {} s",
                binary.display(),
                VERSION_TIMEOUT.as_secs()
            );
        }
        std::thread::sleep(Duration::from_millis(20));
    };
    let mut out = String::new();
    if let Some(mut stdout) = child.stdout.take() {
        use std::io::Read;
        let _ = stdout.read_to_string(&mut out);
    }
    match out.trim().strip_prefix("nimbus ") {
        Some(version) if status.success() && !version.is_empty() => Ok(version.to_string()),
        _ => bail!(
            "{} is not a Nimbus binary: `version` printed {:?} ({status})",
            binary.display(),
            out.trim()
        ),
    }
}

/// Puts `source` at the installed binary's place, keeping the one it replaces.
pub(super) fn swap_in(source: &Path, layout: &Layout) -> anyhow::Result<Swap> {
    let installed = layout.at(BINARY);
    if same_bytes(source, &installed) {
        return Ok(Swap::Unchanged);
    }
    let replaced = installed.is_file();
    if replaced {
        keep_as(&installed, &layout.at(PREVIOUS_BINARY))?;
    }
    copy_atomic(source, &installed, 0o755, FileOwner::ROOT)?;
    Ok(Swap::Installed { replaced })
}

/// Puts `nimbus.previous` back at the installed binary's place (it stays kept as well).
pub(super) fn roll_back(layout: &Layout) -> anyhow::Result<()> {
    let previous = layout.at(PREVIOUS_BINARY);
    if !previous.is_file() {
        bail!("there is no previous binary at {} to put back", previous.display());
    }
    keep_as(&previous, &layout.at(BINARY))
}

/// Makes `to` name the same file as `from`, replacing `to` atomically: a hard link beside `to`
/// renamed over it (a copy where the file system has no hard links).
fn keep_as(from: &Path, to: &Path) -> anyhow::Result<()> {
    let staged = beside(to, &format!(".link-{}", std::process::id()));
    let _ = std::fs::remove_file(&staged);
    if std::fs::hard_link(from, &staged).is_err() {
        std::fs::copy(from, &staged).with_context(|| format!("cannot copy {}", from.display()))?;
    }
    std::fs::rename(&staged, to).with_context(|| format!("cannot put {} in place", to.display()))?;
    // Renaming a link over another name of the same file does nothing and leaves the link.
    let _ = std::fs::remove_file(&staged);
    sync_dir(to.parent().context("a binary has a directory")?)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn script(dir: &Path, name: &str, body: &str) -> std::path::PathBuf {
        use std::os::unix::fs::PermissionsExt;
        let path = dir.join(name);
        std::fs::write(&path, format!("#!/bin/sh\n{body}\n")).unwrap();
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o755)).unwrap();
        path
    }

    #[test]
    fn a_file_that_is_not_a_nimbus_binary_is_refused_before_anything_changes() {
        let dir = tempfile::tempdir().unwrap();
        let good = script(dir.path(), "good", "echo 'nimbus 1.2.3'");
        assert_eq!(version_of(&good).unwrap(), "1.2.3");
        let other = script(dir.path(), "other", "echo 'something 1.0'");
        assert!(
            version_of(&other)
                .unwrap_err()
                .to_string()
                .contains("not a Nimbus binary")
        );
        let text = dir.path().join("text");
        std::fs::write(&text, "not a program").unwrap();
        assert!(
            version_of(&text)
                .unwrap_err()
                .to_string()
                .contains("does not run on this host")
        );
    }

    #[test]
    fn a_swap_keeps_the_replaced_binary_and_a_rollback_puts_it_back() {
        let dir = tempfile::tempdir().unwrap();
        let layout = Layout::new(dir.path());
        std::fs::create_dir_all(layout.at("/usr/lib/nimbus")).unwrap();
        let first = script(dir.path(), "first", "echo 'nimbus 1.0.0'");
        let second = script(dir.path(), "second", "echo 'nimbus 2.0.0'");
        assert_eq!(swap_in(&first, &layout).unwrap(), Swap::Installed { replaced: false });
        assert_eq!(swap_in(&first, &layout).unwrap(), Swap::Unchanged);
        assert_eq!(swap_in(&second, &layout).unwrap(), Swap::Installed { replaced: true });
        assert!(same_bytes(&second, &layout.at(BINARY)));
        assert!(same_bytes(&first, &layout.at(PREVIOUS_BINARY)));
        roll_back(&layout).unwrap();
        assert!(same_bytes(&first, &layout.at(BINARY)));
        assert_eq!(version_of(&layout.at(BINARY)).unwrap(), "1.0.0");
    }
}
