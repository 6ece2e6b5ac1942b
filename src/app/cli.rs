//! The `nimbus` command line: parses arguments, loads configuration, and runs one command.
//! Configuration errors print one line on stderr and exit with status 2.

use std::io::Write;
use std::process::ExitCode;

use clap::{Parser, Subcommand};

use crate::app::config::{Config, ConfigError, Mode, Sources};
use crate::app::{server, telemetry, wiring::App};

/// Self-hosted VM provisioning portal for Proxmox VE clusters.
#[derive(Debug, Parser)]
#[command(name = "nimbus", version, about, long_about = None, propagate_version = true)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Run the portal in production against the Proxmox cluster named in the configuration
    /// (environment, ./.env or /etc/nimbus/nimbus.env, optional TOML file in NIMBUS_CONFIG).
    Serve,
    /// Run the portal on 127.0.0.1 with demo defaults and a temporary data dir. Honours PORT,
    /// BIND_ADDR, DB_PATH, NIMBUS_DATA_DIR and LOG_FORMAT; ignores every cluster setting and reads
    /// no .env file, so it can never touch a real cluster or LAN.
    Demo(DemoArgs),
    /// Run the Proxmox VE simulator alone: a PVE-compatible API (`/api2/json`, HTTPS with a
    /// self-signed certificate, API-token authentication) over a simulated cluster, with its
    /// fault-control and LAN endpoints under `/_sim/`.
    SimProxmox(SimProxmoxArgs),
    /// Run the Gopher tunnel-gateway simulator alone: Gopher's external API v1 (`/api/v1`, plain
    /// HTTP, bearer API key) over a simulated gateway, each machine's bootstrap script under
    /// `/bootstrap/`, and its fault control under `/_sim/faults`. Prints its URL and API key.
    SimGopher(SimGopherArgs),
    /// Re-encrypt every stored secret under a new master key, in one transaction. Stop the
    /// server first. With NIMBUS_ENCRYPTION_KEY it prints the new key to set; otherwise it
    /// replaces the key file.
    RotateKey,
    /// Write a consistent copy of the database and, separately, of the key file into DIR, while
    /// the server keeps running. Store the two copies apart.
    Backup {
        /// Directory for the copies (created if needed).
        #[arg(long)]
        out: std::path::PathBuf,
    },
    /// Print the SHA-256 fingerprint of the certificate the Proxmox node at HOST[:PORT] (port 8006
    /// unless given) presents, as the Proxmox UI shows it, for PROXMOX_TLS_FINGERPRINT. Compare it
    /// with the one the node's UI shows (System → Certificates) before trusting it.
    ProxmoxFingerprint {
        /// The node: HOST, HOST:PORT, [IPv6]:PORT or an https:// URL.
        target: String,
    },
    /// Build the OS templates (guest agent baked in) on every online node, or those named, with
    /// live progress; the same as Admin → Templates → Bootstrap. Stop the server first (it holds
    /// the data dir), or use the page or `POST /api/admin/bootstrap-templates`. Exits 1 if any
    /// node × OS failed.
    Bootstrap(crate::app::bootstrap_cli::BootstrapArgs),
    /// Install Nimbus as a systemd service (run as root): the `nimbus` user, /etc/nimbus/nimbus.env
    /// (kept if present), /var/lib/nimbus, the binary in /usr/lib/nimbus and a hardened unit; then
    /// enable and start it and wait until it answers. `--upgrade` swaps only the binary and rolls
    /// back if the new one does not become healthy.
    Install(crate::app::install::InstallArgs),
    /// Remove the service, its unit and binary; asks before deleting the settings and the data.
    Uninstall(crate::app::install::UninstallArgs),
    /// Print the OpenAPI 3 document of the HTTP API on stdout.
    Openapi,
    /// Print the version.
    Version,
}

#[derive(Debug, Default, clap::Args)]
pub struct DemoArgs {
    /// Start the simulated cluster with nodes and storages but no templates, to show the
    /// template bootstrap from a bare cluster.
    #[arg(long)]
    pub empty: bool,
}

