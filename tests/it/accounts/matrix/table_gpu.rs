//! The authorization matrix's rows for the GPU routes (see `table.rs`), and the third kind of
//! caller: a GPU worker's token, which the worker protocol accepts and every other route treats as
//! no person at all.

/// Expected statuses in `PERSONAS` order, per operation id. People's credentials never open the
/// worker protocol (401: it takes a worker token).
pub fn rows() -> [(&'static str, [u16; 13]); 14] {
    [
        // anon member other admin token ro expired | admin-token admin-ro disabled revoked demoted gated
        (
            "list_gpu_jobs",
            [401, 200, 200, 200, 200, 200, 401, 200, 200, 403, 401, 200, 403],
        ),
        (
            "submit_gpu_job",
            [401, 201, 201, 201, 201, 403, 401, 201, 403, 403, 401, 201, 403],
        ),
        (
            "get_gpu_job",
            [401, 200, 404, 200, 200, 200, 401, 200, 200, 403, 401, 404, 403],
        ),
        (
            "get_gpu_job_log",
            [401, 200, 404, 200, 200, 200, 401, 200, 200, 403, 401, 404, 403],
        ),
        (
            "follow_gpu_job",
            [401, 200, 404, 200, 200, 200, 401, 200, 200, 403, 401, 404, 403],
        ),
        (
            "cancel_gpu_job",
            [401, 200, 404, 200, 200, 403, 401, 200, 403, 403, 401, 404, 403],
        ),
        (
            "get_gpu_settings",
            [401, 403, 403, 200, 403, 403, 401, 200, 200, 403, 401, 403, 403],
        ),
        (
            "set_gpu_settings",
            [401, 403, 403, 200, 403, 403, 401, 200, 403, 403, 401, 403, 403],
        ),
        (
            "add_gpu_worker",
            [401, 403, 403, 201, 403, 403, 401, 201, 403, 403, 401, 403, 403],
        ),
        (
            "revoke_gpu_worker",
            [401, 403, 403, 204, 403, 403, 401, 204, 403, 403, 401, 403, 403],
        ),
        ("worker_claim", [401; 13]),
        ("worker_heartbeat", [401; 13]),
        ("worker_post_log", [401; 13]),
        ("worker_report", [401; 13]),
    ]
}

/// What the worker protocol answers a valid worker token, in the matrix's walk (the queue is
/// empty; the job in the path is none of its own). Every other operation answers a worker token
/// as it answers no credentials.
pub fn worker_rows() -> [(&'static str, u16); 4] {
    [
        ("worker_claim", 204),
        ("worker_heartbeat", 404),
        // No `X-Log-Seq`: the chunk has no number.
        ("worker_post_log", 400),
        ("worker_report", 404),
    ]
}
