//! The simulator's REST face: a Proxmox VE-compatible API server (`/api2/json`, HTTPS with a
//! self-signed certificate, API-token authentication) over a [`SimCluster`], plus the simulator's
//! control endpoints under `/_sim/`. The production HTTP adapter is tested against it,
//! `nimbus demo` runs on it, and outside clients (`curl`, proxmoxer) can use it.

mod access;
mod control;
mod errors;
mod multipart;
mod params;
mod routes;
mod shapes;
mod storage;
mod tls;
mod token;
mod wire;

use std::convert::Infallible;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use anyhow::Context as _;
use http_body_util::{BodyExt, Full, Limited};
use hyper::body::{Bytes, Incoming};
use hyper::server::conn::http1;
use hyper::service::service_fn;
use hyper::{Request, Response};
use hyper_util::rt::TokioIo;
use tokio::net::TcpListener;
use tokio::sync::watch;
use tokio::task::JoinHandle;

pub use params::{Kind as ParamKind, Param};
pub use tls::fingerprint_of;
pub use token::ApiToken;
pub use wire::{ErrorFormat, Params};

use super::sim::{Caller, SimCluster};
use wire::Answer;

/// One request and its answer, as a client saw them (fidelity tests record these).
#[derive(Debug, Clone, PartialEq)]
pub struct Exchange {
    pub method: String,
    /// After `/api2/json`, as sent (percent-encoded), e.g. `/nodes/pve1/qemu/100/config`.
    pub path: String,
    /// Query and body parameters, decoded, in order: the query's first.
    pub params: Vec<(String, String)>,
    /// How many of `params` came from the query string.
    pub query_len: usize,
    pub json_body: bool,
    pub status: u16,
    /// The answer's JSON, or `Null` when it had no body.
    pub body: serde_json::Value,
}

/// Collects the exchanges of a REST face.
#[derive(Debug, Clone, Default)]
pub struct Recorder(Arc<Mutex<Vec<Exchange>>>);

impl Recorder {
    pub fn take(&self) -> Vec<Exchange> {
        std::mem::take(&mut *self.0.lock().unwrap_or_else(|p| p.into_inner()))
    }

    fn push(&self, e: Exchange) {
        self.0.lock().unwrap_or_else(|p| p.into_inner()).push(e);
    }
}

#[derive(Debug, Clone)]
pub struct RestFaceOptions {
    /// Where to listen; port 0 picks a free one.
    pub listen: SocketAddr,
    pub token: ApiToken,
    /// HTTPS (the default, like pveproxy) or plain HTTP.
    pub tls: bool,
    pub error_format: ErrorFormat,
    /// How long a refused token waits before its 401 (Proxmox waits 3 s; tests want 0).
    pub auth_failure_delay: Duration,
    pub recorder: Option<Recorder>,
}

impl RestFaceOptions {
    pub fn new(listen: SocketAddr, token: ApiToken) -> Self {
        Self {
            listen,
            token,
            tls: true,
            error_format: ErrorFormat::Modern,
            auth_failure_delay: Duration::ZERO,
            recorder: None,
        }
    }
}

struct Shared {
    cluster: SimCluster,
    routes: routes::Context,
    token: ApiToken,
    auth_failure_delay: Duration,
    recorder: Option<Recorder>,
}

/// A running REST face.
pub struct RestFace {
    addr: SocketAddr,
    tls: bool,
    cert_pem: String,
    fingerprint: String,
    token: ApiToken,
    stop: watch::Sender<bool>,
    task: JoinHandle<()>,
}

impl RestFace {
    /// Binds the listener and starts serving `cluster`.
    pub async fn start(cluster: SimCluster, options: RestFaceOptions) -> anyhow::Result<Self> {
        let cert = tls::SelfSigned::generate()?;
        let acceptor = if options.tls { Some(cert.acceptor()?) } else { None };
        let listener = TcpListener::bind(options.listen)
            .await
            .with_context(|| format!("cannot listen on {}", options.listen))?;
        let addr = listener.local_addr().context("the listener has no address")?;
        let fingerprint = cert.fingerprint();
        let shared = Arc::new(Shared {
            routes: routes::Context {
                proxmox: cluster.proxmox(),
                cluster: cluster.clone(),
                format: options.error_format,
                fingerprint: fingerprint.clone(),
            },
            cluster,
            token: options.token.clone(),
            auth_failure_delay: options.auth_failure_delay,
            recorder: options.recorder,
        });
        let (stop, stopped) = watch::channel(false);
        let task = tokio::spawn(serve(listener, acceptor, shared, stopped));
        Ok(Self {
            addr,
            tls: options.tls,
            cert_pem: cert.cert_pem,
            fingerprint,
            token: options.token,
            stop,
            task,
        })
    }

    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// `https://127.0.0.1:PORT` (no path).
    pub fn base_url(&self) -> url::Url {
        let scheme = if self.tls { "https" } else { "http" };
        url::Url::parse(&format!("{scheme}://{}", self.addr)).expect("a socket address makes a URL")
    }

