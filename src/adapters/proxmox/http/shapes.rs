//! Proxmox's answers turned into the port's types, one function per response shape. Every reader
//! goes through the lenient helpers of `decode`.

use std::collections::BTreeMap;
use std::net::IpAddr;

use serde_json::Value;

use super::decode::{Obj, as_text, malformed, rows, upid};
use crate::domain::upid::Upid;
use crate::domain::vmid::VmId;
use crate::ports::proxmox::*;

pub(super) fn version(data: &Value) -> ProxmoxResult<PveVersion> {
    let o = Obj::new(data, "version")?;
    Ok(PveVersion {
        version: o.req_str("version")?,
        release: o.str("release"),
        repoid: o.str("repoid"),
    })
}

fn node_state(text: &str) -> NodeState {
    match text {
        "online" => NodeState::Online,
        "offline" => NodeState::Offline,
        _ => NodeState::Unknown,
    }
}

/// A row of `/nodes`, or a `node` row of `/cluster/resources`.
pub(super) fn node_info(o: Obj<'_>) -> ProxmoxResult<NodeInfo> {
    Ok(NodeInfo {
        name: o.req_node("node")?,
        state: node_state(&o.str("status")),
        cpu: o.opt_f64("cpu"),
        maxcpu: o.opt_u32("maxcpu"),
        mem: o.opt_u64("mem"),
        maxmem: o.opt_u64("maxmem"),
        disk: o.opt_u64("disk"),
        maxdisk: o.opt_u64("maxdisk"),
        uptime: o.opt_u64("uptime"),
    })
}

pub(super) fn nodes(data: &Value) -> ProxmoxResult<Vec<NodeInfo>> {
    rows(data, "nodes")?.into_iter().map(node_info).collect()
}

pub(super) fn node_status(data: &Value) -> ProxmoxResult<NodeStatus> {
    let o = Obj::new(data, "node status")?;
    let cpuinfo = o.child("cpuinfo");
    let memory = o.child("memory");
    let mut loadavg = [0.0; 3];
    if let Some(Value::Array(values)) = o.get("loadavg") {
        for (slot, v) in loadavg.iter_mut().zip(values) {
            *slot = super::decode::as_f64(v).unwrap_or(0.0);
        }
    }
    Ok(NodeStatus {
        uptime: o.u64("uptime"),
        cpu: o.f64("cpu"),
        cpus: cpuinfo.map_or(0, |c| c.u32("cpus")),
        cpu_model: cpuinfo.map(|c| c.str("model")).unwrap_or_default(),
        loadavg,
        memory_total: memory.map_or(0, |m| m.u64("total")),
        memory_used: memory.map_or(0, |m| m.u64("used")),
        pve_version: o.str("pveversion"),
        kernel: o.str("kversion"),
    })
}

/// A guest's power state as Proxmox names it; anything else (`unknown`, missing) is `Unknown`.
fn power_status(text: &str) -> PowerStatus {
    match text {
        "running" => PowerStatus::Running,
        "stopped" => PowerStatus::Stopped,
        "paused" => PowerStatus::Paused,
        _ => PowerStatus::Unknown,
    }
}

fn guest(o: Obj<'_>, kind: GuestKind) -> ProxmoxResult<GuestResource> {
    Ok(GuestResource {
        vmid: o.req_vmid("vmid")?,
        node: o.req_node("node")?,
        kind,
        status: power_status(&o.str("status")),
        name: o.non_empty("name"),
        template: o.flag("template"),
        maxcpu: o.u32("maxcpu"),
        maxmem: o.u64("maxmem"),
        maxdisk: o.u64("maxdisk"),
        mem: o.u64("mem"),
        cpu: o.f64("cpu"),
        uptime: o.u64("uptime"),
        tags: o.list("tags", ';'),
        lock: o.non_empty("lock"),
    })
}

fn storage_resource(o: Obj<'_>) -> ProxmoxResult<StorageResource> {
    Ok(StorageResource {
        storage: o.req_str("storage")?,
        node: o.req_node("node")?,
        plugin: o.str("plugintype"),
        shared: o.flag("shared"),
        content: o.list("content", ','),
        total: o.u64("maxdisk"),
        used: o.u64("disk"),
        available: o.str("status") == "available",
    })
}

