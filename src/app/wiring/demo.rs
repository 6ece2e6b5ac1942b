//! The demo's simulated cluster: the five-node simulator on a loopback REST face (with or
//! without templates), the endpoint pinned to its certificate, and the stand-in image mirror its
//! template bootstrap downloads from, and the simulated Gopher gateway its tunnels go through,
//! which the simulated guests reach: Gopher's bootstrap run in a demo VM connects its machine.

use std::sync::Arc;

use anyhow::Context;

use crate::adapters::gopher::sim::{GopherHttpFace, GuestBootstrap};
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
    cluster.set_guest_network(Arc::new(GuestBootstrap::new(gopher.sim().clone())));
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

#[cfg(test)]
mod tests {
    use chrono::{Duration, TimeZone, Utc};

    use super::*;
    use crate::adapters::clock::ManualClock;
    use crate::domain::cluster::NodeName;
    use crate::domain::vmid::VmId;
    use crate::ports::proxmox::{CloneRequest, PowerOp, Proxmox, TaskState};
    use crate::ports::tunnel_gateway::{MachineStatus, TunnelGateway};

    /// Clones the demo's first template on `atlas` and starts it; its VMID once its agent answers.
    async fn running_vm(px: &impl Proxmox, clock: &ManualClock) -> VmId {
        let atlas = NodeName::parse("atlas").unwrap();
        let newid = px.next_vmid(None).await.unwrap();
        let clone = CloneRequest {
            node: atlas.clone(),
            vmid: VmId::new(9000).unwrap(),
            newid,
            name: Some("web-1".into()),
            description: None,
            full: Some(false),
            target: None,
            storage: None,
        };
        let upid = px.clone_vm(&clone).await.unwrap();
        for _ in 0..600 {
            if px.task_status(&upid).await.unwrap().state != TaskState::Running {
                break;
            }
            clock.advance(Duration::seconds(1));
        }
        px.power(&atlas, newid, PowerOp::Start).await.unwrap();
        for _ in 0..600 {
            if px.agent_interfaces(&atlas, newid).await.is_ok() {
                return newid;
            }
            clock.advance(Duration::seconds(1));
        }
        panic!("the clone's agent never answered");
    }

    #[tokio::test]
    async fn the_demo_s_guests_run_gopher_s_bootstrap_against_the_demo_s_own_gateway() {
        let clock = Arc::new(ManualClock::new(Utc.with_ymd_and_hms(2026, 12, 1, 9, 0, 0).unwrap()));
        let (_, _, demo) = start_demo_cluster(clock.clone(), Profile::Instant, false)
            .await
            .unwrap();
        let px = demo.cluster.proxmox();
        let vmid = running_vm(&px, &clock).await;
        let gopher = demo.gopher.sim().clone();
        let client = gopher.client(gopher.api_key());
        let created = client.create_machine(false).await.unwrap();
        let script = format!(
            "set -eu\nf=$(mktemp)\ncurl -fsS --retry 3 --max-time 60 -o \"$f\" '{}'\n\
             GOPHER_MACHINE_NAME='web-1' GOPHER_SSH_USER='ubuntu' bash \"$f\" </dev/null\nrm -f \"$f\"",
            created.bootstrap_url.expose()
        );
        let atlas = NodeName::parse("atlas").unwrap();
        let pid = px
            .agent_exec(&atlas, vmid, &["sh".into(), "-c".into(), script], None)
            .await
            .unwrap();
        let status = tokio::time::timeout(std::time::Duration::from_secs(5), async {
            loop {
                let status = px.agent_exec_status(&atlas, vmid, pid).await.unwrap();
                if status.exited {
                    return status;
                }
                tokio::task::yield_now().await;
            }
        })
        .await
        .expect("the bootstrap exits within 5 s");
        assert_eq!(status.exit_code, Some(0), "{status:?}");
        assert!(status.out.unwrap_or_default().contains("Tunnel port: "));
        let machine = client.machine(&created.machine.id).await.unwrap();
        assert_eq!(machine.status, MachineStatus::Connected);
        assert_eq!(gopher.machine_name(&created.machine.id).as_deref(), Some("web-1"));
        demo.face.stop().await;
        demo.images.stop().await;
        demo.gopher.stop().await;
    }
}
