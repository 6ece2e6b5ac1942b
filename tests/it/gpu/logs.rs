//! Output: what the job printed arrives complete and in order, byte for byte; a chunk posted
//! twice is kept once; a restart of Nimbus in the middle of a job loses nothing.

use std::time::Duration;

use reqwest::Method;

use super::harness::{Plane, Worker, printed};
use crate::accounts::Cred;

#[tokio::test]
async fn output_arrives_complete_and_in_order_byte_for_byte() {
    let plane = Plane::start(1).await;
    // 3 MiB in one burst: many chunks of at most 64 KiB.
    let bulk = [("GX10_STAND_IN_BYTES", "3145728"), ("GX10_LOG_FLUSH_BYTES", "65536")];
    let token = plane.add_worker("gx10-a").await;
    let _worker = Worker::start(&plane, "gx10-a", &token, &bulk);
    let id = plane.submit(&["python", "train.py"]).await;
    let job = plane
        .wait_for(id, Duration::from_secs(60), "succeeds", |j| j["status"] == "succeeded")
        .await;
    let (want, _) = printed(&["python", "train.py"], &bulk);
    let got = plane.log(id).await;
    assert_eq!(got.len(), want.len(), "bytes kept");
    assert!(got == want, "the stored output differs from what the job printed");
    assert_eq!(job["log_bytes"], want.len() as u64);
    plane.stop().await;
}

#[tokio::test]
async fn a_follower_sees_the_output_live_and_the_job_to_its_end() {
    let plane = Plane::start(1).await;
    let token = plane.add_worker("gx10-a").await;
    let id = plane.submit(&["python", "train.py"]).await;
    // Following from before the job starts (the stream is opened first; the job runs for a
    // second): every line arrives over the stream.
    let (followed, _worker) = tokio::join!(plane.follow(id), async {
        Worker::start(&plane, "gx10-a", &token, &[("GX10_STAND_IN_SECONDS", "1")])
    });
    let (text, statuses) = followed;
    assert_eq!(
        text.as_bytes(),
        plane.log(id).await,
        "the stream carried the whole output"
    );
    assert!(text.contains("epoch 5/5 done"), "{text}");
    assert!(statuses.iter().any(|s| s == "running"), "{statuses:?}");
    assert_eq!(statuses.last().map(String::as_str), Some("succeeded"), "{statuses:?}");
    // A follower of a finished job gets it all at once, then the end.
    let (again, statuses) = plane.follow(id).await;
    assert_eq!(again, text);
    assert_eq!(statuses, ["succeeded"]);
    plane.stop().await;
}

#[tokio::test]
async fn a_chunk_posted_twice_is_kept_once_and_chunks_are_read_back_in_order() {
    let plane = Plane::start(1).await;
    let token = plane.add_worker("gx10-a").await;
    let id = plane.submit(&["python", "train.py"]).await;
    let http = reqwest::Client::new();
    let worker = |path: &str| {
        http.post(format!("{}/api/gpu/worker{path}", plane.base))
            .bearer_auth(&token)
    };
    let claimed = worker("/claim").send().await.unwrap();
    assert_eq!(claimed.status(), 200);
    let post = |seq: u64, bytes: &'static [u8]| {
        worker(&format!("/jobs/{id}/logs"))
            .header("content-type", "application/octet-stream")
            .header("x-log-seq", seq.to_string())
            .body(bytes)
    };
    let next = |r: reqwest::Response| async move {
        let body: serde_json::Value = r.json().await.unwrap();
        body["data"]["next_seq"].as_u64().unwrap()
    };
    assert_eq!(next(post(0, b"first\n").send().await.unwrap()).await, 1);
    // The retry of a post whose answer was lost.
    assert_eq!(next(post(0, b"first\n").send().await.unwrap()).await, 1);
    // Out of order: 2 before 1.
    assert_eq!(next(post(2, b"third\n").send().await.unwrap()).await, 1);
    assert_eq!(next(post(1, b"second\n").send().await.unwrap()).await, 3);
    assert_eq!(plane.log(id).await, b"first\nsecond\nthird\n");
    // Someone else's job is refused.
    let other = plane.add_worker("gx10-b").await;
    let refused = http
        .post(format!("{}/api/gpu/worker/jobs/{id}/logs", plane.base))
        .bearer_auth(&other)
        .header("content-type", "application/octet-stream")
        .header("x-log-seq", "3")
        .body("intruder\n")
        .send()
        .await
        .unwrap();
    assert_eq!(refused.status(), 409);
    let (status, _) = plane
        .call(Method::GET, &format!("/api/gpu/jobs/{id}"), &Cred::None, None)
        .await;
    assert_eq!(status, 401);
    plane.stop().await;
}

#[tokio::test]
async fn a_restart_of_nimbus_in_the_middle_of_a_job_loses_no_output() {
    let mut plane = Plane::start(1).await;
    let token = plane.add_worker("gx10-a").await;
    // About 6 s of training output, a line every ~0.17 s.
    let pace = [("GX10_STAND_IN_SECONDS", "6")];
    let _worker = Worker::start(&plane, "gx10-a", &token, &pace);
    let id = plane.submit(&["python", "train.py"]).await;
    plane
        .wait_for(id, Duration::from_secs(30), "prints", |j| {
            j["log_bytes"].as_u64() > Some(200)
        })
        .await;
    plane.restart().await;
    let job = plane
        .wait_for(id, Duration::from_secs(60), "succeeds", |j| j["status"] == "succeeded")
        .await;
    assert_eq!(job["requeues"], 0, "{job}");
    let (out, err) = printed(&["python", "train.py"], &[]);
    let got = String::from_utf8(plane.log(id).await).unwrap();
    let (out, err) = (String::from_utf8(out).unwrap(), String::from_utf8(err).unwrap());
    // Each pipe's lines arrive whole and in order; the two pipes interleave as they were read.
    let from = |text: &str, lines: &str| -> Vec<String> {
        let wanted: Vec<&str> = lines.lines().collect();
        text.lines().filter(|l| wanted.contains(l)).map(str::to_owned).collect()
    };
    assert_eq!(from(&got, &out), out.lines().map(str::to_owned).collect::<Vec<_>>());
    assert_eq!(from(&got, &err), err.lines().map(str::to_owned).collect::<Vec<_>>());
    assert_eq!(got.len(), out.len() + err.len(), "{got}");
    plane.stop().await;
}
