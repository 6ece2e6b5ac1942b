//! Error answers to `ProxmoxError`, every row in both body formats: PVE ≥ 8.4 (`message` in the
//! body) and legacy (`{"data":null}`, the text only in the reason phrase).

use std::collections::BTreeMap;

use serde_json::json;

use crate::adapters::proxmox::http::classify::{Endpoint, ErrorReply, classify};
use crate::domain::cluster::NodeName;
use crate::domain::vmid::VmId;
use crate::ports::proxmox::ProxmoxError;

fn node(name: &str) -> NodeName {
    NodeName::parse(name).expect("node")
}

fn vmid(n: u32) -> VmId {
    VmId::new(n).expect("vmid")
}

fn on_node() -> Endpoint {
    Endpoint {
        node: Some(node("pve2")),
        agent: false,
    }
}

fn agent_call() -> Endpoint {
    Endpoint {
        node: Some(node("pve1")),
        agent: true,
    }
}

/// The same failure in both formats: the modern body carries `message` (with Proxmox's trailing
/// newline); the legacy body has only `data` (and `errors`), the text is in the reason phrase.
fn both_formats(status: u16, text: &str, errors: Option<serde_json::Value>, endpoint: &Endpoint) -> [ProxmoxError; 2] {
    let reason = text.lines().next().unwrap_or_default();
    let mut modern = json!({"data": null, "message": format!("{text}\n")});
    let mut legacy = json!({"data": null});
    if let Some(errors) = errors {
        modern["errors"] = errors.clone();
        legacy["errors"] = errors;
    }
    [modern, legacy].map(|body| {
        let reply = ErrorReply::read(status, reason, body.to_string().as_bytes());
        classify(&reply, endpoint)
    })
}

fn check(status: u16, text: &str, errors: Option<serde_json::Value>, endpoint: &Endpoint, want: ProxmoxError) {
    for (format, got) in ["message", "legacy"]
        .iter()
        .zip(both_formats(status, text, errors, endpoint))
    {
        assert_eq!(got, want, "{status} {text:?} ({format} format)");
    }
}

fn refused(text: &str) -> ProxmoxError {
    ProxmoxError::Refused(text.into())
}

#[test]
fn auth_failures_are_unauthorized_or_forbidden() {
    let reply = ErrorReply::read(401, "Authentication failed!", b"");
    assert_eq!(classify(&reply, &on_node()), ProxmoxError::Unauthorized);
    check(401, "No ticket", None, &on_node(), ProxmoxError::Unauthorized);
    let text = "Permission check failed (/vms/100, VM.Audit)";
    check(403, text, None, &on_node(), ProxmoxError::Forbidden(text.into()));
}

#[test]
fn proxy_failures_name_the_node_of_the_path_and_the_reason() {
    for (status, reason) in [
        (595, "No route to host"),
        (595, "Connection refused"),
        (596, "Connection timed out"),
        (599, "Too many redirections"),
    ] {
        let reply = ErrorReply::read(status, reason, b"");
        let want = ProxmoxError::NodeOffline {
            node: node("pve2"),
            status,
            reason: reason.into(),
        };
        assert_eq!(classify(&reply, &on_node()), want);
    }
    let cluster_level = Endpoint {
        node: None,
        agent: false,
    };
    let reply = ErrorReply::read(595, "No route to host", b"");
    match classify(&reply, &cluster_level) {
        ProxmoxError::NodeOffline { node, .. } => assert_eq!(node.as_str(), "unknown"),
        other => panic!("{other:?}"),
    }
}

#[test]
fn parameter_errors_keep_each_message_without_its_newline() {
    let errors = json!({"newid": "property is missing and it is not optional\n", "full": "type check ('boolean') failed - got 'true'\n"});
    let want = ProxmoxError::InvalidParameters {
        errors: BTreeMap::from([
            ("newid".into(), "property is missing and it is not optional".into()),
            ("full".into(), "type check ('boolean') failed - got 'true'".into()),
        ]),
    };
    check(400, "Parameter verification failed.", Some(errors), &on_node(), want);
}

#[test]
fn no_such_task_is_not_found_and_a_taken_vmid_already_exists() {
    let errors = json!({"upid": "no such task\n"});
    check(
        400,
        "Parameter verification failed.",
        Some(errors),
        &on_node(),
        ProxmoxError::NotFound("no such task".into()),
    );
    let errors = json!({"vmid": "VM 100 already exists\n"});
    let want = ProxmoxError::AlreadyExists { vmid: vmid(100) };
    check(400, "Parameter verification failed.", Some(errors), &on_node(), want);
    let errors = json!({"upid": "unable to parse worker upid 'x'\n"});
    let want = ProxmoxError::invalid("upid", "unable to parse worker upid 'x'");
    check(400, "Parameter verification failed.", Some(errors), &on_node(), want);
}

