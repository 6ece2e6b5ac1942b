//! The GPU plane end to end: a Nimbus on its own data dir and loopback port (restartable on the
//! same port, so a worker keeps its `NIMBUS_URL`), and real `gx10-worker` processes of this build
//! with the stand-in container runtime, each with its own state and output folders.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use nimbus::app::config::{Config, Mode, Sources};
use nimbus::app::server::{self, Running};
use nimbus::app::wiring::App;
use reqwest::Method;
use serde_json::{Value, json};

use crate::accounts::{Cred, NO_LIMITS, call, register};

/// The `gx10-worker` binary: `NIMBUS_GX10_WORKER`, or the one `make test` builds beside this
/// test binary's `deps/` folder.
pub fn worker_binary() -> PathBuf {
    if let Some(path) = std::env::var_os("NIMBUS_GX10_WORKER").filter(|p| !p.is_empty()) {
        return PathBuf::from(path);
    }
    let exe = std::env::current_exe().unwrap();
    let path = exe.parent().and_then(Path::parent).unwrap().join("gx10-worker");
    assert!(
        path.is_file(),
        "{} is missing: build the workspace's binaries first (cargo build --workspace --bins), or set NIMBUS_GX10_WORKER",
        path.display()
    );
    path
}

/// One Nimbus, its admin and a member, restartable on the same port and data dir.
pub struct Plane {
    pub dir: tempfile::TempDir,
    pub port: u16,
    pub base: String,
    running: Option<Running>,
    pub admin: Cred,
    pub member: Cred,
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

async fn start(dir: &Path, port: u16) -> Running {
    let mut env: BTreeMap<String, String> = NO_LIMITS.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect();
    env.insert("PORT".into(), port.to_string());
    env.insert("BIND_ADDR".into(), "127.0.0.1".into());
    env.insert("NIMBUS_DATA_DIR".into(), dir.display().to_string());
    env.insert("NIMBUS_SIM_PROFILE".into(), "instant".into());
    let sources = Sources {
        env,
        cwd: dir.to_path_buf(),
        system_env_file: dir.join("none.env"),
    };
    let config = Config::load(Mode::Demo, &sources).expect("test configuration");
    let app = App::build(config).await.expect("app builds");
    server::start(app).await.expect("server starts")
}

impl Plane {
    /// A Nimbus whose GPU plane is on with a short lease (5 s, heartbeat every second), the given
    /// per-person running limit, an admin and a member.
    pub async fn start(max_running: u32) -> Self {
        let dir = tempfile::tempdir().unwrap();
        let port = free_port();
        let running = start(dir.path(), port).await;
        let base = running.base_url();
        let mut plane = Self {
            dir,
            port,
            base,
            running: Some(running),
            admin: Cred::None,
            member: Cred::None,
        };
        let app = plane.test_app();
        plane.admin = Cred::Cookie(register(&app, "admin@lab.example", "Admin").await.1);
        plane.member = Cred::Cookie(register(&app, "member@lab.example", "Member").await.1);
        let settings = json!({"enabled": true, "lease_seconds": 5, "heartbeat_seconds": 1,
            "max_queued_per_user": 100, "max_running_per_user": max_running});
        let set = plane
            .call(Method::PUT, "/api/settings/gpu", &plane.admin, Some(settings))
            .await;
        assert_eq!(set.0, 200, "{}", set.1);
        plane
    }

    /// A handle the account helpers take (only its address and client are used).
    fn test_app(&self) -> crate::helpers::TestApp {
        crate::helpers::TestApp {
            base: self.base.clone(),
            http: reqwest::Client::new(),
            running: None,
            dir: tempfile::tempdir().unwrap(),
        }
    }

    pub async fn call(&self, method: Method, path: &str, cred: &Cred, body: Option<Value>) -> (u16, Value) {
        let answer = call(&self.test_app(), method, path, cred, body).await;
        (answer.status.as_u16(), answer.body)
    }

    /// Stops Nimbus (in-flight requests finish) and starts it again on the same port and data.
    pub async fn restart(&mut self) {
        if let Some(running) = self.running.take() {
            running.stop().await.expect("clean stop");
        }
        self.running = Some(start(self.dir.path(), self.port).await);
    }

