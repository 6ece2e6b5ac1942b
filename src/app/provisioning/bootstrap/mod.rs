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
//! `Bootstrap` (here) is the service; its steps are functions over the `Bakery` (`bakery.rs`):
//! `run.rs` (starting, the fan-out, recovery), `bake.rs` (one node × OS, cleanup), `image.rs`
//! (the cloud image and the VM), `guest.rs` (the boot with the ISO, through the agent),
//! `finish.rs` (converting, swapping, retiring) and `view.rs` (what Admin → Templates shows).
//! `request.rs`, `status.rs`, `cell_state.rs`, `bootstrap_settings.rs` and `image_source.rs`
//! hold the values; `template_retirement.rs` the job that retires replaced templates.

mod bake;
mod bakery;
mod bootstrap_settings;
mod cell_state;
mod finish;
mod guest;
mod image;
mod image_source;
mod request;
mod run;
mod status;
mod template_retirement;
mod view;

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

pub use bootstrap_settings::BootstrapSettings;
pub use cell_state::CellState;
pub use image_source::ImageSource;
pub use request::{BootstrapAccepted, BootstrapError, BootstrapRequest, QueuedSlot};
pub use status::{BootstrapStatus, NodeRow, OsColumn, TemplateCell};
pub use template_retirement::TemplateRetirement;

use self::bakery::Bakery;
use super::shared::Shared;
use crate::app::accounts::Caller;
use crate::domain::bootstrap::BakeSlot;
use crate::domain::vmid::VmId;
use crate::ports::{BakeStore, TextFetch};

/// The bootstrap service; one run at a time.
pub struct Bootstrap {
    bakery: Arc<Bakery>,
}

impl Bootstrap {
    pub fn new(
        shared: Arc<Shared>,
        settings: BootstrapSettings,
        bakes: Arc<dyn BakeStore>,
        fetch: Arc<dyn TextFetch>,
    ) -> Self {
        Self {
            bakery: Arc::new(Bakery {
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
            }),
        }
    }

    /// Checks the request, queues its node × OS slots and starts baking them in the background.
    /// `caller` is `None` for the command line. Nothing changes when it is refused.
    pub async fn start(
        &self,
        caller: Option<&Caller>,
        request: BootstrapRequest,
    ) -> Result<BootstrapAccepted, BootstrapError> {
        run::start(&self.bakery, caller, request).await
    }

    /// Cleans up the bakes a restart interrupted and runs them again. Returns how many.
    pub async fn recover(&self) -> Result<usize, BootstrapError> {
        run::recover(&self.bakery).await
    }

    /// Every node × OS with its template and its last bake.
    pub async fn status(&self) -> Result<BootstrapStatus, BootstrapError> {
        view::status(&self.bakery).await
    }

    /// Destroys every retired template nothing depends on any more; returns how many, and the
    /// ones kept.
    pub async fn retire_pending(&self) -> (usize, Vec<VmId>) {
        finish::retire_pending(&self.bakery).await
    }

    /// Whether a run is under way.
    pub fn is_running(&self) -> bool {
        self.bakery.is_running()
    }

    /// Waits until no run is under way.
    pub async fn wait_idle(&self) {
        let mut rx = self.bakery.finished.subscribe();
        while self.is_running() {
            if rx.changed().await.is_err() {
                return;
            }
        }
    }

    /// The node × OS slots the last finished run ended with, and its one-line summary.
    pub fn last_run(&self) -> (Vec<BakeSlot>, String) {
        let last = self.bakery.last.lock().unwrap_or_else(|p| p.into_inner()).clone();
        let line = run::summary(&last);
        (last, line)
    }

    /// Whether a cluster is configured (the job has nothing to do without one).
    pub fn has_cluster(&self) -> bool {
        self.bakery.shared.configured_proxmox().is_some()
    }

    /// Stops the running bakes where they are, without cleaning up: what `kill -9` does to a
    /// process. For tests of recovery; the next `recover` on a new service picks them up.
    pub fn halt(&self) {
        if let Some(task) = self.bakery.task.lock().unwrap_or_else(|p| p.into_inner()).take() {
            task.abort();
        }
    }
}
