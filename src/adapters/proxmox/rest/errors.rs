//! A `ProxmoxError` as Proxmox puts it on the wire: 500 with the die text, 400 with a message
//! per parameter, 401 and 595/596 with empty bodies; "already exists" worded as the failing call
//! words it.

use super::routes::Context;
use super::wire::Answer;
use crate::ports::proxmox::ProxmoxError;

/// Which call failed, for the wording of errors that depend on it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Call {
    Other,
    NextId,
    Clone,
    Create,
}

/// A `ProxmoxError` as PVE puts it on the wire.
pub(super) fn error_answer(e: &ProxmoxError, call: Call, ctx: &Context) -> Answer {
    let format = ctx.format;
    match e {
        ProxmoxError::Unauthorized => Answer::empty(401, "Authentication failed!"),
        ProxmoxError::Forbidden(text) => Answer::die(403, text, format),
        ProxmoxError::NodeOffline { status, reason, .. } => Answer::empty(*status, reason),
        ProxmoxError::InvalidParameters { errors } => {
            let list: Vec<(String, String)> = errors.iter().map(|(k, v)| (k.clone(), v.clone())).collect();
            Answer::invalid(&list, format)
        }
        ProxmoxError::AlreadyExists { vmid } => match call {
            Call::NextId => Answer::invalid(&[("vmid".into(), format!("VM {vmid} already exists"))], format),
            Call::Create => {
                let owner = ctx
                    .cluster
                    .node_of(*vmid)
                    .map(|n| n.to_string())
                    .unwrap_or_else(|| "unknown".into());
                Answer::die(
                    500,
                    &format!("unable to create VM {vmid} - VM {vmid} already exists on node '{owner}'"),
                    format,
                )
            }
            Call::Clone | Call::Other => Answer::die(
                500,
                &format!("unable to create VM {vmid}: config file already exists"),
                format,
            ),
        },
        ProxmoxError::NotFound(text)
        | ProxmoxError::AgentUnavailable(text)
        | ProxmoxError::Unavailable(text)
        | ProxmoxError::Refused(text) => Answer::die(500, text, format),
        ProxmoxError::Locked { .. } | ProxmoxError::LockTimeout { .. } | ProxmoxError::TaskFailed { .. } => {
            Answer::die(500, &e.to_string(), format)
        }
    }
}
