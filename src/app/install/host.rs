//! The host the installer changes: its users (through `useradd`/`userdel`, under `--root` with
//! their `-R`, so a test never creates a user on the machine) and its service manager (through
//! `systemctl`, or a stand-in the tests give).

use std::path::PathBuf;
use std::process::Command;

use anyhow::{Context, bail};

use super::files::FileOwner;
use super::layout::{DATA_DIR, Layout, UNIT_NAME, USER};

/// The host: a root directory and, when the service is managed, the `systemctl` to use.
#[derive(Debug, Clone)]
pub struct Host {
    layout: Layout,
    systemctl: Option<PathBuf>,
}

impl Host {
    /// `systemctl: None` means the service is not managed (files only).
    pub fn new(layout: Layout, systemctl: Option<PathBuf>) -> Self {
        Self { layout, systemctl }
    }

    pub fn layout(&self) -> &Layout {
        &self.layout
    }

    /// Whether the installer starts and stops the service.
    pub fn manages_service(&self) -> bool {
        self.systemctl.is_some()
    }

    /// Stops with a clear message unless this process runs as root.
    pub fn require_root(&self, command: &str) -> anyhow::Result<()> {
        let status = std::fs::read_to_string("/proc/self/status").context("cannot read /proc/self/status")?;
        let euid = status
            .lines()
            .find_map(|l| l.strip_prefix("Uid:"))
            .and_then(|ids| ids.split_whitespace().nth(1))
            .context("/proc/self/status has no Uid line")?;
        if euid != "0" {
            bail!("{command} changes system files and users: run it as root (sudo nimbus {command})");
        }
        Ok(())
    }

    /// The `nimbus` user's ids, read from the root's `/etc/passwd` (numeric, never the host's
    /// name service: under `--root` the user exists only there).
    pub fn user(&self) -> anyhow::Result<Option<FileOwner>> {
        let passwd = self.layout.at("/etc/passwd");
        let text = std::fs::read_to_string(&passwd).with_context(|| {
            format!(
                "cannot read {}: the root must be a system root with /etc/passwd and /etc/group",
                passwd.display()
            )
        })?;
        Ok(text.lines().find_map(|line| {
            let fields: Vec<&str> = line.split(':').collect();
            (fields.len() >= 4 && fields[0] == USER).then(|| {
                Some(FileOwner {
                    uid: fields[2].parse().ok()?,
                    gid: fields[3].parse().ok()?,
                })
            })?
        }))
    }

    /// Creates the `nimbus` system user and group unless they exist. Returns the ids and whether
    /// the user was created.
    pub fn ensure_user(&self) -> anyhow::Result<(FileOwner, bool)> {
        if let Some(owner) = self.user()? {
            return Ok((owner, false));
        }
        let mut useradd = Command::new("useradd");
        if !self.layout.is_host() {
            useradd.arg("--root").arg(self.layout.root());
        }
        useradd.args([
            "--system",
            "--user-group",
            "--no-create-home",
            "--home-dir",
            DATA_DIR,
            "--shell",
            "/usr/sbin/nologin",
            "--comment",
            "Nimbus portal",
            USER,
        ]);
        run(&mut useradd, "useradd")?;
        let owner = self
            .user()?
            .context("useradd succeeded but the nimbus user is not in /etc/passwd")?;
        Ok((owner, true))
    }

    /// Removes the `nimbus` user and group. Returns whether there was one.
    pub fn remove_user(&self) -> anyhow::Result<bool> {
        if self.user()?.is_none() {
            return Ok(false);
        }
        let mut userdel = Command::new("userdel");
        if !self.layout.is_host() {
            userdel.arg("--root").arg(self.layout.root());
        }
        userdel.arg(USER);
        run(&mut userdel, "userdel")?;
        Ok(true)
    }

    /// Runs `systemctl VERB nimbus.service` (or `systemctl daemon-reload` when `verb` is that).
    /// Does nothing when the service is not managed.
    pub fn systemctl(&self, verb: &str) -> anyhow::Result<()> {
        let Some(systemctl) = &self.systemctl else {
            return Ok(());
        };
        let mut command = Command::new(systemctl);
        command.arg(verb);
        if verb != "daemon-reload" {
            command.arg(UNIT_NAME);
        }
        run(&mut command, &format!("systemctl {verb}"))
    }
}

/// Runs `command`; an error carries what it printed.
fn run(command: &mut Command, what: &str) -> anyhow::Result<()> {
    let output = command.output().with_context(|| match command.get_program().to_str() {
        Some(program) => format!("cannot run {program} (is it installed?)"),
        None => format!("cannot run {what}"),
    })?;
    if output.status.success() {
        return Ok(());
    }
    let said = String::from_utf8_lossy(&output.stderr);
    let said = if said.trim().is_empty() {
        String::from_utf8_lossy(&output.stdout).trim().to_string()
    } else {
        said.trim().to_string()
    };
    bail!("{what} failed ({}): {said}", output.status)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_user_is_read_from_the_roots_passwd_by_number() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(dir.path().join("etc")).unwrap();
        std::fs::write(
            dir.path().join("etc/passwd"),
            "root:x:0:0:root:/root:/bin/bash\nnimbus:x:998:997:Nimbus portal:/var/lib/nimbus:/usr/sbin/nologin\n",
        )
        .unwrap();
        let host = Host::new(Layout::new(dir.path()), None);
        assert_eq!(host.user().unwrap(), Some(FileOwner { uid: 998, gid: 997 }));
        assert!(!host.manages_service());
        host.systemctl("restart").unwrap();
    }

    #[test]
    fn a_root_without_passwd_is_named_in_the_error() {
        let dir = tempfile::tempdir().unwrap();
        let host = Host::new(Layout::new(dir.path()), None);
        let e = host.user().unwrap_err().to_string();
        assert!(e.contains("etc/passwd") && e.contains("system root"), "{e}");
    }
}
