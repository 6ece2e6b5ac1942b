//! Starting the real `gx10-worker` binary against the fake Nimbus with the stand-in runtime, each
//! test in its own folders; waiting for conditions with a bound; and cleaning up every process.

use std::path::{Path, PathBuf};
use std::process::{Child, Command, ExitStatus, Stdio};
use std::time::Duration;

use tempfile::TempDir;

use super::server::{FakeNimbus, TOKEN};

pub const BIN: &str = env!("CARGO_BIN_EXE_gx10-worker");

/// How long any awaited condition may take before the test fails.
pub const BOUND: Duration = Duration::from_secs(30);

/// Polls `check` until it answers `Some`, failing the test after [`BOUND`].
pub async fn wait_for<T>(what: &str, mut check: impl FnMut() -> Option<T>) -> T {
    let until = tokio::time::Instant::now() + BOUND;
    loop {
        if let Some(value) = check() {
            return value;
        }
        assert!(tokio::time::Instant::now() < until, "timed out waiting for {what}");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

/// A test's folders: the stand-in's state, the job output root and the worker's log.
pub struct Dirs {
    pub root: TempDir,
}

impl Dirs {
    pub fn new() -> Self {
        Self {
            root: tempfile::tempdir().unwrap(),
        }
    }
    pub fn stand_in(&self) -> PathBuf {
        self.root.path().join("stand-in")
    }
    pub fn output(&self) -> PathBuf {
        self.root.path().join("output")
    }
    fn log(&self) -> PathBuf {
        self.root.path().join("worker.log")
    }
    /// The pid of a running stand-in container, once its pid file exists.
    pub fn pid_of(&self, name: &str) -> Option<i32> {
        std::fs::read_to_string(self.stand_in().join(format!("{name}.pid")))
            .ok()?
            .trim()
            .parse()
            .ok()
    }
}

/// The worker's environment for `nimbus`, before a test's own additions.
pub fn env(nimbus: &FakeNimbus, dirs: &Dirs) -> Vec<(String, String)> {
    [
        ("NIMBUS_URL", nimbus.url()),
        ("NIMBUS_WORKER_TOKEN", TOKEN.to_owned()),
        ("GX10_WORKER_ID", "gx10-test".to_owned()),
        ("GX10_POLL_INTERVAL", "0.1".to_owned()),
        ("GX10_HTTP_TIMEOUT", "5".to_owned()),
        ("GX10_LOG_FLUSH_DELAY", "50".to_owned()),
        ("GX10_STOP_GRACE", "2".to_owned()),
        ("GX10_OUTPUT_DIR", dirs.output().display().to_string()),
        ("GX10_RUNTIME", format!("{BIN} stand-in-runtime")),
        ("GX10_STAND_IN_DIR", dirs.stand_in().display().to_string()),
        ("GX10_STAND_IN_SECONDS", "1".to_owned()),
        ("RUST_LOG", "info".to_owned()),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_owned(), v))
    .collect()
}

/// The environment with `extra` set on top (replacing what it names).
pub fn with(mut env: Vec<(String, String)>, extra: &[(&str, &str)]) -> Vec<(String, String)> {
    for (k, v) in extra {
        env.retain(|(name, _)| name != k);
        env.push(((*k).to_owned(), (*v).to_owned()));
    }
    env
}

/// A running worker; killed (with every stand-in container it left) when dropped.
pub struct Worker {
    pub child: Child,
    stand_in: PathBuf,
    log: PathBuf,
}

impl Worker {
    pub fn start(dirs: &Dirs, env: &[(String, String)]) -> Self {
        let log = std::fs::File::create(dirs.log()).unwrap();
        let child = Command::new(BIN)
            .env_clear()
            .env("PATH", std::env::var("PATH").unwrap_or_default())
            .envs(env.iter().map(|(k, v)| (k, v)))
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(log)
            .spawn()
            .unwrap();
        Self {
            child,
            stand_in: dirs.stand_in(),
            log: dirs.log(),
        }
    }

    /// What the worker logged so far.
    pub fn log(&self) -> String {
        std::fs::read_to_string(&self.log).unwrap_or_default()
    }

    pub fn signal(&self, sig: i32) {
        // SAFETY: sending a signal to our own child has no memory-safety preconditions.
        unsafe { libc::kill(self.child.id() as i32, sig) };
    }

    /// Waits (bounded) for the worker to exit.
    pub async fn exited(&mut self) -> ExitStatus {
        let child = &mut self.child;
        wait_for("the worker to exit", || child.try_wait().unwrap()).await
    }
}

impl Drop for Worker {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
        kill_stand_ins(&self.stand_in);
    }
}

/// Kills every stand-in container recorded in `dir` (clean-up after a test).
pub fn kill_stand_ins(dir: &Path) {
    for entry in std::fs::read_dir(dir).into_iter().flatten().flatten() {
        if let Some(pid) = std::fs::read_to_string(entry.path())
            .ok()
            .and_then(|p| p.trim().parse::<i32>().ok())
        {
            // SAFETY: as above.
            unsafe { libc::kill(pid, libc::SIGKILL) };
        }
    }
}

/// Whether a process with `pid` still exists.
pub fn exists(pid: i32) -> bool {
    // SAFETY: signal 0 only checks for the process.
    unsafe { libc::kill(pid, 0) == 0 }
}

/// What the stand-in prints for `image` and `command`, stdout and stderr apart, run directly
/// (no worker) with no pauses.
pub fn printed(command: &[&str], extra: &[(&str, &str)]) -> (Vec<u8>, Vec<u8>) {
    let dir = tempfile::tempdir().unwrap();
    let mut args = vec![
        "stand-in-runtime".to_owned(),
        "run".into(),
        "--rm".into(),
        "--name".into(),
        "probe".into(),
        "--gpus".into(),
        "all".into(),
        "-v".into(),
        format!("{}:/output", dir.path().join("out").display()),
        "pytorch/pytorch:2.4".into(),
    ];
    args.extend(command.iter().map(|c| (*c).to_owned()));
    let out = Command::new(BIN)
        .args(&args)
        .env("GX10_STAND_IN_DIR", dir.path().join("state"))
        .env("GX10_STAND_IN_SECONDS", "0")
        .envs(extra.iter().copied())
        .output()
        .unwrap();
    (out.stdout, out.stderr)
}

/// Splits a received log into the lines the stand-in writes to stdout and to stderr.
pub fn split_streams(log: &[u8]) -> (Vec<u8>, Vec<u8>) {
    let (mut out, mut err) = (Vec::new(), Vec::new());
    for line in log.split_inclusive(|&b| b == b'\n') {
        if line.starts_with(b"warning:") || line.starts_with(b"error:") {
            err.extend_from_slice(line);
        } else {
            out.extend_from_slice(line);
        }
    }
    (out, err)
}
