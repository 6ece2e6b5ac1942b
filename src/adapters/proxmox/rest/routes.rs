//! The `/api2/json` routes: each request is matched to an endpoint, its parameters are checked
//! with PVE's wording, the simulator answers through the `Proxmox` port, and the answer is written
//! in PVE's JSON shapes (0/1 booleans, `nextid` and config `memory` as strings, agent answers
//! wrapped in `result`). Errors go out as PVE sends them: 500 with the die text, 400 with a
//! message per parameter, 401 and 595/596 with empty bodies.

use serde_json::{Value, json};

use super::params::{self, Param, spec};
use super::wire::{Answer, ErrorFormat, Params};
use crate::adapters::proxmox::sim::{SimCluster, SimProxmox};
use crate::domain::cluster::NodeName;
use crate::domain::upid::Upid;
use crate::domain::vmid::VmId;
use crate::ports::proxmox::*;

/// What the routes need to answer.
pub struct Context {
    pub cluster: SimCluster,
    pub proxmox: SimProxmox,
    pub format: ErrorFormat,
    /// The listener's certificate fingerprint, shown in `/nodes` as `ssl_fingerprint`.
    pub fingerprint: String,
}

/// Which call failed, for the wording of errors that depend on it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Call {
    Other,
    NextId,
    Clone,
    Create,
}

/// Answers one `/api2/json` request; `path` is the part after `/api2/json`.
pub async fn answer(ctx: &Context, method: &str, path: &str, params: &Params) -> Answer {
    let segments: Vec<&str> = path.trim_matches('/').split('/').collect();
    match route(ctx, method, &segments, params).await {
        Ok(answer) => answer,
        Err(Refusal::Invalid(errors)) => Answer::invalid(&errors, ctx.format),
        Err(Refusal::Pve(call, e)) => error_answer(&e, call, ctx),
        Err(Refusal::NoRoute) => Answer::not_implemented(&format!("Method '{method} {path}' not implemented")),
    }
}

enum Refusal {
    Invalid(Vec<(String, String)>),
    Pve(Call, ProxmoxError),
    NoRoute,
}

impl From<ProxmoxError> for Refusal {
    fn from(e: ProxmoxError) -> Self {
        Self::Pve(Call::Other, e)
    }
}

type Routed = Result<Answer, Refusal>;

fn checked(params: &Params, spec: &[Param], config_keys: bool) -> Result<(), Refusal> {
    params::check(params, spec, config_keys).map_err(Refusal::Invalid)
}

fn invalid(param: &str, message: &str) -> Refusal {
    Refusal::Invalid(vec![(param.to_owned(), message.to_owned())])
}

fn node_param(raw: &str) -> Result<NodeName, Refusal> {
    NodeName::parse(raw).map_err(|_| invalid("node", "invalid format - value does not look like a valid node name"))
}

fn vmid_param(name: &str, raw: &str) -> Result<VmId, Refusal> {
    params::check_value(params::Kind::VmId, raw).map_err(|m| invalid(name, &m))?;
    raw.parse::<VmId>()
        .map_err(|_| invalid(name, "value must have a minimum value of 100"))
}

fn flag(params: &Params, key: &str) -> Option<bool> {
    params.get(key).map(|v| v == "1")
}

fn number(params: &Params, key: &str) -> Option<u64> {
    params.get(key).and_then(|v| v.parse().ok())
}

fn upid_text(upid: &Upid) -> Value {
    Value::String(upid.as_str().to_owned())
}

