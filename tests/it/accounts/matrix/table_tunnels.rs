//! The authorization matrix's rows for the tunnel routes (see `table.rs`). The member's machine
//! there has no public SSH: nothing to publish through, nothing to retry.

/// Expected statuses in `PERSONAS` order, per operation id.
pub fn rows() -> [(&'static str, [u16; 13]); 9] {
    [
        // anon member other admin token ro expired | admin-token admin-ro disabled revoked demoted gated
        (
            "tunnels_info",
            [401, 200, 200, 200, 200, 200, 401, 200, 200, 403, 401, 200, 403],
        ),
        (
            "check_subdomain",
            [401, 400, 400, 400, 400, 400, 401, 400, 400, 403, 401, 400, 403],
        ),
        (
            "gateway_overview",
            [401, 403, 403, 200, 403, 403, 401, 200, 200, 403, 401, 403, 403],
        ),
        (
            "list_tunnels",
            [401, 200, 404, 200, 200, 200, 401, 200, 200, 403, 401, 404, 403],
        ),
        (
            "create_tunnel",
            [401, 409, 404, 409, 409, 403, 401, 409, 403, 403, 401, 404, 403],
        ),
        (
            "delete_tunnel",
            [401, 404, 404, 404, 404, 403, 401, 404, 403, 403, 401, 404, 403],
        ),
        (
            "retry_public_ssh",
            [401, 409, 404, 409, 409, 403, 401, 409, 403, 403, 401, 404, 403],
        ),
        (
            "get_tunnel_policy",
            [401, 403, 403, 200, 403, 403, 401, 200, 200, 403, 401, 403, 403],
        ),
        (
            "set_tunnel_policy",
            [401, 403, 403, 200, 403, 403, 401, 200, 403, 403, 401, 403, 403],
        ),
    ]
}
