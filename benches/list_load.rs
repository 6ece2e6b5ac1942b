//! `GET /api/vms` for a member with 50 machines under a standard HTTP load generator: `wrk -t2
//! -c16 -d10s --latency` over loopback against a real `nimbus demo` app (its simulated cluster on
//! the `instant` profile, its own SQLite file), with the member's API token, and against the
//! public `GET /api/health` in the same run. Prints requests/s and p99 latency for both, and the
//! ratios.
//!
//! The member is the second account (signed up through `POST /api/auth/register`); the admin
//! first lifts its quota (`PUT /api/quotas/users/{id}` with `{}`), then the member provisions its
//! 50 small machines.
//!
//! Needs `wrk` on the PATH (Debian/Ubuntu: `apt-get install wrk`); without it the benchmark says
//! so and does nothing. Run with `make bench` (or `cargo bench --bench list_load`).

use std::process::Command;

use serde_json::{Value, json};
use support::PASSWORD;

#[path = "support/mod.rs"]
mod support;

const MACHINES: usize = 50;
const WRK_ARGS: [&str; 4] = ["-t2", "-c16", "-d10s", "--latency"];

/// What one wrk run reported.
#[derive(Debug)]
struct Load {
    requests_per_sec: f64,
    p99_ms: f64,
    /// Non-2xx/3xx answers and socket errors, as wrk words them.
    errors: Vec<String>,
}

/// A wrk latency such as `812.00us`, `1.23ms` or `1.02s`, in milliseconds.
fn latency_ms(text: &str) -> Option<f64> {
    let split = text.find(|c: char| c.is_ascii_alphabetic())?;
    let (number, unit) = text.split_at(split);
    let value: f64 = number.parse().ok()?;
    Some(match unit {
        "us" => value / 1e3,
        "ms" => value,
        "s" => value * 1e3,
        "m" => value * 60e3,
        _ => return None,
    })
}

fn parse_wrk(out: &str) -> Load {
    let mut load = Load {
        requests_per_sec: f64::NAN,
        p99_ms: f64::NAN,
        errors: Vec::new(),
    };
    for line in out.lines().map(str::trim) {
        if let Some(v) = line.strip_prefix("Requests/sec:") {
            load.requests_per_sec = v.trim().parse().unwrap_or(f64::NAN);
        } else if let Some(v) = line.strip_prefix("99%") {
            load.p99_ms = latency_ms(v.trim()).unwrap_or(f64::NAN);
        } else if line.starts_with("Non-2xx") || line.starts_with("Socket errors") {
            load.errors.push(line.to_owned());
        }
    }
    assert!(
        load.requests_per_sec.is_finite() && load.p99_ms.is_finite(),
        "cannot read wrk's output:\n{out}"
    );
    load
}

/// Runs wrk against `url` with `bearer` (on a blocking thread: the server shares this runtime).
async fn wrk(url: String, bearer: String) -> Load {
    tokio::task::spawn_blocking(move || {
        let out = Command::new("wrk")
            .args(WRK_ARGS)
            .args(["-H", &format!("Authorization: {bearer}"), &url])
            .output()
            .expect("run wrk");
        let text = String::from_utf8_lossy(&out.stdout).into_owned();
        assert!(
            out.status.success(),
            "wrk failed: {text}{}",
            String::from_utf8_lossy(&out.stderr)
        );
        parse_wrk(&text)
    })
    .await
    .expect("wrk thread")
}

fn wrk_installed() -> bool {
    Command::new("wrk").arg("--version").output().is_ok()
}

/// Signs the member up and gives it an API token: (`Bearer …`, user id).
async fn member(http: &reqwest::Client, base: &str) -> (String, String) {
    let member = json!({"email": "member@lab.example", "name": "Member", "password": PASSWORD});
    let bearer = support::signup::sign_up(http, base, member, "load").await.bearer;
    let me: Value = http
        .get(format!("{base}/api/me"))
        .header("authorization", &bearer)
        .send()
        .await
        .expect("me")
        .json()
        .await
        .expect("me body");
    assert_eq!(me["data"]["role"], "member", "the second account is a member: {me}");
    (bearer, me["data"]["id"].as_str().expect("user id").to_owned())
}

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() {
    if !wrk_installed() {
        println!("list_load: skipped, wrk is not installed (Debian/Ubuntu: sudo apt-get install wrk)");
        return;
    }
    let demo = support::start(&[("NIMBUS_SIM_PROFILE", "instant")]).await;
    let (http, base) = (demo.http.clone(), demo.base.clone());
    let (bearer, member_id) = member(&http, &base).await;

    let lifted = http
        .put(format!("{base}/api/quotas/users/{member_id}"))
        .header("authorization", &demo.bearer)
        .json(&json!({}))
        .send()
        .await
        .expect("quota");
    match lifted.status().as_u16() {
        s if (200..300).contains(&s) => println!("the admin lifted the member's quota ({s})"),
        s => panic!(
            "PUT /api/quotas/users/{member_id}: {s} {}",
            lifted.text().await.unwrap_or_default()
        ),
    }

    for n in 0..MACHINES {
        let made = http
            .post(format!("{base}/api/vms"))
            .header("authorization", &bearer)
            .json(&json!({"hostname": format!("member-{n}"), "tier": "small", "os_template": "ubuntu-24.04", "generate_key": true}))
            .send()
            .await
            .expect("provision");
        let status = made.status();
        assert!(
            status.is_success(),
            "{status}: {}",
            made.text().await.unwrap_or_default()
        );
    }
    let listed: Value = http
        .get(format!("{base}/api/vms"))
        .header("authorization", &bearer)
        .send()
        .await
        .expect("list")
        .json()
        .await
        .expect("list body");
    let vms = listed["data"].as_array().expect("vms");
    assert_eq!(vms.len(), MACHINES, "the member's list");
    assert!(vms.iter().all(|v| v["status"] == "running"), "all running: {listed}");
    let bytes = serde_json::to_vec(&listed).expect("json").len();
    println!("member has {MACHINES} running machines; GET /api/vms answers {bytes} bytes of JSON");

    let list = wrk(format!("{base}/api/vms"), bearer.clone()).await;
    let health = wrk(format!("{base}/api/health"), bearer.clone()).await;
    for (name, load) in [("GET /api/vms (50 VMs, token)", &list), ("GET /api/health", &health)] {
        println!(
            "{name:30} {:9.0} requests/s   p99 {:7.2} ms",
            load.requests_per_sec, load.p99_ms
        );
        for e in &load.errors {
            println!("    wrk: {e}");
        }
    }
    println!(
        "RESULT /api/vms vs /api/health: {:.2}x the throughput, {:.2}x the p99 (wrk {})",
        list.requests_per_sec / health.requests_per_sec,
        list.p99_ms / health.p99_ms,
        WRK_ARGS.join(" ")
    );
    assert!(
        list.errors.is_empty() && health.errors.is_empty(),
        "wrk saw errors: {list:?} {health:?}"
    );
    demo.running.stop().await.expect("stop");
}