    /// Adds a worker; its token.
    pub async fn add_worker(&self, id: &str) -> String {
        let made = self
            .call(
                Method::POST,
                "/api/settings/gpu/workers",
                &self.admin,
                Some(json!({ "id": id })),
            )
            .await;
        assert_eq!(made.0, 201, "{}", made.1);
        let token = made.1["data"]["token"].as_str().unwrap().to_owned();
        let env = made.1["data"]["env"].as_str().unwrap();
        let lines = format!(
            "NIMBUS_URL={}\nNIMBUS_WORKER_TOKEN={token}\nGX10_WORKER_ID={id}\n",
            self.base
        );
        assert_eq!(env, lines, "the worker's environment lines");
        token
    }

    /// Waits (at most 30 s) until every worker in `ids` has called Nimbus.
    pub async fn wait_online(&self, ids: &[&str]) {
        let deadline = Instant::now() + Duration::from_secs(30);
        loop {
            let (_, body) = self.call(Method::GET, "/api/settings/gpu", &self.admin, None).await;
            let online = body["data"]["workers"].as_array().cloned().unwrap_or_default();
            let up = |id: &&str| online.iter().any(|w| w["id"] == *id && w["online"] == true);
            if ids.iter().all(up) {
                return;
            }
            assert!(Instant::now() < deadline, "workers {ids:?} online within 30 s: {body}");
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }

    /// Follows job `id`'s output over server-sent events until `end`: the text of its `log`
    /// events, and the statuses of its `job` events.
    pub async fn follow(&self, id: u64) -> (String, Vec<String>) {
        let Cred::Cookie(secret) = &self.member else {
            unreachable!()
        };
        let mut response = reqwest::Client::new()
            .get(format!("{}/api/gpu/jobs/{id}/logs/stream", self.base))
            .header("cookie", format!("nimbus_session={secret}"))
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 200);
        let (mut raw, mut text, mut statuses) = (String::new(), String::new(), Vec::new());
        let deadline = Instant::now() + Duration::from_secs(60);
        loop {
            let chunk = tokio::time::timeout_at(deadline.into(), response.chunk())
                .await
                .expect("the stream ends within 60 s")
                .unwrap();
            let Some(chunk) = chunk else { break };
            raw.push_str(&String::from_utf8_lossy(&chunk));
            while let Some(end) = raw.find("\n\n") {
                let event: String = raw.drain(..end + 2).collect();
                let name = event.lines().find_map(|l| l.strip_prefix("event: ")).unwrap_or("");
                let data = event.lines().find_map(|l| l.strip_prefix("data: ")).unwrap_or("null");
                let data: Value = serde_json::from_str(data).unwrap_or(Value::Null);
                match name {
                    "log" => text.push_str(data["text"].as_str().unwrap()),
                    "job" | "end" => statuses.push(data["status"].as_str().unwrap().to_owned()),
                    _ => {}
                }
            }
        }
        (text, statuses)
    }

    /// Queues a job of the member's; its id.
    pub async fn submit(&self, command: &[&str]) -> u64 {
        let body = json!({"image": "pytorch/pytorch:2.4", "command": command});
        let made = self.call(Method::POST, "/api/gpu/jobs", &self.member, Some(body)).await;
        assert_eq!(made.0, 201, "{}", made.1);
        made.1["data"]["id"].as_u64().unwrap()
    }

    pub async fn job(&self, id: u64) -> Value {
        let got = self
            .call(Method::GET, &format!("/api/gpu/jobs/{id}"), &self.member, None)
            .await;
        assert_eq!(got.0, 200, "{}", got.1);
        got.1["data"].clone()
    }

    /// The job's whole stored output, raw.
    pub async fn log(&self, id: u64) -> Vec<u8> {
        let Cred::Cookie(secret) = &self.member else {
            unreachable!()
        };
        let response = reqwest::Client::new()
            .get(format!("{}/api/gpu/jobs/{id}/logs", self.base))
            .header("cookie", format!("nimbus_session={secret}"))
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 200);
        response.bytes().await.unwrap().to_vec()
    }