#[derive(clap::Args)]
pub struct SimProxmoxArgs {
    /// Address to listen on; loopback only. Port 0 picks a free port.
    #[arg(long, default_value = "127.0.0.1:8006")]
    pub listen: std::net::SocketAddr,
    /// How fast the cluster is: instant, bench, realistic or demo.
    #[arg(long, default_value = "realistic")]
    pub profile: crate::adapters::proxmox::sim::Profile,
    /// Number of nodes (pve1, pve2, …).
    #[arg(long, default_value_t = 5, value_parser = clap::value_parser!(u16).range(1..=64))]
    pub nodes: u16,
    /// Seed of every random choice (MAC addresses, task ids, jitter): the same seed replays the same run.
    #[arg(long, default_value_t = 1)]
    pub seed: u64,
    /// The API token clients must send, USER@REALM!ID=SECRET. Without it one is made
    /// (root@pam!nimbus with a random secret) and printed.
    #[arg(long)]
    pub token: Option<String>,
    /// Nodes and storages only: no templates.
    #[arg(long)]
    pub empty: bool,
    /// Serve plain HTTP instead of HTTPS.
    #[arg(long)]
    pub http: bool,
    /// Answer errors as PVE before 8.4 did: the text only in the reason phrase, not in the body.
    #[arg(long)]
    pub legacy_errors: bool,
    /// root@pam's password for `POST /access/ticket` (the setup wizard's sign-in). Without it
    /// every password sign-in is refused.
    #[arg(long, env = "NIMBUS_SIM_ROOT_PASSWORD", hide_env_values = true)]
    pub root_password: Option<String>,
    /// root@pam has two-factor authentication: a right password gets a ticket that waits for a
    /// second factor.
    #[arg(long)]
    pub second_factor: bool,
    /// The Gopher gateway the guests reach (the URL `nimbus sim-gopher` prints; loopback only):
    /// Gopher's bootstrap command run in a guest through the agent fetches its script from
    /// there, which connects the machine. Without it a guest's `curl` cannot connect anywhere.
    #[arg(long, value_name = "URL")]
    pub gopher: Option<url::Url>,
}

crate::domain::redact::debug_redacted!(SimProxmoxArgs { listen, profile, nodes, seed, empty, http, legacy_errors, second_factor, gopher } secret { token, root_password });

#[derive(clap::Args)]
pub struct SimGopherArgs {
    /// Address to listen on; loopback only. Port 0 picks a free port.
    #[arg(long, default_value = "127.0.0.1:8090")]
    pub listen: std::net::SocketAddr,
    /// The API key clients must send as `Authorization: Bearer KEY`. Without it a random one is
    /// made and printed.
    #[arg(long, env = "NIMBUS_SIM_GOPHER_KEY", hide_env_values = true)]
    pub key: Option<String>,
    /// The domain tunnels are published under (`https://SUBDOMAIN.DOMAIN`).
    #[arg(long, default_value = crate::adapters::gopher::sim::DEFAULT_DOMAIN)]
    pub domain: String,
}

crate::domain::redact::debug_redacted!(SimGopherArgs { listen, domain } secret { key });

/// Parses the process arguments and runs the command.
pub fn main() -> ExitCode {
    let cli = Cli::parse();
    match cli.command {
        Command::Openapi => {
            // `nimbus openapi | head` closes the pipe early; that is not an error worth a panic.
            let _ = std::io::stdout()
                .lock()
                .write_all(crate::adapters::http::spec_json().as_bytes());
            ExitCode::SUCCESS
        }
        Command::Version => {
            println!("nimbus {}", env!("CARGO_PKG_VERSION"));
            ExitCode::SUCCESS
        }
        Command::Serve => run(Mode::Serve, DemoArgs::default()),
        Command::SimProxmox(args) => crate::app::sim_proxmox::run(args),
        Command::SimGopher(args) => crate::app::sim_gopher::run(args),
        Command::Demo(args) => run(Mode::Demo, args),
        Command::RotateKey => maintenance(MaintenanceCommand::RotateKey),
        Command::Backup { out } => maintenance(MaintenanceCommand::Backup(out)),
        Command::ProxmoxFingerprint { target } => proxmox_fingerprint(&target),
        Command::Bootstrap(args) => crate::app::bootstrap_cli::run(args),
        Command::Install(args) => crate::app::install::run_install(args),
        Command::Uninstall(args) => crate::app::install::run_uninstall(args),
    }
}

