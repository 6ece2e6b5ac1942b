//! The GPU job store on a real SQLite file: numbering and FIFO claims, one job per worker and never
//! one job to two workers, the queued limit checked in the write, moves refused without change,
//! chunks kept once and read back in order, leases expired and logs pruned.

use std::sync::Arc;

use chrono::{DateTime, Duration, Utc};
use uuid::Uuid;

use crate::adapters::store::sqlite::SqliteStore;
use crate::domain::gpu_queue::{
    HeartbeatReply, JobSpec, JobState, LeaseOutcome, QueueError, QueueLimits, ReportEffect, RunOutcome, WorkerId,
};
use crate::domain::ids::UserId;
use crate::ports::gpu_jobs::{GpuJobStore, GpuStoreError};

fn t(s: i64) -> DateTime<Utc> {
    DateTime::from_timestamp(1_800_000_000 + s, 0).unwrap()
}

fn spec(word: &str) -> JobSpec {
    JobSpec::new(
        "pytorch/pytorch:2.4",
        &["python".into(), word.into()],
        &[("SEED".into(), "7".into())],
    )
    .unwrap()
}

fn worker(name: &str) -> WorkerId {
    WorkerId::parse(name).unwrap()
}

async fn fresh() -> (tempfile::TempDir, SqliteStore) {
    let dir = tempfile::tempdir().unwrap();
    let store = SqliteStore::open(&dir.path().join("nimbus.db")).await.unwrap();
    (dir, store)
}

fn limits() -> QueueLimits {
    QueueLimits::new(10, 5).unwrap()
}

const LEASE: i64 = 60;

#[tokio::test]
async fn jobs_are_numbered_claimed_first_in_first_out_and_read_back_whole() {
    let (_d, store) = fresh().await;
    let (ada, bob) = (UserId::from_uuid(Uuid::new_v4()), UserId::from_uuid(Uuid::new_v4()));
    let a = store.enqueue(ada, spec("a"), None, limits(), t(0)).await.unwrap();
    let b = store.enqueue(bob, spec("b"), None, limits(), t(0)).await.unwrap();
    let c = store.enqueue(ada, spec("c"), None, limits(), t(1)).await.unwrap();
    assert!(a.id < b.id && b.id < c.id);
    assert_eq!(
        store.job(b.id).await.unwrap().unwrap(),
        b,
        "a job reads back as it was stored"
    );
    let mine: Vec<_> = store.jobs(Some(ada)).await.unwrap().iter().map(|j| j.id).collect();
    assert_eq!(mine, [c.id, a.id], "newest first, only the owner's");
    assert_eq!(store.jobs(None).await.unwrap().len(), 3);

    let gx = worker("gx10-a");
    let first = store
        .claim(&gx, limits(), t(2), Duration::seconds(LEASE))
        .await
        .unwrap()
        .unwrap();
    assert_eq!(first.id, a.id);
    assert_eq!(first.spec.command(), ["python", "a"]);
    assert!(matches!(
        store.claim(&gx, limits(), t(2), Duration::seconds(LEASE)).await,
        Err(GpuStoreError::Refused(QueueError::WorkerBusy { .. }))
    ));
    let second = store
        .claim(&worker("gx10-b"), limits(), t(3), Duration::seconds(LEASE))
        .await
        .unwrap()
        .unwrap();
    assert_eq!(second.id, b.id);
}

#[tokio::test]
async fn two_workers_claiming_at_once_never_get_the_same_job() {
    let (_d, store) = fresh().await;
    let store = Arc::new(store);
    let owner = UserId::from_uuid(Uuid::new_v4());
    for n in 0..8 {
        store
            .enqueue(
                owner,
                spec(&n.to_string()),
                None,
                QueueLimits::new(20, 20).unwrap(),
                t(n),
            )
            .await
            .unwrap();
    }
    let mut handles = Vec::new();
    for n in 0..8 {
        let store = store.clone();
        handles.push(tokio::spawn(async move {
            let w = worker(&format!("w{n}"));
            store
                .claim(&w, QueueLimits::new(20, 20).unwrap(), t(10), Duration::seconds(LEASE))
                .await
                .unwrap()
        }));
    }
    let mut ids = Vec::new();
    for h in handles {
        ids.push(h.await.unwrap().unwrap().id);
    }
    ids.sort();
    ids.dedup();
    assert_eq!(ids.len(), 8, "every worker got its own job");
}

#[tokio::test]
async fn the_queued_limit_is_checked_in_the_write_and_a_refused_move_changes_nothing() {
    let (_d, store) = fresh().await;
    let owner = UserId::from_uuid(Uuid::new_v4());
    let tight = QueueLimits::new(1, 1).unwrap();
    let job = store.enqueue(owner, spec("a"), None, tight, t(0)).await.unwrap();
    assert!(matches!(
        store.enqueue(owner, spec("b"), None, tight, t(0)).await,
        Err(GpuStoreError::Refused(QueueError::TooManyQueued { limit: 1 }))
    ));
    assert_eq!(store.jobs(Some(owner)).await.unwrap().len(), 1);
    let before = store.job(job.id).await.unwrap();
    assert!(
        store
            .heartbeat(job.id, &worker("w"), t(1), Duration::seconds(LEASE))
            .await
            .is_err()
    );
    assert_eq!(store.job(job.id).await.unwrap(), before);
    assert!(matches!(
        store.cancel(crate::domain::gpu_queue::JobId(999), t(1)).await,
        Err(GpuStoreError::NoSuchJob(_))
    ));
}

