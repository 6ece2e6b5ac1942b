//! Runs the HTTP server: binds the listener (port 0 picks a free one), serves until told to stop,
//! then drains in-flight requests before returning.

use std::net::SocketAddr;
use std::time::Duration;

use anyhow::Context;
use poem::Server;
use poem::listener::{Acceptor, Listener, TcpListener};
use tokio::sync::oneshot;
use tokio::task::JoinHandle;

use crate::app::wiring::App;

/// How long in-flight requests get to finish after a stop signal.
const DRAIN: Duration = Duration::from_secs(10);

/// A server running on a background task.
pub struct Running {
    pub addr: SocketAddr,
    stop: oneshot::Sender<()>,
    task: JoinHandle<std::io::Result<()>>,
    app: App,
}

impl Running {
    /// `http://IP:PORT`, with a wildcard bind address shown as loopback.
    pub fn base_url(&self) -> String {
        let ip = if self.addr.ip().is_unspecified() {
            "127.0.0.1".to_string()
        } else {
            self.addr.ip().to_string()
        };
        format!("http://{ip}:{}", self.addr.port())
    }

    pub fn app(&self) -> &App {
        &self.app
    }

    /// Stops accepting connections, lets in-flight requests finish, and closes the database.
    pub async fn stop(mut self) -> anyhow::Result<()> {
        let _ = self.stop.send(());
        let served = self.task.await.context("the server task failed")?;
        self.app.shut_down().await;
        self.app.store.close().await;
        served.context("the server stopped with an error")
    }
}

/// Binds `config.server.bind_addr:port` and starts serving `app`.
pub async fn start(app: App) -> anyhow::Result<Running> {
    let wanted = SocketAddr::new(app.config.server.bind_addr, app.config.server.port);
    let acceptor = TcpListener::bind(wanted)
        .into_acceptor()
        .await
        .with_context(|| format!("cannot listen on {wanted}; set PORT (or BIND_ADDR) to a free address"))?;
    let addr = acceptor
        .local_addr()
        .first()
        .and_then(|a| a.as_socket_addr().copied())
        .context("the listener has no address")?;
    let (stop, stopped) = oneshot::channel::<()>();
    let endpoint = app.endpoint();
    let task = tokio::spawn(async move {
        Server::new_with_acceptor(acceptor)
            .run_with_graceful_shutdown(
                endpoint,
                async move {
                    let _ = stopped.await;
                },
                Some(DRAIN),
            )
            .await
    });
    Ok(Running { addr, stop, task, app })
}

/// Resolves on SIGINT (Ctrl+C) or SIGTERM. The handlers are installed when this is called, not
/// when the future is first polled, so call it before announcing readiness: a signal that
/// arrives right after the announcement then stops the process gracefully.
pub fn shutdown_signal() -> impl std::future::Future<Output = ()> {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{SignalKind, signal};
        let term = signal(SignalKind::terminate());
        let interrupt = signal(SignalKind::interrupt());
        async move {
            match (term, interrupt) {
                (Ok(mut term), Ok(mut interrupt)) => {
                    tokio::select! {
                        _ = term.recv() => {}
                        _ = interrupt.recv() => {}
                    }
                }
                _ => {
                    let _ = tokio::signal::ctrl_c().await;
                }
            }
        }
    }
    #[cfg(not(unix))]
    {
        async {
            let _ = tokio::signal::ctrl_c().await;
        }
    }
}
