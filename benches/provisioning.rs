//! What provisioning costs on top of Proxmox's own time. Against `nimbus demo` with the simulated
//! cluster on the `bench` profile (fixed task durations, no jitter), over real HTTP:
//! (a) one provision, streamed: each step's time next to the simulator's own duration for it;
//! (b) ten provisions at once on the five-node demo cluster: the makespan against one provision;
//! (c) on the `instant` profile (tasks take no time), the time Nimbus itself spends per provision.
//!
//! Run with `make bench` (or `cargo bench --bench provisioning`).

use std::time::{Duration, Instant};

use serde_json::{Value, json};

#[path = "support/mod.rs"]
mod support;

/// The bench profile's durations for a small VM from the demo templates (3.5 GiB disks): a full
/// clone 2 s + 1 s per GiB, config 1 s, resize 1 s, start 2 s, the guest agent 10 s after start.
const NOMINAL_MS: [(&str, f64); 5] = [
    ("clone", 5_500.0),
    ("configure", 1_000.0),
    ("resize", 1_000.0),
    ("start", 2_000.0),
    ("wait_ready", 10_000.0),
];

struct Bench {
    running: nimbus::app::server::Running,
    http: reqwest::Client,
    base: String,
    bearer: String,
    _dir: tempfile::TempDir,
}

async fn start(profile: &str) -> Bench {
    let demo = support::start(&[
        ("NIMBUS_SIM_PROFILE", profile),
        ("NIMBUS_CLONE_CONCURRENCY_PER_NODE", "2"),
    ])
    .await;
    Bench {
        running: demo.running,
        http: demo.http,
        base: demo.base,
        bearer: demo.bearer,
        _dir: demo._dir,
    }
}

impl Bench {
    /// One provision; returns the NDJSON lines when streamed.
    async fn provision(&self, hostname: &str, stream: bool) -> Vec<Value> {
        let mut req = self
            .http
            .post(format!("{}/api/vms", self.base))
            .header("authorization", &self.bearer)
            .json(&json!({"hostname": hostname, "tier": "small", "os_template": "debian-12", "generate_key": true}));
        if stream {
            req = req.header("accept", "application/x-ndjson");
        }
        let resp = req.send().await.expect("provision");
        let status = resp.status();
        let text = resp.text().await.expect("body");
        assert!(status.is_success(), "{status}: {text}");
        if stream {
            let lines: Vec<Value> = text.lines().map(|l| serde_json::from_str(l).expect("line")).collect();
            assert_eq!(lines.last().expect("lines")["type"], "result", "{text}");
            lines
        } else {
            Vec::new()
        }
    }
}

fn secs(d: Duration) -> f64 {
    d.as_secs_f64()
}

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() {
    let bench = start("bench").await;
    let t = Instant::now();
    let lines = bench.provision("single", true).await;
    let single = t.elapsed();
    let mut nominal_total = 0.0;
    println!("(a) one provision, bench profile (fixed durations), streamed:");
    for line in lines.iter().filter(|l| l["type"] == "step") {
        let step = line["step"].as_str().unwrap_or_default();
        let took = line["detail"]["elapsed_ms"].as_f64().unwrap_or_default();
        match NOMINAL_MS.iter().find(|(s, _)| *s == step) {
            Some((_, nominal)) => {
                nominal_total += nominal;
                println!(
                    "    {step:<11} {took:8.0} ms   simulator {nominal:8.0} ms   overhead {:7.0} ms",
                    took - nominal
                );
            }
            None => println!("    {step:<11} {took:8.0} ms   (no Proxmox task)"),
        }
    }
    println!(
        "    total       {:8.0} ms   simulator {nominal_total:8.0} ms   overhead {:7.0} ms ({:.1}%)",
        single.as_secs_f64() * 1e3,
        single.as_secs_f64() * 1e3 - nominal_total,
        (single.as_secs_f64() * 1e3 / nominal_total - 1.0) * 100.0
    );

    let t = Instant::now();
    let runs: Vec<_> = (0..10).map(|n| bench.provision_owned(format!("many-{n}"))).collect();
    for run in runs {
        run.await.expect("provision task");
    }
    let makespan = t.elapsed();
    println!(
        "(b) 10 concurrent provisions on 5 nodes (2 clones per node): makespan {:.1} s, one provision {:.1} s, ratio {:.2}",
        secs(makespan),
        secs(single),
        secs(makespan) / secs(single)
    );
    bench.running.stop().await.expect("stop");

    let instant = start("instant").await;
    instant.provision("warmup", false).await;
    let mut times = Vec::new();
    for n in 0..20 {
        let t = Instant::now();
        instant.provision(&format!("fast-{n}"), false).await;
        times.push(t.elapsed());
    }
    times.sort();
    println!(
        "(c) instant profile, plain POST /api/vms until running (Nimbus's own time): median {:.0} ms, max {:.0} ms",
        times[times.len() / 2].as_secs_f64() * 1e3,
        times[times.len() - 1].as_secs_f64() * 1e3
    );
    instant.running.stop().await.expect("stop");
}

impl Bench {
    fn provision_owned(&self, hostname: String) -> tokio::task::JoinHandle<()> {
        let (http, base, bearer) = (self.http.clone(), self.base.clone(), self.bearer.clone());
        tokio::spawn(async move {
            let resp = http
                .post(format!("{base}/api/vms"))
                .header("authorization", bearer)
                .json(&json!({"hostname": hostname, "tier": "small", "os_template": "debian-12", "generate_key": true}))
                .send()
                .await
                .expect("provision");
            assert!(resp.status().is_success(), "{}", resp.text().await.unwrap_or_default());
        })
    }
}
