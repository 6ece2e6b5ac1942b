//! Real child processes for the tests that run the `nimbus` binary: reading a process's lines with
//! a bound, and a separate `nimbus sim-proxmox` with what its banner announces (URL, token,
//! simulated LAN, image mirror and the certificate's fingerprint, which `serve` pins).

use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::sync::mpsc::Receiver;
use std::time::{Duration, Instant};

/// Every line `stream` prints, as it prints them.
pub fn lines_of(stream: impl std::io::Read + Send + 'static) -> Receiver<String> {
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        for line in BufReader::new(stream).lines().map_while(Result::ok) {
            let _ = tx.send(line);
        }
    });
    rx
}

/// Reads `rx` until a line holds `wanted` (within 20 s), returning every line read; panics with
/// `what` and the lines seen otherwise.
pub fn read_until(rx: &Receiver<String>, wanted: &str, what: &str) -> Vec<String> {
    let deadline = Instant::now() + Duration::from_secs(20);
    let mut seen = Vec::new();
    loop {
        let line = rx
            .recv_timeout(deadline.saturating_duration_since(Instant::now()))
            .unwrap_or_else(|_| panic!("{what} within 20 s; got:\n{}", seen.join("\n")));
        let done = line.contains(wanted);
        seen.push(line);
        if done {
            return seen;
        }
    }
}

/// Starts `nimbus ARGS` in `dir` (stderr dropped) and reads its banner up to the line holding
/// `last`; the rest of its output is drained.
pub fn spawn_with_banner(dir: &Path, args: &[&str], last: &str) -> (Child, Vec<String>) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_nimbus"))
        .current_dir(dir)
        .args(args)
        .env_remove("NIMBUS_SIM_GOPHER_KEY")
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let rx = lines_of(child.stdout.take().unwrap());
    let banner = read_until(&rx, last, &format!("nimbus {} prints its banner", args[0]));
    std::thread::spawn(move || for _ in rx {});
    (child, banner)
}

/// The value after `prefix` on a banner line.
pub fn banner_value(banner: &[String], prefix: &str) -> String {
    banner
        .iter()
        .find_map(|l| l.trim().strip_prefix(prefix).map(str::to_owned))
        .unwrap_or_else(|| panic!("no {prefix:?} in the banner {banner:?}"))
}

/// A running `nimbus sim-proxmox` and what its banner announced.
pub struct SimProcess {
    pub child: Child,
    pub url: String,
    pub token: String,
    pub lan: String,
    /// The stand-in image mirror (for `NIMBUS_IMAGE_MIRROR`).
    pub images: String,
    /// The certificate's fingerprint, as the simulator prints it.
    pub fingerprint: String,
}

impl SimProcess {
    /// Starts `nimbus sim-proxmox --listen 127.0.0.1:0` in `dir` with `args` and reads its banner.
    pub fn spawn(dir: &Path, args: &[&str]) -> Self {
        let (child, banner) = spawn_with_banner(
            dir,
            &[&["sim-proxmox", "--listen", "127.0.0.1:0"], args].concat(),
            "images: ",
        );
        let value = |prefix: &str| banner_value(&banner, prefix);
        Self {
            url: value("listening: "),
            token: value("token: "),
            lan: value("lan: "),
            images: value("images: "),
            fingerprint: value("fingerprint: "),
            child,
        }
    }

    pub fn stop(mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
