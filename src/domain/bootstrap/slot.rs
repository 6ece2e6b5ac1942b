//! One node × OS of a template bootstrap, as persisted: where its bake stands, what it holds on
//! the cluster (the VM, the pool address, the uploaded ISO, the task being waited on) and how it
//! ended. Everything a restart needs to resume or clean up is here; the service writes it before
//! every step it awaits.

use std::net::Ipv4Addr;

use chrono::{DateTime, Utc};

use crate::domain::cluster::NodeName;
use crate::domain::ids::InstanceId;
use crate::domain::vmid::VmId;

/// A step inside the bake, while the VM runs once with Nimbus's `cidata` ISO.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BakeStep {
    /// Reserving an address and uploading the `cidata` ISO.
    Preparing,
    /// Started; waiting for cloud-init to install the guest agent and the agent to answer.
    InstallingAgent,
    /// `cloud-init clean` through the agent, so clones run cloud-init afresh.
    Cleaning,
    /// `poweroff` through the agent; waiting for the VM to stop.
    PoweringOff,
}

/// Where a node × OS stands.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum BakePhase {
    Queued,
    /// Downloading the cloud image to the image storage.
    Downloading {
        percent: u8,
    },
    /// Creating the VM, importing the image as its disk.
    Importing,
    Baking {
        step: BakeStep,
    },
    /// Detaching the ISO, adding the cloud-init drive and tags, converting to a template.
    Converting,
    Done {
        outcome: Outcome,
    },
    Failed {
        reason: String,
    },
}

/// How a finished node × OS ended well.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    /// A new template was baked.
    Created,
    /// A healthy baked template was already there: nothing changed.
    Skipped,
    /// A new template replaced the old one (`--force` or Rebuild).
    Replaced,
}

impl BakeStep {
    pub fn words(self) -> &'static str {
        match self {
            BakeStep::Preparing => "preparing the bake (address and cidata ISO)",
            BakeStep::InstallingAgent => "installing the guest agent",
            BakeStep::Cleaning => "cleaning cloud-init state",
            BakeStep::PoweringOff => "powering off",
        }
    }
}

impl BakePhase {
    /// A stable key for APIs and storage.
    pub fn key(&self) -> &'static str {
        match self {
            BakePhase::Queued => "queued",
            BakePhase::Downloading { .. } => "downloading",
            BakePhase::Importing => "importing",
            BakePhase::Baking { .. } => "baking",
            BakePhase::Converting => "converting",
            BakePhase::Done { .. } => "done",
            BakePhase::Failed { .. } => "failed",
        }
    }

    /// Whether the run is over (well or not).
    pub fn is_finished(&self) -> bool {
        matches!(self, BakePhase::Done { .. } | BakePhase::Failed { .. })
    }

    /// How far the whole node × OS has come, 0–100.
    pub fn percent(&self) -> u8 {
        match self {
            BakePhase::Queued => 0,
            BakePhase::Downloading { percent } => 2 + (u16::from((*percent).min(100)) * 38 / 100) as u8,
            BakePhase::Importing => 45,
            BakePhase::Baking { step } => match step {
                BakeStep::Preparing => 50,
                BakeStep::InstallingAgent => 60,
                BakeStep::Cleaning => 85,
                BakeStep::PoweringOff => 90,
            },
            BakePhase::Converting => 95,
            BakePhase::Done { .. } | BakePhase::Failed { .. } => 100,
        }
    }

    /// The sentence an admin reads.
    pub fn words(&self) -> String {
        match self {
            BakePhase::Queued => "Queued".into(),
            BakePhase::Downloading { percent } => format!("Downloading the cloud image ({percent}%)"),
            BakePhase::Importing => "Creating the VM and importing the image".into(),
            BakePhase::Baking { step } => format!("Baking: {}", step.words()),
            BakePhase::Converting => "Converting to a template".into(),
            BakePhase::Done { outcome } => match outcome {
                Outcome::Created => "Baked".into(),
                Outcome::Skipped => "Already baked: nothing to do".into(),
                Outcome::Replaced => "Rebuilt: the new template replaced the old one".into(),
            },
            BakePhase::Failed { reason } => format!("Failed: {reason}"),
        }
    }
}

