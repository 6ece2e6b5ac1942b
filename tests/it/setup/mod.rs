//! The setup wizard over real processes: a fresh `nimbus serve` without cluster settings (setup
//! mode) against a separate `nimbus sim-proxmox`, driven over loopback HTTP as the portal drives
//! it. Each test has its own directory (with an empty `.env`, the file the wizard writes), data
//! dir and ports.

mod flows;
mod live;

use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use serde_json::{Value, json};

use super::processes::{SimProcess, lines_of};

/// The password every test admin gets.
pub const ADMIN_PASSWORD: &str = "correct horse battery staple 9";

/// A running `nimbus serve`, its URL and (while no admin exists) its setup token.
pub struct Serve {
    pub child: Child,
    pub url: String,
    pub token: Option<String>,
    /// Whether it announced setup mode.
    pub setup_mode: bool,
    pub http: reqwest::Client,
}

impl Serve {
    /// Starts `nimbus serve` in `dir` with only the settings the tests always give (the
    /// simulator's LAN and image mirror, loopback ports); the cluster settings come from `.env`.
    pub fn spawn(dir: &Path, sim: &SimProcess) -> Self {
        let mut child = Command::new(env!("CARGO_BIN_EXE_nimbus"))
            .current_dir(dir)
            .arg("serve")
            .env_clear()
            .env("PATH", std::env::var("PATH").unwrap_or_default())
            .envs([
                ("NIMBUS_SIMULATED_LAN", sim.lan.as_str()),
                ("NIMBUS_IMAGE_MIRROR", sim.images.as_str()),
                ("PORT", "0"),
                ("BIND_ADDR", "127.0.0.1"),
                ("NIMBUS_NETSCAN_MODE", "off"),
                ("RATE_LIMIT_SIGNIN_PER_IP", "off"),
            ])
            .env("NIMBUS_DATA_DIR", dir.join("data"))
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let rx = lines_of(child.stderr.take().unwrap());
        let field = |line: &str, name: &str| {
            let start = line.find(&format!("{name}="))? + name.len() + 1;
            Some(line[start..].split_whitespace().next()?.trim_matches('"').to_string())
        };
        let (mut url, mut token, mut setup_mode) = (None, None, false);
        let deadline = Instant::now() + Duration::from_secs(30);
        let mut seen = Vec::new();
        // The URL comes first, then the setup token when no admin exists.
        while url.is_none() || (token.is_none() && !seen.iter().any(|l: &String| l.contains("nimbus is listening"))) {
            let Ok(line) = rx.recv_timeout(deadline.saturating_duration_since(Instant::now())) else {
                panic!("serve did not start within 30 s:\n{}", seen.join("\n"));
            };
            url = url.or_else(|| field(&line, "url"));
            token = token.or_else(|| field(&line, "setup_token"));
            setup_mode |= line.contains("setup mode");
            seen.push(line);
        }
        // The setup token's line follows the listening line: give it a moment, bounded.
        if token.is_none() {
            while let Ok(line) = rx.recv_timeout(Duration::from_millis(500)) {
                token = token.or_else(|| field(&line, "setup_token"));
                setup_mode |= line.contains("setup mode");
                if token.is_some() {
                    break;
                }
            }
        }
        std::thread::spawn(move || for _ in rx {});
        let http = reqwest::Client::new();
        Self {
            child,
            url: url.unwrap(),
            token,
            setup_mode,
            http,
        }
    }

    pub fn stop(mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }

    /// A wizard call with the setup token; returns the status and body.
    pub async fn setup(&self, method: reqwest::Method, path: &str, body: Option<Value>) -> (u16, Value) {
        let (status, body, _) = self.setup_with_cookie(method, path, body).await;
        (status, body)
    }

    /// As [`Serve::setup`], also returning the session cookie set (`name=value`).
    pub async fn setup_with_cookie(
        &self,
        method: reqwest::Method,
        path: &str,
        body: Option<Value>,
    ) -> (u16, Value, Option<String>) {
        let mut req = self
            .http
            .request(method, format!("{}/api/setup{path}", self.url))
            .header("origin", &self.url);
        if let Some(token) = &self.token {
            req = req.header("x-setup-token", token);
        }
        if let Some(body) = body {
            req = req.json(&body);
        }
        let resp = req.send().await.unwrap();
        let cookie = resp
            .headers()
            .get("set-cookie")
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.split(';').next())
            .map(str::to_owned);
        (resp.status().as_u16(), resp.json().await.unwrap_or(Value::Null), cookie)
    }

    /// Any API call, with `cookie` when given.
    pub async fn api(
        &self,
        method: reqwest::Method,
        path: &str,
        body: Option<Value>,
        cookie: Option<&str>,
    ) -> (u16, Value) {
        let mut req = self
            .http
            .request(method, format!("{}/api{path}", self.url))
            .header("origin", &self.url);
        if let Some(cookie) = cookie {
            req = req.header("cookie", cookie);
        }
        if let Some(body) = body {
            req = req.json(&body);
        }
        let resp = req.send().await.unwrap();
        (resp.status().as_u16(), resp.json().await.unwrap_or(Value::Null))
    }
}

/// A fresh directory for one test, with an empty `.env` for the wizard to write.
pub fn workdir() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join(".env"), "# Nimbus settings\n").unwrap();
    dir
}

/// The Proxmox step with the simulator's own (root) token.
pub fn paste_token(sim: &SimProcess) -> Value {
    let (id, secret) = sim.token.split_once('=').unwrap();
    json!({"url": sim.url, "fingerprint": sim.fingerprint, "token_id": id, "token_secret": secret})
}

/// A network in 127.0.0.0/8 with a few addresses.
pub fn network(third: u8) -> Value {
    json!({"pool_start": format!("127.{third}.0.10"), "pool_end": format!("127.{third}.0.40"),
           "gateway": format!("127.{third}.0.1"), "prefix": 24, "nameservers": "1.1.1.1, 9.9.9.9"})
}

/// Runs every wizard step and finishes; returns the admin's session cookie.
pub async fn complete(serve: &Serve, sim: &SimProcess, third: u8) -> String {
    use reqwest::Method;
    let (status, body) = serve.setup(Method::POST, "/proxmox", Some(paste_token(sim))).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["data"]["ready"], true, "{body}");
    let (status, body) = serve.setup(Method::POST, "/network", Some(network(third))).await;
    assert_eq!(status, 200, "{body}");
    let (status, body) = serve
        .setup(Method::POST, "/access", Some(json!({"signup_mode": "invite_only"})))
        .await;
    assert_eq!(status, 200, "{body}");
    let (status, body, cookie) = serve
        .setup_with_cookie(
            Method::POST,
            "/finish",
            Some(json!({"email": "admin@lab.example", "password": ADMIN_PASSWORD, "display_name": "Admin"})),
        )
        .await;
    assert_eq!(status, 201, "{body}");
    cookie.expect("finishing signs the admin in")
}
