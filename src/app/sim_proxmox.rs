//! `nimbus sim-proxmox`: the cluster simulator's REST face on its own, for outside clients and for
//! a `nimbus serve` run against a simulated cluster.

use std::io::Write;
use std::process::ExitCode;
use std::sync::Arc;

use crate::adapters::clock::SystemClock;
use crate::adapters::proxmox::rest::{ApiToken, ErrorFormat, RestFace, RestFaceOptions};
use crate::adapters::proxmox::sim::{HttpGuestNetwork, Scenario, SimCluster};
use crate::app::cli::SimProxmoxArgs;
use crate::app::config::LogFormat;
use crate::app::{server, telemetry};

pub fn run(args: SimProxmoxArgs) -> ExitCode {
    if !args.listen.ip().is_loopback() {
        eprintln!(
            "nimbus: --listen {} is not a loopback address; the simulator has no real security and listens on \
             127.0.0.0/8 only",
            args.listen
        );
        return ExitCode::from(2);
    }
    let token = match args.token.as_deref().map(ApiToken::parse).transpose() {
        Ok(t) => t.unwrap_or_else(ApiToken::random),
        Err(e) => {
            eprintln!("nimbus: --token: {e}");
            return ExitCode::from(2);
        }
    };
    let guests = match args.gopher.as_ref().map(HttpGuestNetwork::new).transpose() {
        Ok(network) => network,
        Err(e) => {
            eprintln!("nimbus: --gopher: {e}");
            return ExitCode::from(2);
        }
    };
    let format = match std::env::var("LOG_FORMAT").as_deref() {
        Ok("json") => LogFormat::Json,
        _ => LogFormat::Text,
    };
    telemetry::init(format);
    let runtime = match tokio::runtime::Builder::new_multi_thread().enable_all().build() {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("nimbus: cannot start the async runtime: {e}");
            return ExitCode::FAILURE;
        }
    };
    match runtime.block_on(serve(args, token, guests)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("nimbus: {e:#}");
            ExitCode::FAILURE
        }
    }
}

async fn serve(args: SimProxmoxArgs, token: ApiToken, guests: Option<HttpGuestNetwork>) -> anyhow::Result<()> {
    let nodes = usize::from(args.nodes);
    let mut scenario = if args.empty {
        Scenario::empty(nodes)
    } else {
        Scenario::default_cluster(nodes)
    };
    scenario.access.root_password = args.root_password.clone();
    scenario.access.root_second_factor = args.second_factor;
    let cluster = SimCluster::new(scenario, args.profile, args.seed, Arc::new(SystemClock));
    if let Some(network) = guests {
        cluster.set_guest_network(Arc::new(network));
    }
    let mut options = RestFaceOptions::new(args.listen, token);
    options.tls = !args.http;
    if args.legacy_errors {
        options.error_format = ErrorFormat::Legacy;
    }
    let face = RestFace::start(cluster, options).await?;
    // The stand-in image mirror a template bootstrap against this cluster downloads from
    // (NIMBUS_IMAGE_MIRROR), so nothing leaves the machine.
    let images =
        crate::adapters::image_server::ImageServer::start(std::net::SocketAddr::from(([127, 0, 0, 1], 0))).await?;
    let stop = server::shutdown_signal();
    let banner = format!(
        "Simulated Proxmox VE cluster: {nodes} nodes, profile {:?}, seed {}\nlistening: {}\ntoken: {}\n{}lan: {}\n{}images: {}\n",
        args.profile,
        args.seed,
        face.base_url().as_str().trim_end_matches('/'),
        face.token(),
        if args.http {
            String::new()
        } else {
            format!("fingerprint: {}\n", face.fingerprint())
        },
        face.lan_url(),
        match &args.gopher {
            Some(gopher) => format!("gopher: {}\n", gopher.as_str().trim_end_matches('/')),
            None => String::new(),
        },
        images.base_url().as_str().trim_end_matches('/'),
    );
    {
        let mut out = std::io::stdout().lock();
        let _ = out.write_all(banner.as_bytes()).and_then(|()| out.flush());
    }
    tracing::info!(addr = %face.addr(), "simulated Proxmox is listening");
    stop.await;
    face.stop().await;
    images.stop().await;
    Ok(())
}
