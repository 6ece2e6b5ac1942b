//! A loopback HTTP file server standing in for the upstream cloud-image mirrors, so tests and
//! `nimbus demo --empty` can bootstrap templates without anything leaving the machine. It serves
//! each catalogue OS in a mirror layout: `/{os_key}/{upstream image file}` and
//! `/{os_key}/SHA256SUMS` (Ubuntu) or `/{os_key}/SHA512SUMS` (Debian); see `content.rs`.
//!
//! Tests can make one OS's image stop matching its checksum file ([`ImageServer::corrupt`]) and
//! make any path answer 404 or 500 ([`ImageServer::fail_path`]).

mod content;
#[cfg(test)]
mod tests;

use std::collections::{BTreeMap, HashMap};
use std::convert::Infallible;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex, PoisonError};

use anyhow::Context as _;
use http_body_util::Full;
use hyper::body::{Bytes, Incoming};
use hyper::server::conn::http1;
use hyper::service::service_fn;
use hyper::{Method, Request, Response, StatusCode};
use hyper_util::rt::TokioIo;
use tokio::net::TcpListener;
use tokio::sync::watch;
use tokio::task::JoinHandle;

pub use content::{ChecksumStyle, checksum_file, stand_in_image, upstream_file};

use crate::domain::os_image::{OsCatalog, OsImage};

/// How a failed path answers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PathFault {
    /// 404 Not Found, as a mirror that dropped a release.
    NotFound,
    /// 500 Internal Server Error, as a mirror having a bad day.
    ServerError,
}

/// The files served, the faults set, and how often each path was asked for.
#[derive(Default)]
struct State {
    files: HashMap<String, Bytes>,
    /// Image paths served with their first byte flipped.
    corrupted: HashMap<String, Bytes>,
    faults: HashMap<String, PathFault>,
    hits: BTreeMap<String, usize>,
}

/// A running image server. Stops when [`ImageServer::stop`] is called or it is dropped.
pub struct ImageServer {
    addr: SocketAddr,
    catalog: OsCatalog,
    state: Arc<Mutex<State>>,
    stop: watch::Sender<bool>,
    task: Option<JoinHandle<()>>,
}

impl ImageServer {
    /// Binds `addr` (port 0 picks a free one) and serves the built-in catalogue.
    ///
    /// # Errors
    /// `addr` is not a loopback address (the stand-in mirror is never reachable from the
    /// network), or it cannot be bound.
    pub async fn start(addr: SocketAddr) -> anyhow::Result<Self> {
        anyhow::ensure!(
            addr.ip().is_loopback(),
            "the image server listens only on loopback (127.0.0.1 or ::1): {addr} is not"
        );
        let listener = TcpListener::bind(addr)
            .await
            .with_context(|| format!("cannot listen on {addr}"))?;
        let addr = listener.local_addr().context("the listener has no address")?;
        let catalog = OsCatalog::builtin();
        let mut state = State::default();
        for os in catalog.images() {
            let image = stand_in_image(os.key());
            let style = ChecksumStyle::of(os.key());
            let sums = checksum_file(os, &image);
            state.files.insert(Self::image_path(os), Bytes::from(image));
            state
                .files
                .insert(format!("/{}/{}", os.key(), style.file_name()), Bytes::from(sums));
        }
        let state = Arc::new(Mutex::new(state));
        let (stop, stopped) = watch::channel(false);
        let task = tokio::spawn(serve(listener, state.clone(), stopped));
        Ok(Self {
            addr,
            catalog,
            state,
            stop,
            task: Some(task),
        })
    }

    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// `http://127.0.0.1:PORT/`: the mirror's root, under which each OS has its folder.
    pub fn base_url(&self) -> url::Url {
        url::Url::parse(&format!("http://{}/", self.addr)).expect("a socket address makes a URL")
    }

    /// Where `os`'s stand-in image is served.
    pub fn image_url(&self, os: &OsImage) -> url::Url {
        self.url(&Self::image_path(os))
    }

    /// Where `os`'s checksum file is served.
    pub fn checksum_url(&self, os: &OsImage) -> url::Url {
        self.url(&format!("/{}/{}", os.key(), ChecksumStyle::of(os.key()).file_name()))
    }

