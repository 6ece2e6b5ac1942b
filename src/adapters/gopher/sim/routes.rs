//! The HTTP face's routes: one request in, one answer out, over the shared model. Gopher's v1
//! wire format: `{success, data}` or `{success: false, error}`, 201 on create, 204 on delete,
//! lists as `{items, total, limit, offset}` with `limit` 50 by default and at most 200.

use hyper::{Method, StatusCode};
use serde_json::{Value, json};

use super::SimGopher;
use super::faults::{FaultId, GopherFault};
use super::model::SimMachine;
use crate::ports::tunnel_gateway::{GatewayError, Machine, MachineId, Tunnel, TunnelId, TunnelRequest};

/// One request, as the routes need it.
pub(super) struct Incoming<'a> {
    pub method: &'a Method,
    pub path: &'a str,
    pub query: &'a str,
    pub auth: Option<&'a str>,
    pub body: &'a [u8],
}

/// One answer.
pub(super) struct Reply {
    pub status: StatusCode,
    pub content_type: &'static str,
    pub body: Vec<u8>,
}

impl Reply {
    fn json(status: StatusCode, value: &Value) -> Self {
        Self {
            status,
            content_type: "application/json",
            body: serde_json::to_vec(value).unwrap_or_default(),
        }
    }

    fn data(status: StatusCode, data: Value) -> Self {
        Self::json(status, &json!({"success": true, "data": data}))
    }

    fn error(status: StatusCode, message: &str) -> Self {
        Self::json(status, &json!({"success": false, "error": message}))
    }

    fn no_content() -> Self {
        Self {
            status: StatusCode::NO_CONTENT,
            content_type: "application/json",
            body: Vec::new(),
        }
    }

    fn failure(error: &GatewayError) -> Self {
        let (status, message) = match error {
            GatewayError::Unauthorized => (StatusCode::UNAUTHORIZED, "invalid or missing API key".to_owned()),
            GatewayError::NotFound(m) => (StatusCode::NOT_FOUND, m.clone()),
            GatewayError::Conflict { message, .. } => (StatusCode::CONFLICT, message.clone()),
            GatewayError::Invalid(m) => (StatusCode::BAD_REQUEST, m.clone()),
            GatewayError::Unavailable(m) => (StatusCode::SERVICE_UNAVAILABLE, m.clone()),
            GatewayError::Failed(m) => (StatusCode::INTERNAL_SERVER_ERROR, m.clone()),
        };
        Self::error(status, &message)
    }
}

pub(super) fn route(sim: &SimGopher, call: &Incoming<'_>) -> Reply {
    if let Some(rest) = call.path.strip_prefix("/_sim/faults") {
        return control(sim, call.method, rest, call.body);
    }
    if let Some(token) = call.path.strip_prefix("/bootstrap/") {
        return bootstrap(sim, call.method, token, call.query);
    }
    let Some(rest) = call.path.strip_prefix("/api/v1/") else {
        return Reply::error(StatusCode::NOT_FOUND, "not found");
    };
    let key = call.auth.and_then(|a| a.strip_prefix("Bearer ")).unwrap_or_default();
    if let Err(e) = sim.lock().admit(key) {
        return Reply::failure(&e);
    }
    let segments: Vec<&str> = rest.split('/').collect();
    match api(sim, call, &segments) {
        Ok(reply) => reply,
        Err(e) => Reply::failure(&e),
    }
}

