//! Shared by the benchmarks that run a real `nimbus demo` app: start it on a free loopback port
//! with its own data dir, create the first account and an API token.

use std::collections::BTreeMap;

use nimbus::app::config::{Config, Mode, Sources};
use nimbus::app::server::{self, Running};
use nimbus::app::wiring::App;
use serde_json::json;

pub mod signup;
use self::signup::{SignedUp, sign_up};

pub const PASSWORD: &str = "correct horse battery staple";

/// A running demo app with a signed-up account.
pub struct DemoApp {
    pub _dir: tempfile::TempDir,
    pub running: Running,
    pub http: reqwest::Client,
    pub base: String,
    /// The account's session cookie (`nimbus_session=…`).
    #[allow(dead_code)] // each bench compiles this module on its own; not every bench signs in by cookie
    pub cookie: String,
    /// `Bearer nimbus_…` for the account's API token.
    pub bearer: String,
}

/// Starts `nimbus demo` with `env` on top of a free port, a fresh data dir, and the sign-in and
/// machine-request limits off.
pub async fn start(env: &[(&str, &str)]) -> DemoApp {
    let dir = tempfile::tempdir().expect("temp dir");
    let mut vars = BTreeMap::new();
    for (k, v) in [
        ("PORT", "0"),
        ("RATE_LIMIT_SIGNIN_PER_IP", "off"),
        ("RATE_LIMIT_SIGNIN_PER_ACCOUNT", "off"),
        ("RATE_LIMIT_VMS_PER_ACCOUNT", "off"),
    ]
    .iter()
    .chain(env)
    {
        vars.insert(k.to_string(), v.to_string());
    }
    vars.insert("NIMBUS_DATA_DIR".to_string(), dir.path().display().to_string());
    let sources = Sources {
        env: vars,
        cwd: dir.path().to_path_buf(),
        system_env_file: dir.path().join("none.env"),
    };
    let config = Config::load(Mode::Demo, &sources).expect("config");
    let running = server::start(App::build(config).await.expect("app"))
        .await
        .expect("server");
    let base = running.base_url();
    let http = reqwest::Client::new();
    let SignedUp { cookie, bearer } = sign_up(
        &http,
        &base,
        json!({"email": "bench@lab.example", "name": "Bench", "password": PASSWORD}),
        "bench",
    )
    .await;
    DemoApp {
        _dir: dir,
        running,
        http,
        base,
        cookie,
        bearer,
    }
}
