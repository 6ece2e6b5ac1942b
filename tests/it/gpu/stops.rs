//! Stops: a cancel reaches the running container and stops it; a worker that dies mid-job has
//! its job put back after the lease and finished by another worker; revoking a worker puts its
//! job back at once.

use std::time::Duration;

use reqwest::Method;

use super::harness::{Plane, Worker};

#[tokio::test]
async fn a_cancel_stops_the_running_container() {
    let plane = Plane::start(1).await;
    let token = plane.add_worker("gx10-a").await;
    let worker = Worker::start(&plane, "gx10-a", &token, &[("GX10_STAND_IN_SECONDS", "2")]);
    // 1000 epochs at 0.4 s each: it would run for minutes.
    let id = plane.submit(&["python", "train.py", "--epochs", "1000"]).await;
    plane
        .wait_for(id, Duration::from_secs(30), "prints", |j| {
            j["log_bytes"].as_u64() > Some(0)
        })
        .await;
    assert_eq!(worker.live_containers().len(), 1, "the job's container runs");
    let path = format!("/api/gpu/jobs/{id}/cancel");
    let (status, body) = plane.call(Method::POST, &path, &plane.member, None).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["data"]["status"], "cancelling");
    plane
        .wait_for(id, Duration::from_secs(30), "is cancelled", |j| {
            j["status"] == "cancelled"
        })
        .await;
    assert!(worker.live_containers().is_empty(), "the container was stopped");
    let log = String::from_utf8(plane.log(id).await).unwrap();
    assert!(log.ends_with("stopping\n"), "the container saw its stop: {log}");
    let (status, body) = plane.call(Method::POST, &path, &plane.member, None).await;
    assert_eq!((status, body["code"].as_str()), (409, Some("job_finished")), "{body}");
    plane.stop().await;
}

#[tokio::test]
async fn a_dead_worker_s_job_is_put_back_after_its_lease_and_finished_by_another() {
    let plane = Plane::start(1).await;
    let (a, b) = (plane.add_worker("gx10-a").await, plane.add_worker("gx10-b").await);
    // 20 epochs at 0.4 s: about 8 s a run.
    let pace = [("GX10_STAND_IN_SECONDS", "2")];
    let first = Worker::start(&plane, "gx10-a", &a, &pace);
    let id = plane.submit(&["python", "train.py", "--epochs", "20"]).await;
    plane
        .wait_for(id, Duration::from_secs(30), "prints on gx10-a", |j| {
            j["worker"] == "gx10-a" && j["log_bytes"].as_u64() > Some(0)
        })
        .await;
    first.crash();
    let second = Worker::start(&plane, "gx10-b", &b, &pace);
    let job = plane
        .wait_for(id, Duration::from_secs(90), "succeeds", |j| j["status"] == "succeeded")
        .await;
    assert_eq!(job["requeues"], 1, "{job}");
    assert_eq!(job["worker"], "gx10-b", "the worker that finished it: {job}");
    let artifact = job["artifact"].as_str().unwrap();
    assert!(artifact.starts_with(second.output.to_str().unwrap()), "{artifact}");
    let log = String::from_utf8(plane.log(id).await).unwrap();
    let note = "[nimbus] worker gx10-a stopped answering; job re-queued\n";
    let (before, after) = log
        .split_once(note)
        .unwrap_or_else(|| panic!("no note of the re-queue: {log}"));
    assert!(
        before.starts_with("[stand-in GX10] image"),
        "the first run's output is kept: {before}"
    );
    // The second run's output follows whole, from its first line to its last.
    assert!(after.starts_with("[stand-in GX10] image"), "{after}");
    assert!(after.contains("epoch 20/20 done"), "{after}");
    assert_eq!(after.matches("[stand-in GX10] image").count(), 1, "{after}");
    plane.stop().await;
}

#[tokio::test]
async fn revoking_a_worker_stops_its_token_and_puts_its_job_back() {
    let plane = Plane::start(1).await;
    let token = plane.add_worker("gx10-a").await;
    let worker = Worker::start(&plane, "gx10-a", &token, &[("GX10_STAND_IN_SECONDS", "2")]);
    let id = plane.submit(&["python", "train.py", "--epochs", "1000"]).await;
    plane
        .wait_for(id, Duration::from_secs(30), "runs", |j| j["status"] == "running")
        .await;
    let (status, body) = plane
        .call(Method::DELETE, "/api/settings/gpu/workers/gx10-a", &plane.admin, None)
        .await;
    assert_eq!(status, 204, "{body}");
    let job = plane.job(id).await;
    assert_eq!(
        (job["status"].as_str(), job["requeues"].as_u64()),
        (Some("queued"), Some(0)),
        "{job}"
    );
    // Refused at its next heartbeat, the worker stops the container.
    let deadline = std::time::Instant::now() + Duration::from_secs(30);
    while !worker.live_containers().is_empty() {
        assert!(
            std::time::Instant::now() < deadline,
            "the revoked worker's container still runs"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    plane.stop().await;
}
