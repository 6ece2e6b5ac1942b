//! Where running provisions publish their state: one watch channel per provision, so any number
//! of waiters (a plain request, an NDJSON stream, server-sent events after a reload) follow the
//! same timeline without ever missing the latest state. Also holds, in memory only, the private
//! half of a generated key the owner chose not to keep, until it has been handed over once.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use tokio::sync::watch;

use crate::domain::ids::InstanceId;
use crate::ports::provisions::ProvisionRecord;

/// The latest state of one provision, shared.
pub type Snapshot = Arc<ProvisionRecord>;

#[derive(Default)]
pub struct Hub {
    runs: Mutex<HashMap<InstanceId, watch::Sender<Snapshot>>>,
    once: Mutex<HashMap<InstanceId, String>>,
}

impl Hub {
    /// Publishes a new state of the provision.
    pub fn publish(&self, record: &ProvisionRecord) {
        let snapshot = Arc::new(record.clone());
        let mut runs = self.runs.lock().unwrap_or_else(|p| p.into_inner());
        match runs.get(&record.id()) {
            Some(tx) => {
                tx.send_replace(snapshot);
            }
            None => {
                runs.insert(record.id(), watch::channel(snapshot).0);
            }
        }
    }

    /// Follows the provision while it runs; `None` when no run is in this process.
    pub fn subscribe(&self, id: InstanceId) -> Option<watch::Receiver<Snapshot>> {
        let runs = self.runs.lock().unwrap_or_else(|p| p.into_inner());
        runs.get(&id).map(watch::Sender::subscribe)
    }

    /// The run ended: waiters see the channel close after its last state.
    pub fn close(&self, id: InstanceId) {
        self.runs.lock().unwrap_or_else(|p| p.into_inner()).remove(&id);
    }

    /// Keeps a private key that is shown once.
    pub fn hold_once(&self, id: InstanceId, private_key: String) {
        self.once
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .insert(id, private_key);
    }

    /// Hands the private key over, forgetting it.
    pub fn take_once(&self, id: InstanceId) -> Option<String> {
        self.once.lock().unwrap_or_else(|p| p.into_inner()).remove(&id)
    }

    /// Forgets a private key nobody will receive (the provision failed).
    pub fn drop_once(&self, id: InstanceId) {
        self.take_once(id);
    }
}