    /// Where the simulated LAN answers (`NIMBUS_SIMULATED_LAN`).
    pub fn lan_url(&self) -> url::Url {
        self.base_url().join("/_sim/lan").expect("static path")
    }

    pub fn cert_pem(&self) -> &str {
        &self.cert_pem
    }

    /// The certificate's SHA-256 fingerprint, `AB:CD:…`.
    pub fn fingerprint(&self) -> &str {
        &self.fingerprint
    }

    pub fn token(&self) -> &ApiToken {
        &self.token
    }

    /// Stops accepting and closes every connection.
    pub async fn stop(self) {
        let _ = self.stop.send(true);
        let _ = self.task.await;
    }
}

async fn serve(
    listener: TcpListener,
    acceptor: Option<tokio_rustls::TlsAcceptor>,
    shared: Arc<Shared>,
    mut stopped: watch::Receiver<bool>,
) {
    let mut connections = tokio::task::JoinSet::new();
    loop {
        tokio::select! {
            _ = stopped.changed() => break,
            accepted = listener.accept() => {
                let Ok((stream, _)) = accepted else { continue };
                let _ = stream.set_nodelay(true);
                let acceptor = acceptor.clone();
                let shared = shared.clone();
                connections.spawn(async move {
                    let service = service_fn(move |req| {
                        let shared = shared.clone();
                        async move { Ok::<_, Infallible>(handle(&shared, req).await) }
                    });
                    match acceptor {
                        Some(acceptor) => {
                            if let Ok(tls) = acceptor.accept(stream).await {
                                let _ = http1::Builder::new().serve_connection(TokioIo::new(tls), service).await;
                            }
                        }
                        None => {
                            let _ = http1::Builder::new().serve_connection(TokioIo::new(stream), service).await;
                        }
                    }
                });
            }
            Some(_) = connections.join_next(), if !connections.is_empty() => {}
        }
    }
    connections.shutdown().await;
}

async fn handle(shared: &Shared, req: Request<Incoming>) -> Response<Full<Bytes>> {
    let method = req.method().as_str().to_owned();
    let raw_path = req.uri().path().to_owned();
    let path = wire::percent_decode(&raw_path.replace('+', "%2B"));
    let query = wire::decode_form(req.uri().query().unwrap_or_default());
    let headers = req.headers().clone();
    let chunked = headers
        .get("transfer-encoding")
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.to_ascii_lowercase().contains("chunked"));
    let content_type = headers
        .get("content-type")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_owned();
    let json_body = content_type.to_ascii_lowercase().starts_with("application/json");
    let upload_boundary = multipart::boundary(&content_type);

    if let Some(rest) = path.strip_prefix("/_sim") {
        let body = match Limited::new(req.into_body(), wire::MAX_BODY).collect().await {
            Ok(b) => b.to_bytes(),
            Err(_) => return Answer::not_implemented("for data too large").into_response(),
        };
        return control::answer(&shared.cluster, &method, rest, &query, &body).into_response();
    }
    let Some(api_path) = path.strip_prefix("/api2/json") else {
        return Answer::not_implemented(&format!("no such uri {path}")).into_response();
    };
    let api_path = if api_path.is_empty() { "/" } else { api_path }.to_owned();

    // Signing in is open to anyone (pve-access-control: `user => 'world'`).
    let caller = if method == "POST" && api_path == "/access/ticket" {
        Caller::Root
    } else {
        match authenticate(shared, &method, &headers).await {
            Ok(caller) => caller,
            Err(refusal) => return refusal.into_response(),
        }
    };
    let routes = shared.routes.for_caller(caller);
    if chunked {
        return Answer::not_implemented("chunked transfer encoding not supported").into_response();
    }
    let limit = if upload_boundary.is_some() {
        multipart::MAX_UPLOAD
    } else {
        wire::MAX_BODY
    };
    let body = match Limited::new(req.into_body(), limit).collect().await {
        Ok(b) => b.to_bytes(),
        Err(_) => return Answer::not_implemented("for data too large").into_response(),
    };
    if !body.is_empty() && (method == "GET" || method == "DELETE") {
        return Answer::not_implemented(&format!("Unexpected content for method '{method}'")).into_response();
    }
    let query_len = query.0.len();
    let mut params = query;
    let mut file = None;
    if let Some(boundary) = &upload_boundary {
        match multipart::parse(&body, boundary) {
            Ok((mut fields, part)) => {
                if let Some(part) = &part {
                    fields.0.push((part.field.clone(), part.file_name.clone()));
                }
                params.merge_missing(fields);
                file = part;
            }
            Err(e) => return Answer::invalid(&[(String::new(), e)], shared.routes.format).into_response(),
        }
    } else if !body.is_empty() {
        let from_body = if json_body {
            match wire::decode_json(&body) {
                Ok(p) => p,
                Err(e) => return Answer::invalid(&[(String::new(), e)], shared.routes.format).into_response(),
            }
        } else {
            wire::decode_form(&String::from_utf8_lossy(&body))
        };
        params.merge_missing(from_body);
    }
    let answer = routes::answer(&routes, &method, &api_path, &params, file).await;
    tracing::debug!(
        method,
        path = api_path,
        status = answer.status,
        "simulated Proxmox call"
    );
    if let Some(recorder) = &shared.recorder {
        recorder.push(Exchange {
            method: method.clone(),
            path: raw_path.strip_prefix("/api2/json").unwrap_or(&raw_path).to_owned(),
            params: params.0.clone(),
            query_len,
            json_body,
            status: answer.status,
            body: answer.body.clone().unwrap_or(serde_json::Value::Null),
        });
    }
    answer.into_response()
}

