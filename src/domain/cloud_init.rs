//! The one config change that turns a fresh clone into the requested VM: cloud-init (user, SSH
//! key, static address with the pool's real prefix and gateway, DNS) and hardware (cores, memory,
//! CPU type), plus Nimbus's tag. Proxmox's value formats live here, so they are tested once.

use std::net::{IpAddr, Ipv4Addr};

use super::ip_pool::PrefixLen;

/// Proxmox tag on every VM Nimbus builds.
pub const VM_TAG: &str = "nimbus";

/// Everything the config call needs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GuestSettings<'a> {
    pub user: &'a str,
    pub ssh_public_key: &'a str,
    pub ip: Ipv4Addr,
    pub prefix: PrefixLen,
    pub gateway: Ipv4Addr,
    pub nameservers: &'a [IpAddr],
    pub search_domain: &'a str,
    pub vcpus: u32,
    pub memory_mib: u64,
    pub cpu_type: &'a str,
}

impl GuestSettings<'_> {
    /// `ipconfig0`: `ip=A/P,gw=G`.
    pub fn ipconfig0(&self) -> String {
        format!("ip={}/{},gw={}", self.ip, self.prefix.get(), self.gateway)
    }

    /// The `(key, value)` pairs of the config call, in a fixed order.
    pub fn entries(&self) -> Vec<(String, String)> {
        let mut out = vec![
            ("ciuser".to_owned(), self.user.to_owned()),
            ("sshkeys".to_owned(), encode_sshkeys(&[self.ssh_public_key.trim()])),
            ("ipconfig0".to_owned(), self.ipconfig0()),
        ];
        if !self.nameservers.is_empty() {
            let list: Vec<String> = self.nameservers.iter().map(ToString::to_string).collect();
            out.push(("nameserver".to_owned(), list.join(" ")));
        }
        if !self.search_domain.is_empty() {
            out.push(("searchdomain".to_owned(), self.search_domain.to_owned()));
        }
        out.extend([
            ("cores".to_owned(), self.vcpus.to_string()),
            ("memory".to_owned(), self.memory_mib.to_string()),
            ("cpu".to_owned(), self.cpu_type.to_owned()),
            ("agent".to_owned(), "1".to_owned()),
            ("tags".to_owned(), VM_TAG.to_owned()),
        ]);
        out
    }
}

/// Whether a byte may stay as it is in Proxmox's `urlencoded` format (`^[-%a-zA-Z0-9_.!~*'()]*$`
/// once encoded), the same set JavaScript's `encodeURIComponent` leaves alone.
fn urlencoded_safe(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b"-_.!~*'()".contains(&b)
}

/// The value of the `sshkeys` config key: the keys joined by newlines, every byte outside
/// `[A-Za-z0-9-_.!~*'()]` written as `%XX` (a space is `%20`, never `+`, which Proxmox refuses).
/// The form layer then encodes it a second time, as Proxmox expects.
pub fn encode_sshkeys(keys: &[&str]) -> String {
    let joined = keys.join("\n");
    let mut out = String::with_capacity(joined.len() * 3 / 2);
    for b in joined.bytes() {
        if urlencoded_safe(b) {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn settings<'a>(dns: &'a [IpAddr]) -> GuestSettings<'a> {
        GuestSettings {
            user: "ubuntu",
            ssh_public_key: "ssh-ed25519 AAAAC3Nz me@laptop\n",
            ip: Ipv4Addr::new(10, 0, 0, 42),
            prefix: PrefixLen::new(22).unwrap(),
            gateway: Ipv4Addr::new(10, 0, 0, 1),
            nameservers: dns,
            search_domain: "lab.example",
            vcpus: 2,
            memory_mib: 2048,
            cpu_type: "host",
        }
    }

    fn get(entries: &[(String, String)], key: &str) -> Option<String> {
        entries.iter().find(|(k, _)| k == key).map(|(_, v)| v.clone())
    }

    #[test]
    fn the_config_carries_the_real_prefix_the_key_and_the_hardware() {
        let dns = ["1.1.1.1".parse().unwrap(), "9.9.9.9".parse().unwrap()];
        let e = settings(&dns).entries();
        assert_eq!(get(&e, "ipconfig0").unwrap(), "ip=10.0.0.42/22,gw=10.0.0.1");
        assert_eq!(get(&e, "sshkeys").unwrap(), "ssh-ed25519%20AAAAC3Nz%20me%40laptop");
        assert_eq!(get(&e, "ciuser").unwrap(), "ubuntu");
        assert_eq!(get(&e, "nameserver").unwrap(), "1.1.1.1 9.9.9.9");
        assert_eq!(get(&e, "searchdomain").unwrap(), "lab.example");
        assert_eq!(get(&e, "cores").unwrap(), "2");
        assert_eq!(get(&e, "memory").unwrap(), "2048");
        assert_eq!(get(&e, "cpu").unwrap(), "host");
        assert_eq!(get(&e, "tags").unwrap(), "nimbus");
        assert_eq!(get(&e, "agent").unwrap(), "1");
    }

    #[test]
    fn empty_dns_settings_are_left_out() {
        let mut s = settings(&[]);
        s.search_domain = "";
        let e = s.entries();
        assert_eq!(get(&e, "nameserver"), None);
        assert_eq!(get(&e, "searchdomain"), None);
    }
}
