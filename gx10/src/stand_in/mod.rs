//! `gx10-worker stand-in-runtime`: a stand-in for `docker` that accepts exactly the argv the worker
//! gives it (`run`, `stop`, `kill`, `ps`, `rm`). A "container" is a process of this binary that
//! prints a short training log; its state is one pid file per name in `$GX10_STAND_IN_DIR`
//! (default `$TMPDIR/gx10-stand-in`). `nimbus demo` and the tests run jobs with it.

mod control;
mod run;
mod script;

use std::path::PathBuf;
use std::process::ExitCode;

/// Runs one stand-in runtime command.
pub fn main(args: &[String]) -> ExitCode {
    let rest = args.get(1..).unwrap_or_default();
    match args.first().map(String::as_str) {
        Some("run") => run::run(rest),
        Some("stop") => control::stop(rest),
        Some("kill") => control::kill(rest),
        Some("ps") => control::ps(rest),
        Some("rm") => control::rm(rest),
        other => {
            eprintln!(
                "stand-in runtime: unknown command {}; use run, stop, kill, ps or rm (see gx10-worker --help)",
                other.map_or("(none)".to_owned(), |o| format!("'{o}'"))
            );
            ExitCode::from(125)
        }
    }
}

/// Where the pid files live.
fn state_dir() -> PathBuf {
    std::env::var_os("GX10_STAND_IN_DIR")
        .filter(|d| !d.is_empty())
        .map(PathBuf::from)
        .unwrap_or_else(|| std::env::temp_dir().join("gx10-stand-in"))
}

fn pid_file(name: &str) -> PathBuf {
    state_dir().join(format!("{name}.pid"))
}

/// The pid recorded for a container name, if there is one.
fn read_pid(name: &str) -> Option<i32> {
    std::fs::read_to_string(pid_file(name)).ok()?.trim().parse().ok()
}

/// Whether the stand-in container `name` still runs as `pid`. On Linux the process's command
/// line must name the container, so a reused pid is never taken for it.
fn alive(pid: i32, name: &str) -> bool {
    // SAFETY: signal 0 only checks that the process exists and may be signalled.
    let exists =
        unsafe { libc::kill(pid, 0) } == 0 || std::io::Error::last_os_error().raw_os_error() == Some(libc::EPERM);
    if !exists {
        return false;
    }
    match std::fs::read(format!("/proc/{pid}/cmdline")) {
        Ok(cmdline) => cmdline.split(|&b| b == 0).any(|arg| arg == name.as_bytes()),
        Err(_) => !std::path::Path::new("/proc/self").exists(),
    }
}

fn signal(pid: i32, sig: i32) {
    // SAFETY: sending a signal has no memory-safety preconditions.
    unsafe {
        libc::kill(pid, sig);
    }
}