/// Prints the fingerprint of the certificate at `target`, alone on stdout.
fn proxmox_fingerprint(target: &str) -> ExitCode {
    let runtime = match tokio::runtime::Builder::new_current_thread().enable_all().build() {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("nimbus: cannot start the async runtime: {e}");
            return ExitCode::FAILURE;
        }
    };
    match runtime.block_on(crate::app::wiring::proxmox_fingerprint(target)) {
        Ok(fingerprint) => {
            println!("{fingerprint}");
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("nimbus: {e:#}");
            ExitCode::FAILURE
        }
    }
}

enum MaintenanceCommand {
    RotateKey,
    Backup(std::path::PathBuf),
}

/// Runs a maintenance command on the configured data dir and prints what it did.
fn maintenance(command: MaintenanceCommand) -> ExitCode {
    let config = match Config::load(Mode::Serve, &Sources::from_process()) {
        Ok(c) => c,
        Err(e) => return config_failure(e),
    };
    let runtime = match tokio::runtime::Builder::new_current_thread().enable_all().build() {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("nimbus: cannot start the async runtime: {e}");
            return ExitCode::FAILURE;
        }
    };
    let outcome = runtime.block_on(async {
        match command {
            MaintenanceCommand::RotateKey => {
                let rotation = crate::app::wiring::rotate_key(&config).await?;
                let mut text = format!("re-encrypted {} secrets under a new key\n", rotation.resealed);
                if let Some(path) = rotation.key_file {
                    text.push_str(&format!(
                        "the new key is in {}; back it up again (the old key no longer opens this database)\n",
                        path.display()
                    ));
                }
                if let Some(key) = rotation.new_env_key {
                    text.push_str(&format!(
                        "set NIMBUS_ENCRYPTION_KEY={key} before starting Nimbus again (the old key no longer opens this database)\n"
                    ));
                }
                anyhow::Ok(text)
            }
            MaintenanceCommand::Backup(out) => {
                let backup = crate::app::wiring::backup(&config, &out).await?;
                let key = match &backup.key {
                    Some(path) => format!("key:      {}\n", path.display()),
                    None => "key:      in NIMBUS_ENCRYPTION_KEY (not copied)\n".to_string(),
                };
                anyhow::Ok(format!(
                    "database: {}\n{key}Store the database copy and the key apart: whoever holds both can read every secret.\n",
                    backup.database.display()
                ))
            }
        }
    });
    match outcome {
        Ok(text) => {
            print!("{text}");
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("nimbus: {e:#}");
            ExitCode::FAILURE
        }
    }
}

fn config_failure(err: ConfigError) -> ExitCode {
    eprintln!("nimbus: {err}");
    ExitCode::from(2)
}

fn run(mode: Mode, demo: DemoArgs) -> ExitCode {
    let mut config = match Config::load(mode, &Sources::from_process()) {
        Ok(c) => c,
        Err(e) => return config_failure(e),
    };
    config.empty_demo = mode == Mode::Demo && demo.empty;
    if mode == Mode::Serve
        && let Err(e) = config.require_cluster_settings()
    {
        // Missing settings on a fresh install open the setup wizard (decided once the
        // database is open: an install with an admin or machines still exits).
        match e {
            ConfigError::Missing(_) => config.setup_pending = Some(e.to_string()),
            e => return config_failure(e),
        }
    }
    telemetry::init(config.server.log_format);
    let runtime = match tokio::runtime::Builder::new_multi_thread().enable_all().build() {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("nimbus: cannot start the async runtime: {e}");
            return ExitCode::FAILURE;
        }
    };
    let temporary_dir = config
        .server
        .data_dir_is_temporary
        .then(|| config.server.data_dir.clone());
    let outcome = runtime.block_on(serve(mode, config));
    if let Some(dir) = temporary_dir {
        let _ = std::fs::remove_dir_all(dir);
    }
    match outcome {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) if e.downcast_ref::<crate::app::wiring::SettingsMissing>().is_some() => {
            eprintln!("nimbus: {e}");
            ExitCode::from(2)
        }
        Err(e) => {
            tracing::error!(error = format!("{e:#}"), "nimbus stopped");
            eprintln!("nimbus: {e:#}");
            ExitCode::FAILURE
        }
    }
}

