//! Accounts over real HTTP: sign-up and sign-in flows, sessions, API tokens, rate limits and
//! CSRF (`signup.rs`, `sessions.rs`, `guards.rs`, `tokens.rs`), the authorization matrix over every operation in the spec
//! (`matrix.rs`) and the raw database scan for secrets (`at_rest.rs`).

mod at_rest;
mod audit;
mod gate;
mod guards;
mod hashing;
mod invitations;
mod matrix;
mod password_change;
mod sessions;
mod signin_limits;
mod signup;
mod signup_modes;
mod tokens;

use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

use crate::helpers::TestApp;

pub const PASSWORD: &str = "correct horse battery staple";

/// Every rate limit off: tests that sign in many times set this.
pub const NO_LIMITS: &[(&str, &str)] = &[
    ("RATE_LIMIT_SIGNIN_PER_IP", "off"),
    ("RATE_LIMIT_SIGNIN_PER_ACCOUNT", "off"),
    ("RATE_LIMIT_SIGNIN_PER_ACCOUNT_AND_IP", "off"),
    ("RATE_LIMIT_REGISTER_PER_IP", "off"),
    ("RATE_LIMIT_REGISTER_PER_ACCOUNT", "off"),
    ("RATE_LIMIT_TOKENS_PER_IP", "off"),
    ("RATE_LIMIT_TOKENS_PER_ACCOUNT", "off"),
    ("RATE_LIMIT_PASSWORD_PER_ACCOUNT", "off"),
    ("RATE_LIMIT_OAUTH_START_PER_IP", "off"),
    ("RATE_LIMIT_VMS_PER_ACCOUNT", "off"),
];

/// Credentials a test request carries.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Cred {
    None,
    Cookie(String),
    Bearer(String),
}

/// One answer, read whole.
#[derive(Debug)]
pub struct Answer {
    pub status: StatusCode,
    pub body: Value,
    pub headers: reqwest::header::HeaderMap,
}

impl Answer {
    /// The session secret a `Set-Cookie` header carries (`None` when it clears the cookie).
    pub fn session(&self) -> Option<String> {
        self.headers
            .get_all("set-cookie")
            .iter()
            .filter_map(|v| v.to_str().ok())
            .filter_map(|v| v.strip_prefix("nimbus_session="))
            .map(|v| v.split(';').next().unwrap_or_default().to_string())
            .find(|v| !v.is_empty())
    }

    pub fn set_cookie(&self) -> String {
        self.headers
            .get("set-cookie")
            .map(|v| v.to_str().unwrap().to_string())
            .unwrap_or_default()
    }

    pub fn code(&self) -> &str {
        self.body["code"].as_str().unwrap_or_default()
    }
}

/// Sends one request with `cred` and an optional JSON body.
pub async fn call(app: &TestApp, method: Method, path: &str, cred: &Cred, body: Option<Value>) -> Answer {
    let mut req = app.http.request(method, app.url(path));
    req = match cred {
        Cred::None => req,
        Cred::Cookie(secret) => req.header("cookie", format!("nimbus_session={secret}")),
        Cred::Bearer(token) => req.header("authorization", format!("Bearer {token}")),
    };
    if let Some(body) = body {
        req = req.json(&body);
    }
    let resp = req.send().await.expect("request");
    let status = resp.status();
    let headers = resp.headers().clone();
    let text = resp.text().await.unwrap_or_default();
    let body = serde_json::from_str(&text).unwrap_or(Value::String(text));
    Answer { status, body, headers }
}

/// Registers an account and returns its id and session secret.
pub async fn register(app: &TestApp, email: &str, name: &str) -> (String, String) {
    let answer = call(
        app,
        Method::POST,
        "/api/auth/register",
        &Cred::None,
        Some(json!({"email": email, "name": name, "password": PASSWORD})),
    )
    .await;
    assert_eq!(answer.status, 201, "register {email}: {:?}", answer.body);
    let id = answer.body["data"]["id"].as_str().unwrap().to_string();
    (id, answer.session().expect("a session cookie"))
}

/// Signs in and returns the session secret.
pub async fn login(app: &TestApp, email: &str) -> String {
    let answer = call(
        app,
        Method::POST,
        "/api/auth/login",
        &Cred::None,
        Some(json!({"email": email, "password": PASSWORD})),
    )
    .await;
    assert_eq!(answer.status, 200, "login {email}: {:?}", answer.body);
    answer.session().expect("a session cookie")
}

/// Creates an API token with a browser session and returns (id, secret).
pub async fn token(app: &TestApp, session: &str, name: &str, scope: &str) -> (String, String) {
    let answer = call(
        app,
        Method::POST,
        "/api/tokens",
        &Cred::Cookie(session.to_string()),
        Some(json!({"name": name, "scope": scope})),
    )
    .await;
    assert_eq!(answer.status, 201, "token {name}: {:?}", answer.body);
    let data = &answer.body["data"];
    (
        data["token"]["id"].as_str().unwrap().to_string(),
        data["secret"].as_str().unwrap().to_string(),
    )
}
