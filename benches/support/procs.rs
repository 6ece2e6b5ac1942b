//! Shared by the benchmarks that run Nimbus as real processes: a `nimbus sim-proxmox` child, a
//! `nimbus serve` child talking to it over loopback HTTPS (certificate pinned, the simulator's
//! LAN endpoint as `NIMBUS_SIMULATED_LAN`), the first account (admin) with an API token, streamed
//! provisions through `POST /api/vms`, and reads of the simulator's own API. Both children run
//! with a cleared environment and a temporary working and data dir, and are killed (by their own
//! process id) when dropped.

use std::io::{BufRead, BufReader, Write};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::sync::mpsc::Receiver;
use std::time::{Duration, Instant};

use serde_json::{Value, json};

#[path = "signup.rs"]
mod signup;
use self::signup::sign_up;

const PASSWORD: &str = "correct horse battery staple";

/// A child process, killed and reaped when dropped.
pub struct Proc(Child);

impl Drop for Proc {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn lines_of(stream: impl std::io::Read + Send + 'static) -> Receiver<String> {
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        for line in BufReader::new(stream).lines().map_while(Result::ok) {
            let _ = tx.send(line);
        }
    });
    rx
}

/// Reads lines until `done` says so; panics after `limit`.
fn read_until(rx: &Receiver<String>, limit: Duration, what: &str, mut done: impl FnMut(&str) -> bool) {
    let deadline = Instant::now() + limit;
    loop {
        let left = deadline.saturating_duration_since(Instant::now());
        let line = rx
            .recv_timeout(left)
            .unwrap_or_else(|e| panic!("{what} did not start in {limit:?}: {e}"));
        if done(line.trim()) {
            return;
        }
    }
}

/// A running `nimbus sim-proxmox`.
pub struct Sim {
    _proc: Proc,
    /// `https://127.0.0.1:PORT`.
    pub url: String,
    /// `USER@REALM!ID=SECRET`.
    pub token: String,
    pub fingerprint: String,
    /// Its LAN endpoint (`…/_sim/lan`).
    pub lan: String,
    /// Trusts the simulator's self-signed certificate (loopback only).
    pub http: reqwest::Client,
}

impl Sim {
    /// Starts `nimbus sim-proxmox --profile PROFILE --nodes NODES --seed SEED` on a free port.
    pub fn spawn(dir: &Path, profile: &str, nodes: u16, seed: u64) -> Self {
        let mut child = Command::new(env!("CARGO_BIN_EXE_nimbus"))
            .current_dir(dir)
            .env_clear()
            .args(["sim-proxmox", "--listen", "127.0.0.1:0", "--profile", profile])
            .args(["--nodes", &nodes.to_string(), "--seed", &seed.to_string()])
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("spawn nimbus sim-proxmox");
        let rx = lines_of(child.stdout.take().expect("stdout"));
        let proc = Proc(child);
        let (mut url, mut token, mut fingerprint, mut lan) = (None, None, None, None);
        read_until(&rx, Duration::from_secs(30), "nimbus sim-proxmox", |line| {
            let value = |prefix: &str| line.strip_prefix(prefix).map(str::to_owned);
            url = url.take().or_else(|| value("listening: "));
            token = token.take().or_else(|| value("token: "));
            fingerprint = fingerprint.take().or_else(|| value("fingerprint: "));
            lan = lan.take().or_else(|| value("lan: "));
            url.is_some() && token.is_some() && fingerprint.is_some() && lan.is_some()
        });
        let http = reqwest::Client::builder()
            .danger_accept_invalid_certs(true)
            .build()
            .expect("client");
        Self {
            _proc: proc,
            url: url.expect("listening"),
            token: token.expect("token"),
            fingerprint: fingerprint.expect("fingerprint"),
            lan: lan.expect("lan"),
            http,
        }
    }

    /// `GET /api2/json{path}`: the `data` of the answer.
    #[allow(dead_code)] // each bench compiles this module on its own; only some read /api2/json
    pub async fn api(&self, path: &str) -> Value {
        let answer: Value = self
            .http
            .get(format!("{}/api2/json{path}", self.url))
            .header("authorization", format!("PVEAPIToken={}", self.token))
            .send()
            .await
            .expect("simulator API")
            .json()
            .await
            .expect("simulator JSON");
        answer["data"].clone()
    }

    /// A request to the simulator's own `/_sim{path}` endpoints (plain JSON).
    #[allow(dead_code)] // each bench compiles this module on its own; only some use /_sim
    pub async fn control(&self, method: reqwest::Method, path: &str, body: Option<Value>) -> Value {
        let mut request = self.http.request(method, format!("{}/_sim{path}", self.url));
        if let Some(body) = body {
            request = request.json(&body);
        }
        let response = request.send().await.expect("simulator control");
        response.json().await.expect("simulator control JSON")
    }
}

/// A running `nimbus serve` against a [`Sim`], with its first account (an admin).
pub struct Portal {
    _proc: Proc,
    pub url: String,
    pub http: reqwest::Client,
    /// `Bearer nimbus_…` of the admin's API token.
    pub bearer: String,
}

/// One provision streamed as NDJSON.
pub struct Provisioned {
    pub lines: Vec<Value>,
    /// From sending the request to the `result` line.
    pub took: Duration,
    /// The `data` of the `result` line.
    pub result: Value,
}

