//! The `BakeStore` port on SQLite: `template_bakes`, one row per node × OS holding the slot as a
//! JSON document written in this file's own shape (domain types carry no serde).

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use sea_orm::{ActiveModelTrait, DbErr, EntityTrait, IntoActiveModel, QueryOrder};
use serde::{Deserialize, Serialize};

use super::SqliteStore;
use crate::domain::bootstrap::{BakePhase, BakeSlot, BakeStep, Outcome};
use crate::domain::cluster::NodeName;
use crate::domain::vmid::VmId;
use crate::ports::StoreError;
use crate::ports::bakes::BakeStore;

mod row {
    //! `template_bakes`: one row per node × OS.

    use sea_orm::entity::prelude::*;

    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "template_bakes")]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub node: String,
        #[sea_orm(primary_key, auto_increment = false)]
        pub os: String,
        pub phase: String,
        pub doc: String,
        pub updated_at: String,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

#[derive(Serialize, Deserialize)]
#[serde(tag = "phase", rename_all = "snake_case")]
enum PhaseDoc {
    Queued,
    Downloading { percent: u8 },
    Importing,
    Baking { step: String },
    Converting,
    Done { outcome: String },
    Failed { reason: String },
}

#[derive(Serialize, Deserialize)]
struct SlotDoc {
    node: String,
    os: String,
    run: String,
    force: bool,
    #[serde(flatten)]
    phase: PhaseDoc,
    vmid: Option<u32>,
    name: String,
    address: Option<std::net::Ipv4Addr>,
    task: Option<String>,
    iso: Option<String>,
    bake_version: u32,
    queued_at: DateTime<Utc>,
    updated_at: DateTime<Utc>,
    finished_at: Option<DateTime<Utc>>,
}

const STEPS: [(BakeStep, &str); 4] = [
    (BakeStep::Preparing, "preparing"),
    (BakeStep::InstallingAgent, "installing_agent"),
    (BakeStep::Cleaning, "cleaning"),
    (BakeStep::PoweringOff, "powering_off"),
];
const OUTCOMES: [(Outcome, &str); 3] = [
    (Outcome::Created, "created"),
    (Outcome::Skipped, "skipped"),
    (Outcome::Replaced, "replaced"),
];

fn corrupt(what: &str) -> StoreError {
    StoreError::Corrupt(format!("template bake {what}"))
}

fn to_doc(s: &BakeSlot) -> SlotDoc {
    let phase = match &s.phase {
        BakePhase::Queued => PhaseDoc::Queued,
        BakePhase::Downloading { percent } => PhaseDoc::Downloading { percent: *percent },
        BakePhase::Importing => PhaseDoc::Importing,
        BakePhase::Baking { step } => PhaseDoc::Baking {
            step: STEPS
                .iter()
                .find(|(k, _)| k == step)
                .map(|(_, w)| *w)
                .unwrap_or("preparing")
                .into(),
        },
        BakePhase::Converting => PhaseDoc::Converting,
        BakePhase::Done { outcome } => PhaseDoc::Done {
            outcome: OUTCOMES
                .iter()
                .find(|(k, _)| k == outcome)
                .map(|(_, w)| *w)
                .unwrap_or("created")
                .into(),
        },
        BakePhase::Failed { reason } => PhaseDoc::Failed { reason: reason.clone() },
    };
    SlotDoc {
        node: s.node.to_string(),
        os: s.os.clone(),
        run: s.run.to_string(),
        force: s.force,
        phase,
        vmid: s.vmid.map(|v| v.get()),
        name: s.name.clone(),
        address: s.address,
        task: s.task.clone(),
        iso: s.iso.clone(),
        bake_version: s.bake_version,
        queued_at: s.queued_at,
        updated_at: s.updated_at,
        finished_at: s.finished_at,
    }
}

