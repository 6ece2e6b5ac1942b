//! `nimbus bootstrap`: the template bootstrap from the command line, in this process (it takes
//! the data dir like the server does). Progress is redrawn in place on a terminal and printed as
//! one line per change otherwise; the summary and an exit status of 1 when anything failed.

use std::collections::BTreeMap;
use std::io::{IsTerminal, Write};
use std::process::ExitCode;
use std::time::Duration;

use crate::app::config::{Config, Mode, Sources};
use crate::app::provisioning::bootstrap::{BootstrapRequest, CellState};
use crate::app::telemetry;
use crate::app::wiring::App;
use crate::domain::bootstrap::BakePhase;

#[derive(Debug, clap::Args)]
pub struct BootstrapArgs {
    /// Only these OSes (comma-separated keys such as ubuntu-24.04,debian-12); all by default.
    #[arg(long, value_delimiter = ',')]
    pub os: Vec<String>,
    /// Only these nodes (comma-separated); every online node by default.
    #[arg(long, value_delimiter = ',')]
    pub node: Vec<String>,
    /// Rebuild templates that are already healthy: a new one is baked and swapped in, and the
    /// old one is destroyed once no VM depends on it.
    #[arg(long)]
    pub force: bool,
}

pub fn run(args: BootstrapArgs) -> ExitCode {
    let config = match Config::load(Mode::Serve, &Sources::from_process()) {
        Ok(c) => c,
        Err(e) => {
            eprintln!("nimbus: {e}");
            return ExitCode::from(2);
        }
    };
    if let Err(e) = config.require_cluster_settings() {
        eprintln!("nimbus: {e}");
        return ExitCode::from(2);
    }
    telemetry::init(config.server.log_format);
    let runtime = match tokio::runtime::Builder::new_multi_thread().enable_all().build() {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("nimbus: cannot start the async runtime: {e}");
            return ExitCode::FAILURE;
        }
    };
    match runtime.block_on(bootstrap(config, args)) {
        Ok(true) => ExitCode::SUCCESS,
        Ok(false) => ExitCode::FAILURE,
        Err(e) => {
            eprintln!("nimbus: {e:#}");
            ExitCode::FAILURE
        }
    }
}

/// Runs the bootstrap to its end; whether nothing failed.
async fn bootstrap(config: Config, args: BootstrapArgs) -> anyhow::Result<bool> {
    let app = App::build(config).await.map_err(|e| {
        anyhow::anyhow!(
            "{e:#}\nIf the Nimbus service is running, start the bootstrap from Admin → Templates (or POST \
             /api/admin/bootstrap-templates with an admin token) instead, or stop the service first."
        )
    })?;
    let bootstrap = app.bootstrap().clone();
    // Bakes a restart interrupted are finished first.
    bootstrap.wait_idle().await;
    let accepted = bootstrap
        .start(
            None,
            BootstrapRequest {
                os: args.os,
                nodes: args.node,
                force: args.force,
            },
        )
        .await?;
    if !accepted.offline.is_empty() {
        let names: Vec<String> = accepted.offline.iter().map(|n| n.to_string()).collect();
        eprintln!("offline, skipped: {}", names.join(", "));
    }
    let live = std::io::stdout().is_terminal();
    let mut shown: BTreeMap<(String, String), String> = BTreeMap::new();
    let mut drawn = 0usize;
    loop {
        let idle = !bootstrap.is_running();
        if let Ok(status) = bootstrap.status().await {
            let rows: Vec<(String, String, String)> = status
                .cells
                .iter()
                .filter(|c| accepted.queued.iter().any(|q| q.node == c.node && q.os == c.os))
                .map(|c| {
                    let words = c.words.clone().unwrap_or_else(|| c.state.key().to_owned());
                    let bar = match (c.state, c.percent) {
                        (CellState::Baking, Some(p)) => format!(" {p:>3}%"),
                        _ => String::new(),
                    };
                    (c.node.to_string(), c.os.clone(), format!("{words}{bar}"))
                })
                .collect();
            let mut out = std::io::stdout().lock();
            if live {
                if drawn > 0 {
                    let _ = write!(out, "\x1b[{drawn}A");
                }
                for (node, os, words) in &rows {
                    let _ = writeln!(out, "\x1b[2K{node:<12} {os:<14} {words}");
                }
                drawn = rows.len();
            } else {
                for (node, os, words) in rows {
                    if shown.get(&(node.clone(), os.clone())) != Some(&words) {
                        let _ = writeln!(out, "{node} {os}: {words}");
                        shown.insert((node, os), words);
                    }
                }
            }
            let _ = out.flush();
        }
        if idle {
            break;
        }
        tokio::time::sleep(Duration::from_millis(if live { 250 } else { 1000 })).await;
    }
    let (slots, summary) = bootstrap.last_run();
    println!("{summary}");
    Ok(!slots.iter().any(|s| matches!(s.phase, BakePhase::Failed { .. })))
}
