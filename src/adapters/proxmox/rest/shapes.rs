//! PVE's JSON shapes for the port's types: 0/1 booleans, integer config keys as numbers and
//! `memory` as a string, `;`-joined tags, `,`-joined content lists, node and task fields as the
//! real API names them.

use serde_json::{Value, json};

use crate::ports::proxmox::*;

/// resize's `size`: bytes, or `K`/`M`/`G`/`T` units; `+` grows by that much.
pub(super) fn parse_size(text: &str) -> Option<DiskSize> {
    let (grow, body) = match text.strip_prefix('+') {
        Some(rest) => (true, rest),
        None => (false, text),
    };
    let (number, unit) = match body.chars().last() {
        Some(c @ ('K' | 'M' | 'G' | 'T')) => (&body[..body.len() - 1], c),
        _ => (body, 'B'),
    };
    let value: f64 = number.parse().ok()?;
    let scale = match unit {
        'K' => 1u64 << 10,
        'M' => 1 << 20,
        'G' => 1 << 30,
        'T' => 1 << 40,
        _ => 1,
    };
    let bytes = (value * scale as f64).round() as u64;
    Some(if grow {
        DiskSize::Grow(bytes)
    } else {
        DiskSize::Absolute(bytes)
    })
}

fn bool01(b: bool) -> Value {
    json!(u8::from(b))
}

fn state_word(state: NodeState) -> &'static str {
    match state {
        NodeState::Online => "online",
        NodeState::Offline => "offline",
        NodeState::Unknown => "unknown",
    }
}

fn power_word(status: PowerStatus) -> &'static str {
    match status {
        PowerStatus::Running => "running",
        PowerStatus::Stopped => "stopped",
        PowerStatus::Paused => "paused",
        PowerStatus::Unknown => "unknown",
    }
}

/// A `/nodes` row (and, with `resource`, a `/cluster/resources` node row).
pub(super) fn node_row(n: &NodeInfo, fingerprint: &str, resource: bool) -> Value {
    let mut row = json!({
        "node": n.name.as_str(),
        "status": state_word(n.state),
        "id": format!("node/{}", n.name),
        "type": "node",
        "level": "",
    });
    if !resource {
        row["ssl_fingerprint"] = json!(fingerprint);
    } else {
        row["cgroup-mode"] = json!(2);
    }
    let fields = [
        ("maxcpu", n.maxcpu.map(|v| json!(v))),
        ("mem", n.mem.map(|v| json!(v))),
        ("maxmem", n.maxmem.map(|v| json!(v))),
        ("disk", n.disk.map(|v| json!(v))),
        ("maxdisk", n.maxdisk.map(|v| json!(v))),
        ("uptime", n.uptime.map(|v| json!(v))),
        ("cpu", n.cpu.map(|v| json!(v))),
    ];
    for (k, v) in fields {
        if let Some(v) = v {
            row[k] = v;
        }
    }
    row
}

pub(super) fn node_status_json(s: &NodeStatus) -> Value {
    let release = s.kernel.strip_prefix("Linux ").unwrap_or(&s.kernel);
    let free = s.memory_total.saturating_sub(s.memory_used);
    json!({
        "uptime": s.uptime,
        "idle": 0,
        "cpu": s.cpu,
        "wait": 0.0,
        "loadavg": s.loadavg.iter().map(|l| format!("{l:.2}")).collect::<Vec<_>>(),
        "kversion": s.kernel,
        "current-kernel": { "sysname": "Linux", "release": release, "version": "#1 SMP PREEMPT_DYNAMIC PMX", "machine": "x86_64" },
        "boot-info": { "mode": "efi", "secureboot": 0 },
        "cpuinfo": {
            "model": s.cpu_model, "cpus": s.cpus, "sockets": 1, "cores": s.cpus.div_ceil(2).max(1),
            "mhz": "3600.000", "user_hz": 100, "hvm": "1", "vendor": "GenuineIntel", "flags": "fpu vme de pse tsc msr pae mce cx8 apic sep mtrr pge mca cmov"
        },
        "memory": { "total": s.memory_total, "used": s.memory_used, "free": free, "available": free },
        "swap": { "total": 0, "used": 0, "free": 0 },
        "ksm": { "shared": 0 },
        "pveversion": s.pve_version,
        "rootfs": { "total": 100u64 << 30, "used": 8u64 << 30, "free": 92u64 << 30, "avail": 92u64 << 30 },
    })
}