async fn serve(mode: Mode, config: Config) -> anyhow::Result<()> {
    if mode == Mode::Serve && config.server.app_url.is_none() {
        tracing::warn!(
            "APP_URL is not set: links and the sign-in providers' callback URL are taken from each request's \
             Host header, and cookies are Secure only when a proxy in TRUSTED_PROXIES says the browser used https; \
             set APP_URL to the portal's public URL (e.g. https://nimbus.example.org)"
        );
    }
    let app = App::build(config).await?;
    let running = server::start(app).await?;
    let stop = server::shutdown_signal();
    let url = running.base_url();
    let app = running.app();
    tracing::info!(
        url = %url,
        version = env!("CARGO_PKG_VERSION"),
        db = %app.config.server.db_path.display(),
        instance = %app.instance_id,
        "nimbus is listening"
    );
    if let Some(token) = app.setup_token.as_ref().filter(|_| app.setup().is_active()) {
        tracing::warn!(
            setup_token = %token,
            "Nimbus is in setup mode (no cluster settings yet): open {url}/setup and enter this one-time setup token"
        );
    } else if let Some(token) = &app.setup_token {
        tracing::warn!(
            setup_token = %token,
            "no admin account exists yet: open {url}/signup and create the first account with this one-time setup token"
        );
    }
    if mode == Mode::Demo {
        let dir = app.config.server.data_dir.display();
        let dir_note = if app.config.server.data_dir_is_temporary {
            " (removed when the demo stops)"
        } else {
            ""
        };
        let templates = if app.config.empty_demo {
            "  (no templates yet: run the template bootstrap)\n"
        } else {
            ""
        };
        let cluster = app
            .demo
            .as_ref()
            .map(|d| {
                format!(
                    "  Proxmox (simulated, 5 nodes): {}api2/json  token {}\n{templates}  \
                     Image mirror (stand-in): {}\n  Gopher (simulated tunnels): {}  key {}\n",
                    d.face.base_url(),
                    d.face.token(),
                    d.images.base_url(),
                    d.gopher.base_url(),
                    d.gopher.sim().api_key()
                )
            })
            .unwrap_or_default();
        let gpu = match app.start_stand_in_gx10(&url).await {
            Ok(()) => format!(
                "  GPU (stand-in GX10, no real GPU): worker {}\n",
                crate::app::wiring::stand_in_gx10::STAND_IN_ID
            ),
            Err(e) => {
                tracing::warn!(error = %e, "the demo's stand-in GX10 did not start; GPU jobs will wait in the queue");
                format!("  GPU: the stand-in GX10 did not start ({e})\n")
            }
        };
        let accounts = if app.accounts().has_admin().await.unwrap_or(false) {
            format!("  Sign in at {url}/signin\n")
        } else {
            format!("  Sign up at {url}/signup: the first account becomes the admin.\n")
        };
        let banner = format!(
            "Nimbus demo is running at {url}\n{accounts}  \
             API explorer:  {url}/api/docs\n{cluster}{gpu}  data dir:      {dir}{dir_note}\n  Press Ctrl+C to stop.\n"
        );
        // Whoever started the demo may stop reading stdout (a closed pipe); that must not stop it.
        let mut out = std::io::stdout().lock();
        let _ = out.write_all(banner.as_bytes()).and_then(|()| out.flush());
    }
    stop.await;
    tracing::info!("stopping: finishing in-flight requests");
    running.stop().await?;
    tracing::info!("stopped");
    Ok(())
}
