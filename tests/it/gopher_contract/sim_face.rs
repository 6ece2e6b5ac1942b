//! The contract suite against the simulator's in-memory face: the port called straight over
//! the model, the guest's bootstrap run through `SimGopher::run_bootstrap`.

use std::sync::Arc;

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use nimbus::adapters::clock::ManualClock;
use nimbus::adapters::gopher::sim::{FaultId, GopherFault, SimGopher, SimGopherClient};
use nimbus::ports::tunnel_gateway::{CreatedMachine, TunnelGateway};

use super::{DOMAIN, Harness, KEY, contracts};

pub struct SimHarness {
    sim: SimGopher,
    client: SimGopherClient,
}

impl SimHarness {
    pub fn new() -> Self {
        let start: DateTime<Utc> = DateTime::from_timestamp(1_800_000_000, 0).expect("instant");
        let sim = SimGopher::new(KEY, DOMAIN, Arc::new(ManualClock::new(start)));
        let client = sim.client(KEY);
        Self { sim, client }
    }
}

#[async_trait]
impl Harness for SimHarness {
    fn gateway(&self) -> &dyn TunnelGateway {
        &self.client
    }

    fn with_key(&self, key: &str) -> Box<dyn TunnelGateway> {
        Box::new(self.sim.client(key))
    }

    async fn inject(&self, fault: GopherFault) -> FaultId {
        self.sim.inject(fault)
    }

    async fn clear(&self, id: FaultId) {
        self.sim.clear(id);
    }

    async fn run_bootstrap(&self, created: &CreatedMachine, name: &str) {
        self.sim
            .run_bootstrap(&created.bootstrap_url, name)
            .expect("the bootstrap URL is the gateway's");
    }
}

macro_rules! sim_tests {
    ($($module:ident :: $name:ident),* $(,)?) => {
        $(
            #[tokio::test]
            async fn $name() {
                let h = SimHarness::new();
                super::$module::$name(&h).await;
            }
        )*
    };
}

contracts!(sim_tests);

#[test]
fn the_simulator_reports_the_ssh_port_only_outside_the_api() {
    let h = SimHarness::new();
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("runtime");
    rt.block_on(async {
        let created = h.client.create_machine(true).await.expect("create");
        assert_eq!(
            h.sim.ssh_port(&created.machine.id),
            None,
            "no port before the bootstrap ran"
        );
        h.run_bootstrap(&created, "web").await;
        assert!(h.sim.ssh_port(&created.machine.id).is_some(), "a port once registered");
    });
}