fn from_doc(d: SlotDoc) -> Result<BakeSlot, StoreError> {
    let phase = match d.phase {
        PhaseDoc::Queued => BakePhase::Queued,
        PhaseDoc::Downloading { percent } => BakePhase::Downloading { percent },
        PhaseDoc::Importing => BakePhase::Importing,
        PhaseDoc::Baking { step } => BakePhase::Baking {
            step: STEPS
                .iter()
                .find(|(_, w)| *w == step)
                .map(|(k, _)| *k)
                .ok_or_else(|| corrupt("step"))?,
        },
        PhaseDoc::Converting => BakePhase::Converting,
        PhaseDoc::Done { outcome } => BakePhase::Done {
            outcome: OUTCOMES
                .iter()
                .find(|(_, w)| *w == outcome)
                .map(|(k, _)| *k)
                .ok_or_else(|| corrupt("outcome"))?,
        },
        PhaseDoc::Failed { reason } => BakePhase::Failed { reason },
    };
    Ok(BakeSlot {
        node: NodeName::parse(&d.node).map_err(|_| corrupt("node"))?,
        os: d.os,
        run: d.run.parse().map_err(|_| corrupt("run"))?,
        force: d.force,
        phase,
        vmid: d.vmid.map(VmId::new).transpose().map_err(|_| corrupt("vmid"))?,
        name: d.name,
        address: d.address,
        task: d.task,
        iso: d.iso,
        bake_version: d.bake_version,
        queued_at: d.queued_at,
        updated_at: d.updated_at,
        finished_at: d.finished_at,
    })
}

#[async_trait]
impl BakeStore for SqliteStore {
    async fn save_bake(&self, slot: &BakeSlot) -> Result<(), StoreError> {
        let doc = serde_json::to_string(&to_doc(slot)).map_err(|e| StoreError::Corrupt(e.to_string()))?;
        let model = row::Model {
            node: slot.node.to_string(),
            os: slot.os.clone(),
            phase: slot.phase.key().to_owned(),
            doc,
            updated_at: slot.updated_at.to_rfc3339(),
        };
        self.write(move |txn| {
            Box::pin(async move {
                let key = (model.node.clone(), model.os.clone());
                let exists = row::Entity::find_by_id(key).one(txn).await?.is_some();
                let active = model.into_active_model().reset_all();
                if exists {
                    active.update(txn).await?;
                } else {
                    active.insert(txn).await?;
                }
                Ok(())
            })
        })
        .await
    }

    async fn bakes(&self) -> Result<Vec<BakeSlot>, StoreError> {
        let rows = row::Entity::find()
            .order_by_asc(row::Column::Node)
            .order_by_asc(row::Column::Os)
            .all(self.reader())
            .await
            .map_err(|e: DbErr| StoreError::Unavailable(e.to_string()))?;
        rows.into_iter()
            .map(|m| from_doc(serde_json::from_str(&m.doc).map_err(|_| corrupt("document"))?))
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::ids::InstanceId;

    #[tokio::test]
    async fn every_phase_round_trips_and_a_node_os_keeps_one_slot() {
        let dir = tempfile::tempdir().unwrap();
        let store = SqliteStore::open(&dir.path().join("nimbus.db")).await.unwrap();
        let now = DateTime::from_timestamp(1_700_000_000, 0).unwrap();
        let node = NodeName::parse("pve1").unwrap();
        let mut slot = BakeSlot::queued(
            node,
            "debian-12",
            InstanceId::from_uuid(uuid::Uuid::from_u128(4)),
            true,
            1,
            now,
        );
        let phases = [
            BakePhase::Queued,
            BakePhase::Downloading { percent: 42 },
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
            BakePhase::Done {
                outcome: Outcome::Skipped,
            },
            BakePhase::Done {
                outcome: Outcome::Replaced,
            },
            BakePhase::Failed {
                reason: "checksum mismatch".into(),
            },
        ];
        slot.vmid = Some(VmId::new(9002).unwrap());
        slot.address = Some("127.0.3.9".parse().unwrap());
        slot.iso = Some("local:iso/nimbus-bake.iso".into());
        for phase in phases {
            slot.enter(phase, now);
            store.save_bake(&slot).await.unwrap();
            assert_eq!(store.bakes().await.unwrap(), vec![slot.clone()]);
        }
    }
}
