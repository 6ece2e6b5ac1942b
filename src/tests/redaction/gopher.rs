//! Samples of the Gopher types that carry a secret (the API key, a bootstrap URL), each with the
//! secret planted.

use std::sync::Arc;

use super::{SECRET, secret};
use crate::adapters::clock::ManualClock;
use crate::adapters::gopher::http::HttpGopherOptions;
use crate::adapters::gopher::sim::SimGopher;
use crate::app::cli::SimGopherArgs;
use crate::ports::tunnel_gateway::{BootstrapUrl, CreatedMachine, Machine, MachineId, MachineStatus};

pub(super) fn samples() -> Vec<(&'static str, String)> {
    let url = BootstrapUrl::new(format!("https://router.gopher.test/bootstrap/{SECRET}"));
    let created = CreatedMachine {
        machine: Machine {
            id: MachineId("a1b2c3d4e5f6a7b8".into()),
            status: MachineStatus::Pending,
            public_ssh: true,
            error: None,
            created_at: None,
        },
        bootstrap_url: url.clone(),
    };
    let sim = SimGopher::new(secret(), "gopher.test", Arc::new(ManualClock::new(super::at())));
    vec![
        ("BootstrapUrl", format!("{url:?}")),
        ("CreatedMachine", format!("{created:?}")),
        (
            "HttpGopherOptions",
            format!(
                "{:?}",
                HttpGopherOptions::new("https://router.gopher.test".parse().unwrap(), secret())
            ),
        ),
        ("SimGopherClient", format!("{:?}", sim.client(secret()))),
        (
            "SimGopherArgs",
            format!(
                "{:?}",
                SimGopherArgs {
                    listen: "127.0.0.1:8090".parse().unwrap(),
                    key: Some(secret()),
                    domain: "gopher.test".into(),
                }
            ),
        ),
    ]
}