/// `/cluster/resources`: rows are told apart by `type`; kinds Nimbus does not use are skipped.
pub(super) fn cluster_resources(data: &Value) -> ProxmoxResult<Vec<ClusterResource>> {
    let mut out = Vec::new();
    for o in rows(data, "cluster resources")? {
        let row = match o.str("type").as_str() {
            "qemu" => ClusterResource::Guest(guest(o, GuestKind::Qemu)?),
            "lxc" => ClusterResource::Guest(guest(o, GuestKind::Lxc)?),
            "node" => ClusterResource::Node(node_info(o)?),
            "storage" => ClusterResource::Storage(storage_resource(o)?),
            _ => continue,
        };
        out.push(row);
    }
    Ok(out)
}

/// `/cluster/nextid` answers a string (`"105"`), sometimes a number.
pub(super) fn vmid(data: &Value) -> ProxmoxResult<VmId> {
    as_text(data)
        .and_then(|t| t.parse::<VmId>().ok())
        .ok_or_else(|| malformed("nextid", format!("expected a VM id, got {data}")))
}

/// A row of `/nodes/{node}/qemu` or the answer of `status/current`. A missing name reads as
/// Proxmox's default `VM <vmid>`; `template` and `agent` are present only when set.
pub(super) fn vm_status(o: Obj<'_>) -> ProxmoxResult<VmStatus> {
    let vmid = o.req_vmid("vmid")?;
    Ok(VmStatus {
        vmid,
        name: o.non_empty("name").unwrap_or_else(|| format!("VM {vmid}")),
        status: power_status(&o.str("status")),
        cpus: o.u32("cpus"),
        maxmem: o.u64("maxmem"),
        maxdisk: o.u64("maxdisk"),
        mem: o.u64("mem"),
        cpu: o.f64("cpu"),
        uptime: o.u64("uptime"),
        template: o.flag("template"),
        lock: o.non_empty("lock"),
        tags: o.list("tags", ';'),
        agent: o.flag("agent"),
    })
}

pub(super) fn vm_statuses(data: &Value) -> ProxmoxResult<Vec<VmStatus>> {
    rows(data, "VM list")?.into_iter().map(vm_status).collect()
}

/// `status/current` may leave out `vmid`; the VM asked about fills it in.
pub(super) fn vm_status_of(data: &Value, vmid: VmId) -> ProxmoxResult<VmStatus> {
    let mut data = data.clone();
    if let Value::Object(map) = &mut data {
        map.entry("vmid").or_insert_with(|| Value::from(vmid.get()));
    }
    vm_status(Obj::new(&data, "VM status")?)
}

/// Every key but `digest` into `entries`, as text.
pub(super) fn vm_config(data: &Value) -> ProxmoxResult<VmConfig> {
    let Value::Object(map) = data else {
        return Err(malformed("VM config", format!("expected an object, got {data}")));
    };
    let o = Obj::new(data, "VM config")?;
    let entries: BTreeMap<String, String> = map
        .iter()
        .filter(|(k, _)| k.as_str() != "digest")
        .filter_map(|(k, v)| as_text(v).map(|t| (k.clone(), t)))
        .collect();
    Ok(VmConfig {
        entries,
        digest: o.str("digest"),
    })
}

pub(super) fn task_upid(data: &Value) -> ProxmoxResult<Upid> {
    upid(data, "task id")
}

/// `agent/network-get-interfaces`: `{"result": [...]}`. Addresses that are not IPs are skipped; a
/// missing prefix reads as the full address length.
pub(super) fn agent_interfaces(data: &Value) -> ProxmoxResult<Vec<AgentInterface>> {
    let list = match data {
        Value::Object(map) => map.get("result").unwrap_or(&Value::Null),
        other => other,
    };
    let mut out = Vec::new();
    for o in rows(list, "agent interfaces")? {
        let mut addresses = Vec::new();
        if let Some(Value::Array(items)) = o.get("ip-addresses") {
            for item in items {
                let Ok(a) = Obj::new(item, "agent address") else {
                    continue;
                };
                let Some(ip) = a.opt_str("ip-address").and_then(|t| t.parse::<IpAddr>().ok()) else {
                    continue;
                };
                let full = if ip.is_ipv4() { 32 } else { 128 };
                let prefix = a
                    .opt_u32("prefix")
                    .map_or(full, |p| u8::try_from(p.min(full.into())).unwrap_or(full));
                addresses.push((ip, prefix));
            }
        }
        out.push(AgentInterface {
            name: o.req_str("name")?,
            mac: o.non_empty("hardware-address"),
            addresses,
        });
    }
    Ok(out)
}

