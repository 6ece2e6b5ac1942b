//! `gx10-worker`: the GPU job worker that runs on a GX10 box. It pulls queued training jobs from
//! Nimbus one at a time, runs each with the container runtime and streams its output back; the
//! `stand-in-runtime` subcommand is a docker stand-in for demos and tests.

mod backoff;
mod client;
mod config;
mod heartbeat;
mod help;
mod job;
mod output;
mod protocol;
mod recover;
mod report;
mod runtime;
mod ship;
mod shutdown;
mod stand_in;
mod worker;

use std::process::ExitCode;

use config::Config;

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match args.first().map(String::as_str) {
        Some("version" | "--version" | "-V") => {
            println!("gx10-worker {}", env!("CARGO_PKG_VERSION"));
            ExitCode::SUCCESS
        }
        Some("--help" | "-h" | "help") => {
            println!("{}", help::text());
            ExitCode::SUCCESS
        }
        Some("stand-in-runtime") => stand_in::main(&args[1..]),
        Some(other) => {
            eprintln!("gx10-worker: unknown argument '{other}'; run 'gx10-worker --help'");
            ExitCode::from(2)
        }
        None => run(),
    }
}

fn run() -> ExitCode {
    let config = match Config::from_lookup(|name| std::env::var(name).ok(), hostname) {
        Ok(config) => config,
        Err(e) => {
            eprintln!("gx10-worker: {e}");
            return ExitCode::from(2);
        }
    };
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env()
                .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info")),
        )
        .with_writer(std::io::stderr)
        .with_ansi(false)
        .init();
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("gx10-worker: could not start the async runtime: {e}");
            return ExitCode::FAILURE;
        }
    };
    match runtime.block_on(worker::serve(config)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            tracing::error!(error = format!("{e:#}"), "gx10-worker failed");
            ExitCode::FAILURE
        }
    }
}

/// This machine's host name (for the default worker id).
fn hostname() -> String {
    let mut buf = [0u8; 256];
    // SAFETY: the buffer is valid for its length; gethostname writes at most that many bytes.
    let rc = unsafe { libc::gethostname(buf.as_mut_ptr().cast(), buf.len()) };
    if rc != 0 {
        return "unknown".to_owned();
    }
    let end = buf.iter().position(|&b| b == 0).unwrap_or(buf.len());
    String::from_utf8_lossy(&buf[..end]).into_owned()
}
