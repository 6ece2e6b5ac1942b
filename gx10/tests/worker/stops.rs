//! Stopping a running job: a cancel from a heartbeat stops the container and reports it failed;
//! an abandon, a 409 `not_held` on a heartbeat or a log post stops it and reports nothing; a
//! SIGTERM stops it and exits without reporting.

use serde_json::json;

use super::harness::{Dirs, Worker, env, exists, wait_for, with};
use super::server::{FakeNimbus, Fault, job};

/// Starts a long stand-in job `id` and waits until it runs and its first output arrived.
async fn running(nimbus: &FakeNimbus, dirs: &Dirs, id: u64) -> (Worker, i32) {
    nimbus.enqueue(job(id, &["python", "train.py"]));
    let env = with(env(nimbus, dirs), &[("GX10_STAND_IN_SECONDS", "120")]);
    let worker = Worker::start(dirs, &env);
    let name = format!("nimbus-job-{id}");
    let pid = wait_for("the container to start", || dirs.pid_of(&name)).await;
    wait_for("the first output", || {
        nimbus.with(|s| (!s.log(id).is_empty()).then_some(()))
    })
    .await;
    (worker, pid)
}

async fn gone(pid: i32) {
    wait_for("the container's process to be gone", || (!exists(pid)).then_some(())).await;
}

/// Waits until the worker is back to claiming (so it has finished with the job), then checks it
/// reported nothing.
async fn back_to_claiming_without_a_report(nimbus: &FakeNimbus, id: u64) {
    let claims = nimbus.with(|s| s.claims);
    wait_for("the worker to claim again", || {
        nimbus.with(|s| (s.claims > claims).then_some(()))
    })
    .await;
    assert_eq!(nimbus.with(|s| s.statuses.get(&id).cloned()), None);
}

#[tokio::test]
async fn a_cancel_from_a_heartbeat_stops_the_container_and_reports_it_cancelled() {
    let nimbus = FakeNimbus::start().await;
    let dirs = Dirs::new();
    let (worker, pid) = running(&nimbus, &dirs, 11).await;
    nimbus.with(|s| s.heartbeat.insert(11, Ok("cancel")));
    let report = wait_for("job 11's report", || nimbus.with(|s| s.statuses.get(&11).cloned())).await;
    assert_eq!(
        report,
        [json!({"state": "failed", "exit_code": 143, "reason": "cancelled"})],
        "{}",
        worker.log()
    );
    gone(pid).await;
    assert!(nimbus.with(|s| s.heartbeats[&11]) >= 1);
    assert!(nimbus.with(|s| s.log(11)).ends_with(b"stopping\n"));
}

#[tokio::test]
async fn an_abandon_stops_the_container_and_reports_nothing() {
    let nimbus = FakeNimbus::start().await;
    let dirs = Dirs::new();
    let (_worker, pid) = running(&nimbus, &dirs, 12).await;
    nimbus.with(|s| s.heartbeat.insert(12, Ok("abandon")));
    gone(pid).await;
    back_to_claiming_without_a_report(&nimbus, 12).await;
}

#[tokio::test]
async fn a_heartbeat_refused_as_not_held_stops_the_container_and_reports_nothing() {
    let nimbus = FakeNimbus::start().await;
    let dirs = Dirs::new();
    let (_worker, pid) = running(&nimbus, &dirs, 13).await;
    nimbus.with(|s| s.heartbeat.insert(13, Err((409, "not_held"))));
    gone(pid).await;
    back_to_claiming_without_a_report(&nimbus, 13).await;
}

#[tokio::test]
async fn a_log_post_refused_as_not_held_stops_the_container_and_reports_nothing() {
    let nimbus = FakeNimbus::start().await;
    let dirs = Dirs::new();
    let (_worker, pid) = running(&nimbus, &dirs, 14).await;
    let next = nimbus.with(|s| s.chunks[&14].len() as u64);
    nimbus.with(|s| s.log_faults.insert((14, next), Fault::NotHeld));
    gone(pid).await;
    back_to_claiming_without_a_report(&nimbus, 14).await;
}

#[tokio::test]
async fn sigterm_stops_the_container_sends_what_was_read_and_exits_without_reporting() {
    let nimbus = FakeNimbus::start().await;
    let dirs = Dirs::new();
    let (mut worker, pid) = running(&nimbus, &dirs, 15).await;
    worker.signal(libc::SIGTERM);
    let status = worker.exited().await;
    assert!(status.success(), "{status}: {}", worker.log());
    gone(pid).await;
    assert!(nimbus.with(|s| s.log(15)).ends_with(b"stopping\n"), "{}", worker.log());
    assert_eq!(nimbus.with(|s| s.statuses.get(&15).cloned()), None);
}

#[tokio::test]
async fn while_the_plane_is_off_the_worker_says_so_and_keeps_polling() {
    let nimbus = FakeNimbus::start().await;
    nimbus.with(|s| s.plane_off = true);
    let dirs = Dirs::new();
    let worker = Worker::start(&dirs, &env(&nimbus, &dirs));
    wait_for("the log to say the plane is off", || {
        worker.log().contains("GPU plane is off").then_some(())
    })
    .await;
    assert!(worker.log().contains("Admin → Settings → GPU"));
}
