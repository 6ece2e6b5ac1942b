//! The demo's simulated cluster: the five-node simulator on a loopback REST face (with or
//! without templates), the endpoint pinned to its certificate, and the stand-in image mirror its
//! template bootstrap downloads from, and the simulated Gopher gateway its tunnels go through.

use std::sync::Arc;

use anyhow::Context;

use crate::adapters::gopher::sim::GopherHttpFace;
use crate::adapters::image_server::ImageServer;
use crate::adapters::proxmox::rest::{ApiToken, RestFace, RestFaceOptions};
use crate::adapters::proxmox::sim::{Profile, Scenario, SimCluster, TemplatePlacement};
use crate::ports::Clock;
use crate::ports::proxmox::connector::{self, Endpoint, EndpointTrust};

/// Seed of the demo cluster: every demo starts from the same cluster.
const DEMO_SEED: u64 = 2026;

/// The simulated cluster `nimbus demo` runs on, served over loopback HTTPS, and the loopback
/// stand-in for the cloud-image mirrors its template bootstrap downloads from.
pub struct DemoCluster {
    pub cluster: SimCluster,
    pub face: RestFace,
    pub images: ImageServer,
    /// The simulated Gopher gateway Settings → Gopher points at, so tunnels are on.
    pub gopher: GopherHttpFace,
}

/// Starts the demo's five-node simulated cluster on a loopback port with a fresh token (without
/// templates when `empty`), a client pinned to its certificate, exactly as a production install
/// talks to Proxmox (the endpoint and token to open it with), and the stand-in image mirror on another loopback port.
pub(super) async fn start_demo_cluster(
    clock: Arc<dyn Clock>,
    profile: Profile,
    empty: bool,
) -> anyhow::Result<(Endpoint, connector::ApiToken, DemoCluster)> {
    let scenario = if empty {
        Scenario {
            templates: TemplatePlacement::None,
            ..Scenario::demo()
        }
    } else {
        Scenario::demo()
    };
    let cluster = SimCluster::new(scenario, profile, DEMO_SEED, clock.clone());
    let listen = std::net::SocketAddr::from(([127, 0, 0, 1], 0));
    let images = ImageServer::start(listen)
        .await
        .context("cannot start the stand-in image mirror")?;
    tracing::info!(url = %images.base_url(), "the stand-in image mirror for the template bootstrap is listening");
    let face = RestFace::start(cluster.clone(), RestFaceOptions::new(listen, ApiToken::random()))
        .await
        .context("cannot start the simulated Proxmox cluster")?;
    let fingerprint = crate::app::config::parse_fingerprint(face.fingerprint())
        .context("the simulator's certificate fingerprint is malformed")?;
    let endpoint = Endpoint {
        url: face.base_url(),
        trust: EndpointTrust::Fingerprint(fingerprint),
    };
    let token = connector::ApiToken {
        id: face.token().token_id.clone(),
        secret: face.token().secret.clone(),
    };
    let gopher = super::gopher::start_demo_gopher(clock).await?;
    Ok((
        endpoint,
        token,
        DemoCluster {
            cluster,
            face,
            images,
            gopher,
        },
    ))
}
