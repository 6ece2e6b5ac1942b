//! Wiring of the Gopher gateway: the opener Settings → Gopher makes clients with (Gopher's HTTP
//! API), and the demo's simulated gateway on a loopback port, which its settings point at.

use std::sync::Arc;

use anyhow::Context;

use super::DemoCluster;
use crate::adapters::gopher::http::{HttpGopher, HttpGopherOptions};
use crate::adapters::gopher::sim::{DEFAULT_DOMAIN, GopherHttpFace, SimGopher};
use crate::app::audit::Auditor;
use crate::app::config::Config;
use crate::app::gateway_switch::GatewaySwitch;
use crate::app::gopher_settings::GopherSettings;
use crate::app::secrets::SecretBox;
use crate::ports::tunnel_gateway::{GatewayOpener, GatewayResult, TunnelGateway};
use crate::ports::{Clock, Store};

/// Settings → Gopher over the HTTP opener, its gateway opened: the demo's own simulated gateway
/// (unless the environment names one), or the stored settings, seeded once from the environment.
pub(super) async fn settings(
    config: &Config,
    demo: Option<&DemoCluster>,
    store: Arc<dyn Store>,
    secrets: Arc<SecretBox>,
    tunnels: Arc<GatewaySwitch>,
    audit: Arc<Auditor>,
    clock: Arc<dyn Clock>,
) -> anyhow::Result<Arc<GopherSettings>> {
    let gopher = Arc::new(GopherSettings::new(
        store,
        secrets,
        Arc::new(HttpGatewayOpener),
        tunnels,
        audit,
        clock,
    ));
    match (&config.seeds.gopher, demo) {
        (None, Some(demo)) => {
            gopher
                .configure(&demo.gopher.base_url(), &demo.gopher.sim().api_key())
                .await
        }
        (seed, _) => {
            gopher
                .seed_and_load(seed.as_ref().map(|s| (&s.api_url, s.api_key.expose())))
                .await
        }
    }
    .context("cannot store or open the Gopher settings")?;
    Ok(gopher)
}

/// Opens clients of Gopher's external API v1 over HTTP(S).
pub(super) struct HttpGatewayOpener;

impl GatewayOpener for HttpGatewayOpener {
    fn open(&self, url: &url::Url, api_key: &str) -> GatewayResult<Arc<dyn TunnelGateway>> {
        Ok(Arc::new(HttpGopher::new(HttpGopherOptions::new(url.clone(), api_key))?))
    }
}

/// Starts the demo's simulated Gopher gateway on a free loopback port, with a fresh key.
pub(super) async fn start_demo_gopher(clock: Arc<dyn Clock>) -> anyhow::Result<GopherHttpFace> {
    let sim = SimGopher::new(SimGopher::random_key(), DEFAULT_DOMAIN, clock);
    let face = GopherHttpFace::start(sim, std::net::SocketAddr::from(([127, 0, 0, 1], 0)))
        .await
        .context("cannot start the simulated Gopher gateway")?;
    tracing::info!(url = %face.base_url(), "the simulated Gopher gateway is listening");
    Ok(face)
}
