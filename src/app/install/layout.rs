//! Where an installed Nimbus lives, under a root directory (`/` on a real host, a temporary
//! directory in the tests). Paths come in two forms: as the service sees them (`/etc/nimbus/…`,
//! written into the unit) and as the installer touches them (the same path under the root).

use std::path::{Path, PathBuf};

/// The installed binary, as the service sees it.
pub const BINARY: &str = "/usr/lib/nimbus/nimbus";
/// The binary an upgrade replaced, kept for a rollback (automatic or by hand).
pub const PREVIOUS_BINARY: &str = "/usr/lib/nimbus/nimbus.previous";
/// The symlink that puts `nimbus` on operators' PATH.
pub const COMMAND_LINK: &str = "/usr/local/bin/nimbus";
/// The settings directory; the service may rewrite the env file in it (the setup wizard).
pub const ETC_DIR: &str = "/etc/nimbus";
/// The env file the unit reads. It holds the Proxmox token secret, so only the service reads it.
pub const ENV_FILE: &str = "/etc/nimbus/nimbus.env";
/// The data directory: the database and the key file.
pub const DATA_DIR: &str = "/var/lib/nimbus";
/// The systemd unit.
pub const UNIT_FILE: &str = "/etc/systemd/system/nimbus.service";
/// The unit's name for `systemctl`.
pub const UNIT_NAME: &str = "nimbus.service";
/// The system user (and group) the service runs as.
pub const USER: &str = "nimbus";

/// A root directory under which the installer reads and writes.
#[derive(Debug, Clone)]
pub struct Layout {
    root: PathBuf,
}

impl Layout {
    pub fn new(root: impl Into<PathBuf>) -> Self {
        Self { root: root.into() }
    }

    /// The root directory (`/` on a real host).
    pub fn root(&self) -> &Path {
        &self.root
    }

    /// Whether the installer works on this host itself rather than on a directory tree.
    pub fn is_host(&self) -> bool {
        self.root == Path::new("/")
    }

    /// Where the installer finds the service's path `service_path` (absolute).
    pub fn at(&self, service_path: impl AsRef<Path>) -> PathBuf {
        let path = service_path.as_ref();
        self.root.join(path.strip_prefix("/").unwrap_or(path))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn service_paths_are_placed_under_the_root() {
        let layout = Layout::new("/tmp/r");
        assert_eq!(layout.at(ENV_FILE), PathBuf::from("/tmp/r/etc/nimbus/nimbus.env"));
        assert!(!layout.is_host());
        let host = Layout::new("/");
        assert_eq!(host.at(UNIT_FILE), PathBuf::from(UNIT_FILE));
        assert!(host.is_host());
    }
}
