//! The `/api2/json` routes: each request is matched to an endpoint, its parameters are checked
//! with PVE's wording, the simulator answers through the `Proxmox` port, and the answer is written
//! in PVE's JSON shapes (0/1 booleans, `nextid` and config `memory` as strings, agent answers
//! wrapped in `result`). Errors go out as PVE sends them: 500 with the die text, 400 with a
//! message per parameter, 401 and 595/596 with empty bodies.

use serde_json::{Value, json};

use super::errors::{Call, error_answer};
use super::multipart::FilePart;
use super::params::{self, Param, spec};
use super::shapes::*;
use super::wire::{Answer, ErrorFormat, Params};
use crate::adapters::proxmox::sim::{Caller, SimCluster, SimProxmox};
use crate::domain::cluster::NodeName;
use crate::domain::upid::Upid;
use crate::domain::vmid::VmId;
use crate::ports::proxmox::*;

/// What the routes need to answer; `proxmox` calls as the request's caller.
#[derive(Clone)]
pub struct Context {
    pub cluster: SimCluster,
    pub proxmox: SimProxmox,
    pub format: ErrorFormat,
    /// The listener's certificate fingerprint, shown in `/nodes` as `ssl_fingerprint`.
    pub fingerprint: String,
}

impl Context {
    /// The same context, calling the simulator as `caller`.
    pub fn for_caller(&self, caller: Caller) -> Self {
        Self {
            proxmox: self.cluster.proxmox_as(caller),
            ..self.clone()
        }
    }
}

/// Answers one `/api2/json` request; `path` is the part after `/api2/json`.
pub async fn answer(ctx: &Context, method: &str, path: &str, params: &Params, file: Option<FilePart>) -> Answer {
    let segments: Vec<&str> = path.trim_matches('/').split('/').collect();
    match route(ctx, method, &segments, params, file).await {
        Ok(answer) => answer,
        Err(Refusal::Invalid(errors)) => Answer::invalid(&errors, ctx.format),
        Err(Refusal::Pve(call, e)) => error_answer(&e, call, ctx),
        Err(Refusal::NoRoute) => Answer::not_implemented(&format!("Method '{method} {path}' not implemented")),
        Err(Refusal::Answer(answer)) => *answer,
    }
}

pub(super) enum Refusal {
    Invalid(Vec<(String, String)>),
    Pve(Call, ProxmoxError),
    NoRoute,
    /// An error answer already worded.
    Answer(Box<Answer>),
}

impl From<ProxmoxError> for Refusal {
    fn from(e: ProxmoxError) -> Self {
        Self::Pve(Call::Other, e)
    }
}

pub(super) type Routed = Result<Answer, Refusal>;

pub(super) fn checked(params: &Params, spec: &[Param], config_keys: bool) -> Result<(), Refusal> {
    params::check(params, spec, config_keys).map_err(Refusal::Invalid)
}

pub(super) fn invalid(param: &str, message: &str) -> Refusal {
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

pub(super) fn upid_text(upid: &Upid) -> Value {
    Value::String(upid.as_str().to_owned())
}

async fn route(ctx: &Context, method: &str, seg: &[&str], params: &Params, file: Option<FilePart>) -> Routed {
    if let Some(answer) = super::access::route(ctx, method, seg, params).await {
        return answer;
    }
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
        (_, ["nodes", node, "storage", storage, rest @ ..]) => {
            let node = node_param(node)?;
            super::storage::route(ctx, method, &node, storage, rest, params, file).await
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
