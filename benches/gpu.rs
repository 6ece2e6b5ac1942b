//! The GPU plane's costs, against an in-process `nimbus demo` over loopback with its own SQLite
//! file, a worker token, and the HTTP calls `gx10-worker` makes:
//!
//! - **log ingest**: one job's output posted as a worker posts it (numbered chunks, one after the
//!   other) at 64 KiB and 1 MiB a chunk, every tenth chunk posted twice (a retry); MB/s, then the
//!   whole log downloaded and compared byte for byte (target ≥ 50 MB/s, zero bytes lost or
//!   duplicated);
//! - **claim latency with 1,000 queued jobs**: median and p99 of claim-and-report, next to the same
//!   with one job queued;
//! - **100 concurrent log followers**: ingest with 100 server-sent-event followers of the job
//!   against none, and how long after the last chunk every follower had all of it.
//!
//! Run with `make bench` (or `cargo bench --bench gpu`).

use std::time::{Duration, Instant};

use serde_json::{Value, json};

#[path = "support/mod.rs"]
mod support;

const MIB: usize = 1024 * 1024;
const TARGET_MBPS: f64 = 50.0;
const FOLLOWERS: usize = 100;

struct Bench {
    app: support::DemoApp,
    worker: String,
}

impl Bench {
    async fn call(&self, method: reqwest::Method, path: &str, body: Option<Value>) -> Value {
        let mut req = self
            .app
            .http
            .request(method, format!("{}{path}", self.app.base))
            .header("authorization", &self.app.bearer);
        if let Some(body) = body {
            req = req.json(&body);
        }
        let resp = req.send().await.unwrap();
        assert!(resp.status().is_success(), "{path}: {}", resp.status());
        resp.json().await.unwrap_or(Value::Null)
    }

    fn worker_post(&self, path: &str) -> reqwest::RequestBuilder {
        self.app
            .http
            .post(format!("{}/api/gpu/worker{path}", self.app.base))
            .bearer_auth(&self.worker)
    }

    async fn submit(&self) -> u64 {
        let body = json!({"image": "pytorch/pytorch:2.4", "command": ["python", "train.py"]});
        let made = self.call(reqwest::Method::POST, "/api/gpu/jobs", Some(body)).await;
        made["data"]["id"].as_u64().unwrap()
    }

    async fn claim(&self) -> Option<u64> {
        let resp = self.worker_post("/claim").send().await.unwrap();
        if resp.status() == 204 {
            return None;
        }
        let body: Value = resp.json().await.unwrap();
        body["data"]["id"].as_u64()
    }

    async fn report(&self, id: u64) {
        let resp = self
            .worker_post(&format!("/jobs/{id}/status"))
            .json(&json!({"state": "succeeded", "exit_code": 0}))
            .send()
            .await
            .unwrap();
        let status = resp.status();
        assert!(
            status.is_success(),
            "report of job {id}: {status} {}",
            resp.text().await.unwrap_or_default()
        );
    }

    async fn post_log(&self, id: u64, seq: u64, bytes: Vec<u8>) {
        let resp = self
            .worker_post(&format!("/jobs/{id}/logs"))
            .header("content-type", "application/octet-stream")
            .header("x-log-seq", seq.to_string())
            .body(bytes)
            .send()
            .await
            .unwrap();
        assert!(resp.status().is_success(), "chunk {seq}: {}", resp.status());
    }

    async fn log(&self, id: u64) -> Vec<u8> {
        let resp = self
            .app
            .http
            .get(format!("{}/api/gpu/jobs/{id}/logs", self.app.base))
            .header("authorization", &self.app.bearer)
            .send()
            .await
            .unwrap();
        resp.bytes().await.unwrap().to_vec()
    }
}

/// Printable output, different in every chunk, so a misplaced chunk shows.
fn chunk(seq: u64, size: usize) -> Vec<u8> {
    let line = format!("chunk {seq:08} step loss=0.1234 lr=3e-4 tokens/s=4812 the quick brown fox\n");
    line.bytes().cycle().take(size).collect()
}

/// Posts `total` bytes in chunks of `size` (every tenth twice) to a fresh claimed job; the job,
/// the MB/s, and whether the stored log is exactly what was sent.
async fn ingest(bench: &Bench, size: usize, total: usize) -> (u64, f64, bool) {
    let id = bench.submit().await;
    assert_eq!(bench.claim().await, Some(id));
    let mut sent = Vec::with_capacity(total);
    let started = Instant::now();
    for seq in 0..(total / size) as u64 {
        let bytes = chunk(seq, size);
        sent.extend_from_slice(&bytes);
        bench.post_log(id, seq, bytes.clone()).await;
        if seq % 10 == 9 {
            bench.post_log(id, seq, bytes).await;
        }
    }
    let elapsed = started.elapsed();
    bench.report(id).await;
    let mbps = total as f64 / 1e6 / elapsed.as_secs_f64();
    (id, mbps, bench.log(id).await == sent)
}

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    sorted[(((sorted.len() - 1) as f64) * p).round() as usize]
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1e3
}

