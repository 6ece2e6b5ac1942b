//! The simulator's HTTP face: Gopher's external API v1 under `/api/v1` (bearer key, the
//! `{success, data, error}` envelope, paginated lists), each machine's bootstrap script under
//! `/bootstrap/{token}`, and fault control under `/_sim/faults`. Loopback only.
//!
//! An outage (`Down`) drops each connection without an answer, as a dead gateway would look to a
//! client; `/_sim/` keeps answering so a test can heal it.

use std::net::SocketAddr;
use std::time::Duration;

use anyhow::Context as _;
use http_body_util::{BodyExt as _, Full};
use hyper::body::{Bytes, Incoming};
use hyper::server::conn::http1;
use hyper::service::service_fn;
use hyper::{Request, Response};
use hyper_util::rt::TokioIo;
use tokio::net::TcpListener;
use tokio::sync::watch;
use tokio::task::JoinHandle;

use super::SimGopher;
use super::routes::{Incoming as Call, route};

/// A running HTTP face. Stops when [`GopherHttpFace::stop`] is called or it is dropped.
pub struct GopherHttpFace {
    addr: SocketAddr,
    sim: SimGopher,
    stop: watch::Sender<bool>,
    task: Option<JoinHandle<()>>,
}

/// Why a connection is dropped without an answer.
#[derive(Debug)]
struct Outage;

impl std::fmt::Display for Outage {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("simulated outage")
    }
}

impl std::error::Error for Outage {}

impl GopherHttpFace {
    /// Binds `addr` (port 0 picks a free one) and serves `sim`; bootstrap URLs made from now on
    /// point here.
    ///
    /// # Errors
    /// `addr` is not a loopback address, or it cannot be bound.
    pub async fn start(sim: SimGopher, addr: SocketAddr) -> anyhow::Result<Self> {
        anyhow::ensure!(
            addr.ip().is_loopback(),
            "the Gopher simulator listens only on loopback (127.0.0.1 or ::1): {addr} is not"
        );
        let listener = TcpListener::bind(addr)
            .await
            .with_context(|| format!("cannot listen on {addr}"))?;
        let addr = listener.local_addr().context("the listener has no address")?;
        sim.set_base_url(format!("http://{addr}"));
        let (stop, stopped) = watch::channel(false);
        let task = tokio::spawn(serve(listener, sim.clone(), stopped));
        Ok(Self {
            addr,
            sim,
            stop,
            task: Some(task),
        })
    }

    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// `http://127.0.0.1:PORT`: the gateway's URL, as GOPHER_API_URL takes it.
    pub fn base_url(&self) -> url::Url {
        url::Url::parse(&format!("http://{}/", self.addr)).expect("a socket address makes a URL")
    }

    pub fn sim(&self) -> &SimGopher {
        &self.sim
    }

    /// Stops accepting and closes every connection.
    pub async fn stop(mut self) {
        let _ = self.stop.send(true);
        if let Some(task) = self.task.take() {
            let _ = task.await;
        }
    }
}

impl Drop for GopherHttpFace {
    fn drop(&mut self) {
        let _ = self.stop.send(true);
    }
}

async fn serve(listener: TcpListener, sim: SimGopher, mut stopped: watch::Receiver<bool>) {
    let mut connections = tokio::task::JoinSet::new();
    loop {
        tokio::select! {
            _ = stopped.changed() => break,
            accepted = listener.accept() => {
                let Ok((stream, _)) = accepted else { continue };
                let sim = sim.clone();
                connections.spawn(async move {
                    let service = service_fn(move |req| answer(sim.clone(), req));
                    let _ = http1::Builder::new().serve_connection(TokioIo::new(stream), service).await;
                });
            }
            Some(_) = connections.join_next(), if !connections.is_empty() => {}
        }
    }
    connections.shutdown().await;
}

async fn answer(sim: SimGopher, req: Request<Incoming>) -> Result<Response<Full<Bytes>>, Outage> {
    let control = req.uri().path().starts_with("/_sim/");
    if !control {
        let (down, delay) = {
            let model = sim.lock();
            (model.faults.down(), model.faults.delay_ms())
        };
        if down {
            return Err(Outage);
        }
        if delay > 0 {
            tokio::time::sleep(Duration::from_millis(delay)).await;
        }
    }
    let method = req.method().clone();
    let path = req.uri().path().to_owned();
    let query = req.uri().query().unwrap_or_default().to_owned();
    let auth = req
        .headers()
        .get(hyper::header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned);
    let body = match req.into_body().collect().await {
        Ok(collected) => collected.to_bytes(),
        Err(_) => Bytes::new(),
    };
    let call = Call {
        method: &method,
        path: &path,
        query: &query,
        auth: auth.as_deref(),
        body: &body,
    };
    let reply = route(&sim, &call);
    let mut response = Response::new(Full::new(Bytes::from(reply.body)));
    *response.status_mut() = reply.status;
    response.headers_mut().insert(
        hyper::header::CONTENT_TYPE,
        hyper::header::HeaderValue::from_static(reply.content_type),
    );
    Ok(response)
}
