//! Installing Nimbus as a systemd service on a Proxmox node or any Linux host: `nimbus install`,
//! `nimbus install --upgrade` and `nimbus uninstall`. Everything can be pointed at a directory
//! tree (`--root`) and a stand-in service manager (`--systemctl`), which is how the tests run it.

mod binary_swap;
mod files;
mod health_wait;
mod host;
mod layout;
mod removal;
mod restart;
mod service_settings;
mod service_unit;
mod setup;
mod upgrade;

use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Duration;

use anyhow::Context;

use host::Host;
use layout::Layout;

/// `nimbus install`.
#[derive(Debug, clap::Args)]
pub struct InstallArgs {
    /// Replace only the binary of an existing install (and its unit when this version writes a
    /// different one), restart, and put the previous binary back if the new one does not answer
    /// /api/health in time. The user, the env file and the data are left alone.
    #[arg(long)]
    pub upgrade: bool,
    /// Install this file instead of the running `nimbus` (it must answer `version`).
    #[arg(long, value_name = "FILE")]
    pub binary: Option<PathBuf>,
    #[command(flatten)]
    pub target: Target,
    /// How long the restarted service may take to answer /api/health.
    #[arg(long, value_name = "SECONDS", default_value_t = 60, value_parser = clap::value_parser!(u64).range(1..=3600))]
    pub health_timeout: u64,
}

/// `nimbus uninstall`.
#[derive(Debug, clap::Args)]
pub struct UninstallArgs {
    /// Delete the settings and the data without asking (they are still listed).
    #[arg(long, short = 'y', conflicts_with = "keep_data")]
    pub yes: bool,
    /// Keep the settings and the data (and the nimbus user that owns them) without asking.
    #[arg(long)]
    pub keep_data: bool,
    #[command(flatten)]
    pub target: Target,
}

/// Where the installer works.
#[derive(Debug, clap::Args)]
pub struct Target {
    /// Work under this directory instead of / (users are created with `useradd --root`). The
    /// service is then managed only with --systemctl.
    #[arg(long, value_name = "DIR", default_value = "/")]
    pub root: PathBuf,
    /// The `systemctl` to run (default: `systemctl` when the root is /).
    #[arg(long, value_name = "PATH")]
    pub systemctl: Option<PathBuf>,
}

/// The host `target` names.
fn host_of(target: &Target) -> Host {
    let layout = Layout::new(&target.root);
    let systemctl = target
        .systemctl
        .clone()
        .or_else(|| layout.is_host().then(|| PathBuf::from("systemctl")));
    Host::new(layout, systemctl)
}

/// Runs `nimbus install [--upgrade]`.
pub fn run_install(args: InstallArgs) -> ExitCode {
    let outcome = (|| {
        let source = match &args.binary {
            Some(path) => path.clone(),
            None => std::env::current_exe().context("cannot find the running nimbus binary")?,
        };
        let host = host_of(&args.target);
        let timeout = Duration::from_secs(args.health_timeout);
        if args.upgrade {
            upgrade::upgrade(&host, &source, timeout)
        } else {
            setup::install(&host, &source, timeout)
        }
    })();
    finish(outcome)
}

/// Runs `nimbus uninstall`.
pub fn run_uninstall(args: UninstallArgs) -> ExitCode {
    let choice = match (args.yes, args.keep_data) {
        (true, _) => removal::DataChoice::Delete,
        (_, true) => removal::DataChoice::Keep,
        _ => removal::DataChoice::Ask,
    };
    finish(removal::uninstall(&host_of(&args.target), choice))
}

fn finish(outcome: anyhow::Result<()>) -> ExitCode {
    match outcome {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("nimbus: {e:#}");
            ExitCode::FAILURE
        }
    }
}
