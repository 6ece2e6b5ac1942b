//! A tiny HTTPS server on 127.0.0.1:0 for the adapter's tests: a fresh rcgen certificate,
//! tokio-rustls and hyper's HTTP/1 server. It records every request and answers with whatever
//! the test's handler says, including custom reason phrases and answers that never come.

use std::net::SocketAddr;
use std::sync::{Arc, Mutex};

use http_body_util::{BodyExt, Full};
use hyper::body::{Bytes, Incoming};
use hyper::server::conn::http1;
use hyper::service::service_fn;
use hyper::{Request, Response};
use hyper_util::rt::TokioIo;
use rustls::pki_types::{CertificateDer, PrivateKeyDer, PrivatePkcs8KeyDer};
use sha2::{Digest, Sha256};
use tokio::net::TcpListener;
use tokio::task::JoinHandle;
use tokio_rustls::TlsAcceptor;

use super::super::{HttpProxmox, HttpProxmoxOptions, TlsTrust};

/// A request as the server received it.
#[derive(Debug, Clone)]
pub struct Seen {
    pub method: String,
    /// Path and query, exactly as sent.
    pub target: String,
    pub headers: hyper::HeaderMap,
    pub body: String,
    /// The body as received (an upload is not text).
    pub body_bytes: Vec<u8>,
}

impl Seen {
    pub fn header(&self, name: &str) -> Option<String> {
        self.headers
            .get(name)
            .map(|v| v.to_str().expect("ASCII header").to_owned())
    }
}

/// What the server answers.
#[derive(Debug, Clone)]
pub struct Answer {
    pub status: u16,
    pub reason: Option<String>,
    pub body: String,
    /// Never answer (to exercise timeouts).
    pub hang: bool,
    /// A `Location` header (for redirects).
    pub location: Option<String>,
}

impl Answer {
    /// `200 OK` with `{"data": <data>}`.
    pub fn data(data: serde_json::Value) -> Self {
        Self::status(200, None, &serde_json::json!({ "data": data }).to_string())
    }

    pub fn status(status: u16, reason: Option<&str>, body: &str) -> Self {
        Self {
            status,
            reason: reason.map(str::to_owned),
            body: body.to_owned(),
            hang: false,
            location: None,
        }
    }

    pub fn hang() -> Self {
        Self {
            hang: true,
            ..Self::status(200, None, "")
        }
    }
}

type Handler = Arc<dyn Fn(&Seen) -> Answer + Send + Sync>;

pub struct TestServer {
    pub addr: SocketAddr,
    pub cert_pem: String,
    pub cert_der: Vec<u8>,
    seen: Arc<Mutex<Vec<Seen>>>,
    accept: JoinHandle<()>,
}

impl Drop for TestServer {
    fn drop(&mut self) {
        self.accept.abort();
    }
}

impl TestServer {
    pub async fn start(handler: impl Fn(&Seen) -> Answer + Send + Sync + 'static) -> Self {
        let cert = rcgen::generate_simple_self_signed(vec!["127.0.0.1".into(), "localhost".into()]).expect("cert");
        let cert_der = cert.cert.der().to_vec();
        let key = PrivateKeyDer::Pkcs8(PrivatePkcs8KeyDer::from(cert.signing_key.serialize_der()));
        let provider = Arc::new(rustls::crypto::aws_lc_rs::default_provider());
        let config = rustls::ServerConfig::builder_with_provider(provider)
            .with_safe_default_protocol_versions()
            .expect("protocol versions")
            .with_no_client_auth()
            .with_single_cert(vec![CertificateDer::from(cert_der.clone())], key)
            .expect("server config");
        let acceptor = TlsAcceptor::from(Arc::new(config));
        let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind 127.0.0.1:0");
        let addr = listener.local_addr().expect("local addr");
        let seen = Arc::new(Mutex::new(Vec::new()));
        let handler: Handler = Arc::new(handler);
        let accept = tokio::spawn(serve(listener, acceptor, handler, seen.clone()));
        Self {
            addr,
            cert_pem: cert.cert.pem(),
            cert_der,
            seen,
            accept,
        }
    }

    pub fn url(&self) -> url::Url {
        format!("https://{}", self.addr).parse().expect("url")
    }

    pub fn fingerprint(&self) -> [u8; 32] {
        Sha256::digest(&self.cert_der).into()
    }

    pub fn requests(&self) -> Vec<Seen> {
        self.seen.lock().expect("lock").clone()
    }

    /// Options for this server with the test token and short timeouts.
    pub fn options(&self, tls: TlsTrust) -> HttpProxmoxOptions {
        let mut options = HttpProxmoxOptions::new(self.url(), "root@pam!nimbus", "secret");
        options.tls = tls;
        options.call_timeout = std::time::Duration::from_secs(10);
        options.connect_timeout = std::time::Duration::from_secs(5);
        options
    }

    /// A client that accepts this server's certificate.
    pub fn client(&self) -> HttpProxmox {
        HttpProxmox::new(self.options(TlsTrust::AcceptAny)).expect("client")
    }
}

async fn serve(listener: TcpListener, acceptor: TlsAcceptor, handler: Handler, seen: Arc<Mutex<Vec<Seen>>>) {
    loop {
        let Ok((tcp, _)) = listener.accept().await else {
            continue;
        };
        let acceptor = acceptor.clone();
        let handler = handler.clone();
        let seen = seen.clone();
        tokio::spawn(async move {
            // A client that refuses the certificate ends the handshake; nothing to serve then.
            let Ok(tls) = acceptor.accept(tcp).await else { return };
            let service = service_fn(move |req| answer(req, handler.clone(), seen.clone()));
            let _ = http1::Builder::new().serve_connection(TokioIo::new(tls), service).await;
        });
    }
}

async fn answer(
    req: Request<Incoming>,
    handler: Handler,
    seen: Arc<Mutex<Vec<Seen>>>,
) -> Result<Response<Full<Bytes>>, hyper::Error> {
    let (parts, body) = req.into_parts();
    let body = body.collect().await?.to_bytes();
    let request = Seen {
        method: parts.method.to_string(),
        target: parts.uri.path_and_query().map(|p| p.to_string()).unwrap_or_default(),
        headers: parts.headers,
        body: String::from_utf8_lossy(&body).into_owned(),
        body_bytes: body.to_vec(),
    };
    seen.lock().expect("lock").push(request.clone());
    let answer = handler(&request);
    if answer.hang {
        std::future::pending::<()>().await;
    }
    let mut response = Response::new(Full::new(Bytes::from(answer.body)));
    *response.status_mut() = hyper::StatusCode::from_u16(answer.status).expect("status");
    response.headers_mut().insert(
        "content-type",
        "application/json;charset=UTF-8".parse().expect("header"),
    );
    if let Some(location) = answer.location {
        response
            .headers_mut()
            .insert("location", location.parse().expect("location header"));
    }
    if let Some(reason) = answer.reason {
        let phrase = hyper::ext::ReasonPhrase::try_from(reason).expect("reason phrase");
        response.extensions_mut().insert(phrase);
    }
    Ok(response)
}