async fn route(ctx: &Context, method: &str, seg: &[&str], params: &Params) -> Routed {
    let px = &ctx.proxmox;
    match (method, seg) {
        ("GET", ["version"]) => {
            checked(params, spec::NONE, false)?;
            let v = px.version().await?;
            Ok(Answer::data(
                json!({ "version": v.version, "release": v.release, "repoid": v.repoid }),
            ))
        }
        ("GET", ["nodes"]) => {
            checked(params, spec::NONE, false)?;
            let nodes = px.nodes().await?;
            Ok(Answer::data(Value::Array(
                nodes.iter().map(|n| node_row(n, &ctx.fingerprint, false)).collect(),
            )))
        }
        ("GET", ["nodes", node, "status"]) => {
            checked(params, spec::NONE, false)?;
            let node = node_param(node)?;
            Ok(Answer::data(node_status_json(&px.node_status(&node).await?)))
        }
        ("GET", ["cluster", "resources"]) => {
            checked(params, spec::RESOURCES, false)?;
            let kind = match params.get("type") {
                Some("vm") => Some(ResourceKind::Vm),
                Some("node") => Some(ResourceKind::Node),
                Some("storage") => Some(ResourceKind::Storage),
                Some(_) => return Ok(Answer::data(json!([]))),
                None => None,
            };
            let rows = px.cluster_resources(kind).await?;
            Ok(Answer::data(Value::Array(
                rows.iter().map(|r| resource_row(r, &ctx.fingerprint)).collect(),
            )))
        }
        ("GET", ["cluster", "nextid"]) => {
            checked(params, spec::NEXTID, false)?;
            let wanted = params.get("vmid").map(|v| vmid_param("vmid", v)).transpose()?;
            let id = px.next_vmid(wanted).await.map_err(|e| Refusal::Pve(Call::NextId, e))?;
            Ok(Answer::data(Value::String(id.get().to_string())))
        }
        ("GET", ["nodes", node, "qemu"]) => {
            checked(params, spec::QEMU_LIST, false)?;
            let node = node_param(node)?;
            let vms = px.vms(&node).await?;
            Ok(Answer::data(Value::Array(
                vms.iter().map(|v| vm_row(v, false)).collect(),
            )))
        }
        ("POST", ["nodes", node, "qemu"]) => {
            checked(params, spec::CREATE, true)?;
            let node = node_param(node)?;
            let vmid = vmid_param("vmid", params.get("vmid").unwrap_or_default())?;
            let own: Vec<&str> = spec::CREATE.iter().map(|p| p.name).collect();
            let config: Vec<(String, String)> = params
                .0
                .iter()
                .filter(|(k, _)| !own.contains(&k.as_str()))
                .cloned()
                .collect();
            let upid = px
                .create_vm(&node, vmid, &config)
                .await
                .map_err(|e| Refusal::Pve(Call::Create, e))?;
            Ok(Answer::data(upid_text(&upid)))
        }
        (_, ["nodes", node, "qemu", vmid, rest @ ..]) => {
            let node = node_param(node)?;
            let vmid = vmid_param("vmid", vmid)?;
            vm_route(ctx, method, &node, vmid, rest, params).await
        }
        ("GET", ["nodes", node, "storage"]) => {
            checked(params, spec::STORAGES, false)?;
            let node = node_param(node)?;
            let mut rows = px.storages(&node).await?;
            if let Some(content) = params.get("content") {
                rows.retain(|s| s.content.iter().any(|c| c == content));
            }
            if let Some(name) = params.get("storage") {
                rows.retain(|s| s.storage == name);
            }
            Ok(Answer::data(Value::Array(rows.iter().map(storage_row).collect())))
        }
        ("GET", ["nodes", node, "storage", storage, "status"]) => {
            checked(params, spec::NONE, false)?;
            let node = node_param(node)?;
            let status = px.storage_status(&node, storage).await.map_err(|e| match e {
                ProxmoxError::NotFound(_) => invalid("storage", "No such storage."),
                other => Refusal::from(other),
            })?;
            Ok(Answer::data(storage_row(&status)))
        }
        ("GET", ["nodes", node, "storage", storage, "content"]) => {
            checked(params, spec::STORAGE_CONTENT, false)?;
            let node = node_param(node)?;
            let mut items = px
                .storage_content(&node, storage, params.get("content").map(str::to_owned))
                .await?;
            if let Some(vmid) = params.get("vmid") {
                items.retain(|i| i.vmid.is_some_and(|v| v.get().to_string() == vmid));
            }
            Ok(Answer::data(Value::Array(items.iter().map(storage_item).collect())))
        }
        ("POST", ["nodes", node, "storage", storage, "download-url"]) => {
            checked(params, spec::DOWNLOAD_URL, false)?;
            let node = node_param(node)?;
            let request = DownloadRequest {
                url: params.get("url").unwrap_or_default().to_owned(),
                content: params.get("content").unwrap_or_default().to_owned(),
                filename: params.get("filename").unwrap_or_default().to_owned(),
            };
            let upid = px.download_url(&node, storage, &request).await?;
            Ok(Answer::data(upid_text(&upid)))
        }
        ("GET", ["nodes", node, "tasks", upid, what @ ("status" | "log")]) => {
            let spec = if *what == "log" { spec::TASK_LOG } else { spec::NONE };
            checked(params, spec, false)?;
            let node = node_param(node)?;
            let upid =
                Upid::parse(upid).map_err(|_| invalid("upid", &format!("unable to parse worker upid '{upid}'")))?;
            if upid.node() != &node {
                return Err(invalid("upid", "no such task"));
            }
            let not_found = |e: ProxmoxError| match e {
                ProxmoxError::NotFound(_) => invalid("upid", "no such task"),
                other => Refusal::from(other),
            };
            if *what == "status" {
                let status = px.task_status(&upid).await.map_err(not_found)?;
                Ok(Answer::data(task_status_json(&status)))
            } else {
                let start = number(params, "start").unwrap_or(0) as u32;
                let limit = number(params, "limit").unwrap_or(50) as u32;
                let log = px.task_log(&upid, start, limit).await.map_err(not_found)?;
                let lines: Vec<Value> = log.lines.iter().map(|(n, t)| json!({ "n": n, "t": t })).collect();
                Ok(Answer::data_with_total(Value::Array(lines), u64::from(log.total)))
            }
        }
        _ => Err(Refusal::NoRoute),
    }
}

