//! Start-up clean-up: containers left by an earlier run of the worker (it crashed or the box
//! restarted mid-job) are removed and their jobs reported failed, so they do not wait for a lease
//! nobody renews and no GPU is held by a container nobody watches.

use crate::client::Client;
use crate::protocol::StatusReport;
use crate::report::report;
use crate::runtime::{Runtime, job_of};
use crate::shutdown::Shutdown;

pub const RESTARTED: &str = "the worker restarted while the job ran";

/// Removes every leftover `nimbus-job-*` container and reports its job failed.
pub async fn leftovers(client: &Client, runtime: &Runtime, shutdown: &mut Shutdown) {
    let names = match runtime.leftovers().await {
        Ok(names) => names,
        Err(e) => {
            tracing::warn!(error = %e, "could not list leftover job containers; is the container runtime running?");
            return;
        }
    };
    for name in names {
        let Some(job) = job_of(&name) else { continue };
        tracing::warn!(job, container = %name, "found a container left by an earlier run; removing it");
        match runtime.remove(&name).await {
            Ok(out) if !out.status.success() => {
                tracing::warn!(container = %name, error = %String::from_utf8_lossy(&out.stderr).trim(), "`rm -f` failed")
            }
            Err(e) => tracing::warn!(container = %name, error = %e, "`rm -f` could not be run"),
            Ok(_) => {}
        }
        report(client, job, &StatusReport::failed(-1, RESTARTED, None), shutdown).await;
        if shutdown.requested() {
            return;
        }
    }
}
