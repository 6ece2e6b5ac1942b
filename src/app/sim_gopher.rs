//! `nimbus sim-gopher`: the Gopher simulator's HTTP face on its own, for outside clients and for
//! a `nimbus serve` run against a simulated gateway (GOPHER_API_URL and GOPHER_API_KEY).

use std::io::Write;
use std::process::ExitCode;
use std::sync::Arc;

use crate::adapters::clock::SystemClock;
use crate::adapters::gopher::sim::{GopherHttpFace, SimGopher};
use crate::app::cli::SimGopherArgs;
use crate::app::config::LogFormat;
use crate::app::{server, telemetry};

pub fn run(args: SimGopherArgs) -> ExitCode {
    if !args.listen.ip().is_loopback() {
        eprintln!(
            "nimbus: --listen {} is not a loopback address; the simulator has no real security and listens on \
             127.0.0.0/8 only",
            args.listen
        );
        return ExitCode::from(2);
    }
    if let Some(key) = &args.key
        && key.trim().is_empty()
    {
        eprintln!("nimbus: --key is empty; give the API key clients must send, or leave it out to get a random one");
        return ExitCode::from(2);
    }
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
    match runtime.block_on(serve(args)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("nimbus: {e:#}");
            ExitCode::FAILURE
        }
    }
}

async fn serve(args: SimGopherArgs) -> anyhow::Result<()> {
    let key = args.key.clone().unwrap_or_else(SimGopher::random_key);
    let sim = SimGopher::new(key, args.domain.clone(), Arc::new(SystemClock));
    let face = GopherHttpFace::start(sim, args.listen).await?;
    let stop = server::shutdown_signal();
    let banner = format!(
        "Simulated Gopher gateway, domain {}\nlistening: {}\nkey: {}\n",
        args.domain,
        face.base_url().as_str().trim_end_matches('/'),
        face.sim().api_key(),
    );
    {
        let mut out = std::io::stdout().lock();
        let _ = out.write_all(banner.as_bytes()).and_then(|()| out.flush());
    }
    tracing::info!(addr = %face.addr(), "simulated Gopher is listening");
    stop.await;
    face.stop().await;
    Ok(())
}
