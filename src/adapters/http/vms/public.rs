//! A VM's public SSH through Gopher as the API shows it: what is known and nothing guessed.

use poem_openapi::Object;

use crate::app::provisioning::VmState;
use crate::domain::provisioning::Phase;
use crate::ports::provisions::PublicState;

/// Public SSH through the Gopher gateway, for a machine that asked for it.
#[derive(Debug, Clone, Object)]
#[oai(rename = "PublicSsh")]
pub struct PublicSshView {
    /// `waiting` (the machine is not built yet), `exposing`, `connected` or `failed`.
    pub state: String,
    /// The gateway's host, where the public SSH port listens.
    #[oai(skip_serializing_if_is_none)]
    pub host: Option<String>,
    /// The public port, as Gopher's bootstrap reported it inside the machine. Gopher's API does
    /// not report it, so it is absent when the bootstrap's output was not seen.
    #[oai(skip_serializing_if_is_none)]
    pub port: Option<u16>,
    /// The SSH command from the internet, when host and port are both known.
    #[oai(skip_serializing_if_is_none)]
    pub command: Option<String>,
    /// Why public SSH does not work, in words.
    #[oai(skip_serializing_if_is_none)]
    pub error: Option<String>,
    /// The command to run inside the machine when its guest agent never answered (only in
    /// `GET /vms/{id}`; it carries a one-time link).
    #[oai(skip_serializing_if_is_none)]
    pub manual_command: Option<String>,
    /// `POST /vms/{id}/public-ssh/retry` may be called.
    pub can_retry: bool,
}

/// The public SSH view of a VM, when it asked for public SSH.
pub fn public_ssh(s: &VmState) -> Option<PublicSshView> {
    let r = &s.record;
    let p = &r.provision;
    if !p.spec().expose_ssh {
        return None;
    }
    let public = &r.public;
    let command = match (&public.ssh_host, public.ssh_port, public.state) {
        (Some(host), Some(port), PublicState::Connected) => Some(format!("ssh -p {port} {}@{host}", r.username)),
        _ => None,
    };
    Some(PublicSshView {
        state: public.state.as_str().to_owned(),
        host: public.ssh_host.clone(),
        port: public.ssh_port,
        command,
        error: public.error.clone(),
        manual_command: s.manual_command.clone(),
        can_retry: *p.phase() == Phase::Ready && public.state == PublicState::Failed,
    })
}