    /// From now on `os_key`'s image no longer matches its checksum file (same length, first
    /// byte flipped), as a truncated or tampered download would.
    ///
    /// # Errors
    /// `os_key` names no OS of the catalogue.
    pub fn corrupt(&self, os_key: &str) -> anyhow::Result<()> {
        let os = self.catalog.find(os_key).map_err(|e| anyhow::anyhow!("os_key {e}"))?;
        let path = Self::image_path(os);
        let mut state = self.lock();
        let mut bytes = state.files.get(&path).map(|b| b.to_vec()).unwrap_or_default();
        if let Some(first) = bytes.first_mut() {
            *first ^= 0xff;
        }
        state.corrupted.insert(path, Bytes::from(bytes));
        Ok(())
    }

    /// From now on `path` (e.g. `/debian-12/SHA512SUMS`) answers with `fault`.
    pub fn fail_path(&self, path: &str, fault: PathFault) {
        self.lock().faults.insert(path.to_owned(), fault);
    }

    /// Clears every corruption and fault: each path serves its file again.
    pub fn heal(&self) {
        let mut state = self.lock();
        state.corrupted.clear();
        state.faults.clear();
    }

    /// How many requests `path` has received (GET and HEAD), whatever they were answered.
    pub fn hits(&self, path: &str) -> usize {
        self.lock().hits.get(path).copied().unwrap_or(0)
    }

    /// Stops accepting and closes every connection.
    pub async fn stop(mut self) {
        let _ = self.stop.send(true);
        if let Some(task) = self.task.take() {
            let _ = task.await;
        }
    }

    fn image_path(os: &OsImage) -> String {
        format!("/{}/{}", os.key(), upstream_file(os))
    }

    fn url(&self, path: &str) -> url::Url {
        self.base_url()
            .join(path.trim_start_matches('/'))
            .expect("a path joins a URL")
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

impl Drop for ImageServer {
    fn drop(&mut self) {
        let _ = self.stop.send(true);
    }
}

async fn serve(listener: TcpListener, state: Arc<Mutex<State>>, mut stopped: watch::Receiver<bool>) {
    let mut connections = tokio::task::JoinSet::new();
    loop {
        tokio::select! {
            _ = stopped.changed() => break,
            accepted = listener.accept() => {
                let Ok((stream, _)) = accepted else { continue };
                let state = state.clone();
                connections.spawn(async move {
                    let service = service_fn(move |req| {
                        let state = state.clone();
                        async move { Ok::<_, Infallible>(answer(&state, &req)) }
                    });
                    let _ = http1::Builder::new().serve_connection(TokioIo::new(stream), service).await;
                });
            }
            Some(_) = connections.join_next(), if !connections.is_empty() => {}
        }
    }
    connections.shutdown().await;
}

fn answer(state: &Mutex<State>, req: &Request<Incoming>) -> Response<Full<Bytes>> {
    let path = req.uri().path();
    let head = req.method() == Method::HEAD;
    if req.method() != Method::GET && !head {
        return plain(StatusCode::METHOD_NOT_ALLOWED, "only GET and HEAD are served\n");
    }
    let mut state = state.lock().unwrap_or_else(PoisonError::into_inner);
    *state.hits.entry(path.to_owned()).or_default() += 1;
    match state.faults.get(path) {
        Some(PathFault::NotFound) => return plain(StatusCode::NOT_FOUND, "not found (injected fault)\n"),
        Some(PathFault::ServerError) => {
            return plain(StatusCode::INTERNAL_SERVER_ERROR, "server error (injected fault)\n");
        }
        None => {}
    }
    let Some(body) = state.corrupted.get(path).or_else(|| state.files.get(path)).cloned() else {
        return plain(StatusCode::NOT_FOUND, "no such file on this mirror\n");
    };
    let kind = if path.ends_with("SUMS") {
        "text/plain; charset=utf-8"
    } else {
        "application/octet-stream"
    };
    let len = body.len();
    let mut response = Response::new(Full::new(if head { Bytes::new() } else { body }));
    let headers = response.headers_mut();
    headers.insert(
        hyper::header::CONTENT_TYPE,
        hyper::header::HeaderValue::from_static(kind),
    );
    headers.insert(hyper::header::CONTENT_LENGTH, hyper::header::HeaderValue::from(len));
    response
}

fn plain(status: StatusCode, text: &'static str) -> Response<Full<Bytes>> {
    let mut response = Response::new(Full::new(Bytes::from_static(text.as_bytes())));
    *response.status_mut() = status;
    response
}