pub(super) fn resource_row(r: &ClusterResource, fingerprint: &str) -> Value {
    match r {
        ClusterResource::Node(n) => node_row(n, fingerprint, true),
        ClusterResource::Storage(s) => json!({
            "id": format!("storage/{}/{}", s.node, s.storage),
            "storage": s.storage,
            "node": s.node.as_str(),
            "type": "storage",
            "plugintype": s.plugin,
            "status": if s.available { "available" } else { "unknown" },
            "shared": bool01(s.shared),
            "content": s.content.join(","),
            "maxdisk": s.total,
            "disk": s.used,
        }),
        ClusterResource::Guest(g) => {
            let kind = match g.kind {
                GuestKind::Qemu => "qemu",
                GuestKind::Lxc => "lxc",
            };
            let mut row = json!({
                "id": format!("{kind}/{}", g.vmid),
                "vmid": g.vmid.get(),
                "node": g.node.as_str(),
                "type": kind,
                "status": power_word(g.status),
                "template": bool01(g.template),
                "maxcpu": g.maxcpu,
                "cpu": g.cpu,
                "maxmem": g.maxmem,
                "mem": g.mem,
                "maxdisk": g.maxdisk,
                "disk": 0,
                "netin": 0,
                "netout": 0,
                "diskread": 0,
                "diskwrite": 0,
                "uptime": g.uptime,
            });
            if let Some(name) = &g.name {
                row["name"] = json!(name);
            }
            if !g.tags.is_empty() {
                row["tags"] = json!(g.tags.join(";"));
            }
            if let Some(lock) = &g.lock {
                row["lock"] = json!(lock);
            }
            row
        }
    }
}

/// A `/nodes/{node}/qemu` row; with `current`, the `status/current` answer.
pub(super) fn vm_row(v: &VmStatus, current: bool) -> Value {
    let mut row = json!({
        "vmid": v.vmid.get(),
        "name": v.name,
        "status": power_word(v.status),
        "cpus": v.cpus,
        "maxmem": v.maxmem,
        "maxdisk": v.maxdisk,
        "disk": 0,
        "mem": v.mem,
        "cpu": v.cpu,
        "uptime": v.uptime,
        "netin": 0,
        "netout": 0,
        "serial": 1,
    });
    if v.template {
        row["template"] = json!(1);
    }
    if let Some(lock) = &v.lock {
        row["lock"] = json!(lock);
    }
    if !v.tags.is_empty() {
        row["tags"] = json!(v.tags.join(";"));
    }
    if v.status == PowerStatus::Running {
        row["pid"] = json!(10_000 + v.vmid.get() % 50_000);
    }
    if current {
        row["ha"] = json!({ "managed": 0 });
        row["qmpstatus"] = json!(power_word(v.status));
        if v.agent {
            row["agent"] = json!(1);
        }
    }
    row
}

/// Config keys whose schema type is integer or boolean: JSON numbers on the wire. Everything
/// else (property strings, and `memory` since qemu-server 8.0.8) is a string.
const NUMERIC_CONFIG_KEYS: &[&str] = &[
    "cores",
    "sockets",
    "vcpus",
    "template",
    "balloon",
    "shares",
    "cpuunits",
    "onboot",
    "protection",
    "numa",
    "tablet",
    "acpi",
    "kvm",
    "localtime",
    "reboot",
    "freeze",
    "migrate_speed",
];

