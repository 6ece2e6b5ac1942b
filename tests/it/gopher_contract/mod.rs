//! Contract tests for the `TunnelGateway` port: what any face of a Gopher gateway must do,
//! written once against a `Harness` and run by the simulator's in-memory face (`sim_face`) and
//! by the production HTTP adapter talking to the simulator's HTTP face (`http_face`).
//!
//! Nothing here reaches the simulator except through `Harness` and the fault type, so the same
//! functions run unchanged over HTTP.

mod faults;
mod http_face;
mod machines;
mod sim_face;
mod tunnels;

use async_trait::async_trait;
use nimbus::adapters::gopher::sim::{FaultId, GopherFault};
use nimbus::ports::tunnel_gateway::{
    CreatedMachine, GatewayError, GatewayResult, MachineStatus, TunnelGateway, TunnelRequest,
};

/// The API key every harness's gateway accepts.
pub const KEY: &str = "contract-test-key-0123456789abcdef";
/// The domain every harness's gateway publishes under.
pub const DOMAIN: &str = "tunnels.test";

/// A gateway face under test plus the knobs a test needs.
#[async_trait]
pub trait Harness: Send + Sync {
    /// The gateway, called with [`KEY`].
    fn gateway(&self) -> &dyn TunnelGateway;
    /// The same gateway called with another key.
    fn with_key(&self, key: &str) -> Box<dyn TunnelGateway>;
    async fn inject(&self, fault: GopherFault) -> FaultId;
    async fn clear(&self, id: FaultId);
    /// The guest runs `created`'s bootstrap as machine `name`.
    async fn run_bootstrap(&self, created: &CreatedMachine, name: &str);
}

macro_rules! contracts {
    ($face:ident) => {
        $face! {
            machines::a_new_machine_is_pending_with_a_bootstrap_url_shown_once,
            machines::running_the_bootstrap_connects_the_machine,
            machines::listing_machines_follows_every_page,
            machines::an_unknown_machine_is_not_found,
            machines::deleting_a_machine_removes_its_tunnels_and_a_second_delete_is_done,
            tunnels::a_tunnel_on_a_connected_machine_is_active_at_its_subdomain,
            tunnels::a_plain_tunnel_is_served_over_http,
            tunnels::a_tunnel_needs_a_connected_machine,
            tunnels::a_subdomain_in_use_is_a_conflict_naming_the_field,
            tunnels::subdomain_check_says_whether_it_is_free,
            tunnels::listing_tunnels_follows_every_page,
            tunnels::deleting_a_tunnel_keeps_its_machine_and_a_second_delete_is_done,
            faults::a_gateway_that_is_down_is_unavailable_until_it_is_back,
            faults::a_wrong_key_is_unauthorized_everywhere,
            faults::a_server_error_is_a_failure_in_gopher_s_words,
            faults::a_machine_that_never_connects_stays_pending,
            faults::a_subdomain_taken_by_someone_else_is_a_conflict,
            faults::a_slow_gateway_still_answers,
        }
    };
}
pub(crate) use contracts;

pub fn expect_err<T: std::fmt::Debug>(result: GatewayResult<T>, what: &str) -> GatewayError {
    match result {
        Ok(v) => panic!("{what}: expected an error, got {v:?}"),
        Err(e) => e,
    }
}

/// A machine made with public SSH whose bootstrap ran: connected.
pub async fn connected(h: &dyn Harness, name: &str) -> CreatedMachine {
    let created = h.gateway().create_machine(true).await.expect("create machine");
    h.run_bootstrap(&created, name).await;
    let machine = h.gateway().machine(&created.machine.id).await.expect("get machine");
    assert_eq!(machine.status, MachineStatus::Connected, "{name} connected");
    created
}

pub fn https(created: &CreatedMachine, subdomain: &str, port: u16) -> TunnelRequest {
    TunnelRequest {
        machine_id: created.machine.id.clone(),
        subdomain: Some(subdomain.into()),
        target_port: port,
        private: false,
        tls: true,
    }
}
