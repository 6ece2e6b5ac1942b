//! Signing an account up over the API for a benchmark: register (the body says who, with a setup
//! token when the server needs one), keep the session cookie, and make an API token with it.

use serde_json::{Value, json};

/// An account signed up over HTTP.
pub struct SignedUp {
    /// `nimbus_session=…`, as sent in a `Cookie` header.
    #[allow(dead_code)] // each bench compiles this module on its own; not every bench uses the cookie
    pub cookie: String,
    /// `Bearer nimbus_…`.
    pub bearer: String,
}

/// Registers with `body` (which must succeed with 201) and creates the API token `token_name`.
pub async fn sign_up(http: &reqwest::Client, base: &str, body: Value, token_name: &str) -> SignedUp {
    let register = http
        .post(format!("{base}/api/auth/register"))
        .json(&body)
        .send()
        .await
        .expect("register");
    assert_eq!(register.status(), 201, "signing up {body}");
    let cookie = register
        .headers()
        .get("set-cookie")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split(';').next())
        .expect("session cookie")
        .to_owned();
    let made: Value = http
        .post(format!("{base}/api/tokens"))
        .header("cookie", &cookie)
        .json(&json!({ "name": token_name }))
        .send()
        .await
        .expect("token")
        .json()
        .await
        .expect("token body");
    let bearer = format!("Bearer {}", made["data"]["secret"].as_str().expect("secret"));
    SignedUp { cookie, bearer }
}
