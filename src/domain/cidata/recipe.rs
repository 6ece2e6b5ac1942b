//! The bake recipe: what the one-off `cidata` seed of a template bake holds. The bake VM boots its
//! imported cloud image with this seed only; the user-data installs, enables and starts the QEMU
//! guest agent and does nothing else. No users, passwords or keys are ever written: what a bake
//! leaves in the template is the agent, never a credential.

use std::fmt::Write as _;
use std::net::{IpAddr, Ipv4Addr};

use chrono::{DateTime, Utc};

pub use super::agent_check::installs_guest_agent;
use super::iso9660::{WriteIsoError, write_iso};

/// The recipe's version. Baked templates carry the tag `nimbus-baked-v<BAKE_VERSION>`; bump it
/// whenever what a bake puts into a template changes, so older templates are offered a rebuild.
pub const BAKE_VERSION: u32 = 1;

/// The volume label cloud-init's NoCloud datasource looks for.
pub const CIDATA_LABEL: &str = "cidata";

/// The package the bake installs.
pub const GUEST_AGENT_PACKAGE: &str = "qemu-guest-agent";

/// The bake VM's static address for its single boot (the bake never relies on DHCP).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BakeNetwork {
    pub address: ipnet::Ipv4Net,
    pub gateway: Ipv4Addr,
    pub dns: Vec<IpAddr>,
}

/// The seed's files, in this order: `meta-data`, `user-data`, `network-config`.
pub fn bake_files(instance_id: &str, hostname: &str, network: &BakeNetwork) -> Vec<(&'static str, Vec<u8>)> {
    vec![
        ("meta-data", meta_data(instance_id, hostname).into_bytes()),
        ("user-data", user_data().into_bytes()),
        ("network-config", network_config(network).into_bytes()),
    ]
}

/// The bake's `cidata` ISO image of [`bake_files`].
///
/// # Errors
/// [`WriteIsoError::FileTooBig`] only for an absurdly long instance id or hostname; the names
/// and label are fixed and valid.
pub fn bake_iso(
    instance_id: &str,
    hostname: &str,
    network: &BakeNetwork,
    created: DateTime<Utc>,
) -> Result<Vec<u8>, WriteIsoError> {
    let files = bake_files(instance_id, hostname, network);
    let refs: Vec<(&str, &[u8])> = files.iter().map(|(n, d)| (*n, d.as_slice())).collect();
    write_iso(CIDATA_LABEL, &refs, created)
}

/// The ISO's file name on a node's ISO storage, e.g. `nimbus-bake-ubuntu-24.04-pve1.iso`, using
/// only characters Proxmox keeps in uploaded file names (`A-Za-z0-9_.-`; others become `_`).
pub fn bake_iso_name(node: &str, os_key: &str) -> String {
    let safe = |s: &str| -> String {
        s.chars()
            .map(|c| {
                if c.is_ascii_alphanumeric() || matches!(c, '_' | '.' | '-') {
                    c
                } else {
                    '_'
                }
            })
            .collect()
    };
    format!("nimbus-bake-{}-{}.iso", safe(os_key), safe(node))
}

/// A YAML double-quoted scalar (JSON string rules, which YAML accepts), so no value can add keys.
fn quoted(value: &str) -> String {
    let mut out = String::with_capacity(value.len() + 2);
    out.push('"');
    for c in value.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            c if (c as u32) < 0x20 || c == '\u{7f}' => {
                let _ = write!(out, "\\u{:04x}", c as u32);
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

fn meta_data(instance_id: &str, hostname: &str) -> String {
    format!(
        "instance-id: {}\nlocal-hostname: {}\n",
        quoted(instance_id),
        quoted(hostname)
    )
}

fn user_data() -> String {
    format!(
        "#cloud-config\n\
         package_update: true\n\
         packages:\n  - {GUEST_AGENT_PACKAGE}\n\
         runcmd:\n  - [systemctl, enable, {GUEST_AGENT_PACKAGE}]\n  - [systemctl, start, {GUEST_AGENT_PACKAGE}]\n"
    )
}

/// Netplan-style version 2. The ethernet's id is `ens18` (Proxmox's first virtio NIC), which
/// renderers that ignore `match` use as the interface name; `match: name: e*` catches `ens18`
/// and `eth0` where matching is honoured.
fn network_config(network: &BakeNetwork) -> String {
    let mut out = String::from("version: 2\nethernets:\n  ens18:\n    match:\n      name: \"e*\"\n");
    out.push_str("    dhcp4: false\n    dhcp6: false\n");
    let _ = write!(
        out,
        "    addresses:\n      - {}\n    routes:\n      - to: 0.0.0.0/0\n        via: {}\n",
        network.address, network.gateway
    );
    if !network.dns.is_empty() {
        out.push_str("    nameservers:\n      addresses:\n");
        for server in &network.dns {
            let _ = writeln!(out, "        - {}", quoted(&server.to_string()));
        }
    }
    out
}
