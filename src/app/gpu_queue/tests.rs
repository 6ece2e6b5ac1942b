//! The GPU queue over a real SQLite file and a manual clock: a disabled plane refuses, bad fields
//! are named, people see only their own jobs (admins all) with their places in the queue, a worker
//! runs a job to the end, a cancel reaches the running job through its heartbeat, a job past its
//! maximum runtime is stopped, output past the cap fails the job, and the lease job re-queues a
//! job whose worker went quiet.

use std::sync::Arc;
use std::time::Duration;

use chrono::{TimeZone, Utc};
use uuid::Uuid;

use super::{GpuError, GpuLeases, GpuPlaneSettings, GpuQueue};
use crate::adapters::clock::ManualClock;
use crate::adapters::store::sqlite::SqliteStore;
use crate::app::accounts::{Caller, Via};
use crate::app::jobs::{Job as _, JobOutcome};
use crate::domain::account::{Email, UserStatus};
use crate::domain::gpu_queue::{CancelOutcome, HeartbeatReply, JobState, QueueError, RunOutcome, WorkerId};
use crate::domain::ids::UserId;
use crate::domain::role::Role;
use crate::ports::Clock;
use crate::ports::accounts::User;

fn person(n: u128, role: Role) -> Caller {
    Caller {
        user: User {
            id: UserId::from_uuid(Uuid::from_u128(n)),
            email: Email::parse(&format!("p{n}@lab.example")).unwrap(),
            name: format!("P{n}"),
            role,
            status: UserStatus::Active,
            created_at: Utc.with_ymd_and_hms(2026, 1, 1, 0, 0, 0).unwrap(),
            last_seen_at: None,
            access_code_version: None,
            has_password: true,
            email_verified: false,
            email_conflict_at: None,
        },
        via: Via::Session {
            id: Uuid::from_u128(n + 100),
        },
        ip: None,
    }
}

struct World {
    queue: Arc<GpuQueue>,
    clock: Arc<ManualClock>,
    _dir: tempfile::TempDir,
}

async fn world() -> World {
    let dir = tempfile::tempdir().unwrap();
    let store = SqliteStore::open(&dir.path().join("nimbus.db")).await.unwrap();
    let clock = Arc::new(ManualClock::new(Utc.with_ymd_and_hms(2026, 12, 7, 9, 0, 0).unwrap()));
    let settings = GpuPlaneSettings {
        enabled: true,
        log_cap: 1024,
        ..GpuPlaneSettings::default()
    };
    World {
        queue: Arc::new(GpuQueue::new(Arc::new(store), clock.clone(), settings)),
        clock,
        _dir: dir,
    }
}

fn cmd(words: &[&str]) -> Vec<String> {
    words.iter().map(|w| w.to_string()).collect()
}

fn gx() -> WorkerId {
    WorkerId::parse("gx10-lab").unwrap()
}

#[tokio::test]
async fn a_disabled_plane_refuses_and_bad_fields_are_named() {
    let w = world().await;
    let ada = person(1, Role::Member);
    let bad = w.queue.submit(&ada, "Ubuntu", &[], &[], None).await.unwrap_err();
    assert_eq!((bad.code(), bad.field()), ("validation_failed", Some("image")));
    assert!(bad.to_string().contains("write ubuntu"), "{bad}");
    let env = [("9X".to_owned(), "1".to_owned())];
    assert_eq!(
        w.queue
            .submit(&ada, "ubuntu", &[], &env, None)
            .await
            .unwrap_err()
            .field(),
        Some("env")
    );
    w.queue.set_settings(GpuPlaneSettings::default());
    assert_eq!(
        w.queue.submit(&ada, "ubuntu", &[], &[], None).await.unwrap_err(),
        GpuError::Disabled
    );
    assert_eq!(w.queue.claim(&gx()).await.unwrap_err(), GpuError::Disabled);
    assert!(
        w.queue.list(&ada, false).await.unwrap().is_empty(),
        "nothing was queued"
    );
}