fn api(sim: &SimGopher, call: &Incoming<'_>, segments: &[&str]) -> Result<Reply, GatewayError> {
    let now = sim.now();
    let mut model = sim.lock();
    let m = call.method;
    Ok(match segments {
        ["machines"] if m == Method::GET => page(call.query, model.machines(), machine_json),
        ["machines"] if m == Method::POST => {
            let body: Value = serde_json::from_slice(call.body).unwrap_or(Value::Null);
            let public_ssh = body.get("public_ssh").and_then(Value::as_bool).unwrap_or(false);
            let machine = model.create_machine(public_ssh, SimGopher::random_key(), now);
            let mut data = machine_json(&machine.view());
            data["bootstrap_url"] = Value::String(model.bootstrap_url(&machine));
            Reply::data(StatusCode::CREATED, data)
        }
        ["machines", id] if m == Method::GET => Reply::data(StatusCode::OK, machine_json(&model.machine(&mid(id))?)),
        ["machines", id] if m == Method::DELETE => {
            model.delete_machine(&mid(id))?;
            Reply::no_content()
        }
        ["tunnels"] if m == Method::GET => page(call.query, model.tunnels(), tunnel_json),
        ["tunnels"] if m == Method::POST => {
            let request = tunnel_request(call.body)?;
            Reply::data(StatusCode::CREATED, tunnel_json(&model.create_tunnel(&request, now)?))
        }
        ["tunnels", "check"] if m == Method::GET => {
            let subdomain = query_value(call.query, "subdomain").unwrap_or_default();
            Reply::data(
                StatusCode::OK,
                json!({"available": model.subdomain_available(&subdomain)?}),
            )
        }
        ["tunnels", id] if m == Method::GET => {
            Reply::data(StatusCode::OK, tunnel_json(&model.tunnel(&TunnelId((*id).to_owned()))?))
        }
        ["tunnels", id] if m == Method::DELETE => {
            model.delete_tunnel(&TunnelId((*id).to_owned()))?;
            Reply::no_content()
        }
        _ => Reply::error(StatusCode::NOT_FOUND, "not found"),
    })
}

fn mid(id: &str) -> MachineId {
    MachineId(id.to_owned())
}

fn tunnel_request(body: &[u8]) -> Result<TunnelRequest, GatewayError> {
    let body: Value = serde_json::from_slice(body).map_err(|_| GatewayError::Invalid("invalid request body".into()))?;
    let port = body.get("target_port").and_then(Value::as_u64).unwrap_or(0);
    Ok(TunnelRequest {
        machine_id: mid(body.get("machine_id").and_then(Value::as_str).unwrap_or_default()),
        subdomain: body.get("subdomain").and_then(Value::as_str).map(str::to_owned),
        target_port: u16::try_from(port).unwrap_or(0),
        private: body.get("private").and_then(Value::as_bool).unwrap_or(false),
        tls: !body.get("no_tls").and_then(Value::as_bool).unwrap_or(false),
    })
}

fn page<T>(query: &str, items: Vec<T>, shape: fn(&T) -> Value) -> Reply {
    let number = |name: &str, default: i64| {
        query_value(query, name)
            .and_then(|v| v.parse::<i64>().ok())
            .unwrap_or(default)
    };
    let mut limit = number("limit", 50).min(200);
    if limit < 1 {
        limit = 50;
    }
    let offset = number("offset", 0).max(0);
    let total = items.len();
    let window: Vec<Value> = items
        .iter()
        .skip(usize::try_from(offset).unwrap_or(usize::MAX))
        .take(usize::try_from(limit).unwrap_or(50))
        .map(shape)
        .collect();
    Reply::data(
        StatusCode::OK,
        json!({"items": window, "total": total, "limit": limit, "offset": offset}),
    )
}

fn query_value(query: &str, name: &str) -> Option<String> {
    url::form_urlencoded::parse(query.as_bytes())
        .find(|(k, _)| k == name)
        .map(|(_, v)| v.into_owned())
}

fn machine_json(machine: &Machine) -> Value {
    let mut value = json!({
        "id": machine.id.0,
        "status": machine.status.as_wire(),
        "public_ssh": machine.public_ssh,
        "created_at": machine.created_at,
    });
    if let Some(error) = &machine.error {
        value["error"] = Value::String(error.clone());
    }
    value
}

fn tunnel_json(tunnel: &Tunnel) -> Value {
    let mut value = json!({
        "id": tunnel.id.0,
        "machine_id": tunnel.machine_id.0,
        "status": tunnel.status.as_wire(),
        "subdomain": tunnel.subdomain,
        "target_ip": tunnel.target_ip,
        "target_port": tunnel.target_port,
        "created_at": tunnel.created_at,
    });
    if let Some(url) = &tunnel.url {
        value["tunnel_url"] = Value::String(url.clone());
    }
    if let Some(error) = &tunnel.error {
        value["error"] = Value::String(error.clone());
    }
    value
}

