//! Orchestration overhead on the `realistic` profile: a real `nimbus serve` process against a real
//! `nimbus sim-proxmox --profile realistic` process (durations like a small real cluster, with
//! seeded jitter) over loopback HTTPS. Five provisions, one after another, each streamed from
//! `POST /api/vms`; for each step, the time Nimbus took (`detail.elapsed_ms` of the NDJSON `step`
//! line) minus the time the simulator itself spent on it, then the medians.
//!
//! The simulator's own time is what it actually spent, not the profile's means. Each task's
//! duration comes from the simulator's event log (`GET /_sim/events`: start and end, in ms). The
//! guest's boot (from the end of the start task until port 22 answers) comes from polling the
//! simulator's LAN endpoint every 10 ms once the `start` step arrives, mapped onto the log's clock
//! by a calibration request. Within `wait_ready` the simulator's part is the boot left after
//! Nimbus recorded `start` (the machine's timeline, `GET /api/vms/{id}`), so that step's overhead
//! is how late Nimbus saw the guest answer. The guest boots while Nimbus is still noticing the
//! start task's end, so the total's overhead (POST to running minus the tasks and the whole boot)
//! is less than the steps' overheads added up. `reserve_ip` and `place_vm` have no task: all
//! overhead.
//!
//! Run with `make bench` (or `cargo bench --bench overhead`).

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use chrono::{DateTime, Utc};
use procs::{Portal, Sim, median, step_times};
use reqwest::Method;
use serde_json::{Value, json};

#[path = "support/procs.rs"]
mod procs;

const RUNS: usize = 5;
const LAN_POLL: Duration = Duration::from_millis(10);
/// A realistic guest boots in 10–40 s; give up well after.
const BOOT_LIMIT: Duration = Duration::from_secs(120);
/// The simulator's task type behind each step.
const TASKS: [(&str, &str); 4] = [
    ("clone", "qmclone"),
    ("configure", "qmconfig"),
    ("resize", "resize"),
    ("start", "qmstart"),
];

/// Per step: Nimbus's times, the simulator's, and their differences (ms).
type Samples = (Vec<f64>, Vec<f64>, Vec<f64>);

/// The simulator's event log: milliseconds since its start, and the text.
async fn events(sim: &Sim) -> Vec<(i64, String)> {
    let log = sim.control(Method::GET, "/events", None).await;
    log["events"]
        .as_array()
        .expect("events")
        .iter()
        .filter_map(|e| {
            let (stamp, text) = e.as_str()?.strip_prefix("[+")?.split_once("s] ")?;
            let (s, ms) = stamp.split_once('.')?;
            Some((s.parse::<i64>().ok()? * 1000 + ms.parse::<i64>().ok()?, text.to_owned()))
        })
        .collect()
}

/// When the simulator's log clock reads zero, by this process's clock: a LAN-host declaration (a
/// harmless address outside the pool) is logged at the simulator's "now"; the quickest of five
/// round trips (on a warm connection) is kept.
async fn log_epoch(sim: &Sim) -> DateTime<Utc> {
    sim.control(Method::GET, "/", None).await;
    let mut best: Option<(chrono::Duration, DateTime<Utc>)> = None;
    for n in 1..=5 {
        let before = Utc::now();
        let body = json!({"ip": format!("127.0.31.{n}"), "ports": [9]});
        sim.control(Method::POST, "/lan/hosts", Some(body)).await;
        let after = Utc::now();
        let (stamp, _) = events(sim)
            .await
            .into_iter()
            .rev()
            .find(|(_, t)| t.starts_with(&format!("LAN host 127.0.31.{n} ")))
            .expect("the declaration is logged");
        let epoch = before + (after - before) / 2 - chrono::Duration::milliseconds(stamp);
        if best.is_none_or(|(rtt, _)| after - before < rtt) {
            best = Some((after - before, epoch));
        }
    }
    let (rtt, epoch) = best.expect("five tries");
    println!(
        "log clock calibrated within ±{:.1} ms",
        rtt.num_microseconds().unwrap_or(0) as f64 / 2e3 + 1.0
    );
    epoch
}