#[tokio::test]
async fn a_chunk_posted_twice_is_kept_once_and_chunks_read_back_in_order() {
    let (_d, store) = fresh().await;
    let owner = UserId::from_uuid(Uuid::new_v4());
    let job = store.enqueue(owner, spec("a"), None, limits(), t(0)).await.unwrap();
    let w = worker("w");
    assert!(matches!(
        store.append_log(job.id, &w, 0, b"early", 1 << 20).await,
        Err(GpuStoreError::Refused(QueueError::NotRunning { .. }))
    ));
    store.claim(&w, limits(), t(1), Duration::seconds(LEASE)).await.unwrap();
    let first = store.append_log(job.id, &w, 0, b"epoch 1\n", 1 << 20).await.unwrap();
    assert_eq!((first.next_seq, first.kept), (1, true));
    let again = store.append_log(job.id, &w, 0, b"epoch 1\n", 1 << 20).await.unwrap();
    assert_eq!(
        (again.next_seq, again.kept),
        (1, false),
        "a retried post is not kept twice"
    );
    let ahead = store.append_log(job.id, &w, 2, b"epoch 3\n", 1 << 20).await.unwrap();
    assert_eq!((ahead.next_seq, ahead.kept), (1, true), "chunk 1 is still missing");
    let gap = store
        .append_log(job.id, &w, 1, &[b'e', 0xff, b'\n'], 1 << 20)
        .await
        .unwrap();
    assert_eq!(gap.next_seq, 3);
    let chunks = store.log_chunks(job.id, 0).await.unwrap();
    let bytes: Vec<u8> = chunks.iter().flat_map(|(_, b)| b.clone()).collect();
    assert_eq!(bytes, b"epoch 1\ne\xff\nepoch 3\n".to_vec(), "raw bytes, in order");
    assert!(matches!(
        store.append_log(job.id, &worker("other"), 3, b"x", 1 << 20).await,
        Err(GpuStoreError::Refused(QueueError::NotYourJob { .. }))
    ));
    // The cap counts the bytes as sent (19 so far), not their text view.
    assert!(matches!(
        store.append_log(job.id, &w, 3, &[b'x'; 2], 20).await,
        Err(GpuStoreError::LogCapReached { cap: 20, .. })
    ));
    assert!(store.append_log(job.id, &w, 3, b"x", 20).await.unwrap().kept);
    // The job's document counts the raw bytes; the output itself lives only in its chunks.
    let tail = store.job(job.id).await.unwrap().unwrap().log;
    assert_eq!(tail.total_bytes(), 20);
    assert!(!tail.text().contains("epoch"), "{:?}", tail.text());
    assert_eq!(
        store
            .report(job.id, &w, RunOutcome::Exited { code: 0 }, None, t(5))
            .await
            .unwrap(),
        ReportEffect::Recorded
    );
    let late = store.append_log(job.id, &w, 4, b"late", 1 << 20).await.unwrap();
    assert!(!late.kept, "output after the end is not kept");
}

#[tokio::test]
async fn an_expired_lease_requeues_once_then_fails_and_old_logs_are_pruned() {
    let (_d, store) = fresh().await;
    let owner = UserId::from_uuid(Uuid::new_v4());
    let job = store.enqueue(owner, spec("a"), None, limits(), t(0)).await.unwrap();
    let w = worker("w");
    store.claim(&w, limits(), t(1), Duration::seconds(LEASE)).await.unwrap();
    store.append_log(job.id, &w, 0, b"hello\n", 1 << 20).await.unwrap();
    assert!(store.expire_leases(t(30)).await.unwrap().is_empty());
    assert_eq!(
        store
            .heartbeat(job.id, &w, t(30), Duration::seconds(LEASE))
            .await
            .unwrap(),
        HeartbeatReply::Continue
    );
    assert_eq!(
        store.expire_leases(t(91)).await.unwrap(),
        [(job.id, LeaseOutcome::Requeued)]
    );
    assert_eq!(store.job(job.id).await.unwrap().unwrap().state, JobState::Queued);
    store
        .claim(&worker("v"), limits(), t(92), Duration::seconds(LEASE))
        .await
        .unwrap()
        .unwrap();
    // The second run numbers its chunks from 0 again; they follow the first run's and the note.
    let kept = store
        .append_log(job.id, &worker("v"), 0, b"again\n", 1 << 20)
        .await
        .unwrap();
    assert_eq!((kept.next_seq, kept.kept), (1, true));
    let whole: Vec<u8> = store
        .log_chunks(job.id, 0)
        .await
        .unwrap()
        .into_iter()
        .flat_map(|(_, b)| b)
        .collect();
    assert_eq!(
        String::from_utf8(whole).unwrap(),
        "hello\n[nimbus] worker w stopped answering; job re-queued\nagain\n"
    );
    assert_eq!(
        store.expire_leases(t(200)).await.unwrap(),
        [(job.id, LeaseOutcome::Failed)]
    );
    assert_eq!(
        store
            .heartbeat(job.id, &worker("v"), t(201), Duration::seconds(LEASE))
            .await
            .unwrap(),
        HeartbeatReply::Abandon
    );
    assert_eq!(
        store.prune_logs(t(200)).await.unwrap(),
        0,
        "finished at 200, not before"
    );
    // Both runs' output and Nimbus's two notes.
    assert_eq!(store.prune_logs(t(201)).await.unwrap(), 4);
    assert!(store.log_chunks(job.id, 0).await.unwrap().is_empty());
}
