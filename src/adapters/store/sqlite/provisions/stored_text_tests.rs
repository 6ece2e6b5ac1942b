//! Records written by earlier versions still read back: the failure code and the drift are kept
//! as the same text they always were, and each stored text reads as the value it names.

use sea_orm::{ConnectionTrait, Statement};
use uuid::Uuid;

use super::tests::{fresh, record, t0};
use crate::adapters::store::sqlite::SqliteStore;
use crate::domain::ids::{InstanceId, UserId};
use crate::domain::provisioning::{Drift, Event, FailureCode};
use crate::ports::provisions::{ProvisionRecord, ProvisionStore};

/// Rewrites one field of the stored document as `text`, the way an older version left it.
async fn store_as(store: &SqliteStore, id: InstanceId, field: &str, text: &str) {
    let db = store.writer();
    let sql = format!("UPDATE provisions SET state = json_set(state, '$.{field}', ?) WHERE id = ?");
    let done = db
        .execute_raw(Statement::from_sql_and_values(
            db.get_database_backend(),
            sql,
            [text.into(), id.to_string().into()],
        ))
        .await
        .unwrap();
    assert_eq!(done.rows_affected(), 1);
}

async fn failed_record(store: &SqliteStore) -> ProvisionRecord {
    let mut r = record("web-1", UserId::from_uuid(Uuid::new_v4()), None);
    let reason = "Nimbus could not build the machine.".to_owned();
    r.provision.apply(Event::StepFailed { reason }, t0()).unwrap();
    store.create_provision(&r, None).await.unwrap();
    r
}

#[tokio::test]
async fn a_failure_code_stored_as_text_by_an_earlier_version_reads_back_as_that_code() {
    let (_d, store) = fresh().await;
    let r = failed_record(&store).await;
    for (text, code) in [
        ("provision_failed", FailureCode::ProvisionFailed),
        ("no_capacity", FailureCode::NoCapacity),
        ("pool_exhausted", FailureCode::PoolExhausted),
        ("no_template", FailureCode::NoTemplate),
        ("key_not_saved", FailureCode::KeyNotSaved),
    ] {
        store_as(&store, r.id(), "failure_code", text).await;
        let back = store.get_provision(r.id()).await.unwrap().unwrap();
        assert_eq!(back.failure_code, Some(code), "stored as {text}");
    }
}

#[tokio::test]
async fn a_failure_code_is_written_as_the_text_earlier_versions_wrote() {
    let (_d, store) = fresh().await;
    let mut r = failed_record(&store).await;
    r.failure_code = Some(FailureCode::PoolExhausted);
    store.save_provision(&r).await.unwrap();
    let db = store.reader();
    let row = db
        .query_one_raw(Statement::from_sql_and_values(
            db.get_database_backend(),
            "SELECT json_extract(state, '$.failure_code') FROM provisions WHERE id = ?",
            [r.id().to_string().into()],
        ))
        .await
        .unwrap()
        .unwrap();
    assert_eq!(row.try_get_by_index::<String>(0).unwrap(), "pool_exhausted");
}

#[tokio::test]
async fn an_unknown_stored_failure_code_reads_as_the_generic_one_instead_of_breaking_the_record() {
    let (_d, store) = fresh().await;
    let r = failed_record(&store).await;
    store_as(&store, r.id(), "failure_code", "disk_on_fire").await;
    let back = store.get_provision(r.id()).await.unwrap().unwrap();
    assert_eq!(back.failure_code, Some(FailureCode::ProvisionFailed));
}

#[tokio::test]
async fn a_drift_stored_as_text_by_an_earlier_version_reads_back_as_that_drift() {
    let (_d, store) = fresh().await;
    let r = failed_record(&store).await;
    for (text, drift) in [
        ("vanished", Drift::Vanished),
        ("address_changed", Drift::AddressChanged),
    ] {
        store_as(&store, r.id(), "drift", text).await;
        let back = store.get_provision(r.id()).await.unwrap().unwrap();
        assert_eq!(back.drift, Some(drift), "stored as {text}");
    }
    store_as(&store, r.id(), "drift", "melted").await;
    let back = store.get_provision(r.id()).await.unwrap().unwrap();
    assert_eq!(
        back.drift, None,
        "an unknown drift reads as none; the next pass marks it again"
    );
}