#[test]
fn a_bad_request_without_errors_is_a_parameter_error_under_an_empty_key() {
    let text = "duplicate parameter (already defined in URI) with conflicting values!";
    check(400, text, None, &on_node(), ProxmoxError::invalid("", text));
    let reply = ErrorReply::read(400, "Bad Request", br#"{"data":null,"errors":{}}"#);
    assert_eq!(classify(&reply, &on_node()), ProxmoxError::invalid("", "Bad Request"));
}

#[test]
fn locks_and_lock_timeouts_carry_their_lock_and_vmid() {
    for lock in ["clone", "backup", "create"] {
        let text = format!("VM is locked ({lock})");
        check(500, &text, None, &on_node(), ProxmoxError::Locked { lock: lock.into() });
    }
    let text = "can't lock file '/var/lock/qemu-server/lock-203.conf' - got timeout";
    check(
        500,
        text,
        None,
        &on_node(),
        ProxmoxError::LockTimeout { vmid: vmid(203) },
    );
    let storage = "can't lock file '/var/lock/pve-manager/pve-storage-local-lvm' - got timeout";
    check(500, storage, None, &on_node(), refused(storage));
}

#[test]
fn creating_an_existing_vm_already_exists_but_other_create_failures_are_refused() {
    for text in [
        "unable to create VM 100: config file already exists",
        "unable to create VM 100 - VM 100 already exists on node 'pve2'",
    ] {
        check(
            500,
            text,
            None,
            &on_node(),
            ProxmoxError::AlreadyExists { vmid: vmid(100) },
        );
    }
    let text = "unable to create VM 100 - broken by a contract test";
    check(500, text, None, &on_node(), refused(text));
}

#[test]
fn agent_troubles_are_agent_unavailable_only_on_agent_calls() {
    for text in [
        "No QEMU guest agent configured",
        "VM 105 is not running",
        "QEMU guest agent is not running",
        "VM 105 qmp command 'guest-ping' failed - got timeout",
    ] {
        check(
            500,
            text,
            None,
            &agent_call(),
            ProxmoxError::AgentUnavailable(text.into()),
        );
        check(500, text, None, &on_node(), refused(text));
    }
    let text = "Agent error: PID 77 does not exist";
    check(500, text, None, &agent_call(), ProxmoxError::NotFound(text.into()));
    let text = "command or input-data (or both) required";
    check(500, text, None, &agent_call(), refused(text));
}

#[test]
fn missing_objects_and_unknown_nodes_are_not_found() {
    for text in [
        "Configuration file 'nodes/pve1/qemu-server/100.conf' does not exist",
        "storage 'nfs' does not exist on node 'pve1'",
        "hostname lookup 'pve9' failed - failed to get address info for: pve9: Name or service not known",
    ] {
        check(500, text, None, &on_node(), ProxmoxError::NotFound(text.into()));
    }
}

#[test]
fn lost_quorum_and_a_failed_worker_fork_are_unavailable() {
    for text in [
        "cluster not ready - no quorum?",
        "got no worker upid - start worker failed",
    ] {
        check(500, text, None, &on_node(), ProxmoxError::Unavailable(text.into()));
    }
}

#[test]
fn every_other_handler_failure_is_refused_with_its_text() {
    for text in [
        "VM 100 is running - destroy failed",
        "can't clone VM to node 'pve2' (VM uses local storage)",
        "checksum mismatch (file change by other user?)",
        "VM 100 not running",
    ] {
        check(500, text, None, &on_node(), refused(text));
    }
    let text = "Method 'GET /nodes/pve1/foo' not implemented";
    check(501, text, None, &on_node(), refused(text));
}

#[test]
fn gateway_errors_are_unavailable() {
    for (status, reason) in [
        (502, "Bad Gateway"),
        (503, "Service Unavailable"),
        (504, "Gateway Timeout"),
    ] {
        let reply = ErrorReply::read(status, reason, b"");
        assert_eq!(classify(&reply, &on_node()), ProxmoxError::Unavailable(reason.into()));
    }
}

#[test]
fn other_statuses_are_refused_with_status_and_text() {
    let reply = ErrorReply::read(404, "Not Found", b"<html>nginx</html>");
    assert_eq!(classify(&reply, &on_node()), refused("HTTP 404 Not Found"));
}

#[test]
fn the_body_message_wins_over_the_shortened_reason_phrase() {
    let body = json!({"data": null, "message": "clone failed: first line\nsecond line\n"}).to_string();
    let reply = ErrorReply::read(500, "clone failed: first line", body.as_bytes());
    assert_eq!(reply.text(), "clone failed: first line\nsecond line");
    let empty = ErrorReply::read(500, "VM is locked (clone)", br#"{"data":null,"message":""}"#);
    assert_eq!(empty.text(), "VM is locked (clone)");
    let plain = ErrorReply::read(501, "for data too large", b"for data too large");
    assert_eq!(plain.text(), "for data too large");
}
