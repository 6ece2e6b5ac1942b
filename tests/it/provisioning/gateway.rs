//! The simulated Gopher gateway of a simulation: its in-memory face is the gateway every
//! provisioner of the simulation uses, the one the cluster's guests bootstrap against, with a
//! secret box over the simulation's database.

use std::sync::Arc;

use nimbus::adapters::clock::ManualClock;
use nimbus::adapters::gopher::sim::{GuestBootstrap, SimGopher};
use nimbus::adapters::proxmox::sim::SimCluster;
use nimbus::adapters::secrets::AesGcmSecrets;
use nimbus::adapters::store::sqlite::SqliteStore;
use nimbus::app::gateway_switch::GatewaySwitch;
use nimbus::app::secrets::SecretBox;

/// The simulated gateway's API key.
pub const GOPHER_KEY: &str = "5157c0ffee5157c0ffee5157c0ffee51";

pub fn gateway(
    store: &SqliteStore,
    cluster: &SimCluster,
    clock: &Arc<ManualClock>,
) -> (SimGopher, Arc<GatewaySwitch>, Arc<SecretBox>) {
    let gopher = SimGopher::new(GOPHER_KEY, "gopher.test", clock.clone());
    // The guests run Gopher's bootstrap against this gateway.
    cluster.set_guest_network(Arc::new(GuestBootstrap::new(gopher.clone())));
    let tunnels = Arc::new(GatewaySwitch::default());
    let url = url::Url::parse("https://gopher.sim.test/").expect("a URL");
    tunnels.switch_to(Some((Arc::new(gopher.client(GOPHER_KEY)), &url)));
    let secrets = Arc::new(SecretBox::new(
        Arc::new(store.clone()),
        Arc::new(AesGcmSecrets::new(&[7; 32])),
        clock.clone(),
    ));
    (gopher, tunnels, secrets)
}