/// Task durations (ms) by type, from log lines `task KIND ID on NODE started (UPID)` and
/// `task UPID ended: …`; also the end of the start task (ms on the log clock).
fn task_times(log: &[(i64, String)]) -> (BTreeMap<String, f64>, Option<i64>) {
    let mut started: BTreeMap<&str, (&str, i64)> = BTreeMap::new();
    let (mut took, mut start_end) = (BTreeMap::new(), None);
    for (ms, text) in log {
        if let Some(rest) = text.strip_prefix("task ") {
            if let Some((head, upid)) = rest.strip_suffix(')').and_then(|r| r.split_once(" started (")) {
                let kind = head.split_whitespace().next().unwrap_or_default();
                started.insert(upid, (kind, *ms));
            } else if let Some((upid, _)) = rest.split_once(" ended: ")
                && let Some((kind, t0)) = started.get(upid)
            {
                *took.entry(kind.to_string()).or_insert(0.0) += (ms - t0) as f64;
                if *kind == "qmstart" {
                    start_end = Some(*ms);
                }
            }
        }
    }
    (took, start_end)
}

/// Polls the simulator's LAN endpoint until `ip` answers on port 22: when it first did, and
/// whether it already answered at the first poll (then the boot ended earlier than measured).
async fn boot_seen(http: reqwest::Client, url: String, ip: String) -> (DateTime<Utc>, bool) {
    let deadline = Instant::now() + BOOT_LIMIT;
    let mut first = true;
    loop {
        let asked = Utc::now();
        let answer: Value = http
            .get(format!("{url}/_sim/lan?ip={ip}&port=22"))
            .send()
            .await
            .expect("LAN endpoint")
            .json()
            .await
            .expect("LAN JSON");
        if answer["answers"] == true {
            return (asked, first);
        }
        first = false;
        assert!(Instant::now() < deadline, "{ip} never answered on port 22");
        tokio::time::sleep(LAN_POLL).await;
    }
}

/// When the machine's `start` step was recorded, from its timeline (`GET /api/vms/{id}`).
async fn start_recorded(portal: &Portal, id: &str) -> DateTime<Utc> {
    let vm = portal.get(&format!("/vms/{id}")).await;
    let at = vm["steps"]
        .as_array()
        .into_iter()
        .flatten()
        .find(|s| s["step"] == "start")
        .and_then(|s| s["at"].as_str())
        .unwrap_or_else(|| panic!("no start step on the timeline: {vm}"));
    DateTime::parse_from_rfc3339(at).expect("RFC 3339").to_utc()
}