impl Portal {
    /// Starts `nimbus serve` on a free loopback port with its data under `dir`, `env` on top of
    /// the cluster settings, signs the first account up with the setup token from the log and
    /// gives it an API token.
    pub async fn spawn(dir: &Path, sim: &Sim, env: &[(&str, &str)]) -> Self {
        let (token_id, secret) = sim.token.split_once('=').expect("token id=secret");
        let mut child = Command::new(env!("CARGO_BIN_EXE_nimbus"))
            .current_dir(dir)
            .env_clear()
            .arg("serve")
            .envs([
                ("PROXMOX_HOST", sim.url.as_str()),
                ("PROXMOX_TOKEN_ID", token_id),
                ("PROXMOX_TOKEN_SECRET", secret),
                ("PROXMOX_TLS_FINGERPRINT", sim.fingerprint.as_str()),
                ("NIMBUS_SIMULATED_LAN", sim.lan.as_str()),
                ("PORT", "0"),
                ("BIND_ADDR", "127.0.0.1"),
                ("NIMBUS_NETSCAN_MODE", "off"),
                ("RATE_LIMIT_SIGNIN_PER_IP", "off"),
                ("RATE_LIMIT_SIGNIN_PER_ACCOUNT", "off"),
                ("RATE_LIMIT_VMS_PER_ACCOUNT", "off"),
            ])
            .envs(env.iter().copied())
            .env("NIMBUS_DATA_DIR", dir.join("data"))
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .expect("spawn nimbus serve");
        let rx = lines_of(child.stderr.take().expect("stderr"));
        let proc = Proc(child);
        let field = |line: &str, name: &str| {
            let start = line.find(&format!("{name}="))? + name.len() + 1;
            Some(line[start..].split_whitespace().next()?.trim_matches('"').to_owned())
        };
        let (mut url, mut setup) = (None, None);
        read_until(&rx, Duration::from_secs(60), "nimbus serve", |line| {
            url = url.take().or_else(|| field(line, "url"));
            setup = setup.take().or_else(|| field(line, "setup_token"));
            url.is_some() && setup.is_some()
        });
        // Keep draining the log so the server never blocks on a full pipe; with BENCH_SERVE_LOG
        // set, into that file (for looking into a run afterwards).
        let mut keep = std::env::var_os("BENCH_SERVE_LOG").and_then(|p| std::fs::File::create(p).ok());
        std::thread::spawn(move || {
            for line in rx {
                if let Some(file) = keep.as_mut() {
                    let _ = writeln!(file, "{line}");
                }
            }
        });
        let url = url.expect("url");
        let http = reqwest::Client::new();
        let admin = json!({"email": "admin@lab.example", "name": "Admin", "password": PASSWORD, "setup_token": setup});
        let bearer = sign_up(&http, &url, admin, "bench").await.bearer;
        Self {
            _proc: proc,
            url,
            http,
            bearer,
        }
    }

    /// `GET /api{path}` as the admin: the `data` of the answer.
    pub async fn get(&self, path: &str) -> Value {
        let answer: Value = self
            .http
            .get(format!("{}/api{path}", self.url))
            .header("authorization", &self.bearer)
            .send()
            .await
            .expect("GET")
            .json()
            .await
            .expect("JSON");
        answer["data"].clone()
    }

    /// Provisions a small Ubuntu 24.04 machine with `Accept: application/x-ndjson`, calling
    /// `on_line` with each line as it arrives. Panics unless the stream ends with `result`.
    pub async fn provision(&self, hostname: &str, mut on_line: impl FnMut(&Value)) -> Provisioned {
        let t = Instant::now();
        let mut response = self
            .http
            .post(format!("{}/api/vms", self.url))
            .header("authorization", &self.bearer)
            .header("accept", "application/x-ndjson")
            .json(&json!({"hostname": hostname, "tier": "small", "os_template": "ubuntu-24.04", "generate_key": true}))
            .send()
            .await
            .expect("POST /api/vms");
        assert!(response.status().is_success(), "POST /api/vms: {}", response.status());
        let (mut pending, mut lines) = (Vec::new(), Vec::new());
        while let Some(chunk) = response.chunk().await.expect("NDJSON body") {
            pending.extend_from_slice(&chunk);
            while let Some(end) = pending.iter().position(|b| *b == b'\n') {
                let raw: Vec<u8> = pending.drain(..=end).collect();
                let line: Value = serde_json::from_slice(&raw).expect("NDJSON line");
                on_line(&line);
                lines.push(line);
            }
        }
        let took = t.elapsed();
        let last = lines.last().cloned().unwrap_or(Value::Null);
        assert_eq!(last["type"], "result", "{hostname} did not provision: {last}");
        Provisioned {
            result: last["data"].clone(),
            lines,
            took,
        }
    }
}

/// The `elapsed_ms` of each `step` line, by step name, in order.
pub fn step_times(lines: &[Value]) -> Vec<(String, f64)> {
    lines
        .iter()
        .filter(|l| l["type"] == "step")
        .map(|l| {
            let step = l["step"].as_str().unwrap_or_default().to_owned();
            (step, l["detail"]["elapsed_ms"].as_f64().unwrap_or_default())
        })
        .collect()
}

/// The median of `xs` (sorted in place); 0 when empty.
pub fn median(xs: &mut [f64]) -> f64 {
    if xs.is_empty() {
        return 0.0;
    }
    xs.sort_by(f64::total_cmp);
    let n = xs.len();
    if n % 2 == 1 {
        xs[n / 2]
    } else {
        (xs[n / 2 - 1] + xs[n / 2]) / 2.0
    }
}
