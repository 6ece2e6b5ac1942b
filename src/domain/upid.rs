//! Proxmox task ids (UPIDs). Every asynchronous Proxmox call answers with one; Nimbus stores it
//! before waiting so a restarted process polls the same task instead of repeating the action.

use std::fmt;
use std::str::FromStr;

use super::cluster::NodeName;

/// `UPID:<node>:<pid %08X>:<pstart %08X>:<starttime %08X>:<type>:<id>:<user>:`, kept verbatim.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Upid {
    raw: String,
    node: NodeName,
    pid: u32,
    pstart: u64,
    starttime: u32,
    kind: String,
    id: String,
    user: String,
}

/// The text is not a Proxmox task id.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("not a Proxmox task id (UPID): {reason}")]
pub struct UpidError {
    reason: &'static str,
}

fn err(reason: &'static str) -> UpidError {
    UpidError { reason }
}

fn hex<T: TryFrom<u64>>(s: &str, what: &'static str) -> Result<T, UpidError> {
    if s.is_empty() || s.len() > 16 || !s.bytes().all(|b| b.is_ascii_hexdigit()) {
        return Err(err(what));
    }
    let v = u64::from_str_radix(s, 16).map_err(|_| err(what))?;
    T::try_from(v).map_err(|_| err(what))
}

impl Upid {
    /// Builds the id a Proxmox node would hand out for a task (used by the simulator).
    pub fn new(node: NodeName, pid: u32, pstart: u64, starttime: u32, kind: &str, id: &str, user: &str) -> Self {
        let raw = format!("UPID:{node}:{pid:08X}:{pstart:08X}:{starttime:08X}:{kind}:{id}:{user}:");
        Self {
            raw,
            node,
            pid,
            pstart,
            starttime,
            kind: kind.to_owned(),
            id: id.to_owned(),
            user: user.to_owned(),
        }
    }

    pub fn parse(raw: &str) -> Result<Self, UpidError> {
        let raw = raw.trim();
        let parts: Vec<&str> = raw.split(':').collect();
        if parts.len() != 9 || parts[0] != "UPID" || !parts[8].is_empty() {
            return Err(err(
                "expected 9 ':'-separated fields starting with UPID and ending with ':'",
            ));
        }
        let node = NodeName::parse(parts[1]).map_err(|_| err("bad node name"))?;
        let kind = parts[5];
        if kind.is_empty()
            || !kind
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-')
        {
            return Err(err("bad task type"));
        }
        let user = parts[7];
        if !user.contains('@') {
            return Err(err("bad user (expected user@realm)"));
        }
        Ok(Self {
            raw: raw.to_owned(),
            node,
            pid: hex(parts[2], "bad pid")?,
            pstart: hex(parts[3], "bad process start")?,
            starttime: hex(parts[4], "bad start time")?,
            kind: kind.to_owned(),
            id: parts[6].to_owned(),
            user: user.to_owned(),
        })
    }

    pub fn as_str(&self) -> &str {
        &self.raw
    }

    /// The node that runs the task. Status must be polled there, which can differ from the node
    /// the request was sent to.
    pub fn node(&self) -> &NodeName {
        &self.node
    }

    pub fn pid(&self) -> u32 {
        self.pid
    }

    pub fn pstart(&self) -> u64 {
        self.pstart
    }

    /// Unix time the task started.
    pub fn starttime(&self) -> u32 {
        self.starttime
    }

    /// Task type, e.g. `qmclone`, `qmstart`, `qmdestroy`.
    pub fn kind(&self) -> &str {
        &self.kind
    }

    /// The task's subject, usually a VMID (for a clone, the source VMID); may be empty.
    pub fn id(&self) -> &str {
        &self.id
    }

    pub fn user(&self) -> &str {
        &self.user
    }
}

impl FromStr for Upid {
    type Err = UpidError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::parse(s)
    }
}

impl fmt::Display for Upid {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.raw)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_real_task_ids_field_by_field() {
        let u = Upid::parse("UPID:pve:00061CB3:010BA69C:64EFECB0:qmcreate:101:root@pam:").unwrap();
        assert_eq!(u.node().as_str(), "pve");
        assert_eq!(u.pid(), 0x61CB3);
        assert_eq!(u.pstart(), 0x010B_A69C);
        assert_eq!(u.starttime(), 0x64EF_ECB0);
        assert_eq!(u.kind(), "qmcreate");
        assert_eq!(u.id(), "101");
        assert_eq!(u.user(), "root@pam");
        let token = Upid::parse("UPID:node1:000FF1FD:10F9374C:630D702C:vzdump::nimbus@pve!api:").unwrap();
        assert_eq!(token.id(), "");
        assert_eq!(token.user(), "nimbus@pve!api");
    }

    #[test]
    fn new_formats_like_proxmox_and_round_trips() {
        let node = NodeName::parse("pve3").unwrap();
        let u = Upid::new(node, 0x1F, 0x1_0000_0000, 0x6500_0000, "qmclone", "9000", "root@pam");
        assert_eq!(
            u.as_str(),
            "UPID:pve3:0000001F:100000000:65000000:qmclone:9000:root@pam:"
        );
        assert_eq!(Upid::parse(u.as_str()).unwrap(), u);
    }

    #[test]
    fn refuses_malformed_ids_like_the_ones_other_fakes_emit() {
        for bad in [
            "",
            "UPID:pve-node1:12345:65000000:qmstart:root@pam:",
            "UPID:pve:0001:0002:0003:qmstart:100:root@pam",
            "TASK:pve:0001:0002:0003:qmstart:100:root@pam:",
            "UPID:pve:zz:0002:0003:qmstart:100:root@pam:",
            "UPID:pve:0001:0002:0003::100:root@pam:",
            "UPID:pve:0001:0002:0003:qmstart:100:root:",
            "UPID:-pve:0001:0002:0003:qmstart:100:root@pam:",
        ] {
            assert!(Upid::parse(bad).is_err(), "{bad:?}");
        }
    }
}