/// One streamed provision: (step, Nimbus's ms, the simulator's ms in that step), the client's
/// total, and the simulator's total (its tasks plus the boot counted from the start task's end).
async fn one(portal: &Portal, sim: &Sim, epoch: DateTime<Utc>, n: usize) -> (Vec<(String, f64, f64)>, f64, f64) {
    let logged = events(sim).await.len();
    let mut ip: Option<String> = None;
    let boot: Arc<Mutex<Option<tokio::task::JoinHandle<_>>>> = Arc::default();
    let (http, url, watcher) = (sim.http.clone(), sim.url.clone(), boot.clone());
    let run = portal
        .provision(&format!("timed-{n}"), move |line| {
            if line["type"] != "step" {
                return;
            }
            if let Some(addr) = line["detail"]["ip"].as_str() {
                ip = Some(addr.to_owned());
            }
            if line["step"] == "start" {
                let ip = ip.clone().expect("the address comes before the start");
                let task = tokio::spawn(boot_seen(http.clone(), url.clone(), ip));
                *watcher.lock().expect("lock") = Some(task);
            }
        })
        .await;
    let task = boot.lock().expect("lock").take().expect("a start step");
    let (booted, early) = task.await.expect("boot watcher");
    if early {
        eprintln!("warning: run {n}: the guest already answered at the first poll; its boot is overstated");
    }
    let log = events(sim).await;
    let (took, start_end) = task_times(&log[logged..]);
    let start_end = epoch + chrono::Duration::milliseconds(start_end.expect("a start task ended"));
    let id = run.result["id"].as_str().expect("machine id");
    let noticed = start_recorded(portal, id).await;
    // Within wait_ready, the simulator's part is the boot left after Nimbus recorded the start.
    let boot_in_step = (booted - noticed.max(start_end)).num_milliseconds() as f64;
    let boot_total = (booted - start_end).num_milliseconds() as f64;
    let rows = step_times(&run.lines)
        .into_iter()
        .map(|(step, ms)| {
            let task = TASKS.iter().find(|(s, _)| *s == step).map(|(_, k)| *k);
            let own = match (step.as_str(), task) {
                ("wait_ready", _) => boot_in_step,
                (_, Some(kind)) => took.get(kind).copied().unwrap_or(0.0),
                _ => 0.0,
            };
            (step, ms, own)
        })
        .collect();
    let sim_total = took.values().sum::<f64>() + boot_total;
    (rows, run.took.as_secs_f64() * 1e3, sim_total)
}

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() {
    let dir = tempfile::tempdir().expect("temp dir");
    let sim = Sim::spawn(dir.path(), "realistic", 5, 7);
    let pool = [
        ("IP_POOL_START", "127.0.30.10"),
        ("IP_POOL_END", "127.0.30.100"),
        ("GATEWAY_IP", "127.0.30.1"),
        ("VM_PREFIX_LEN", "24"),
    ];
    let portal = Portal::spawn(dir.path(), &sim, &pool).await;
    let epoch = log_epoch(&sim).await;

    let mut per_step: BTreeMap<String, Samples> = BTreeMap::new();
    let mut order: Vec<String> = Vec::new();
    let (mut totals, mut own_totals, mut over_totals) = (Vec::new(), Vec::new(), Vec::new());
    for n in 0..RUNS {
        let (rows, total, own) = one(&portal, &sim, epoch, n).await;
        let cells: Vec<String> = rows.iter().map(|(s, ms, o)| format!("{s} {ms:.0}/{o:.0}")).collect();
        println!(
            "run {n}: POST to running {total:.0} ms, simulator {own:.0} ms, overhead {:.0} ms  [step nimbus/simulator ms: {}]",
            total - own,
            cells.join(", ")
        );
        for (step, ms, o) in rows {
            if !order.contains(&step) {
                order.push(step.clone());
            }
            let entry = per_step.entry(step).or_default();
            entry.0.push(ms);
            entry.1.push(o);
            entry.2.push(ms - o);
        }
        totals.push(total);
        own_totals.push(own);
        over_totals.push(total - own);
    }
    println!("median of {RUNS} provisions, realistic profile (ms):");
    println!("    step          nimbus  simulator   overhead   (each column its own median)");
    for step in &order {
        let (ms, own, over) = per_step.get_mut(step).expect("step");
        println!(
            "    {step:<12} {:8.0} {:10.0} {:10.0}",
            median(ms),
            median(own),
            median(over)
        );
    }
    let over = median(&mut over_totals);
    let total = median(&mut totals);
    println!(
        "    {:<12} {total:8.0} {:10.0} {over:10.0}   (POST to running as the client saw it)",
        "total",
        median(&mut own_totals),
    );
    println!(
        "    (the steps' overheads add up to more than the total's: the guest boots while Nimbus is still noticing the start task's end)"
    );
    println!(
        "RESULT orchestration overhead: median {over:.0} ms per provision ({:.1}% of POST to running)",
        over / total * 100.0
    );
}
