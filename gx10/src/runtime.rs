//! The container runtime interface: the exact argv the worker gives `docker` (or a stand-in) to
//! run, stop, kill, list and remove a job's container. No shell is involved anywhere.

use std::path::{Path, PathBuf};
use std::process::{Output, Stdio};

use tokio::process::{Child, Command};

use crate::protocol::Job;

/// Every container the worker starts is named with this prefix and the job's id.
pub const NAME_PREFIX: &str = "nimbus-job-";

/// The name of a job's container.
pub fn container_name(job: u64) -> String {
    format!("{NAME_PREFIX}{job}")
}

/// The job id a container name stands for, when it is one of ours.
pub fn job_of(name: &str) -> Option<u64> {
    let digits = name.strip_prefix(NAME_PREFIX)?;
    (!digits.is_empty() && digits.bytes().all(|b| b.is_ascii_digit()))
        .then(|| digits.parse().ok())
        .flatten()
}

/// The host folder mounted as the job's `/output`.
pub fn output_dir(root: &Path, job: u64) -> PathBuf {
    root.join(job.to_string())
}

/// The arguments after the runtime command that run `job`:
/// `run --rm --name nimbus-job-<id> --gpus all [-e K=V …] -v <out>:/output <image> [command…]`.
pub fn run_args(job: &Job, output: &Path) -> Vec<String> {
    let mut args: Vec<String> = ["run", "--rm", "--name"].into_iter().map(str::to_owned).collect();
    args.push(container_name(job.id));
    args.extend(["--gpus".to_owned(), "all".to_owned()]);
    // A BTreeMap iterates sorted by name.
    for (key, value) in &job.env {
        args.extend(["-e".to_owned(), format!("{key}={value}")]);
    }
    args.extend(["-v".to_owned(), format!("{}:/output", output.display())]);
    args.push(job.image.clone());
    args.extend(job.command.iter().cloned());
    args
}

/// The configured runtime command (`docker`, or `gx10-worker stand-in-runtime`).
#[derive(Debug, Clone)]
pub struct Runtime {
    command: Vec<String>,
}

impl Runtime {
    pub fn new(command: Vec<String>) -> Self {
        assert!(!command.is_empty(), "the runtime command is never empty");
        Self { command }
    }

    fn command(&self, args: &[String]) -> Command {
        let mut cmd = Command::new(&self.command[0]);
        cmd.args(&self.command[1..]).args(args).stdin(Stdio::null());
        cmd
    }

    /// Starts the job's container with its stdout and stderr piped to the worker. The runtime
    /// runs in its own process group, so a Ctrl+C at the worker's terminal reaches the worker
    /// (which stops the container with grace) rather than the runtime.
    pub fn spawn_run(&self, job: &Job, output: &Path) -> std::io::Result<Child> {
        let mut cmd = self.command(&run_args(job, output));
        cmd.stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .process_group(0)
            .kill_on_drop(false);
        cmd.spawn()
    }

    /// `<runtime> stop --time <grace> <name>`.
    pub async fn stop(&self, name: &str, grace: u64) -> std::io::Result<Output> {
        self.quiet(&["stop", "--time", &grace.to_string(), name]).await
    }

    /// `<runtime> kill <name>`.
    pub async fn kill(&self, name: &str) -> std::io::Result<Output> {
        self.quiet(&["kill", name]).await
    }

    /// `<runtime> rm -f <name>`.
    pub async fn remove(&self, name: &str) -> std::io::Result<Output> {
        self.quiet(&["rm", "-f", name]).await
    }

    /// The names of every container (running or not) left by a job of this worker.
    pub async fn leftovers(&self) -> std::io::Result<Vec<String>> {
        let filter = format!("name={NAME_PREFIX}");
        let out = self
            .quiet(&["ps", "--all", "--filter", &filter, "--format", "{{.Names}}"])
            .await?;
        if !out.status.success() {
            return Err(std::io::Error::other(format!(
                "`ps` failed ({}): {}",
                out.status,
                String::from_utf8_lossy(&out.stderr).trim()
            )));
        }
        Ok(String::from_utf8_lossy(&out.stdout)
            .lines()
            .map(str::trim)
            .filter(|n| job_of(n).is_some())
            .map(str::to_owned)
            .collect())
    }

    async fn quiet(&self, args: &[&str]) -> std::io::Result<Output> {
        let args: Vec<String> = args.iter().map(|a| (*a).to_owned()).collect();
        self.command(&args).output().await
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_run_argv_names_the_container_sorts_env_and_mounts_the_output() {
        let job = Job {
            id: 42,
            image: "pytorch/pytorch:2.4".into(),
            command: vec!["python".into(), "train.py".into(), "--lr 3".into()],
            env: [("ZED", "1"), ("ALPHA", "a b")]
                .into_iter()
                .map(|(k, v)| (k.to_owned(), v.to_owned()))
                .collect(),
            lease_seconds: 60,
            heartbeat_seconds: 15,
            max_runtime_seconds: 60,
        };
        let args = run_args(&job, Path::new("/var/lib/gx10/output/42"));
        assert_eq!(
            args,
            [
                "run",
                "--rm",
                "--name",
                "nimbus-job-42",
                "--gpus",
                "all",
                "-e",
                "ALPHA=a b",
                "-e",
                "ZED=1",
                "-v",
                "/var/lib/gx10/output/42:/output",
                "pytorch/pytorch:2.4",
                "python",
                "train.py",
                "--lr 3",
            ]
        );
    }

    #[test]
    fn only_our_container_names_map_back_to_jobs() {
        assert_eq!(job_of("nimbus-job-7"), Some(7));
        assert_eq!(job_of("nimbus-job-"), None);
        assert_eq!(job_of("nimbus-job-7x"), None);
        assert_eq!(job_of("other-nimbus-job-7"), None);
    }
}
