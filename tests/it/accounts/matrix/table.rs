//! The expected answers of the authorization matrix: one row per operation in the spec, one
//! status per kind of caller, in `PERSONAS` order.

use std::collections::BTreeMap;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Persona {
    Anonymous,
    Member,
    OtherMember,
    Admin,
    Token,
    ReadOnlyToken,
    ExpiredSession,
    /// An admin's read-write API token.
    AdminToken,
    /// An admin's read-only API token.
    AdminReadOnlyToken,
    /// A token of an account an admin has since disabled.
    DisabledAccount,
    /// A member's token after its owner revoked it.
    RevokedToken,
    /// An admin who stepped down: the acting session survives, as a member's.
    DemotedAdmin,
    /// A member held by the access-code gate (on another instance with the gate on).
    GatedMember,
}

pub const PERSONAS: [Persona; 13] = [
    Persona::Anonymous,
    Persona::Member,
    Persona::OtherMember,
    Persona::Admin,
    Persona::Token,
    Persona::ReadOnlyToken,
    Persona::ExpiredSession,
    Persona::AdminToken,
    Persona::AdminReadOnlyToken,
    Persona::DisabledAccount,
    Persona::RevokedToken,
    Persona::DemotedAdmin,
    Persona::GatedMember,
];

/// Expected statuses in `PERSONAS` order, per operation id.
pub fn table() -> BTreeMap<&'static str, [u16; 13]> {
    let mut table = BTreeMap::from([
        // anon member other admin token ro expired | admin-token admin-ro disabled revoked demoted gated
        (
            "health",
            [200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200],
        ),
        (
            "auth_status",
            [200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200],
        ),
        (
            "register",
            [201, 201, 201, 201, 201, 201, 201, 201, 201, 201, 201, 201, 201],
        ),
        (
            "login",
            [200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200],
        ),
        (
            "logout",
            [200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200],
        ),
        (
            "logout_all",
            [401, 200, 200, 200, 200, 403, 401, 200, 403, 403, 401, 200, 200],
        ),
        ("me", [401, 200, 200, 200, 200, 200, 401, 200, 200, 403, 401, 200, 200]),
        (
            "update_me",
            [401, 200, 200, 200, 200, 403, 401, 200, 403, 403, 401, 200, 403],
        ),
        (
            "change_password",
            [401, 200, 200, 200, 403, 403, 401, 403, 403, 403, 401, 200, 403],
        ),
        (
            "list_sessions",
            [401, 200, 200, 200, 200, 200, 401, 200, 200, 403, 401, 200, 403],
        ),
        (
            "end_session",
            [401, 200, 404, 404, 200, 403, 401, 404, 403, 403, 401, 404, 403],
        ),
        (
            "list_tokens",
            [401, 200, 200, 200, 200, 200, 401, 200, 200, 403, 401, 200, 403],
        ),
        (
            "create_token",
            [401, 201, 201, 201, 403, 403, 401, 403, 403, 403, 401, 201, 403],
        ),
        (
            "revoke_token",
            [401, 200, 404, 404, 200, 403, 401, 404, 403, 403, 401, 404, 403],
        ),
        (
            "list_users",
            [401, 403, 403, 200, 403, 403, 401, 200, 200, 403, 401, 403, 403],
        ),
        (
            "update_user",
            [401, 403, 403, 200, 403, 403, 401, 200, 403, 403, 401, 403, 403],
        ),
        (
            "release_email",
            [401, 403, 403, 200, 403, 403, 401, 200, 403, 403, 401, 403, 403],
        ),
        (
            "create_invitation",
            [401, 403, 403, 201, 403, 403, 401, 201, 403, 403, 401, 403, 403],
        ),
        (
            "list_invitations",
            [401, 403, 403, 200, 403, 403, 401, 200, 200, 403, 401, 403, 403],
        ),
        (
            "revoke_invitation",
            [401, 403, 403, 200, 403, 403, 401, 200, 403, 403, 401, 403, 403],
        ),
        // Public: anyone holding a link may ask what it is good for.
        (
            "check_invitation",
            [200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200],
        ),
        (
            "list_audit",
            [401, 403, 403, 200, 403, 403, 401, 200, 200, 403, 401, 403, 403],
        ),
        (
            "access_code_status",
            [401, 200, 200, 200, 200, 200, 401, 200, 200, 403, 401, 200, 200],
        ),
        (
            "verify_access_code",
            [401, 200, 200, 200, 200, 403, 401, 200, 403, 403, 401, 200, 400],
        ),
        (
            "get_access_code_settings",
            [401, 403, 403, 200, 403, 403, 401, 200, 200, 403, 401, 403, 403],
        ),
        (
            "set_access_code_settings",
            [401, 403, 403, 200, 403, 403, 401, 200, 403, 403, 401, 403, 403],
        ),
        (
            "rotate_access_code",
            [401, 403, 403, 200, 403, 403, 401, 200, 403, 403, 401, 403, 403],
        ),
        (
            "bump_access_code",
            [401, 403, 403, 200, 403, 403, 401, 200, 403, 403, 401, 403, 403],
        ),
        (
            "auth_providers",
            [200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200],
        ),
        (
            "oauth_start",
            [302, 302, 302, 302, 302, 302, 302, 302, 302, 302, 302, 302, 302],
        ),
        (
            "oauth_callback",
            [302, 302, 302, 302, 302, 302, 302, 302, 302, 302, 302, 302, 302],
        ),
        (
            "list_identities",
            [401, 200, 200, 200, 200, 200, 401, 200, 200, 403, 401, 200, 403],
        ),
        (
            "unlink_identity",
            [401, 404, 404, 404, 404, 403, 401, 404, 403, 403, 401, 404, 403],
        ),
        (
            "get_oauth_settings",
            [401, 403, 403, 200, 403, 403, 401, 200, 200, 403, 401, 403, 403],
        ),
        (
            "set_oauth_settings",
            [401, 403, 403, 200, 403, 403, 401, 200, 403, 403, 401, 403, 403],
        ),
        (
            "get_signups",
            [401, 403, 403, 200, 403, 403, 401, 200, 200, 403, 401, 403, 403],
        ),
        (
            "set_signups",
            [401, 403, 403, 200, 403, 403, 401, 200, 403, 403, 401, 403, 403],
        ),
        (
            "list_keys",
            [401, 200, 200, 200, 200, 200, 401, 200, 200, 403, 401, 200, 403],
        ),
        (
            "create_key",
            [401, 201, 201, 201, 201, 403, 401, 201, 403, 403, 401, 201, 403],
        ),
        (
            "get_key",
            [401, 200, 404, 404, 200, 200, 401, 404, 404, 403, 401, 404, 403],
        ),
        (
            "update_key",
            [401, 200, 404, 404, 200, 403, 401, 404, 403, 403, 401, 404, 403],
        ),
        (
            "delete_key",
            [401, 200, 404, 404, 200, 403, 401, 404, 403, 403, 401, 404, 403],
        ),
        (
            "get_private_key",
            [401, 200, 404, 404, 200, 403, 401, 404, 403, 403, 401, 404, 403],
        ),
        (
            "attach_private_key",
            [401, 409, 404, 404, 409, 403, 401, 404, 403, 403, 401, 404, 403],
        ),
        (
            "set_default_key",
            [401, 200, 404, 404, 200, 403, 401, 404, 403, 403, 401, 404, 403],
        ),
        (
            "get_catalog",
            [401, 200, 200, 200, 200, 200, 401, 200, 200, 403, 401, 200, 403],
        ),
        (
            "list_vms",
            [401, 200, 200, 200, 200, 200, 401, 200, 200, 403, 401, 200, 403],
        ),
        (
            "create_vm",
            [401, 201, 201, 201, 201, 403, 401, 201, 403, 403, 401, 201, 403],
        ),
        (
            "get_vm",
            [401, 200, 404, 200, 200, 200, 401, 200, 200, 403, 401, 404, 403],
        ),
        (
            "vm_events",
            [401, 200, 404, 200, 200, 200, 401, 200, 200, 403, 401, 404, 403],
        ),
        (
            "get_vm_private_key",
            [401, 200, 404, 404, 200, 403, 401, 404, 403, 403, 401, 404, 403],
        ),
        (
            "retry_vm",
            [401, 409, 404, 404, 409, 403, 401, 404, 403, 403, 401, 404, 403],
        ),
        (
            "delete_vm",
            [401, 202, 404, 202, 202, 403, 401, 202, 403, 403, 401, 404, 403],
        ),
        (
            "start_vm",
            [401, 409, 404, 409, 409, 403, 401, 409, 403, 403, 401, 404, 403],
        ),
        (
            "shutdown_vm",
            [401, 202, 404, 202, 202, 403, 401, 202, 403, 403, 401, 404, 403],
        ),
        (
            "stop_vm",
            [401, 202, 404, 202, 202, 403, 401, 202, 403, 403, 401, 404, 403],
        ),
        (
            "reboot_vm",
            [401, 202, 404, 202, 202, 403, 401, 202, 403, 403, 401, 404, 403],
        ),
        (
            "reconcile_ips",
            [401, 403, 403, 200, 403, 403, 401, 200, 403, 403, 401, 403, 403],
        ),
        (
            "list_ips",
            [401, 403, 403, 200, 403, 403, 401, 200, 200, 403, 401, 403, 403],
        ),
        (
            "last_reconcile",
            [401, 403, 403, 200, 403, 403, 401, 200, 200, 403, 401, 403, 403],
        ),
        (
            "list_approvals",
            [401, 403, 403, 200, 403, 403, 401, 200, 200, 403, 401, 403, 403],
        ),
        (
            "approve_vm",
            [401, 403, 403, 202, 403, 403, 401, 202, 403, 403, 401, 403, 403],
        ),
        (
            "deny_vm",
            [401, 403, 403, 200, 403, 403, 401, 200, 403, 403, 401, 403, 403],
        ),
        (
            "list_nodes",
            [401, 403, 403, 200, 403, 403, 401, 200, 200, 403, 401, 403, 403],
        ),
        (
            "list_jobs",
            [401, 403, 403, 200, 403, 403, 401, 200, 200, 403, 401, 403, 403],
        ),
        (
            "list_cluster_vms",
            [401, 403, 403, 200, 403, 403, 401, 200, 200, 403, 401, 403, 403],
        ),
        (
            "get_cluster_stats",
            [401, 403, 403, 200, 403, 403, 401, 200, 200, 403, 401, 403, 403],
        ),
        (
            "get_provision_metrics",
            [401, 403, 403, 200, 403, 403, 401, 200, 200, 403, 401, 403, 403],
        ),
        (
            "get_my_quota",
            [401, 200, 200, 200, 200, 200, 401, 200, 200, 403, 401, 200, 403],
        ),
        (
            "list_quotas",
            [401, 403, 403, 200, 403, 403, 401, 200, 200, 403, 401, 403, 403],
        ),
        (
            "set_quota_defaults",
            [401, 403, 403, 200, 403, 403, 401, 200, 403, 403, 401, 403, 403],
        ),
        (
            "set_member_quota",
            [401, 403, 403, 200, 403, 403, 401, 200, 403, 403, 401, 403, 403],
        ),
        (
            "reset_member_quota",
            [401, 403, 403, 200, 403, 403, 401, 200, 403, 403, 401, 403, 403],
        ),
        // The template bootstrap: admins only; starting one is a write (read-only tokens and the
        // CSRF guard refuse it).
        (
            "bootstrap_templates",
            [401, 403, 403, 202, 403, 403, 401, 202, 403, 403, 401, 403, 403],
        ),
        (
            "bootstrap_status",
            [401, 403, 403, 200, 403, 403, 401, 200, 200, 403, 401, 403, 403],
        ),
        // Settings → Cluster: admins; trying a connection or a pool is a write. The address
        // given to try answers nothing (400 naming `url`); the pool is the demo's own.
        (
            "get_cluster_settings",
            [401, 403, 403, 200, 403, 403, 401, 200, 200, 403, 401, 403, 403],
        ),
        (
            "cluster_proxmox_fingerprint",
            [401, 403, 403, 400, 403, 403, 401, 400, 403, 403, 401, 403, 403],
        ),
        (
            "cluster_proxmox_check",
            [401, 403, 403, 400, 403, 403, 401, 400, 403, 403, 401, 403, 403],
        ),
        (
            "cluster_network_review",
            [401, 403, 403, 200, 403, 403, 401, 200, 403, 403, 401, 403, 403],
        ),
        (
            "cluster_network_probe",
            [401, 403, 403, 200, 403, 403, 401, 200, 403, 403, 401, 403, 403],
        ),
        (
            "set_cluster_settings",
            [401, 403, 403, 200, 403, 403, 401, 200, 403, 403, 401, 403, 403],
        ),
        // Settings → Gopher: admins only; the test calls the demo's simulated gateway.
        (
            "get_gopher_settings",
            [401, 403, 403, 200, 403, 403, 401, 200, 200, 403, 401, 403, 403],
        ),
        (
            "set_gopher_settings",
            [401, 403, 403, 200, 403, 403, 401, 200, 403, 403, 401, 403, 403],
        ),
        (
            "test_gopher_settings",
            [401, 403, 403, 200, 403, 403, 401, 200, 403, 403, 401, 403, 403],
        ),
        // The setup wizard is gone on a configured Nimbus, whoever asks.
        ("setup_state", [404; 13]),
        ("setup_proxmox_fingerprint", [404; 13]),
        ("setup_proxmox", [404; 13]),
        ("setup_network", [404; 13]),
        ("setup_network_probe", [404; 13]),
        ("setup_access", [404; 13]),
        ("setup_finish", [404; 13]),
    ]);
    table.extend(super::table_tunnels::rows());
    table.extend(super::table_gpu::rows());
    table
}