async fn vm_route(ctx: &Context, method: &str, node: &NodeName, vmid: VmId, rest: &[&str], params: &Params) -> Routed {
    let px = &ctx.proxmox;
    match (method, rest) {
        ("DELETE", []) => {
            checked(params, spec::DESTROY, false)?;
            Ok(Answer::data(upid_text(&px.delete_vm(node, vmid).await?)))
        }
        ("GET", ["status", "current"]) => {
            checked(params, spec::NONE, false)?;
            Ok(Answer::data(vm_row(&px.vm_status(node, vmid).await?, true)))
        }
        ("POST", ["status", op @ ("start" | "stop" | "shutdown" | "reboot")]) => {
            let (spec, op) = match *op {
                "start" => (spec::START, PowerOp::Start),
                "stop" => (spec::STOP, PowerOp::Stop),
                "reboot" => (spec::REBOOT, PowerOp::Reboot),
                _ => (
                    spec::SHUTDOWN,
                    PowerOp::Shutdown {
                        timeout_secs: number(params, "timeout").unwrap_or(60) as u32,
                        force_stop: flag(params, "forceStop").unwrap_or(false),
                    },
                ),
            };
            checked(params, spec, false)?;
            Ok(Answer::data(upid_text(&px.power(node, vmid, op).await?)))
        }
        ("GET", ["config"]) => {
            checked(params, spec::CONFIG_GET, false)?;
            Ok(Answer::data(config_json(&px.vm_config(node, vmid).await?)))
        }
        ("POST" | "PUT", ["config"]) => {
            let spec = if method == "POST" {
                spec::CONFIG_POST
            } else {
                spec::CONFIG_PUT
            };
            checked(params, spec, true)?;
            let own: Vec<&str> = spec.iter().map(|p| p.name).collect();
            let change = ConfigChange {
                set: params
                    .0
                    .iter()
                    .filter(|(k, _)| !own.contains(&k.as_str()))
                    .cloned()
                    .collect(),
                delete: params
                    .get("delete")
                    .map(|d| {
                        d.split([',', ';', ' '])
                            .filter(|k| !k.is_empty())
                            .map(str::to_owned)
                            .collect()
                    })
                    .unwrap_or_default(),
                digest: params.get("digest").map(str::to_owned),
            };
            if method == "POST" {
                Ok(Answer::data(upid_text(&px.update_config(node, vmid, &change).await?)))
            } else {
                px.update_config_sync(node, vmid, &change).await?;
                Ok(Answer::data(Value::Null))
            }
        }
        ("POST", ["clone"]) => {
            checked(params, spec::CLONE, false)?;
            let newid = vmid_param("newid", params.get("newid").unwrap_or_default())?;
            let target = params.get("target").map(node_param).transpose()?;
            let request = CloneRequest {
                node: node.clone(),
                vmid,
                newid,
                name: params.get("name").map(str::to_owned),
                description: params.get("description").map(str::to_owned),
                full: flag(params, "full"),
                target,
                storage: params.get("storage").map(str::to_owned),
            };
            let upid = px.clone_vm(&request).await.map_err(|e| Refusal::Pve(Call::Clone, e))?;
            Ok(Answer::data(upid_text(&upid)))
        }
        ("PUT", ["resize"]) => {
            checked(params, spec::RESIZE, false)?;
            let disk = params.get("disk").unwrap_or_default();
            let size = parse_size(params.get("size").unwrap_or_default())
                .ok_or_else(|| invalid("size", "value does not match the regex pattern"))?;
            Ok(Answer::data(upid_text(&px.resize_disk(node, vmid, disk, size).await?)))
        }
        ("POST", ["template"]) => {
            checked(params, spec::TEMPLATE, false)?;
            Ok(Answer::data(upid_text(&px.convert_to_template(node, vmid).await?)))
        }
        ("GET", ["agent", "network-get-interfaces"]) => {
            checked(params, spec::NONE, false)?;
            let interfaces = px.agent_interfaces(node, vmid).await?;
            Ok(Answer::data(
                json!({ "result": interfaces.iter().map(interface_json).collect::<Vec<_>>() }),
            ))
        }
        ("POST", ["agent", "exec"]) => {
            checked(params, spec::AGENT_EXEC, false)?;
            let command: Vec<String> = params.all("command").into_iter().map(str::to_owned).collect();
            let input = params.get("input-data").map(str::to_owned);
            let pid = px.agent_exec(node, vmid, &command, input).await?;
            Ok(Answer::data(json!({ "pid": pid })))
        }
        ("GET", ["agent", "exec-status"]) => {
            checked(params, spec::AGENT_EXEC_STATUS, false)?;
            let pid = number(params, "pid").unwrap_or(0) as u32;
            let s = px.agent_exec_status(node, vmid, pid).await?;
            let mut out = json!({ "exited": u8::from(s.exited) });
            if let Some(code) = s.exit_code {
                out["exitcode"] = json!(code);
            }
            if let Some(text) = s.out {
                out["out-data"] = json!(text);
            }
            if let Some(text) = s.err {
                out["err-data"] = json!(text);
            }
            Ok(Answer::data(out))
        }
        ("POST", ["agent", "file-write"]) => {
            checked(params, spec::AGENT_FILE_WRITE, false)?;
            let file = params.get("file").unwrap_or_default();
            let content = params.get("content").unwrap_or_default();
            px.agent_file_write(node, vmid, file, content).await?;
            Ok(Answer::data(Value::Null))
        }
        _ => Err(Refusal::NoRoute),
    }
}

