//! `TestApp`: one running Nimbus per test, on its own port and data dir.

use std::collections::BTreeMap;
use std::sync::Arc;

use nimbus::app::config::{Config, Mode, Sources};
use nimbus::app::server::{self, Running};
use nimbus::app::wiring::App;
use nimbus::ports::Clock;

pub struct TestApp {
    pub base: String,
    pub http: reqwest::Client,
    pub running: Option<Running>,
    pub dir: tempfile::TempDir,
}

impl TestApp {
    /// Starts Nimbus configured as `mode` would be from `extra` environment variables (plus a
    /// free port and a fresh data dir).
    pub async fn spawn_with(mode: Mode, extra: &[(&str, &str)]) -> Self {
        Self::spawn_full(mode, extra, None).await
    }

    /// As `spawn_with`, optionally with the clock the app reads (a manual one in time tests).
    pub async fn spawn_full(mode: Mode, extra: &[(&str, &str)], clock: Option<Arc<dyn Clock>>) -> Self {
        let dir = tempfile::tempdir().expect("temp dir");
        let mut env: BTreeMap<String, String> = BTreeMap::new();
        env.insert("PORT".into(), "0".into());
        env.insert("NIMBUS_DATA_DIR".into(), dir.path().display().to_string());
        for (k, v) in extra {
            env.insert(k.to_string(), v.to_string());
        }
        let sources = Sources {
            env,
            cwd: dir.path().to_path_buf(),
            system_env_file: dir.path().join("none.env"),
        };
        let config = Config::load(mode, &sources).expect("test configuration");
        let app = match clock {
            Some(clock) => App::build_with_clock(config, clock).await,
            None => App::build(config).await,
        }
        .expect("app builds");
        let running = server::start(app).await.expect("server starts");
        Self {
            base: running.base_url(),
            http: reqwest::Client::builder()
                .redirect(reqwest::redirect::Policy::none())
                .build()
                .unwrap(),
            running: Some(running),
            dir,
        }
    }

    pub async fn spawn() -> Self {
        Self::spawn_with(Mode::Demo, &[]).await
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{}", self.base, path)
    }

    pub async fn get(&self, path: &str) -> reqwest::Response {
        self.http.get(self.url(path)).send().await.expect("request")
    }

    pub async fn stop(mut self) {
        if let Some(running) = self.running.take() {
            running.stop().await.expect("clean stop");
        }
    }
}

/// The configuration `nimbus serve` loads with no cluster, a free port and `dir` as its data dir
/// (for tests that build the app themselves, without serving).
pub fn serve_config(dir: &std::path::Path) -> Config {
    let env = BTreeMap::from([
        ("NIMBUS_DATA_DIR".to_string(), dir.display().to_string()),
        ("PORT".to_string(), "0".to_string()),
    ]);
    let sources = Sources {
        env,
        cwd: dir.to_path_buf(),
        system_env_file: dir.join("none.env"),
    };
    Config::load(Mode::Serve, &sources).unwrap()
}