/// Median and p99 of claim-then-report over `n` jobs.
async fn claims(bench: &Bench, n: usize) -> (Duration, Duration) {
    let mut times = Vec::with_capacity(n);
    for _ in 0..n {
        let t = Instant::now();
        let id = bench.claim().await.expect("a queued job");
        times.push(t.elapsed());
        bench.report(id).await;
    }
    times.sort();
    (percentile(&times, 0.5), percentile(&times, 0.99))
}

/// Follows job `id` until the event of chunk `last` arrived; when it did, and the bytes received.
/// (It only looks for that event's id, so the client costs little next to Nimbus.)
async fn follow(base: String, bearer: String, id: u64, last: u64) -> (Instant, usize) {
    let mut resp = reqwest::Client::new()
        .get(format!("{base}/api/gpu/jobs/{id}/logs/stream"))
        .header("authorization", bearer)
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 200, "a follower was refused");
    let marker = format!("id: {last}\nevent: log");
    let (mut carry, mut got) = (Vec::new(), 0usize);
    while let Some(bytes) = resp.chunk().await.unwrap() {
        got += bytes.len();
        carry.extend_from_slice(&bytes);
        if carry.windows(marker.len()).any(|w| w == marker.as_bytes()) {
            return (Instant::now(), got);
        }
        let keep = carry.len().saturating_sub(marker.len());
        carry.drain(..keep);
    }
    panic!("a follower's stream ended after {got} bytes without chunk {last}");
}

#[tokio::main]
async fn main() {
    let app = support::start(&[("NIMBUS_STREAMS_PER_ACCOUNT", "200")]).await;
    let bench = Bench {
        app,
        worker: String::new(),
    };
    let made = bench
        .call(
            reqwest::Method::POST,
            "/api/settings/gpu/workers",
            Some(json!({"id": "gx10-bench"})),
        )
        .await;
    let bench = Bench {
        worker: made["data"]["token"].as_str().unwrap().to_owned(),
        ..bench
    };
    // No heartbeats are sent here: a lease of an hour outlasts every measurement.
    let roomy = json!({"enabled": true, "max_queued_per_user": 1000, "max_running_per_user": 1000,
        "lease_seconds": 3600, "heartbeat_seconds": 15});
    bench.call(reqwest::Method::PUT, "/api/settings/gpu", Some(roomy)).await;

    println!("GPU plane (in-process nimbus demo, loopback, one worker token)");
    for (size, total) in [(64 * 1024, 64 * MIB), (MIB, 128 * MIB)] {
        let (_, mbps, exact) = ingest(&bench, size, total).await;
        println!(
            "  log ingest, {} KiB chunks, {} MiB, every 10th posted twice: {mbps:.1} MB/s (target ≥ {TARGET_MBPS}: {}); stored log {}",
            size / 1024,
            total / MIB,
            if mbps >= TARGET_MBPS { "met" } else { "MISSED" },
            if exact {
                "identical byte for byte"
            } else {
                "DIFFERS (bytes lost or duplicated)"
            }
        );
        assert!(exact, "the stored log differs from what was posted");
    }

    let mut sample = Vec::new();
    for _ in 0..20 {
        bench.submit().await;
        sample.push(claims(&bench, 1).await.0);
    }
    sample.sort();
    let (few_p50, few_p99) = (percentile(&sample, 0.5), percentile(&sample, 0.99));
    for _ in 0..1000 {
        bench.submit().await;
    }
    let (p50, p99) = claims(&bench, 200).await;
    println!(
        "  claim + report, 1 job queued: median {:.2} ms, p99 {:.2} ms; with 1,000 queued (800–1,000 left): median {:.2} ms ({:.1}×), p99 {:.2} ms",
        ms(few_p50),
        ms(few_p99),
        ms(p50),
        p50.as_secs_f64() / few_p50.as_secs_f64(),
        ms(p99)
    );
    while let Some(id) = bench.claim().await {
        bench.report(id).await;
    }

    let (size, total) = (64 * 1024, 32 * MIB);
    let (_, alone, _) = ingest(&bench, size, total).await;
    let id = bench.submit().await;
    assert_eq!(bench.claim().await, Some(id));
    let last = (total / size) as u64 - 1;
    let followers: Vec<_> = (0..FOLLOWERS)
        .map(|_| tokio::spawn(follow(bench.app.base.clone(), bench.app.bearer.clone(), id, last)))
        .collect();
    tokio::time::sleep(Duration::from_millis(500)).await;
    let started = Instant::now();
    for seq in 0..=last {
        bench.post_log(id, seq, chunk(seq, size)).await;
    }
    let posted = Instant::now();
    let with = total as f64 / 1e6 / (posted - started).as_secs_f64();
    let (mut done, mut bytes) = (posted, 0usize);
    for f in followers {
        let (at, got) = f.await.unwrap();
        done = done.max(at);
        bytes += got;
    }
    let fanout = bytes as f64 / 1e6 / (done - started).as_secs_f64();
    bench.report(id).await;
    println!(
        "  {FOLLOWERS} followers of one job: ingest {with:.1} MB/s against {alone:.1} MB/s with none ({:.2}×); every follower had all {} MiB {:.0} ms after the last chunk; {fanout:.0} MB/s of events sent",
        with / alone,
        total / MIB,
        ms(done - posted)
    );
    bench.app.running.stop().await.unwrap();
}