pub(super) fn exec_pid(data: &Value) -> ProxmoxResult<u32> {
    let o = Obj::new(data, "agent exec")?;
    o.opt_u32("pid")
        .ok_or_else(|| malformed("agent exec", format!("no pid in {data}")))
}

pub(super) fn exec_status(data: &Value) -> ProxmoxResult<ExecStatus> {
    let o = Obj::new(data, "agent exec-status")?;
    Ok(ExecStatus {
        exited: o.flag("exited"),
        exit_code: o.opt_i64("exitcode").and_then(|c| i32::try_from(c).ok()),
        out: o.opt_str("out-data"),
        err: o.opt_str("err-data"),
    })
}

/// A storage of `/nodes/{node}/storage` or `…/status`; `fallback` names it when the answer
/// does not.
pub(super) fn storage_status(o: Obj<'_>, fallback: Option<&str>) -> ProxmoxResult<StorageStatus> {
    let storage = match (o.non_empty("storage"), fallback) {
        (Some(s), _) => s,
        (None, Some(f)) => f.to_owned(),
        (None, None) => o.req_str("storage")?,
    };
    Ok(StorageStatus {
        storage,
        plugin: o.str("type"),
        content: o.list("content", ','),
        shared: o.flag("shared"),
        active: o.flag("active"),
        total: o.u64("total"),
        used: o.u64("used"),
        avail: o.u64("avail"),
    })
}

pub(super) fn storages(data: &Value) -> ProxmoxResult<Vec<StorageStatus>> {
    rows(data, "storage list")?
        .into_iter()
        .map(|o| storage_status(o, None))
        .collect()
}

/// `…/content`: a `vmid` of 0 or out of range (ISOs, imports) reads as none.
pub(super) fn storage_items(data: &Value) -> ProxmoxResult<Vec<StorageItem>> {
    rows(data, "storage content")?
        .into_iter()
        .map(|o| {
            Ok(StorageItem {
                volid: o.req_str("volid")?,
                format: o.str("format"),
                size: o.u64("size"),
                content: o.str("content"),
                vmid: o
                    .opt_u64("vmid")
                    .and_then(|n| VmId::try_from(i64::try_from(n).ok()?).ok()),
            })
        })
        .collect()
}

/// `tasks/{upid}/status`; a stopped task without `exitstatus` reads as Proxmox's own
/// `unexpected status`.
pub(super) fn task_status(data: &Value, asked: &Upid) -> ProxmoxResult<TaskStatus> {
    let o = Obj::new(data, "task status")?;
    let upid = match o.get("upid") {
        Some(v) => upid(v, "task status")?,
        None => asked.clone(),
    };
    let exit = o.opt_str("exitstatus");
    let state = match (o.str("status").as_str(), exit) {
        ("running", _) => TaskState::Running,
        ("stopped", exit) => TaskState::Stopped(ExitStatus::parse(exit.as_deref().unwrap_or("unexpected status"))),
        (_, Some(exit)) => TaskState::Stopped(ExitStatus::parse(&exit)),
        (other, None) => return Err(malformed("task status", format!("unknown task status {other:?}"))),
    };
    Ok(TaskStatus { upid, state })
}

/// `tasks/{upid}/log`: `[{"n":1,"t":"…"}]` plus the envelope's `total` (the line count when absent).
pub(super) fn task_log(data: &Value, total: Option<u64>) -> ProxmoxResult<TaskLog> {
    let lines: Vec<(u32, String)> = rows(data, "task log")?
        .into_iter()
        .map(|o| (o.u32("n"), o.str("t")))
        .collect();
    let total = total.map_or(lines.len() as u32, |t| u32::try_from(t).unwrap_or(u32::MAX));
    Ok(TaskLog { total, lines })
}