#[tokio::test]
async fn people_see_their_own_jobs_with_their_place_in_the_queue_and_admins_see_all() {
    let w = world().await;
    let (ada, bob, root) = (person(1, Role::Member), person(2, Role::Member), person(3, Role::Admin));
    let a = w
        .queue
        .submit(&ada, "ubuntu", &cmd(&["nvidia-smi"]), &[], None)
        .await
        .unwrap();
    w.clock.advance(chrono::Duration::seconds(1));
    let b = w.queue.submit(&bob, "ubuntu", &[], &[], None).await.unwrap();
    let mine = w.queue.list(&bob, false).await.unwrap();
    assert_eq!((mine.len(), mine[0].job.id, mine[0].position), (1, b.id, Some(2)));
    assert_eq!(w.queue.get(&ada, a.id).await.unwrap().position, Some(1));
    assert_eq!(w.queue.get(&ada, b.id).await.unwrap_err(), GpuError::NotFound);
    assert_eq!(w.queue.cancel(&ada, b.id).await.unwrap_err(), GpuError::NotFound);
    assert_eq!(w.queue.list(&ada, true).await.unwrap_err(), GpuError::NotFound);
    assert_eq!(w.queue.list(&root, true).await.unwrap().len(), 2);
    assert_eq!(
        w.queue.get(&root, a.id).await.unwrap().job.spec.command(),
        ["nvidia-smi"]
    );
}

#[tokio::test]
async fn a_worker_runs_a_job_to_the_end_and_a_cancel_reaches_a_running_job_through_its_heartbeat() {
    let w = world().await;
    let ada = person(1, Role::Member);
    let first = w.queue.submit(&ada, "ubuntu", &[], &[], None).await.unwrap();
    let second = w.queue.submit(&ada, "ubuntu", &[], &[], None).await.unwrap();
    let job = w.queue.claim(&gx()).await.unwrap().unwrap();
    assert_eq!(job.id, first.id);
    assert_eq!(w.queue.get(&ada, second.id).await.unwrap().position, Some(1));
    w.queue.append_log(&gx(), job.id, 0, b"epoch 1/2\n").await.unwrap();
    w.queue.append_log(&gx(), job.id, 1, b"epoch 2/2\n").await.unwrap();
    w.queue
        .report(&gx(), job.id, RunOutcome::Exited { code: 0 }, None)
        .await
        .unwrap();
    assert_eq!(w.queue.log(&ada, job.id).await.unwrap(), b"epoch 1/2\nepoch 2/2\n");
    assert!(matches!(
        w.queue.get(&ada, job.id).await.unwrap().job.state,
        JobState::Succeeded { .. }
    ));

    let running = w.queue.claim(&gx()).await.unwrap().unwrap();
    assert_eq!(
        w.queue.cancel(&ada, running.id).await.unwrap(),
        CancelOutcome::Requested
    );
    assert_eq!(
        w.queue.heartbeat(&gx(), running.id).await.unwrap(),
        HeartbeatReply::Cancel
    );
    w.queue
        .report(&gx(), running.id, RunOutcome::Exited { code: 143 }, None)
        .await
        .unwrap();
    assert!(matches!(
        w.queue.get(&ada, running.id).await.unwrap().job.state,
        JobState::Cancelled { .. }
    ));
    let other = WorkerId::parse("gx10-other").unwrap();
    assert!(matches!(
        w.queue.heartbeat(&other, running.id).await,
        Ok(HeartbeatReply::Abandon)
    ));
}

#[tokio::test]
async fn a_job_past_its_maximum_runtime_is_stopped_and_output_past_the_cap_fails_the_job() {
    let w = world().await;
    let ada = person(1, Role::Member);
    w.queue.submit(&ada, "ubuntu", &[], &[], None).await.unwrap();
    let job = w.queue.claim(&gx()).await.unwrap().unwrap();
    assert_eq!(
        w.queue.heartbeat(&gx(), job.id).await.unwrap(),
        HeartbeatReply::Continue
    );
    w.clock.advance(chrono::Duration::hours(25));
    assert_eq!(w.queue.heartbeat(&gx(), job.id).await.unwrap(), HeartbeatReply::Abandon);
    let JobState::Failed { reason, .. } = w.queue.get(&ada, job.id).await.unwrap().job.state else {
        panic!("a job past its maximum runtime fails");
    };
    assert!(
        format!("{reason:?}").contains("maximum runtime of 24.0 h"),
        "{reason:?}"
    );

    w.queue.submit(&ada, "ubuntu", &[], &[], None).await.unwrap();
    let loud = w.queue.claim(&gx()).await.unwrap().unwrap();
    w.queue.append_log(&gx(), loud.id, 0, &[b'x'; 1000]).await.unwrap();
    let err = w.queue.append_log(&gx(), loud.id, 1, &[b'x'; 100]).await.unwrap_err();
    assert_eq!(err.code(), "log_cap_reached");
    let state = w.queue.get(&ada, loud.id).await.unwrap().job.state;
    assert!(matches!(state, JobState::Failed { .. }), "{state:?}");
    assert_eq!(
        w.queue.heartbeat(&gx(), loud.id).await.unwrap(),
        HeartbeatReply::Abandon
    );
}