/// `GET /bootstrap/{token}[?name=&user=]`: the script a guest runs with bash. Serving it is the
/// simulated guest running it: the machine registers as `name` (its `GOPHER_MACHINE_NAME`) with
/// SSH user `user` (its `GOPHER_SSH_USER`) and connects. The script's one `echo` line, with
/// `$GOPHER_MACHINE_NAME` and `$SSH_USER` put in, is Gopher's last line:
/// `Machine 'NAME' registered as 'USER'. Tunnel port: PORT`.
fn bootstrap(sim: &SimGopher, method: &Method, token: &str, query: &str) -> Reply {
    if method != Method::GET {
        return Reply::error(StatusCode::METHOD_NOT_ALLOWED, "only GET is served");
    }
    let name = query_value(query, "name").unwrap_or_else(|| "machine".into());
    let user = query_value(query, "user");
    match sim.lock().run_bootstrap(token, &name, user.as_deref()) {
        Some(machine) => Reply {
            status: StatusCode::OK,
            content_type: "text/x-shellscript",
            body: script(&machine).into_bytes(),
        },
        None => Reply::error(StatusCode::NOT_FOUND, "bootstrap token not found or expired"),
    }
}

fn script(machine: &SimMachine) -> String {
    let port = machine.ssh_port.map(|p| p.to_string()).unwrap_or_default();
    format!(
        "#!/bin/sh\n# Gopher simulator: bootstrap of machine {id}\nset -eu\n\
         : \"${{GOPHER_MACHINE_NAME:?set GOPHER_MACHINE_NAME to the machine's name}}\"\n\
         SSH_USER=\"${{GOPHER_SSH_USER:-$(id -un)}}\"\n\
         echo \"Machine '$GOPHER_MACHINE_NAME' registered as '$SSH_USER'. Tunnel port: {port}\"\n",
        id = machine.id.0,
    )
}

/// `/_sim/faults`: `POST` a [`GopherFault`] (answers `{"id": N}`), `DELETE /{id}` clears one,
/// `DELETE` clears all.
fn control(sim: &SimGopher, method: &Method, rest: &str, body: &[u8]) -> Reply {
    match (method, rest.trim_start_matches('/')) {
        (&Method::POST, "") => match serde_json::from_slice::<GopherFault>(body) {
            Ok(fault) => Reply::json(StatusCode::OK, &json!({"id": sim.inject(fault).0})),
            Err(e) => Reply::error(StatusCode::BAD_REQUEST, &format!("not a fault: {e}")),
        },
        (&Method::DELETE, "") => {
            sim.heal();
            Reply::no_content()
        }
        (&Method::DELETE, id) => match id.parse() {
            Ok(n) => {
                sim.clear(FaultId(n));
                Reply::no_content()
            }
            Err(_) => Reply::error(StatusCode::BAD_REQUEST, "the fault id is a number"),
        },
        _ => Reply::error(StatusCode::NOT_FOUND, "not found"),
    }
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use super::*;
    use crate::adapters::clock::ManualClock;
    use crate::ports::tunnel_gateway::TunnelGateway;

    #[tokio::test]
    async fn fetching_a_bootstrap_with_name_and_user_registers_both() {
        let sim = SimGopher::new(
            "key",
            "gopher.test",
            Arc::new(ManualClock::new(chrono::DateTime::UNIX_EPOCH)),
        );
        let created = sim.client("key").create_machine(false).await.unwrap();
        let token = created.bootstrap_url.expose().rsplit('/').next().unwrap().to_owned();
        let path = format!("/bootstrap/{token}");
        let call = Incoming {
            method: &Method::GET,
            path: &path,
            query: "name=web-1&user=o%27brien",
            auth: None,
            body: &[],
        };
        let reply = route(&sim, &call);
        assert_eq!(reply.status, StatusCode::OK);
        let script = String::from_utf8(reply.body).unwrap();
        assert!(
            script.contains("registered as '$SSH_USER'. Tunnel port: 22000"),
            "{script}"
        );
        let id = &created.machine.id;
        assert_eq!(sim.machine_name(id).as_deref(), Some("web-1"));
        assert_eq!(sim.machine_user(id).as_deref(), Some("o'brien"));
    }
}
