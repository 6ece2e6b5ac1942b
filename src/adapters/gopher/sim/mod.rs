//! The Gopher simulator: one model of a gateway (`model.rs`: machines, tunnels, subdomains, API
//! keys) with two faces. The in-memory face (`face.rs`, [`SimGopherClient`]) implements the
//! `TunnelGateway` port directly; the HTTP face (`http_face.rs`, [`GopherHttpFace`]) speaks
//! Gopher's external API v1 on loopback and serves each machine's bootstrap script. Faults
//! (`faults.rs`) make it go down, slow, fail with 500s, keep machines pending or hold a subdomain.
//!
//! A machine connects only when its bootstrap runs: over HTTP, when the bootstrap URL is fetched;
//! in memory, through [`SimGopher::run_bootstrap`], or inside a simulated Proxmox guest whose
//! network is a [`GuestBootstrap`] (`guest_bootstrap.rs`) over this gateway.

mod face;
mod faults;
mod guest_bootstrap;
mod http_face;
mod model;
mod routes;

use std::sync::{Arc, Mutex, MutexGuard, PoisonError};

pub use face::SimGopherClient;
pub use faults::{FaultId, GopherFault};
pub use guest_bootstrap::GuestBootstrap;
pub use http_face::GopherHttpFace;

use crate::ports::Clock;
use crate::ports::tunnel_gateway::{BootstrapUrl, Machine, MachineId};
use model::Model;

/// The domain the simulated gateway publishes under unless told otherwise (`.test` never
/// resolves).
pub const DEFAULT_DOMAIN: &str = "gopher.test";

/// A simulated Gopher gateway. Cheap to clone: clones share the model.
#[derive(Clone)]
pub struct SimGopher {
    model: Arc<Mutex<Model>>,
    clock: Arc<dyn Clock>,
}

impl SimGopher {
    /// A gateway with no machines, accepting `api_key`, publishing under `domain`.
    pub fn new(api_key: impl Into<String>, domain: impl Into<String>, clock: Arc<dyn Clock>) -> Self {
        Self {
            model: Arc::new(Mutex::new(Model::new(api_key.into(), domain.into()))),
            clock,
        }
    }

    /// A random API key of 32 hex digits.
    pub fn random_key() -> String {
        let mut bytes = [0u8; 16];
        getrandom::fill(&mut bytes).expect("the operating system has no randomness to give");
        bytes.iter().map(|b| format!("{b:02x}")).collect()
    }

    /// The in-memory face, calling with `api_key`.
    pub fn client(&self, api_key: impl Into<String>) -> SimGopherClient {
        SimGopherClient::new(self.clone(), api_key.into())
    }

    /// The first API key the gateway accepts.
    pub fn api_key(&self) -> String {
        self.lock().keys[0].clone()
    }

    pub fn domain(&self) -> String {
        self.lock().domain.clone()
    }

    pub fn inject(&self, fault: GopherFault) -> FaultId {
        self.lock().faults.inject(fault)
    }

    pub fn clear(&self, id: FaultId) {
        self.lock().faults.clear(id);
    }

    /// Clears every fault.
    pub fn heal(&self) {
        self.lock().faults.heal();
    }

    /// The guest ran `url`'s bootstrap script as machine `name`: its machine registers and,
    /// unless a `NeverConnects` fault holds it, connects. Returns the machine, or `None` when the
    /// URL is not one this gateway gave out.
    pub fn run_bootstrap(&self, url: &BootstrapUrl, name: &str) -> Option<Machine> {
        let token = url.expose().rsplit('/').next().unwrap_or_default();
        self.lock().run_bootstrap(token, name, None).map(|m| m.view())
    }

    /// The name `id` registered under when its bootstrap ran (`GOPHER_MACHINE_NAME`).
    pub fn machine_name(&self, id: &MachineId) -> Option<String> {
        self.with_machine(id, |m| m.name.clone())
    }

    /// The SSH user `id`'s bootstrap registered (`GOPHER_SSH_USER`), when it said one.
    pub fn machine_user(&self, id: &MachineId) -> Option<String> {
        self.with_machine(id, |m| m.ssh_user.clone())
    }

    /// Every machine, for tests' invariants (no fault, no key).
    pub fn machine_ids(&self) -> Vec<MachineId> {
        self.lock().machines.values().map(|m| m.id.clone()).collect()
    }

    /// The gateway port given to `id`'s SSH back-tunnel once its bootstrap ran. Gopher's API
    /// never reports it; its bootstrap script prints it inside the guest.
    pub fn ssh_port(&self, id: &MachineId) -> Option<u16> {
        self.with_machine(id, |m| m.ssh_port)
    }

    fn with_machine<T>(&self, id: &MachineId, f: impl FnOnce(&model::SimMachine) -> Option<T>) -> Option<T> {
        self.lock().machines.values().find(|m| &m.id == id).and_then(f)
    }

    fn set_base_url(&self, base: String) {
        self.lock().base_url = base;
    }

    fn lock(&self) -> MutexGuard<'_, Model> {
        self.model.lock().unwrap_or_else(PoisonError::into_inner)
    }

    fn now(&self) -> chrono::DateTime<chrono::Utc> {
        self.clock.now()
    }
}
