//! A temporary system root for the installer and a stand-in `systemctl` for it.

use std::os::unix::fs::{MetadataExt, PermissionsExt};
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

/// A minimal system root: the account files `useradd --root` edits, and nothing else.
pub struct Root {
    pub dir: tempfile::TempDir,
    /// The stand-in `systemctl`.
    pub systemctl: PathBuf,
    /// A free loopback port for the service.
    pub port: u16,
}

impl Root {
    pub fn new() -> Self {
        let dir = tempfile::tempdir().unwrap();
        let etc = dir.path().join("etc");
        std::fs::create_dir_all(&etc).unwrap();
        for (name, text) in [
            ("passwd", "root:x:0:0:root:/root:/bin/bash\n"),
            ("group", "root:x:0:\n"),
            ("shadow", "root:*:19000:0:99999:7:::\n"),
            ("gshadow", "root:*::\n"),
            ("hostname", "pve1\n"),
        ] {
            std::fs::write(etc.join(name), text).unwrap();
        }
        let systemctl = dir.path().join("systemctl-stand-in");
        std::fs::write(&systemctl, stand_in(dir.path())).unwrap();
        std::fs::set_permissions(&systemctl, std::fs::Permissions::from_mode(0o755)).unwrap();
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        Self { dir, systemctl, port }
    }

    pub fn path(&self) -> &Path {
        self.dir.path()
    }

    /// `service_path` under the root.
    pub fn at(&self, service_path: &str) -> PathBuf {
        self.path().join(service_path.trim_start_matches('/'))
    }

    /// Runs `binary ARGS --root ROOT --systemctl STAND-IN` with `stdin`.
    pub fn run(&self, binary: &Path, args: &[&str], stdin: &str) -> Output {
        let mut child = Command::new(binary)
            .args(args)
            .arg("--root")
            .arg(self.path())
            .arg("--systemctl")
            .arg(&self.systemctl)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        use std::io::Write;
        child.stdin.take().unwrap().write_all(stdin.as_bytes()).unwrap();
        child.wait_with_output().unwrap()
    }

    /// Runs the test build of `nimbus`.
    pub fn nimbus(&self, args: &[&str]) -> Output {
        self.run(Path::new(env!("CARGO_BIN_EXE_nimbus")), args, "")
    }

    /// The env file's settings for a service that starts: a Proxmox that does not answer (health
    /// still answers, degraded), a loopback pool, this root's port.
    pub fn configure(&self) {
        let pin = ["AB"; 32].join(":");
        let text = format!(
            "# filled in by the operator\nPROXMOX_HOST=https://127.0.0.1:9\nPROXMOX_TOKEN_ID=root@pam!nimbus\n\
             PROXMOX_TOKEN_SECRET=0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0\nPROXMOX_TLS_FINGERPRINT={pin}\n\
             IP_POOL_START=127.93.0.10\nIP_POOL_END=127.93.0.20\nGATEWAY_IP=127.93.0.1\nPORT={}\n\
             BIND_ADDR=127.0.0.1\nNIMBUS_NETSCAN_MODE=off\n",
            self.port
        );
        // Written in place, as an editor would: the file keeps its mode and owner.
        std::fs::write(self.at("/etc/nimbus/nimbus.env"), text).unwrap();
    }

    /// The verbs the stand-in was called with, in order.
    pub fn systemctl_calls(&self) -> Vec<String> {
        std::fs::read_to_string(self.path().join("systemctl.log"))
            .unwrap_or_default()
            .lines()
            .map(str::to_owned)
            .collect()
    }

    /// The running service's pid, if the stand-in started one that still runs.
    pub fn service_pid(&self) -> Option<u32> {
        let pid: u32 = std::fs::read_to_string(self.path().join("nimbus.pid"))
            .ok()?
            .trim()
            .parse()
            .ok()?;
        Path::new(&format!("/proc/{pid}")).exists().then_some(pid)
    }

    /// The `nimbus` user's ids from the root's /etc/passwd.
    pub fn nimbus_ids(&self) -> Option<(u32, u32)> {
        let passwd = std::fs::read_to_string(self.at("/etc/passwd")).unwrap();
        passwd.lines().find_map(|line| {
            let f: Vec<&str> = line.split(':').collect();
            (f[0] == "nimbus").then(|| (f[2].parse().unwrap(), f[3].parse().unwrap()))
        })
    }

    /// Mode bits, uid and gid of `service_path` (not following a symlink).
    pub fn stat(&self, service_path: &str) -> (u32, u32, u32) {
        let meta = std::fs::symlink_metadata(self.at(service_path)).unwrap_or_else(|e| panic!("{service_path}: {e}"));
        (meta.permissions().mode() & 0o7777, meta.uid(), meta.gid())
    }

    /// The service's log (what the stand-in's process printed).
    pub fn service_log(&self) -> String {
        std::fs::read_to_string(self.path().join("service.log")).unwrap_or_default()
    }
}

impl Drop for Root {
    fn drop(&mut self) {
        let _ = Command::new(&self.systemctl).arg("stop").arg("nimbus.service").status();
    }
}

/// The stand-in: `start` runs the unit's `ExecStart` (its program under the root) with the env
/// file's variables, in the data dir, recording the pid; `stop` ends that process and waits
/// (bounded) until it is gone. Every call is logged.
fn stand_in(root: &Path) -> String {
    let root = root.display();
    format!(
        r#"#!/usr/bin/env bash
set -euo pipefail
root='{root}'
pidfile="$root/nimbus.pid"
echo "$*" >> "$root/systemctl.log"
stop() {{
  [ -f "$pidfile" ] || return 0
  pid=$(cat "$pidfile")
  kill "$pid" 2>/dev/null || true
  for _ in $(seq 1 400); do kill -0 "$pid" 2>/dev/null || break; sleep 0.05; done
  kill -9 "$pid" 2>/dev/null || true
  rm -f "$pidfile"
}}
start() {{
  exec_start=$(sed -n 's/^ExecStart=//p' "$root/etc/systemd/system/nimbus.service")
  program="$root${{exec_start%% *}}"
  args="${{exec_start#* }}"
  (
    set -a
    # shellcheck disable=SC1091
    . "$root/etc/nimbus/nimbus.env"
    set +a
    cd "$root/var/lib/nimbus"
    # shellcheck disable=SC2086
    NIMBUS_DATA_DIR="$root/var/lib/nimbus" exec "$program" $args >>"$root/service.log" 2>&1 </dev/null
  ) &
  echo $! > "$pidfile"
}}
case "$1" in
  daemon-reload|enable|disable) ;;
  start) start ;;
  stop) stop ;;
  restart) stop; start ;;
  *) echo "stand-in systemctl: unknown verb $1" >&2; exit 1 ;;
esac
"#
    )
}