    /// Waits (at most `within`) until job `id` satisfies `done`; the job.
    pub async fn wait_for(&self, id: u64, within: Duration, what: &str, done: impl Fn(&Value) -> bool) -> Value {
        let deadline = Instant::now() + within;
        loop {
            let job = self.job(id).await;
            if done(&job) {
                return job;
            }
            assert!(
                Instant::now() < deadline,
                "job {id}: {what} within {within:?}; it is {job}"
            );
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }

    pub async fn stop(mut self) {
        if let Some(running) = self.running.take() {
            running.stop().await.expect("clean stop");
        }
    }
}

/// A `gx10-worker` process with the stand-in runtime; killed when dropped.
pub struct Worker {
    child: Child,
    /// Where its stand-in keeps a pid file per running container.
    pub containers: PathBuf,
    /// Where its jobs write their results.
    pub output: PathBuf,
    _dir: tempfile::TempDir,
}

impl Worker {
    /// Starts worker `id` against `plane` with `token`; `extra` reaches the stand-in's jobs
    /// (e.g. `GX10_STAND_IN_SECONDS`).
    pub fn start(plane: &Plane, id: &str, token: &str, extra: &[(&str, &str)]) -> Self {
        let dir = tempfile::tempdir().unwrap();
        let bin = worker_binary();
        let containers = dir.path().join("containers");
        let output = dir.path().join("output");
        let child = Command::new(&bin)
            .current_dir(dir.path())
            .env("NIMBUS_URL", &plane.base)
            .env("NIMBUS_WORKER_TOKEN", token)
            .env("GX10_WORKER_ID", id)
            .env("GX10_RUNTIME", format!("{} stand-in-runtime", bin.display()))
            .env("GX10_POLL_INTERVAL", "0.1")
            .env("GX10_LOG_FLUSH_DELAY", "50")
            .env("GX10_STOP_GRACE", "2")
            .env("GX10_HTTP_TIMEOUT", "5")
            .env("GX10_OUTPUT_DIR", &output)
            .env("GX10_STAND_IN_DIR", &containers)
            .env("GX10_STAND_IN_SECONDS", "0.3")
            .envs(extra.iter().copied())
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        Self {
            child,
            containers,
            output,
            _dir: dir,
        }
    }

    /// The pids of its stand-in containers that are alive.
    pub fn live_containers(&self) -> Vec<u32> {
        let Ok(entries) = std::fs::read_dir(&self.containers) else {
            return Vec::new();
        };
        entries
            .filter_map(|e| std::fs::read_to_string(e.ok()?.path()).ok())
            .filter_map(|text| text.trim().parse::<u32>().ok())
            .filter(|pid| Path::new(&format!("/proc/{pid}")).exists() && !zombie(*pid))
            .collect()
    }

    /// Kills the worker and its containers at once (a machine losing power).
    pub fn crash(mut self) {
        let pids = self.live_containers();
        let _ = self.child.kill();
        let _ = self.child.wait();
        for pid in pids {
            let _ = Command::new("kill").arg("-KILL").arg(pid.to_string()).status();
        }
    }
}

fn zombie(pid: u32) -> bool {
    std::fs::read_to_string(format!("/proc/{pid}/stat"))
        .map(|s| s.split(") ").nth(1).is_some_and(|rest| rest.starts_with('Z')))
        .unwrap_or(true)
}

impl Drop for Worker {
    fn drop(&mut self) {
        let pids = self.live_containers();
        let _ = self.child.kill();
        let _ = self.child.wait();
        for pid in pids {
            let _ = Command::new("kill").arg("-KILL").arg(pid.to_string()).status();
        }
    }
}

/// What the stand-in prints for `command`, run directly (stdout, stderr), with `extra` env.
pub fn printed(command: &[&str], extra: &[(&str, &str)]) -> (Vec<u8>, Vec<u8>) {
    let dir = tempfile::tempdir().unwrap();
    let mut args = vec![
        "stand-in-runtime".to_owned(),
        "run".into(),
        "--rm".into(),
        "--name".into(),
        "probe".into(),
        "--gpus".into(),
        "all".into(),
        "-v".into(),
        format!("{}:/output", dir.path().join("out").display()),
        "pytorch/pytorch:2.4".into(),
    ];
    args.extend(command.iter().map(|c| (*c).to_owned()));
    let out = Command::new(worker_binary())
        .args(&args)
        .env("GX10_STAND_IN_DIR", dir.path().join("state"))
        .env("GX10_STAND_IN_SECONDS", "0")
        .envs(extra.iter().copied())
        .output()
        .unwrap();
    (out.stdout, out.stderr)
}