#[tokio::test]
async fn the_lease_job_requeues_a_job_whose_worker_went_quiet_and_reports_it() {
    let w = world().await;
    let ada = person(1, Role::Member);
    let job = w.queue.submit(&ada, "ubuntu", &[], &[], None).await.unwrap();
    w.queue.claim(&gx()).await.unwrap().unwrap();
    let leases = GpuLeases::new(w.queue.clone());
    let quiet = leases.tick(w.clock.now()).await;
    assert_eq!(quiet.outcome, JobOutcome::Ok);
    w.clock
        .advance(chrono::Duration::from_std(Duration::from_secs(61)).unwrap());
    let report = leases.tick(w.clock.now()).await;
    assert!(report.summary.contains("1 re-queued"), "{}", report.summary);
    assert_eq!(w.queue.get(&ada, job.id).await.unwrap().job.state, JobState::Queued);
    let late = w
        .queue
        .report(&gx(), job.id, RunOutcome::Exited { code: 0 }, None)
        .await
        .unwrap_err();
    assert!(
        matches!(late, GpuError::Refused(QueueError::NotRunning { .. })),
        "{late:?}"
    );
}

#[tokio::test]
async fn a_worker_token_works_until_revoked_and_its_running_job_goes_back_to_the_queue() {
    let w = world().await;
    let dir = tempfile::tempdir().unwrap();
    let store = Arc::new(SqliteStore::open(&dir.path().join("w.db")).await.unwrap());
    let audit = Arc::new(crate::app::audit::Auditor::new(store.clone(), w.clock.clone()));
    let workers = super::GpuWorkers::load(store.clone(), w.queue.clone(), audit, w.clock.clone())
        .await
        .unwrap();
    let admin = person(9, Role::Admin);
    let minted = workers.add(Some(&admin), "gx10-lab", false).await.unwrap();
    assert!(minted.token.starts_with("nimbus_worker_"), "{}", minted.token);
    assert_eq!(
        workers.add(Some(&admin), "gx10-lab", false).await.unwrap_err().code(),
        "worker_exists"
    );
    assert_eq!(
        workers.add(Some(&admin), "no spaces", false).await.unwrap_err().field(),
        Some("id")
    );
    let id = workers.authenticate(&minted.token).await.expect("the new token works");
    assert_eq!(workers.authenticate("nimbus_worker_guess").await, None);

    let ada = person(1, Role::Member);
    let job = w.queue.submit(&ada, "ubuntu", &[], &[], None).await.unwrap();
    w.queue.claim(&id).await.unwrap().unwrap();
    let listed = workers.list().await.unwrap();
    assert_eq!((listed[0].online, listed[0].current_job), (true, Some(job.id)));

    workers.revoke(&admin, "gx10-lab").await.unwrap();
    assert_eq!(workers.authenticate(&minted.token).await, None, "revoked at once");
    assert_eq!(w.queue.get(&ada, job.id).await.unwrap().job.state, JobState::Queued);
    assert_eq!(
        workers.revoke(&admin, "gx10-lab").await.unwrap_err(),
        GpuError::NotFound
    );
    // A fresh registry over the same file knows no revoked token either.
    let again = super::GpuWorkers::load(
        store.clone(),
        w.queue.clone(),
        Arc::new(crate::app::audit::Auditor::new(store, w.clock.clone())),
        w.clock.clone(),
    )
    .await
    .unwrap();
    assert!(again.list().await.unwrap().is_empty());
}

#[tokio::test]
async fn settings_are_checked_stored_and_read_back_after_a_restart() {
    let w = world().await;
    let dir = tempfile::tempdir().unwrap();
    let store = SqliteStore::open(&dir.path().join("s.db")).await.unwrap();
    let queue = GpuQueue::new(Arc::new(store.clone()), w.clock.clone(), w.queue.settings())
        .with_settings_store(Arc::new(store.clone()));
    let bad = super::GpuSettingsChange {
        lease_seconds: Some(1),
        ..Default::default()
    };
    assert_eq!(
        queue.change_settings(&bad).await.unwrap_err().field(),
        Some("lease_seconds")
    );
    let change = super::GpuSettingsChange {
        enabled: Some(false),
        max_runtime_hours: Some(3),
        ..Default::default()
    };
    let saved = queue.change_settings(&change).await.unwrap();
    assert_eq!(saved.max_runtime, Duration::from_secs(3 * 3600));
    let fresh = GpuQueue::new(Arc::new(store.clone()), w.clock.clone(), GpuPlaneSettings::default())
        .with_settings_store(Arc::new(store));
    assert_eq!(fresh.load_settings().await.unwrap(), saved);
    assert_eq!(fresh.settings(), saved);
}