/// Who is calling: the face's own token (the built-in root token), an API token made in the
/// simulator, or a `PVEAuthCookie` ticket — which must carry its `CSRFPreventionToken` header on
/// writes. The refusal to send otherwise.
async fn authenticate(shared: &Shared, method: &str, headers: &hyper::HeaderMap) -> Result<Caller, Answer> {
    let presented = headers
        .get_all("authorization")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find_map(|v| {
            let at = v.find("PVEAPIToken")?;
            let before_ok = at == 0 || v[..at].ends_with(char::is_whitespace);
            let rest = &v[at + "PVEAPIToken".len()..];
            let rest = rest.strip_prefix('=').or_else(|| rest.strip_prefix(' '))?;
            before_ok.then(|| wire::percent_decode(rest.split(';').next().unwrap_or_default().trim()))
        });
    if let Some(presented) = presented {
        if let Some((id, secret)) = presented.rsplit_once('=') {
            if id == shared.token.token_id && secret == shared.token.secret {
                return Ok(Caller::Root);
            }
            if shared.cluster.token_valid(id, secret) {
                return Ok(Caller::Token {
                    id: id.to_owned(),
                    secret: secret.to_owned(),
                });
            }
        }
        return Err(refused(shared, "Authentication failed!").await);
    }
    let Some(ticket) = cookie(headers, "PVEAuthCookie") else {
        return Err(Answer::empty(401, "No ticket"));
    };
    let Some(csrf) = shared.cluster.ticket_csrf(&ticket) else {
        return Err(refused(shared, "authentication failure").await);
    };
    let write = method != "GET";
    let sent = headers.get("csrfpreventiontoken").and_then(|v| v.to_str().ok());
    if write && sent != Some(csrf.as_str()) {
        return Err(Answer::empty(401, "Permission denied - invalid csrf token"));
    }
    Ok(Caller::Ticket(ticket))
}

/// A 401 after the configured delay (Proxmox makes a wrong credential wait).
async fn refused(shared: &Shared, reason: &str) -> Answer {
    if !shared.auth_failure_delay.is_zero() {
        tokio::time::sleep(shared.auth_failure_delay).await;
    }
    Answer::empty(401, reason)
}

/// A cookie's value, percent-decoded (Proxmox's ticket has `%3A` for `:` in cookies).
fn cookie(headers: &hyper::HeaderMap, name: &str) -> Option<String> {
    headers
        .get_all("cookie")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .find_map(|pair| {
            let (k, v) = pair.trim().split_once('=')?;
            (k == name).then(|| wire::percent_decode(v))
        })
}