/// resize's `size`: bytes, or `K`/`M`/`G`/`T` units; `+` grows by that much.
fn parse_size(text: &str) -> Option<DiskSize> {
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

/// A `ProxmoxError` as PVE puts it on the wire.
fn error_answer(e: &ProxmoxError, call: Call, ctx: &Context) -> Answer {
    let format = ctx.format;
    match e {
        ProxmoxError::Unauthorized => Answer::empty(401, "Authentication failed!"),
        ProxmoxError::Forbidden(what) => Answer::die(403, &format!("Permission check failed ({what})"), format),
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
fn node_row(n: &NodeInfo, fingerprint: &str, resource: bool) -> Value {
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

fn node_status_json(s: &NodeStatus) -> Value {
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

fn resource_row(r: &ClusterResource, fingerprint: &str) -> Value {
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
fn vm_row(v: &VmStatus, current: bool) -> Value {
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

fn config_json(c: &VmConfig) -> Value {
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

fn storage_row(s: &StorageStatus) -> Value {
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

fn storage_item(i: &StorageItem) -> Value {
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

fn interface_json(i: &AgentInterface) -> Value {
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

fn task_status_json(s: &TaskStatus) -> Value {
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
    fn sizes_follow_the_resize_pattern() {
        assert_eq!(parse_size("1073741824"), Some(DiskSize::Absolute(1 << 30)));
        assert_eq!(parse_size("+1G"), Some(DiskSize::Grow(1 << 30)));
        assert_eq!(parse_size("20G"), Some(DiskSize::Absolute(20 << 30)));
        assert_eq!(parse_size("+512M"), Some(DiskSize::Grow(512 << 20)));
        assert_eq!(parse_size("1.5K"), Some(DiskSize::Absolute(1536)));
        assert_eq!(parse_size("x"), None);
    }

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
}
