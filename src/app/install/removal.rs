//! `nimbus uninstall`: stops and disables the service, removes the unit, the binary and the
//! command on PATH, then the settings and the data, only after saying what they are and
//! asking (or with `--yes`). The `nimbus` user goes with the data; kept data keeps its owner.

use std::io::{BufRead, IsTerminal, Write};
use std::path::Path;

use super::host::Host;
use super::layout::{BINARY, COMMAND_LINK, DATA_DIR, ENV_FILE, ETC_DIR, PREVIOUS_BINARY, UNIT_FILE};
use super::service_settings::ServiceSettings;

/// What to do with the settings and the data.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum DataChoice {
    /// Ask on the terminal (stdin); anything but yes keeps them.
    Ask,
    Delete,
    Keep,
}

/// Uninstalls the service under `host`.
pub(super) fn uninstall(host: &Host, choice: DataChoice) -> anyhow::Result<()> {
    host.require_root("uninstall")?;
    let layout = host.layout();
    println!("Uninstalling Nimbus under {}", layout.root().display());
    // Read before the env file may go: a moved data directory is named there.
    let settings = ServiceSettings::read(layout);
    if host.manages_service() && layout.at(UNIT_FILE).exists() {
        for verb in ["stop", "disable"] {
            match host.systemctl(verb) {
                Ok(()) => println!("  ✓ systemctl {verb} nimbus"),
                Err(e) => println!("  · {e}"),
            }
        }
    }
    if remove_file(&layout.at(UNIT_FILE), UNIT_FILE)? {
        host.systemctl("daemon-reload")?;
    }
    let link = layout.at(COMMAND_LINK);
    match std::fs::read_link(&link) {
        Ok(target) if target == Path::new(BINARY) => {
            remove_file(&link, COMMAND_LINK)?;
        }
        Ok(other) => println!(
            "  · left {COMMAND_LINK}: it points at {}, not at {BINARY}",
            other.display()
        ),
        Err(_) => {}
    }
    remove_file(&layout.at(BINARY), BINARY)?;
    remove_file(&layout.at(PREVIOUS_BINARY), PREVIOUS_BINARY)?;
    if std::fs::remove_dir(layout.at("/usr/lib/nimbus")).is_ok() {
        println!("  ✓ removed /usr/lib/nimbus");
    }

    let data: Vec<(&str, String)> = [
        (
            ETC_DIR,
            format!("the settings, with the Proxmox token secret ({ENV_FILE})"),
        ),
        (
            DATA_DIR,
            "the database and the encryption key: every account, machine record and secret".into(),
        ),
    ]
    .into_iter()
    .filter(|(dir, _)| layout.at(dir).exists())
    .map(|(dir, what)| (dir, format!("{what}, {}", size_words(&layout.at(dir)))))
    .collect();
    for dir in &settings.extra_writable {
        if layout.at(dir).exists() {
            println!(
                "  · left {} (a data directory named in the env file): delete it yourself if you no longer need it",
                dir.display()
            );
        }
    }
    let delete = !data.is_empty() && decide(&data, choice)?;
    if delete {
        for (dir, _) in &data {
            std::fs::remove_dir_all(layout.at(dir))?;
            println!("  ✓ deleted {dir}");
        }
    } else {
        for (dir, _) in &data {
            println!("  · kept {dir}");
        }
    }
    if delete || data.is_empty() {
        if host.remove_user()? {
            println!("  ✓ removed the nimbus user and group");
        }
    } else if host.user()?.is_some() {
        println!("  · kept the nimbus user: it owns the kept data (a later install reuses it)");
    }
    println!("Nimbus is uninstalled.");
    Ok(())
}

/// Lists what would be deleted and returns whether to delete it.
fn decide(data: &[(&str, String)], choice: DataChoice) -> anyhow::Result<bool> {
    println!("The settings and the data:");
    for (dir, what) in data {
        println!("  {dir}: {what}");
    }
    match choice {
        DataChoice::Delete => Ok(true),
        DataChoice::Keep => Ok(false),
        DataChoice::Ask => {
            print!("Delete them? This cannot be undone (back up first: nimbus backup --out DIR). [y/N] ");
            std::io::stdout().flush()?;
            let mut answer = String::new();
            std::io::stdin().lock().read_line(&mut answer)?;
            if !std::io::stdin().is_terminal() {
                println!("{}", answer.trim());
            }
            let yes = matches!(answer.trim().to_ascii_lowercase().as_str(), "y" | "yes");
            if answer.is_empty() {
                println!("(no answer: keeping them; pass --yes to delete without asking)");
            }
            Ok(yes)
        }
    }
}

/// Removes a file if it is there, saying so. Returns whether it was there.
fn remove_file(path: &Path, shown: &str) -> anyhow::Result<bool> {
    match std::fs::remove_file(path) {
        Ok(()) => {
            println!("  ✓ removed {shown}");
            Ok(true)
        }
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(false),
        Err(e) => Err(anyhow::Error::new(e).context(format!("cannot remove {}", path.display()))),
    }
}

/// `12 files, 3.4 MiB`.
fn size_words(dir: &Path) -> String {
    let (mut files, mut bytes) = (0u64, 0u64);
    let mut pending = vec![dir.to_path_buf()];
    while let Some(path) = pending.pop() {
        let Ok(meta) = std::fs::symlink_metadata(&path) else {
            continue;
        };
        if meta.is_dir() {
            if let Ok(entries) = std::fs::read_dir(&path) {
                pending.extend(entries.filter_map(|e| e.ok().map(|e| e.path())));
            }
        } else {
            files += 1;
            bytes += meta.len();
        }
    }
    if files == 0 {
        return "empty".into();
    }
    let size = if bytes >= 1 << 20 {
        format!("{:.1} MiB", bytes as f64 / f64::from(1u32 << 20))
    } else {
        format!("{:.1} KiB", bytes as f64 / 1024.0)
    };
    format!("{files} file{}, {size}", if files == 1 { "" } else { "s" })
}
