//! The demo's stand-in GX10: the real `gx10-worker` of the same build, run with its stand-in
//! container runtime (no Docker, no GPU), registered as the worker `gx10-stand-in` with a fresh
//! token at every start, and stopped with the demo.

use std::path::PathBuf;
use std::process::Stdio;
use std::time::Duration;

use crate::app::gpu_queue::GpuWorkers;

/// The demo's stand-in worker.
pub const STAND_IN_ID: &str = "gx10-stand-in";

/// Where the `gx10-worker` binary is: `NIMBUS_GX10_WORKER`, else beside this binary.
pub fn worker_binary() -> Option<PathBuf> {
    if let Some(path) = std::env::var_os("NIMBUS_GX10_WORKER").filter(|p| !p.is_empty()) {
        return Some(PathBuf::from(path));
    }
    let beside = std::env::current_exe().ok()?.with_file_name("gx10-worker");
    beside.is_file().then_some(beside)
}

/// Logs the worker's own log lines through Nimbus's log (so `LOG_FORMAT=json` stays one JSON
/// object per line), at the level each line names, without the worker's own timestamp.
async fn relay(stderr: tokio::process::ChildStderr) {
    use tokio::io::AsyncBufReadExt;
    let mut lines = tokio::io::BufReader::new(stderr).lines();
    while let Ok(Some(line)) = lines.next_line().await {
        // "<timestamp>  <LEVEL> <target>: <message>", the worker's own format.
        let line = line.trim();
        let after_stamp = line.find(char::is_whitespace).map_or("", |i| line[i..].trim_start());
        let (level, rest) = after_stamp
            .split_once(char::is_whitespace)
            .map_or((after_stamp, ""), |(level, rest)| (level, rest.trim_start()));
        match level {
            "ERROR" => tracing::error!(worker = STAND_IN_ID, "{rest}"),
            "WARN" => tracing::warn!(worker = STAND_IN_ID, "{rest}"),
            "INFO" => tracing::info!(worker = STAND_IN_ID, "{rest}"),
            "DEBUG" | "TRACE" => tracing::debug!(worker = STAND_IN_ID, "{rest}"),
            _ => tracing::info!(worker = STAND_IN_ID, "{line}"),
        }
    }
}

/// The demo's stand-in GX10, running until dropped or stopped.
pub struct StandInGx10 {
    child: tokio::process::Child,
}

impl StandInGx10 {
    /// Registers the stand-in (replacing an earlier one, whose token died with its process) and
    /// starts `gx10-worker` against `url` with the stand-in runtime, its state under `dir`.
    pub async fn start(workers: &GpuWorkers, url: &str, dir: &std::path::Path) -> anyhow::Result<Self> {
        let binary = worker_binary().ok_or_else(|| {
            anyhow::anyhow!("gx10-worker is not beside this binary (build the workspace: make build) and NIMBUS_GX10_WORKER is not set")
        })?;
        let _ = workers.forget(STAND_IN_ID).await;
        let minted = workers
            .add(None, STAND_IN_ID, true)
            .await
            .map_err(|e| anyhow::anyhow!("cannot register the stand-in GX10: {e}"))?;
        let dir = dir.join("gx10-stand-in");
        std::fs::create_dir_all(&dir)?;
        let runtime = format!("{} stand-in-runtime", binary.display());
        let mut child = tokio::process::Command::new(&binary)
            .env("NIMBUS_URL", url)
            .env("NIMBUS_WORKER_TOKEN", &minted.token)
            .env("GX10_WORKER_ID", STAND_IN_ID)
            .env("GX10_RUNTIME", runtime)
            .env("GX10_POLL_INTERVAL", "1")
            .env("GX10_LOG_FLUSH_DELAY", "300")
            .env("GX10_STOP_GRACE", "2")
            .env("GX10_OUTPUT_DIR", dir.join("output"))
            .env("GX10_STAND_IN_DIR", dir.join("containers"))
            .current_dir(&dir)
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .kill_on_drop(true)
            .spawn()
            .map_err(|e| anyhow::anyhow!("cannot start {}: {e}", binary.display()))?;
        if let Some(stderr) = child.stderr.take() {
            tokio::spawn(relay(stderr));
        }
        tracing::info!(worker = STAND_IN_ID, binary = %binary.display(), "the stand-in GX10 is running (no real GPU)");
        Ok(Self { child })
    }

    /// Stops the worker (SIGTERM: it stops its running job and exits), killing it if it lingers.
    pub async fn stop(mut self) {
        if let Some(pid) = self.child.id() {
            // Through the `kill` command: Nimbus makes no libc calls of its own.
            let _ = std::process::Command::new("kill")
                .arg("-TERM")
                .arg(pid.to_string())
                .status();
        }
        if tokio::time::timeout(Duration::from_secs(5), self.child.wait())
            .await
            .is_err()
        {
            let _ = self.child.kill().await;
        }
    }
}
