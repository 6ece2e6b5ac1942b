//! SIGINT and SIGTERM as a flag every part of the worker can wait on: the running job stops its
//! container and sends what it read, and the loop exits without claiming again.

use tokio::signal::unix::{SignalKind, signal};
use tokio::sync::watch;

/// Whether a stop signal arrived, and a way to wait for one.
#[derive(Clone)]
pub struct Shutdown(watch::Receiver<bool>);

impl Shutdown {
    /// Starts listening for SIGINT and SIGTERM.
    pub fn listen() -> std::io::Result<Self> {
        let mut term = signal(SignalKind::terminate())?;
        let mut int = signal(SignalKind::interrupt())?;
        let (tx, rx) = watch::channel(false);
        tokio::spawn(async move {
            let name = tokio::select! {
                _ = term.recv() => "SIGTERM",
                _ = int.recv() => "SIGINT",
            };
            tracing::info!(
                signal = name,
                "stopping: the running job's container is stopped and the worker exits"
            );
            let _ = tx.send(true);
            // Keep the sender, so waiting receivers see the flag rather than a closed channel.
            std::future::pending::<()>().await;
        });
        Ok(Self(rx))
    }

    pub fn requested(&self) -> bool {
        *self.0.borrow()
    }

    /// Returns once a stop signal has arrived (at once if one already has).
    pub async fn wait(&mut self) {
        if self.0.wait_for(|stop| *stop).await.is_err() {
            std::future::pending::<()>().await;
        }
    }
}