pub(super) fn config_json(c: &VmConfig) -> Value {
    let mut out = serde_json::Map::new();
    for (k, v) in &c.entries {
        let value = if NUMERIC_CONFIG_KEYS.contains(&k.as_str()) {
            v.parse::<i64>().map(|n| json!(n)).unwrap_or_else(|_| json!(v))
        } else {
            json!(v)
        };
        out.insert(k.clone(), value);
    }
    out.insert("digest".into(), json!(c.digest));
    Value::Object(out)
}

pub(super) fn storage_row(s: &StorageStatus) -> Value {
    let fraction = if s.total == 0 {
        0.0
    } else {
        s.used as f64 / s.total as f64
    };
    json!({
        "storage": s.storage,
        "type": s.plugin,
        "content": s.content.join(","),
        "enabled": 1,
        "active": bool01(s.active),
        "shared": bool01(s.shared),
        "total": s.total,
        "used": s.used,
        "avail": s.avail,
        "used_fraction": fraction,
    })
}

pub(super) fn storage_item(i: &StorageItem) -> Value {
    let mut row = json!({
        "volid": i.volid,
        "format": i.format,
        "size": i.size,
        "content": i.content,
        "ctime": 1_735_689_600u64,
    });
    if let Some(vmid) = i.vmid {
        row["vmid"] = json!(vmid.get());
    }
    row
}

pub(super) fn interface_json(i: &AgentInterface) -> Value {
    let addresses: Vec<Value> = i
        .addresses
        .iter()
        .map(|(ip, prefix)| {
            json!({
                "ip-address": ip.to_string(),
                "ip-address-type": if ip.is_ipv4() { "ipv4" } else { "ipv6" },
                "prefix": prefix,
            })
        })
        .collect();
    let mut row = json!({
        "name": i.name,
        "ip-addresses": addresses,
        "statistics": { "rx-bytes": 0, "rx-packets": 0, "rx-errs": 0, "rx-dropped": 0, "tx-bytes": 0, "tx-packets": 0, "tx-errs": 0, "tx-dropped": 0 },
    });
    row["hardware-address"] = json!(i.mac.clone().unwrap_or_else(|| "00:00:00:00:00:00".into()));
    row
}

pub(super) fn task_status_json(s: &TaskStatus) -> Value {
    let u = &s.upid;
    let mut out = json!({
        "upid": u.as_str(),
        "node": u.node().as_str(),
        "pid": u.pid(),
        "pstart": u.pstart(),
        "starttime": u.starttime(),
        "type": u.kind(),
        "id": u.id(),
        "user": u.user(),
    });
    if let Some((user, token)) = u.user().split_once('!') {
        out["user"] = json!(user);
        out["tokenid"] = json!(token);
    }
    match &s.state {
        TaskState::Running => out["status"] = json!("running"),
        TaskState::Stopped(exit) => {
            out["status"] = json!("stopped");
            out["exitstatus"] = json!(exit.as_text());
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn config_integers_are_numbers_and_memory_stays_a_string() {
        let config = VmConfig {
            entries: [("cores", "2"), ("memory", "2048"), ("template", "1"), ("agent", "1")]
                .into_iter()
                .map(|(k, v)| (k.to_owned(), v.to_owned()))
                .collect(),
            digest: "abc".into(),
        };
        let j = config_json(&config);
        assert_eq!(j["cores"], json!(2));
        assert_eq!(j["template"], json!(1));
        assert_eq!(j["memory"], json!("2048"));
        assert_eq!(j["agent"], json!("1"));
        assert_eq!(j["digest"], json!("abc"));
    }

    #[test]
    fn sizes_follow_the_resize_pattern() {
        assert_eq!(parse_size("1073741824"), Some(DiskSize::Absolute(1 << 30)));
        assert_eq!(parse_size("+1G"), Some(DiskSize::Grow(1 << 30)));
        assert_eq!(parse_size("20G"), Some(DiskSize::Absolute(20 << 30)));
        assert_eq!(parse_size("+512M"), Some(DiskSize::Grow(512 << 20)));
        assert_eq!(parse_size("1.5K"), Some(DiskSize::Absolute(1536)));
        assert_eq!(parse_size("x"), None);
    }
}
