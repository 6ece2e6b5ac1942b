//! `Bakery`: what every step of a bake works on — the ports and settings shared with
//! provisioning, the bootstrap's own settings and store, and the little state parallel bakes
//! must agree on — with the helpers each step uses to record progress and wait.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use chrono::{DateTime, Utc};

use super::super::shared::Shared;
use super::bootstrap_settings::BootstrapSettings;
use crate::domain::bootstrap::{BakePhase, BakeSlot};
use crate::domain::upid::Upid;
use crate::ports::proxmox::{ExitStatus, TaskState};
use crate::ports::{BakeStore, TextFetch};

pub(super) struct Bakery {
    pub(super) shared: Arc<Shared>,
    pub(super) settings: BootstrapSettings,
    pub(super) bakes: Arc<dyn BakeStore>,
    pub(super) fetch: Arc<dyn TextFetch>,
    /// Whether a run is under way; runs publish a new generation when they end.
    pub(super) running: Mutex<bool>,
    pub(super) finished: tokio::sync::watch::Sender<u64>,
    /// Held from choosing a VMID to dispatching the create, so parallel bakes never pick the same.
    pub(super) vmids: tokio::sync::Mutex<()>,
    /// One download of a file per storage at a time (a shared storage is downloaded to once).
    pub(super) images: Mutex<HashMap<String, Arc<tokio::sync::Mutex<()>>>>,
    /// The running fan-out, so a test can stop it dead as a crash would.
    pub(super) task: Mutex<Option<tokio::task::AbortHandle>>,
    /// What the last finished run ended with.
    pub(super) last: Mutex<Vec<BakeSlot>>,
}

impl Bakery {
    pub(super) fn is_running(&self) -> bool {
        *self.running.lock().unwrap_or_else(|p| p.into_inner())
    }

    pub(super) async fn save(&self, slot: &BakeSlot) {
        if let Err(e) = self.bakes.save_bake(slot).await {
            tracing::error!(node = %slot.node, os = %slot.os, error = %e, "cannot record a template bake's progress");
        }
    }

    /// Moves the slot to `phase` and writes it.
    pub(super) async fn enter(&self, slot: &mut BakeSlot, phase: BakePhase) {
        slot.enter(phase, self.shared.ports.clock.now());
        self.save(slot).await;
    }

    pub(super) async fn pause(&self) {
        self.shared.ports.pace.pause(self.settings.poll).await;
    }

    pub(super) fn now(&self) -> DateTime<Utc> {
        self.shared.ports.clock.now()
    }

    /// Waits for a task until `limit` passes; the task's error text when it fails.
    pub(super) async fn wait_task(&self, upid: &Upid, limit: Duration) -> Result<(), String> {
        let deadline = self.now() + chrono::Duration::from_std(limit).unwrap_or(chrono::Duration::MAX);
        loop {
            match self.shared.proxmox().task_status(upid).await {
                Ok(st) => match st.state {
                    TaskState::Stopped(ExitStatus::Ok | ExitStatus::Warnings(_)) => return Ok(()),
                    TaskState::Stopped(ExitStatus::Error(text)) => return Err(text),
                    TaskState::Running => {}
                },
                Err(e) if e.is_transient() => {}
                Err(e) => return Err(e.to_string()),
            }
            if self.now() > deadline {
                return Err(format!(
                    "Proxmox task {upid} did not finish within {} s",
                    limit.as_secs()
                ));
            }
            self.pause().await;
        }
    }

    /// Marks the slots' pool reservations live for the IP reconcile, before any bake runs.
    pub(super) fn register(&self, slots: &[BakeSlot]) {
        self.shared.baking.lock().unwrap_or_else(|p| p.into_inner()).extend(
            slots
                .iter()
                .map(|s| (s.run, format!("template bake: {} on {}", s.name, s.node))),
        );
    }

    pub(super) fn end_run(&self) {
        *self.running.lock().unwrap_or_else(|p| p.into_inner()) = false;
        self.finished.send_modify(|g| *g += 1);
    }
}
