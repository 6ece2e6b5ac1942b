//! The template bootstrap: from a bare cluster to the catalogue's OS templates with the guest
//! agent baked in. For each online node (bounded parallelism) and each OS, a bake downloads the
//! cloud image with checksum verification (or reuses it), creates a VM importing it, boots it
//! once with Nimbus's own `cidata` ISO (static pool address; cloud-init installs the agent),
//! cleans and powers it off through the agent, adds the cloud-init drive and tags, and converts
//! it to a template. A healthy baked template is skipped; `force` builds `nimbus-<os>-next` and
//! swaps it in, retiring the old one once nothing depends on it.
//!
//! Every step is written to the node × OS's slot (`BakeStore`) before it is awaited; after a
//! restart an interrupted bake is cleaned up (its VM, found by its bake marker, destroyed; its
//! address released) and run again.
//!
//! Files: `request.rs` (what is asked, refusals), `status.rs` (what Admin → Templates shows),
//! `settings.rs`, `run.rs` (the fan-out and recovery), `bake.rs` (one node × OS), `image.rs`
//! (the cloud image), `guest.rs` (the boot with the ISO, through the agent), `finish.rs`
//! (converting, swapping, retiring) and `view.rs` (building the status).

mod bake;
mod finish;
mod guest;
mod image;
mod request;
mod run;
mod settings;
mod status;
mod view;

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

pub use finish::TemplateRetirement;
pub use request::{BootstrapAccepted, BootstrapError, BootstrapRequest, QueuedSlot};
pub use settings::{BootstrapSettings, ImageSource};
pub use status::{BootstrapStatus, CellState, NodeRow, OsColumn, TemplateCell};

use super::shared::Shared;
use crate::ports::{BakeStore, TextFetch};

/// The bootstrap service; one run at a time.
pub struct Bootstrap {
    shared: Arc<Shared>,
    settings: BootstrapSettings,
    bakes: Arc<dyn BakeStore>,
    fetch: Arc<dyn TextFetch>,
    /// Whether a run is under way; runs publish a new generation when they end.
    running: Mutex<bool>,
    finished: tokio::sync::watch::Sender<u64>,
    /// Held from choosing a VMID to dispatching the create, so parallel bakes never pick the same.
    vmids: tokio::sync::Mutex<()>,
    /// One download of a file per storage at a time (a shared storage is downloaded to once).
    images: Mutex<HashMap<String, Arc<tokio::sync::Mutex<()>>>>,
    /// The running fan-out, so a test can stop it dead as a crash would.
    task: Mutex<Option<tokio::task::AbortHandle>>,
    /// What the last finished run ended with.
    last: Mutex<Vec<crate::domain::bootstrap::BakeSlot>>,
}

impl Bootstrap {
    pub fn new(
        shared: Arc<Shared>,
        settings: BootstrapSettings,
        bakes: Arc<dyn BakeStore>,
        fetch: Arc<dyn TextFetch>,
    ) -> Self {
        Self {
            shared,
            settings,
            bakes,
            fetch,
            running: Mutex::new(false),
            finished: tokio::sync::watch::channel(0).0,
            vmids: tokio::sync::Mutex::new(()),
            images: Mutex::new(HashMap::new()),
            task: Mutex::new(None),
            last: Mutex::new(Vec::new()),
        }
    }

    /// Stops the running bakes where they are, without cleaning up: what `kill -9` does to a
    /// process. For tests of recovery; the next `recover` on a new service picks them up.
    pub fn halt(&self) {
        if let Some(task) = self.task.lock().unwrap_or_else(|p| p.into_inner()).take() {
            task.abort();
        }
    }

    /// Whether a run is under way.
    pub fn is_running(&self) -> bool {
        *self.running.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Waits until no run is under way.
    pub async fn wait_idle(&self) {
        let mut rx = self.finished.subscribe();
        while self.is_running() {
            if rx.changed().await.is_err() {
                return;
            }
        }
    }
}
