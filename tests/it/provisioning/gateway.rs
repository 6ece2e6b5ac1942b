//! The simulated Gopher gateway of a simulation: its in-memory face is the gateway every
//! provisioner of the simulation uses, with a secret box over the simulation's database.

use std::sync::Arc;

use nimbus::adapters::clock::ManualClock;
use nimbus::adapters::gopher::sim::SimGopher;
use nimbus::adapters::secrets::AesGcmSecrets;
use nimbus::adapters::store::sqlite::SqliteStore;
use nimbus::app::gateway_switch::GatewaySwitch;
use nimbus::app::secrets::SecretBox;

/// The simulated gateway's API key.
const GOPHER_KEY: &str = "5157c0ffee5157c0ffee5157c0ffee51";

pub fn gateway(store: &SqliteStore, clock: &Arc<ManualClock>) -> (SimGopher, Arc<GatewaySwitch>, Arc<SecretBox>) {
    let gopher = SimGopher::new(GOPHER_KEY, "gopher.test", clock.clone());
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
