//! Order and exclusivity: twenty jobs run first-in first-out, one at a time on one worker; two
//! workers share a queue and no job runs twice.

use std::time::Duration;

use chrono::{DateTime, Utc};
use serde_json::Value;

use super::harness::{Plane, Worker};

fn at(job: &Value, field: &str) -> DateTime<Utc> {
    job[field].as_str().unwrap().parse().unwrap()
}

/// Every job ran after the one before it ended (on the same worker).
fn no_overlap(mut jobs: Vec<&Value>) {
    jobs.sort_by_key(|j| at(j, "started_at"));
    for pair in jobs.windows(2) {
        assert!(
            at(pair[0], "finished_at") <= at(pair[1], "started_at"),
            "jobs {} and {} ran at the same time on one worker",
            pair[0]["id"],
            pair[1]["id"]
        );
    }
}

#[tokio::test]
async fn twenty_jobs_run_first_in_first_out_one_at_a_time() {
    let plane = Plane::start(20).await;
    let mut ids = Vec::new();
    for n in 0..20 {
        ids.push(plane.submit(&["python", "train.py", &format!("--run={n}")]).await);
    }
    let token = plane.add_worker("gx10-a").await;
    let _worker = Worker::start(&plane, "gx10-a", &token, &[("GX10_STAND_IN_SECONDS", "0.05")]);
    let mut done = Vec::new();
    for id in &ids {
        done.push(
            plane
                .wait_for(*id, Duration::from_secs(90), "succeeds", |j| j["status"] == "succeeded")
                .await,
        );
    }
    let mut by_start = done.clone();
    by_start.sort_by_key(|j| at(j, "started_at"));
    let order: Vec<u64> = by_start.iter().map(|j| j["id"].as_u64().unwrap()).collect();
    assert_eq!(order, ids, "jobs started in the order they were queued");
    no_overlap(done.iter().collect());
    plane.stop().await;
}

#[tokio::test]
async fn two_workers_share_a_queue_and_no_job_runs_twice() {
    let plane = Plane::start(2).await;
    let (a, b) = (plane.add_worker("gx10-a").await, plane.add_worker("gx10-b").await);
    let fast = [("GX10_STAND_IN_SECONDS", "0.1")];
    let wa = Worker::start(&plane, "gx10-a", &a, &fast);
    let wb = Worker::start(&plane, "gx10-b", &b, &fast);
    plane.wait_online(&["gx10-a", "gx10-b"]).await;
    let mut ids = Vec::new();
    for n in 0..20 {
        ids.push(plane.submit(&["python", "train.py", &format!("--run={n}")]).await);
    }
    let mut done = Vec::new();
    for id in &ids {
        done.push(
            plane
                .wait_for(*id, Duration::from_secs(90), "succeeds", |j| j["status"] == "succeeded")
                .await,
        );
    }
    let mut per_worker = [Vec::new(), Vec::new()];
    for job in &done {
        assert_eq!(job["requeues"], 0, "{job}");
        let artifact = job["artifact"].as_str().unwrap();
        let worker = if artifact.starts_with(wa.output.to_str().unwrap()) {
            0
        } else {
            assert!(artifact.starts_with(wb.output.to_str().unwrap()), "{artifact}");
            1
        };
        per_worker[worker].push(job);
        // Ran once: the stand-in's first line is in the output once.
        let log = String::from_utf8(plane.log(job["id"].as_u64().unwrap()).await).unwrap();
        assert_eq!(log.matches("[stand-in GX10] image").count(), 1, "{log}");
    }
    assert!(
        !per_worker[0].is_empty() && !per_worker[1].is_empty(),
        "both workers took jobs: {} and {}",
        per_worker[0].len(),
        per_worker[1].len()
    );
    for jobs in per_worker {
        no_overlap(jobs);
    }
    plane.stop().await;
}
