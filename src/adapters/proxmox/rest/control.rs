//! The simulator's own endpoints under `/_sim/` on the REST face's listener (never under
//! `/api2`): inject and clear faults, ask the simulated LAN whether an address answers, declare
//! LAN hosts, and read the event log. Plain JSON, no PVE envelope, no token: the face listens on
//! loopback only.

use std::net::IpAddr;

use serde::Deserialize;
use serde_json::json;

use super::wire::{Answer, Params};
use crate::adapters::proxmox::sim::{Fault, FaultId, FaultScope, SimCluster};

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Injection {
    fault: Fault,
    #[serde(default = "until_cleared")]
    scope: FaultScope,
}

fn until_cleared() -> FaultScope {
    FaultScope::UntilCleared
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct LanHost {
    ip: IpAddr,
    ports: Vec<u16>,
}

fn bad_request(message: impl Into<String>) -> Answer {
    Answer::plain_json(400, json!({ "error": message.into() }))
}

/// Answers one `/_sim/…` request; `path` is the part after `/_sim`.
pub fn answer(cluster: &SimCluster, method: &str, path: &str, query: &Params, body: &[u8]) -> Answer {
    let segments: Vec<&str> = path.trim_matches('/').split('/').filter(|s| !s.is_empty()).collect();
    match (method, segments.as_slice()) {
        ("GET", []) => Answer::plain_json(
            200,
            json!({
                "endpoints": [
                    "POST /_sim/faults {\"fault\": {\"kind\": …}, \"scope\": {\"kind\": \"once\"|\"times\"|\"for\"|\"until_cleared\"}}",
                    "DELETE /_sim/faults/{id}",
                    "DELETE /_sim/faults",
                    "GET /_sim/lan?ip=A&port=P",
                    "POST /_sim/lan/hosts {\"ip\": A, \"ports\": [P]}",
                    "GET /_sim/events",
                ]
            }),
        ),
        ("POST", ["faults"]) => match serde_json::from_slice::<Injection>(body) {
            Ok(i) => {
                let id = cluster.inject(i.fault, i.scope);
                Answer::plain_json(201, json!({ "id": id }))
            }
            Err(e) => bad_request(format!("not a fault injection: {e}")),
        },
        ("DELETE", ["faults"]) => {
            cluster.clear_faults();
            Answer::plain_json(200, json!({ "cleared": "all" }))
        }
        ("DELETE", ["faults", id]) => match id.parse::<u64>() {
            Ok(n) => {
                cluster.clear(FaultId(n));
                Answer::plain_json(200, json!({ "cleared": n }))
            }
            Err(_) => bad_request(format!("'{id}' is not a fault id")),
        },
        ("GET", ["lan"]) => {
            let ip = query.get("ip").and_then(|v| v.parse::<IpAddr>().ok());
            let port = query.get("port").and_then(|v| v.parse::<u16>().ok());
            match (ip, port) {
                (Some(ip), Some(port)) => {
                    let answers = cluster.lan_answers(ip, port);
                    Answer::plain_json(200, json!({ "ip": ip, "port": port, "answers": answers }))
                }
                _ => bad_request("give ip=ADDRESS and port=NUMBER"),
            }
        }
        ("POST", ["lan", "hosts"]) => match serde_json::from_slice::<LanHost>(body) {
            Ok(host) => {
                cluster.add_lan_host(host.ip, &host.ports);
                Answer::plain_json(201, json!({ "ip": host.ip, "ports": host.ports }))
            }
            Err(e) => bad_request(format!("not a LAN host: {e}")),
        },
        ("GET", ["events"]) => Answer::plain_json(200, json!({ "events": cluster.event_log() })),
        _ => Answer::plain_json(
            404,
            json!({ "error": format!("no simulator endpoint {method} /_sim{path}") }),
        ),
    }
}
