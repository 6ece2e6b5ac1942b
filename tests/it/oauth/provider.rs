//! A small OAuth provider on loopback that speaks both GitHub's and Google's dialects: an
//! authorize endpoint that approves at once for the person the test chose, a token endpoint that
//! checks the client secret, the redirect URI and the PKCE verifier (S256) and accepts each code
//! once, and the profile endpoints (`/api/user`, `/api/user/emails`, `/api/user/orgs`,
//! `/userinfo`).

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use poem::http::StatusCode;
use poem::listener::{Acceptor, Listener, TcpListener};
use poem::web::{Data, Form, Json, Query};
use poem::{EndpointExt, IntoResponse, Request, Response, Route, Server, get, handler, post};
use serde::Deserialize;
use serde_json::{Value, json};
use sha2::{Digest, Sha256};

pub const CLIENT_ID: &str = "nimbus-test-client";
pub const CLIENT_SECRET: &str = "provider-client-secret-8d2a";

/// The person the provider says is signing in.
#[derive(Debug, Clone)]
pub struct Person {
    pub id: String,
    pub login: String,
    pub name: String,
    pub email: String,
    pub verified: bool,
    pub orgs: Vec<String>,
    pub hd: Option<String>,
}

impl Person {
    pub fn new(id: &str, login: &str, email: &str) -> Self {
        Self {
            id: id.into(),
            login: login.into(),
            name: format!("{login} Person"),
            email: email.into(),
            verified: true,
            orgs: Vec::new(),
            hd: None,
        }
    }
}

#[derive(Debug, Clone)]
struct Grant {
    challenge: String,
    redirect_uri: String,
    person: Person,
}

#[derive(Default)]
struct State {
    person: Option<Person>,
    deny: bool,
    codes: HashMap<String, Grant>,
    tokens: HashMap<String, Person>,
    scopes: Vec<String>,
    counter: u64,
}

#[derive(Clone, Default)]
pub struct Provider {
    state: Arc<Mutex<State>>,
    pub base: String,
}

impl Provider {
    pub async fn start() -> Self {
        let acceptor = TcpListener::bind("127.0.0.1:0").into_acceptor().await.unwrap();
        let addr = acceptor.local_addr()[0].as_socket_addr().copied().unwrap();
        let provider = Provider {
            state: Arc::default(),
            base: format!("http://{addr}"),
        };
        let app = Route::new()
            .at("/authorize", get(authorize))
            .at("/token", post(token))
            .at("/api/user", get(user))
            .at("/api/user/emails", get(emails))
            .at("/api/user/orgs", get(orgs))
            .at("/userinfo", get(userinfo))
            .data(provider.clone());
        tokio::spawn(Server::new_with_acceptor(acceptor).run(app));
        provider
    }

    /// The next approval signs in as `person`.
    pub fn as_person(&self, person: Person) {
        let mut s = self.state.lock().unwrap();
        s.person = Some(person);
        s.deny = false;
    }

    /// The next approval is refused by the person (`error=access_denied`).
    pub fn deny(&self) {
        self.state.lock().unwrap().deny = true;
    }

    /// The scopes of the last authorization request.
    pub fn last_scopes(&self) -> Vec<String> {
        self.state.lock().unwrap().scopes.clone()
    }

    /// Environment that points Nimbus at this provider for both GitHub and Google.
    pub fn env(&self) -> Vec<(&'static str, String)> {
        let b = &self.base;
        vec![
            ("GITHUB_OAUTH_AUTHORIZE_URL", format!("{b}/authorize")),
            ("GITHUB_OAUTH_TOKEN_URL", format!("{b}/token")),
            ("GITHUB_API_URL", format!("{b}/api")),
            ("GOOGLE_OAUTH_AUTHORIZE_URL", format!("{b}/authorize")),
            ("GOOGLE_OAUTH_TOKEN_URL", format!("{b}/token")),
            ("GOOGLE_USERINFO_URL", format!("{b}/userinfo")),
        ]
    }
}

#[derive(Deserialize)]
struct AuthorizeQuery {
    client_id: String,
    redirect_uri: String,
    state: String,
    code_challenge: String,
    code_challenge_method: String,
    scope: Option<String>,
}

