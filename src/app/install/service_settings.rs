//! What the installer needs to know of the service's own settings, read the way `nimbus serve`
//! will read them (its env file, and a `.env` in its working directory): the port (for the
//! unit's capability and the health wait), where to reach it, the URL to print, directories it
//! writes outside the defaults, and whether it can start at all.

use std::collections::BTreeMap;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr};
use std::path::{Path, PathBuf};

use crate::app::config::{Config, Mode, Sources};

use super::layout::{DATA_DIR, ENV_FILE, Layout};

/// The service's settings as far as the installer cares.
#[derive(Debug, Clone)]
pub struct ServiceSettings {
    pub port: u16,
    /// Where the installer asks `/api/health` (loopback when the service listens everywhere).
    pub health_addr: SocketAddr,
    /// The portal's URL, for the operator.
    pub url: String,
    /// Directories outside the defaults the service writes (a moved data dir or database).
    pub extra_writable: Vec<PathBuf>,
    /// The database file, as the service sees it.
    pub database: PathBuf,
    /// Why `serve` would refuse to start with these settings (missing cluster settings, a bad
    /// value), in its own words; `None` when it can start.
    pub blocker: Option<String>,
}

impl ServiceSettings {
    /// Reads the settings under `layout`'s root.
    pub fn read(layout: &Layout) -> Self {
        let sources = Sources {
            env: BTreeMap::new(),
            cwd: layout.at(DATA_DIR),
            system_env_file: layout.at(ENV_FILE),
        };
        match Config::load(Mode::Serve, &sources) {
            Ok(config) => {
                let server = &config.server;
                let mut extra_writable = Vec::new();
                for dir in [Some(server.data_dir.as_path()), server.db_path.parent()]
                    .into_iter()
                    .flatten()
                {
                    if dir != Path::new(DATA_DIR) && !extra_writable.iter().any(|d: &PathBuf| d == dir) {
                        extra_writable.push(dir.to_path_buf());
                    }
                }
                let url = match &server.app_url {
                    Some(url) => url.as_str().trim_end_matches('/').to_string(),
                    None if server.bind_addr.is_unspecified() => {
                        format!("http://{}:{}", hostname(layout), server.port)
                    }
                    None => format!("http://{}", SocketAddr::new(server.bind_addr, server.port)),
                };
                Self {
                    port: server.port,
                    health_addr: SocketAddr::new(reachable(server.bind_addr), server.port),
                    url,
                    extra_writable,
                    database: server.db_path.clone(),
                    blocker: config.require_cluster_settings().err().map(|e| e.to_string()),
                }
            }
            Err(e) => Self {
                port: 8080,
                health_addr: SocketAddr::new(Ipv4Addr::LOCALHOST.into(), 8080),
                url: format!("http://{}:8080", hostname(layout)),
                extra_writable: Vec::new(),
                database: Path::new(DATA_DIR).join("nimbus.db"),
                blocker: Some(e.to_string()),
            },
        }
    }
}

/// The address this host reaches a service listening on `bind` at.
fn reachable(bind: IpAddr) -> IpAddr {
    match bind {
        IpAddr::V4(a) if a.is_unspecified() => Ipv4Addr::LOCALHOST.into(),
        IpAddr::V6(a) if a.is_unspecified() => Ipv6Addr::LOCALHOST.into(),
        other => other,
    }
}

/// The host's name as the operator knows it (the root's `/etc/hostname`), or `localhost`.
fn hostname(layout: &Layout) -> String {
    let from_file = std::fs::read_to_string(layout.at("/etc/hostname")).ok();
    let from_kernel = layout
        .is_host()
        .then(|| std::fs::read_to_string("/proc/sys/kernel/hostname").ok())
        .flatten();
    from_file
        .or(from_kernel)
        .map(|h| h.trim().to_string())
        .filter(|h| !h.is_empty())
        .unwrap_or_else(|| "localhost".into())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn root_with_env(text: &str) -> tempfile::TempDir {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(dir.path().join("etc/nimbus")).unwrap();
        std::fs::write(dir.path().join("etc/nimbus/nimbus.env"), text).unwrap();
        std::fs::write(dir.path().join("etc/hostname"), "pve1\n").unwrap();
        dir
    }

    #[test]
    fn a_stub_env_file_says_which_settings_are_missing() {
        let root = root_with_env("# settings go here\n");
        let settings = ServiceSettings::read(&Layout::new(root.path()));
        let blocker = settings.blocker.unwrap();
        assert!(blocker.contains("PROXMOX_HOST"), "{blocker}");
        assert_eq!(settings.url, "http://pve1:8080");
        assert_eq!(settings.health_addr, "127.0.0.1:8080".parse().unwrap());
    }

    #[test]
    fn the_port_bind_address_and_a_moved_data_dir_are_read_from_the_env_file() {
        let root = root_with_env("PORT=443\nBIND_ADDR=127.0.0.7\nNIMBUS_DATA_DIR=/srv/nimbus\n");
        let settings = ServiceSettings::read(&Layout::new(root.path()));
        assert_eq!(settings.port, 443);
        assert_eq!(settings.health_addr, "127.0.0.7:443".parse().unwrap());
        assert_eq!(settings.url, "http://127.0.0.7:443");
        assert_eq!(settings.extra_writable, [PathBuf::from("/srv/nimbus")]);
    }

    #[test]
    fn a_bad_value_blocks_the_start_with_the_loaders_words() {
        let root = root_with_env("PORT=eighty\n");
        let settings = ServiceSettings::read(&Layout::new(root.path()));
        assert!(settings.blocker.unwrap().contains("PORT"));
    }
}
