//! The text of `gx10-worker --help`: what the worker does, its commands and every variable it reads.

/// The help text, with the version filled in.
pub fn text() -> String {
    format!(
        "gx10-worker {version}

The Nimbus GPU job worker. It claims queued training jobs from Nimbus one at a time, runs each
with the container runtime (`<runtime> run --rm --gpus all`), streams its output back to Nimbus,
heartbeats while it runs and reports how it ended.

USAGE:
    gx10-worker                       run the worker (configured by the variables below)
    gx10-worker version               print the version
    gx10-worker --help                print this help
    gx10-worker stand-in-runtime ...  a stand-in for docker (run|stop|kill|ps|rm), for demos and tests

ENVIRONMENT:
    NIMBUS_URL            (required) the address of Nimbus, e.g. https://nimbus.example.com
    NIMBUS_WORKER_TOKEN   (required) the worker token from Admin → Settings → GPU → Add worker
    GX10_WORKER_ID        this worker's name, [A-Za-z0-9._-]{{1,64}} (default gx10-<hostname>)
    GX10_POLL_INTERVAL    seconds between claims while the queue is empty (default 3)
    GX10_HTTP_TIMEOUT     seconds before a call to Nimbus is given up and retried (default 30)
    GX10_LOG_FLUSH_DELAY  milliseconds output waits before it is sent (default 1000)
    GX10_LOG_FLUSH_BYTES  bytes of output that are sent at once, at most 1048576 (default 65536)
    GX10_STOP_GRACE       seconds a stopped container gets before it is killed (default 10)
    GX10_OUTPUT_DIR       host folder mounted as /output, one subfolder per job
                          (default /var/lib/gx10/output)
    GX10_RUNTIME          the container runtime command (default docker)
    GX10_STAND_IN_DIR     the stand-in runtime's state folder (default $TMPDIR/gx10-stand-in)
    GX10_STAND_IN_SECONDS how long a stand-in job runs (default 6)
    RUST_LOG              log filter (default info)

Bad values stop the worker with exit code 2 and a message naming the variable.
SIGINT or SIGTERM stops the running container, sends the output read so far and exits; Nimbus
hands the job out again when its lease runs out.",
        version = env!("CARGO_PKG_VERSION")
    )
}