fn redirect(to: String) -> Response {
    Response::builder()
        .status(StatusCode::FOUND)
        .header("location", to)
        .finish()
}

#[handler]
fn authorize(Query(q): Query<AuthorizeQuery>, Data(p): Data<&Provider>) -> Response {
    assert_eq!(q.client_id, CLIENT_ID);
    assert_eq!(q.code_challenge_method, "S256", "PKCE with S256");
    let mut s = p.state.lock().unwrap();
    s.scopes = q.scope.unwrap_or_default().split(' ').map(str::to_string).collect();
    if s.deny {
        return redirect(format!("{}?error=access_denied&state={}", q.redirect_uri, q.state));
    }
    let person = s.person.clone().expect("the test chose a person");
    s.counter += 1;
    let code = format!("code-{}", s.counter);
    s.codes.insert(
        code.clone(),
        Grant {
            challenge: q.code_challenge,
            redirect_uri: q.redirect_uri.clone(),
            person,
        },
    );
    redirect(format!("{}?code={code}&state={}", q.redirect_uri, q.state))
}

#[derive(Deserialize)]
struct TokenForm {
    code: String,
    redirect_uri: String,
    code_verifier: String,
    client_secret: Option<String>,
}

fn refuse(error: &str) -> Response {
    (StatusCode::BAD_REQUEST, Json(json!({"error": error}))).into_response()
}

#[handler]
fn token(req: &Request, Form(f): Form<TokenForm>, Data(p): Data<&Provider>) -> Response {
    let basic = req
        .headers()
        .get("authorization")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Basic "))
        .and_then(|b| base64::engine::general_purpose::STANDARD.decode(b).ok())
        .and_then(|b| String::from_utf8(b).ok());
    let secret_ok = basic.as_deref() == Some(&format!("{CLIENT_ID}:{CLIENT_SECRET}"))
        || f.client_secret.as_deref() == Some(CLIENT_SECRET);
    if !secret_ok {
        return refuse("invalid_client");
    }
    let mut s = p.state.lock().unwrap();
    let Some(grant) = s.codes.remove(&f.code) else {
        return refuse("invalid_grant");
    };
    let challenge = URL_SAFE_NO_PAD.encode(Sha256::digest(f.code_verifier.as_bytes()));
    if challenge != grant.challenge || f.redirect_uri != grant.redirect_uri {
        return refuse("invalid_grant");
    }
    s.counter += 1;
    let access = format!("token-{}", s.counter);
    s.tokens.insert(access.clone(), grant.person);
    Json(json!({"access_token": access, "token_type": "bearer"})).into_response()
}

fn person(req: &Request, p: &Provider) -> Option<Person> {
    let bearer = req
        .headers()
        .get("authorization")?
        .to_str()
        .ok()?
        .strip_prefix("Bearer ")?;
    p.state.lock().unwrap().tokens.get(bearer).cloned()
}

fn with_person(req: &Request, p: &Provider, f: impl FnOnce(Person) -> Value) -> Response {
    match person(req, p) {
        Some(person) => Json(f(person)).into_response(),
        None => StatusCode::UNAUTHORIZED.into_response(),
    }
}

#[handler]
fn user(req: &Request, Data(p): Data<&Provider>) -> Response {
    with_person(
        req,
        p,
        |u| json!({"id": u.id.parse::<u64>().unwrap(), "login": u.login, "name": u.name, "email": null}),
    )
}

#[handler]
fn emails(req: &Request, Data(p): Data<&Provider>) -> Response {
    with_person(req, p, |u| {
        json!([
            {"email": format!("old-{}", u.email), "primary": false, "verified": true},
            {"email": u.email, "primary": true, "verified": u.verified},
        ])
    })
}

#[handler]
fn orgs(req: &Request, Data(p): Data<&Provider>) -> Response {
    with_person(req, p, |u| {
        json!(u.orgs.iter().map(|o| json!({"login": o})).collect::<Vec<_>>())
    })
}

#[handler]
fn userinfo(req: &Request, Data(p): Data<&Provider>) -> Response {
    with_person(
        req,
        p,
        |u| json!({"sub": u.id, "email": u.email, "email_verified": u.verified, "name": u.name, "hd": u.hd}),
    )
}
