//! The systemd unit `nimbus install` writes. The service runs as its own user and sees the rest
//! of the system read-only: it may write only its data directory and its settings directory
//! (the setup wizard rewrites the env file), holds no capability unless its port is below 1024
//! (then only the one to bind it), opens only IP and Unix sockets, and makes only the system
//! calls an ordinary service makes.

use std::path::PathBuf;

use super::layout::{BINARY, DATA_DIR, ENV_FILE, ETC_DIR, USER};

/// What the unit depends on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ServiceUnit {
    /// The port the service listens on (from the env file; 8080 by default).
    pub port: u16,
    /// Directories the service writes besides the data and settings directories (a data
    /// directory or database moved elsewhere in the env file).
    pub extra_writable: Vec<PathBuf>,
}

/// Ports below this need `CAP_NET_BIND_SERVICE`.
const FIRST_UNPRIVILEGED_PORT: u16 = 1024;

impl ServiceUnit {
    /// Whether the service needs the capability to bind a privileged port.
    pub fn binds_privileged_port(&self) -> bool {
        self.port != 0 && self.port < FIRST_UNPRIVILEGED_PORT
    }

    /// The unit file's text.
    pub fn render(&self) -> String {
        let mut writable = vec![DATA_DIR.to_string(), ETC_DIR.to_string()];
        for dir in &self.extra_writable {
            let dir = dir.display().to_string();
            if !writable.contains(&dir) {
                writable.push(dir);
            }
        }
        let capabilities = if self.binds_privileged_port() {
            format!(
                "# PORT={} is below 1024: binding it is the one privilege the service holds.\n\
                 CapabilityBoundingSet=CAP_NET_BIND_SERVICE\nAmbientCapabilities=CAP_NET_BIND_SERVICE\n",
                self.port
            )
        } else {
            "CapabilityBoundingSet=\nAmbientCapabilities=\n".to_string()
        };
        format!(
            "# Written by `nimbus install`; `nimbus install --upgrade` rewrites it. Keep local changes in a\n\
             # drop-in (`systemctl edit nimbus`) so that upgrades keep them.\n\
             [Unit]\n\
             Description=Nimbus, a self-hosted cloud portal for Proxmox VE\n\
             After=network-online.target\n\
             Wants=network-online.target\n\
             \n\
             [Service]\n\
             Type=exec\n\
             User={USER}\n\
             Group={USER}\n\
             WorkingDirectory={DATA_DIR}\n\
             EnvironmentFile=-{ENV_FILE}\n\
             ExecStart={BINARY} serve\n\
             Restart=on-failure\n\
             RestartSec=5\n\
             UMask=0077\n\
             \n\
             # The service writes only its data and its settings; everything else is read-only or hidden.\n\
             NoNewPrivileges=yes\n\
             ProtectSystem=strict\n\
             ProtectHome=yes\n\
             PrivateTmp=yes\n\
             PrivateDevices=yes\n\
             ReadWritePaths={writable}\n\
             {capabilities}\
             RestrictAddressFamilies=AF_INET AF_INET6 AF_UNIX\n\
             SystemCallFilter=@system-service\n\
             SystemCallFilter=~@privileged @resources\n\
             SystemCallErrorNumber=EPERM\n\
             SystemCallArchitectures=native\n\
             ProtectKernelTunables=yes\n\
             ProtectKernelModules=yes\n\
             ProtectKernelLogs=yes\n\
             ProtectControlGroups=yes\n\
             ProtectClock=yes\n\
             ProtectHostname=yes\n\
             ProtectProc=invisible\n\
             RestrictNamespaces=yes\n\
             RestrictRealtime=yes\n\
             RestrictSUIDSGID=yes\n\
             LockPersonality=yes\n\
             MemoryDenyWriteExecute=yes\n\
             RemoveIPC=yes\n\
             \n\
             [Install]\n\
             WantedBy=multi-user.target\n",
            writable = writable.join(" "),
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lines(unit: &ServiceUnit) -> Vec<String> {
        unit.render().lines().map(str::to_owned).collect()
    }

    #[test]
    fn an_unprivileged_port_leaves_the_service_without_any_capability() {
        let unit = ServiceUnit {
            port: 8080,
            extra_writable: vec![],
        };
        let lines = lines(&unit);
        for wanted in [
            "CapabilityBoundingSet=",
            "AmbientCapabilities=",
            "NoNewPrivileges=yes",
            "ProtectSystem=strict",
            "ProtectHome=yes",
            "PrivateTmp=yes",
            "ReadWritePaths=/var/lib/nimbus /etc/nimbus",
            "RestrictAddressFamilies=AF_INET AF_INET6 AF_UNIX",
            "SystemCallFilter=@system-service",
            "ExecStart=/usr/lib/nimbus/nimbus serve",
            "User=nimbus",
            "EnvironmentFile=-/etc/nimbus/nimbus.env",
        ] {
            assert!(
                lines.iter().any(|l| l == wanted),
                "missing {wanted:?} in\n{}",
                unit.render()
            );
        }
        assert!(!unit.render().contains("CAP_NET_BIND_SERVICE"));
    }

    #[test]
    fn a_port_below_1024_grants_only_the_capability_to_bind_it() {
        let unit = ServiceUnit {
            port: 443,
            extra_writable: vec![],
        };
        let lines = lines(&unit);
        assert!(lines.iter().any(|l| l == "CapabilityBoundingSet=CAP_NET_BIND_SERVICE"));
        assert!(lines.iter().any(|l| l == "AmbientCapabilities=CAP_NET_BIND_SERVICE"));
        assert!(!lines.iter().any(|l| l == "CapabilityBoundingSet="));
        assert!(
            !ServiceUnit {
                port: 1024,
                extra_writable: vec![]
            }
            .binds_privileged_port()
        );
    }

    #[test]
    fn a_moved_data_directory_is_writable_once() {
        let unit = ServiceUnit {
            port: 8080,
            extra_writable: vec![PathBuf::from("/srv/nimbus"), PathBuf::from("/var/lib/nimbus")],
        };
        assert!(
            lines(&unit)
                .iter()
                .any(|l| l == "ReadWritePaths=/var/lib/nimbus /etc/nimbus /srv/nimbus")
        );
    }
}
