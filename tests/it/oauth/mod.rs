//! Signing in with GitHub and Google, end to end over loopback: Nimbus's start redirect, the
//! provider's approval, the callback, with PKCE and state checked on both sides.

mod flows;
mod provider;
mod squatting;
mod start_limit;

use reqwest::Method;
use serde_json::json;

use crate::accounts::{Answer, Cred, call};
use crate::helpers::TestApp;
use provider::{CLIENT_ID, CLIENT_SECRET, Provider};

/// Starts Nimbus pointed at `provider`, with an admin (returned session) who configured both
/// providers through the settings API.
pub async fn app_with_providers(provider: &Provider, extra: &[(&str, &str)]) -> (TestApp, String) {
    let env: Vec<(&str, String)> = provider.env();
    let mut pairs: Vec<(&str, &str)> = env.iter().map(|(k, v)| (*k, v.as_str())).collect();
    pairs.extend(crate::accounts::NO_LIMITS.iter().copied());
    pairs.extend(extra.iter().copied());
    let app = TestApp::spawn_with(nimbus::app::config::Mode::Demo, &pairs).await;
    let (_, admin) = crate::accounts::register(&app, "admin@lab.example", "Admin").await;
    let set = call(
        &app,
        Method::PUT,
        "/api/settings/oauth",
        &Cred::Cookie(admin.clone()),
        Some(json!({
            "github_client_id": CLIENT_ID, "github_client_secret": CLIENT_SECRET,
            "google_client_id": CLIENT_ID, "google_client_secret": CLIENT_SECRET,
        })),
    )
    .await;
    assert_eq!(set.status, 200, "{:?}", set.body);
    (app, admin)
}

/// Where one browser sign-in ended: the portal URL it was sent to and the session it got.
#[derive(Debug)]
pub struct Ended {
    pub location: String,
    pub session: Option<String>,
}

impl Ended {
    pub fn error(&self) -> Option<String> {
        let query = self.location.split_once('?')?.1;
        url::form_urlencoded::parse(query.as_bytes())
            .find(|(k, _)| k == "error")
            .map(|(_, v)| v.into_owned())
    }
}

fn location(answer: &reqwest::Response) -> String {
    assert_eq!(answer.status(), 302, "expected a redirect from {}", answer.url());
    answer.headers()["location"].to_str().unwrap().to_string()
}

/// Runs a browser through start → provider → callback, carrying cookies by hand.
pub async fn browse(app: &TestApp, provider: &str, session: Option<&str>, query: &str) -> Ended {
    let http = &app.http;
    let mut start = http.get(app.url(&format!("/api/auth/{provider}?{query}")));
    if let Some(s) = session {
        start = start.header("cookie", format!("nimbus_session={s}"));
    }
    let start = start.send().await.unwrap();
    let to_provider = location(&start);
    let flow_cookie = start
        .headers()
        .get("set-cookie")
        .map(|v| v.to_str().unwrap().split(';').next().unwrap().to_string());
    let Some(flow_cookie) = flow_cookie else {
        // Refused before leaving Nimbus (not configured, not signed in).
        return Ended {
            location: to_provider,
            session: None,
        };
    };
    let approved = http.get(&to_provider).send().await.unwrap();
    let back = location(&approved);
    let mut cookies = vec![flow_cookie];
    if let Some(s) = session {
        cookies.push(format!("nimbus_session={s}"));
    }
    let callback = http
        .get(&back)
        .header("cookie", cookies.join("; "))
        .send()
        .await
        .unwrap();
    let location = location(&callback);
    let answer = Answer {
        status: callback.status(),
        headers: callback.headers().clone(),
        body: serde_json::Value::Null,
    };
    Ended {
        location,
        session: answer.session(),
    }
}
