//! Proxmox's error answers turned into [`ProxmoxError`]s. The mapping must give exactly the
//! variants the simulator gives, because one contract suite runs against both.
//!
//! Proxmox ≥ 8.4 puts the text in the body's `message`; older versions only in the HTTP reason
//! phrase (the first line of the text), so the text is `message` when present, else the reason.
//! Beyond the table in the port's docs:
//! - a 400 without an `errors` map is `InvalidParameters` under the key `""`, so a 400 is always
//!   a parameter error;
//! - any other status (a 404 or 3xx from a reverse proxy in front of Proxmox, …) is `Refused`
//!   with the status and text.

use std::collections::BTreeMap;

use serde_json::Value;

use crate::domain::cluster::NodeName;
use crate::domain::vmid::VmId;
use crate::ports::proxmox::ProxmoxError;

/// An error answer as it came off the wire.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub(super) struct ErrorReply {
    pub status: u16,
    /// The HTTP reason phrase (`Parameter verification failed.`, `No route to host`).
    pub reason: String,
    /// The body's `message`, trailing newline trimmed.
    pub message: Option<String>,
    /// The body's `errors` map (400), values trimmed.
    pub errors: Option<BTreeMap<String, String>>,
}

/// A text without the newline Proxmox ends its messages with.
fn trimmed(text: &str) -> String {
    text.trim_end_matches(['\n', '\r']).trim().to_owned()
}

impl ErrorReply {
    /// Reads the status, reason phrase and body (which may be empty, JSON or plain text).
    pub fn read(status: u16, reason: &str, body: &[u8]) -> Self {
        let mut reply = Self {
            status,
            reason: trimmed(reason),
            ..Self::default()
        };
        if let Ok(Value::Object(map)) = serde_json::from_slice::<Value>(body) {
            reply.message = map
                .get("message")
                .and_then(Value::as_str)
                .map(trimmed)
                .filter(|m| !m.is_empty());
            if let Some(Value::Object(errors)) = map.get("errors") {
                let errors: BTreeMap<String, String> = errors
                    .iter()
                    .map(|(k, v)| {
                        let text = v.as_str().map_or_else(|| v.to_string(), str::to_owned);
                        (k.clone(), trimmed(&text))
                    })
                    .collect();
                reply.errors = (!errors.is_empty()).then_some(errors);
            }
        }
        reply
    }

    /// Proxmox's words for the failure.
    pub fn text(&self) -> String {
        self.message.clone().unwrap_or_else(|| self.reason.clone())
    }
}

/// Which call failed: the node in its path (595/596 name it) and whether it is a guest-agent call.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct Endpoint {
    pub node: Option<NodeName>,
    pub agent: bool,
}

pub(super) fn classify(reply: &ErrorReply, endpoint: &Endpoint) -> ProxmoxError {
    let text = reply.text();
    match reply.status {
        401 => ProxmoxError::Unauthorized,
        403 => ProxmoxError::Forbidden(text),
        595 | 596 | 599 => ProxmoxError::NodeOffline {
            node: endpoint.node.clone().unwrap_or_else(unknown_node),
            status: reply.status,
            reason: reply.reason.clone(),
        },
        400 => parameter_error(reply, text),
        500 | 501 => handler_error(text, endpoint.agent),
        502..=504 => ProxmoxError::Unavailable(text),
        status => ProxmoxError::Refused(format!("HTTP {status} {text}").trim_end().to_owned()),
    }
}

fn unknown_node() -> NodeName {
    NodeName::parse("unknown").expect("`unknown` is a valid node name")
}

fn parameter_error(reply: &ErrorReply, text: String) -> ProxmoxError {
    let Some(errors) = &reply.errors else {
        return ProxmoxError::invalid("", text);
    };
    if errors.get("upid").is_some_and(|e| e.contains("no such task")) {
        return ProxmoxError::NotFound("no such task".into());
    }
    if let Some(vmid) = errors.get("vmid").and_then(|e| vm_already_exists(e)) {
        return ProxmoxError::AlreadyExists { vmid };
    }
    // `GET /nodes/{node}/storage/{storage}/status` of an unknown storage.
    if errors.len() == 1
        && let Some(e) = errors.get("storage")
        && e.starts_with("No such storage")
    {
        return ProxmoxError::NotFound(e.clone());
    }
    ProxmoxError::InvalidParameters { errors: errors.clone() }
}

/// The VMID at the start of `text`, e.g. `105` of `105 already exists`.
fn leading_vmid(text: &str) -> Option<(VmId, &str)> {
    let end = text.find(|c: char| !c.is_ascii_digit()).unwrap_or(text.len());
    let vmid = text[..end].parse::<VmId>().ok()?;
    Some((vmid, &text[end..]))
}

/// `VM <n> already exists`.
fn vm_already_exists(text: &str) -> Option<VmId> {
    let (vmid, rest) = leading_vmid(text.strip_prefix("VM ")?)?;
    rest.trim_start().starts_with("already exists").then_some(vmid)
}

/// The text of a sync 500 (a `die` in the handler), checked in a fixed order.
fn handler_error(text: String, agent: bool) -> ProxmoxError {
    if let Some(lock) = text
        .strip_prefix("VM is locked (")
        .and_then(|rest| rest.split_once(')'))
        .map(|(lock, _)| lock.to_owned())
    {
        return ProxmoxError::Locked { lock };
    }
    if let Some(vmid) = lock_timeout(&text) {
        return ProxmoxError::LockTimeout { vmid };
    }
    if let Some((vmid, _)) = text
        .strip_prefix("unable to create VM ")
        .and_then(leading_vmid)
        .filter(|_| text.contains("already exists"))
    {
        return ProxmoxError::AlreadyExists { vmid };
    }
    if agent && agent_unavailable(&text) {
        return ProxmoxError::AgentUnavailable(text);
    }
    if text.contains("does not exist") || text.starts_with("hostname lookup '") {
        return ProxmoxError::NotFound(text);
    }
    if text == "cluster not ready - no quorum?" || text.starts_with("got no worker upid") {
        return ProxmoxError::Unavailable(text);
    }
    ProxmoxError::Refused(text)
}

/// `can't lock file '/var/lock/qemu-server/lock-<n>.conf' - got timeout`.
fn lock_timeout(text: &str) -> Option<VmId> {
    let rest = text.strip_prefix("can't lock file '/var/lock/qemu-server/lock-")?;
    let (vmid, rest) = leading_vmid(rest)?;
    (rest == ".conf' - got timeout").then_some(vmid)
}

/// The guest agent cannot be reached: not configured, VM stopped, agent silent or hanging.
fn agent_unavailable(text: &str) -> bool {
    let vm_not_running = text
        .strip_prefix("VM ")
        .and_then(leading_vmid)
        .is_some_and(|(_, rest)| rest == " is not running");
    text == "No QEMU guest agent configured"
        || text == "QEMU guest agent is not running"
        || vm_not_running
        || text.contains("qmp command 'guest-ping' failed")
}