/// One node × OS of a bootstrap run.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BakeSlot {
    pub node: NodeName,
    pub os: String,
    /// The run's id: the bake marker in the VM's description and the owner of the pool address.
    pub run: InstanceId,
    /// Build a new template even when a healthy one exists, then swap it in.
    pub force: bool,
    pub phase: BakePhase,
    /// The VMID chosen for the new template, written before the VM is created.
    pub vmid: Option<VmId>,
    /// The name the VM is created with: `nimbus-<os>`, or `nimbus-<os>-next` while replacing.
    pub name: String,
    /// The pool address the bake boots with, held from reserve to release.
    pub address: Option<Ipv4Addr>,
    /// The UPID of the task being waited on.
    pub task: Option<String>,
    /// The uploaded `cidata` ISO's volume, removed when the bake ends.
    pub iso: Option<String>,
    /// The bake recipe's version this run bakes.
    pub bake_version: u32,
    pub queued_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub finished_at: Option<DateTime<Utc>>,
}

impl BakeSlot {
    /// A node × OS waiting its turn.
    pub fn queued(
        node: NodeName,
        os: &str,
        run: InstanceId,
        force: bool,
        bake_version: u32,
        now: DateTime<Utc>,
    ) -> Self {
        Self {
            node,
            os: os.to_owned(),
            run,
            force,
            phase: BakePhase::Queued,
            vmid: None,
            name: format!("nimbus-{os}"),
            address: None,
            task: None,
            iso: None,
            bake_version,
            queued_at: now,
            updated_at: now,
            finished_at: None,
        }
    }

    /// Moves to `phase` at `now`, stamping the end when it is final.
    pub fn enter(&mut self, phase: BakePhase, now: DateTime<Utc>) {
        if phase.is_finished() {
            self.finished_at = Some(now);
            self.task = None;
        }
        self.phase = phase;
        self.updated_at = now;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn progress_only_grows_along_the_way() {
        let path = [
            BakePhase::Queued,
            BakePhase::Downloading { percent: 0 },
            BakePhase::Downloading { percent: 50 },
            BakePhase::Downloading { percent: 100 },
            BakePhase::Importing,
            BakePhase::Baking {
                step: BakeStep::Preparing,
            },
            BakePhase::Baking {
                step: BakeStep::InstallingAgent,
            },
            BakePhase::Baking {
                step: BakeStep::Cleaning,
            },
            BakePhase::Baking {
                step: BakeStep::PoweringOff,
            },
            BakePhase::Converting,
            BakePhase::Done {
                outcome: Outcome::Created,
            },
        ];
        for pair in path.windows(2) {
            assert!(pair[0].percent() < pair[1].percent(), "{pair:?}");
        }
    }

    #[test]
    fn finishing_stamps_the_end_and_forgets_the_task() {
        let now = DateTime::from_timestamp(1_000, 0).unwrap();
        let node = NodeName::parse("pve1").unwrap();
        let mut slot = BakeSlot::queued(
            node,
            "debian-12",
            InstanceId::from_uuid(uuid::Uuid::nil()),
            false,
            1,
            now,
        );
        assert_eq!(slot.name, "nimbus-debian-12");
        slot.task = Some("UPID:x".into());
        slot.enter(BakePhase::Importing, now);
        assert_eq!(slot.finished_at, None);
        slot.enter(
            BakePhase::Failed {
                reason: "checksum mismatch".into(),
            },
            now,
        );
        assert_eq!(slot.finished_at, Some(now));
        assert_eq!(slot.task, None);
        assert_eq!(slot.phase.words(), "Failed: checksum mismatch");
    }
}
