//! What accounts cost: one Argon2id hash and verification at the production parameters, a
//! sign-in over HTTP, and an authenticated read (`GET /api/me` with a session cookie and with a
//! Bearer token) next to the public `GET /api/health` in the same run, over loopback against a
//! real `nimbus demo` app with its own SQLite file. Prints medians, p99s and the ratios.
//!
//! Run with `make bench` (or `cargo bench --bench accounts`).

use std::time::{Duration, Instant};

use nimbus::adapters::passwords::Argon2idHasher;
use nimbus::ports::PasswordHasher;
use serde_json::json;
use support::PASSWORD;

#[path = "support/mod.rs"]
mod support;

const WARMUP: usize = 50;
const CALLS: usize = 2_000;
const SLOW_CALLS: usize = 20;

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    let i = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[i.min(sorted.len() - 1)]
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1e3
}

fn summary(mut times: Vec<Duration>) -> (Duration, Duration) {
    times.sort();
    (percentile(&times, 0.5), percentile(&times, 0.99))
}

async fn timed<F, Fut>(n: usize, warmup: usize, mut call: F) -> (Duration, Duration)
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = ()>,
{
    for _ in 0..warmup {
        call().await;
    }
    let mut times = Vec::with_capacity(n);
    for _ in 0..n {
        let t = Instant::now();
        call().await;
        times.push(t.elapsed());
    }
    summary(times)
}

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() {
    let hasher = Argon2idHasher::recommended();
    let mut hashes = Vec::new();
    let mut verifies = Vec::new();
    for _ in 0..SLOW_CALLS {
        let t = Instant::now();
        let phc = hasher.hash(PASSWORD).expect("hash");
        hashes.push(t.elapsed());
        let t = Instant::now();
        assert!(hasher.verify(PASSWORD, &phc));
        verifies.push(t.elapsed());
    }
    let (hash_p50, _) = summary(hashes);
    let (verify_p50, _) = summary(verifies);
    println!("argon2id hash (19 MiB, t=2)      median {:8.2} ms", ms(hash_p50));
    println!("argon2id verify                  median {:8.2} ms", ms(verify_p50));

    let demo = support::start(&[]).await;
    let (base, http, cookie, bearer) = (
        demo.base.clone(),
        demo.http.clone(),
        demo.cookie.clone(),
        demo.bearer.clone(),
    );

    let (login_p50, login_p99) = timed(SLOW_CALLS, 2, || async {
        let r = http
            .post(format!("{base}/api/auth/login"))
            .json(&json!({"email": "bench@lab.example", "password": PASSWORD}))
            .send()
            .await
            .expect("login");
        assert_eq!(r.status(), 200);
    })
    .await;
    println!(
        "POST /api/auth/login             median {:8.2} ms   p99 {:8.2} ms",
        ms(login_p50),
        ms(login_p99)
    );

    let get = |path: &'static str, header: Option<(&'static str, String)>| {
        let http = http.clone();
        let url = format!("{base}{path}");
        move || {
            let mut req = http.get(&url);
            if let Some((k, v)) = &header {
                req = req.header(*k, v);
            }
            async move {
                let r = req.send().await.expect("request");
                assert_eq!(r.status(), 200);
                r.bytes().await.expect("body");
            }
        }
    };
    let (health, health_p99) = timed(CALLS, WARMUP, get("/api/health", None)).await;
    let (session, session_p99) = timed(CALLS, WARMUP, get("/api/me", Some(("cookie", cookie.clone())))).await;
    let (token, token_p99) = timed(CALLS, WARMUP, get("/api/me", Some(("authorization", bearer.clone())))).await;
    for (name, p50, p99) in [
        ("GET /api/health (public)", health, health_p99),
        ("GET /api/me (session cookie)", session, session_p99),
        ("GET /api/me (Bearer token)", token, token_p99),
    ] {
        println!("{name:32} median {:8.3} ms   p99 {:8.3} ms", ms(p50), ms(p99));
    }
    println!(
        "authenticated / public median ratio: session {:.2}x, token {:.2}x",
        session.as_secs_f64() / health.as_secs_f64(),
        token.as_secs_f64() / health.as_secs_f64()
    );
    demo.running.stop().await.expect("stop");
}
