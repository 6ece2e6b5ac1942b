//! `check_response`: whether a recorded reply looks like PVE 8.4's on the wire: the envelope, the
//! JSON type of `data` and of every known property (0/1 booleans, numeric integers except the
//! string overrides), required properties, UPIDs, task-status coherence, and the error bodies.

use serde_json::Value;

use super::formats::{is_digits, matches_pattern, parse_upid};
use super::schema::{Endpoint, Exchange, Kind, Shape, config_property, endpoint_for, path_values};

/// Every way `ex`'s reply departs from what PVE 8.4 sends; empty when it conforms.
pub fn check_response(ex: &Exchange) -> Vec<String> {
    let at = format!("{} {} -> {}", ex.method, ex.path, ex.status);
    let Some(endpoint) = endpoint_for(&ex.method, &ex.path) else {
        return vec![format!("{at}: unknown endpoint")];
    };
    let mut out = Vec::new();
    json_booleans("body", &ex.body, &mut out);
    match ex.status {
        200..=299 => check_success(endpoint, ex, &mut out),
        400..=599 => check_error(ex, &mut out),
        other => out.push(format!("body: unexpected HTTP status {other}")),
    }
    out.into_iter().map(|m| format!("{at}: {m}")).collect()
}

/// PVE never emits JSON true/false: its booleans are the numbers 0 and 1.
fn json_booleans(path: &str, value: &Value, out: &mut Vec<String>) {
    match value {
        Value::Bool(b) => out.push(format!("{path} is JSON {b}; PVE sends booleans as 0/1")),
        Value::Array(items) => {
            for (i, item) in items.iter().enumerate() {
                json_booleans(&format!("{path}[{i}]"), item, out);
            }
        }
        Value::Object(map) => {
            for (k, v) in map {
                json_booleans(&format!("{path}.{k}"), v, out);
            }
        }
        _ => {}
    }
}

fn check_success(endpoint: &Endpoint, ex: &Exchange, out: &mut Vec<String>) {
    let Some(envelope) = ex.body.as_object() else {
        out.push(format!(
            "body is not a JSON object with 'data' (got {})",
            brief(&ex.body)
        ));
        return;
    };
    let Some(data) = envelope.get("data") else {
        out.push("body has no 'data' member".to_string());
        return;
    };
    check_shape("data", data, &endpoint.wire, out);
    for (name, shape) in &endpoint.envelope {
        match envelope.get(name) {
            Some(v) => check_shape(name, v, shape, out),
            None if !shape.optional => out.push(format!("body lacks '{name}' next to 'data'")),
            None => {}
        }
    }
    let placeholders = path_values(&endpoint.path, &ex.path).unwrap_or_default();
    let placeholder = |name: &str| placeholders.iter().find(|(k, _)| k == name).map(|(_, v)| v.clone());
    if !endpoint.upid_types.is_empty()
        && let Some(text) = data.as_str()
    {
        match parse_upid(text) {
            Err(msg) => out.push(format!("data: {msg}")),
            Ok(upid) => {
                if !endpoint.upid_types.contains(&upid.kind) {
                    out.push(format!(
                        "data: UPID type '{}' is not one of {:?}",
                        upid.kind, endpoint.upid_types
                    ));
                }
                if let Some(node) = placeholder("node")
                    && node != upid.node
                {
                    out.push(format!(
                        "data: UPID node '{}' is not the path's node '{node}'",
                        upid.node
                    ));
                }
            }
        }
    }
    if endpoint.path == "/nodes/{node}/tasks/{upid}/status" {
        check_task_status(data, placeholder("upid"), out);
    }
}

fn check_task_status(data: &Value, upid: Option<String>, out: &mut Vec<String>) {
    if let (Some(asked), Some(answered)) = (upid, data.get("upid").and_then(Value::as_str))
        && asked != answered
    {
        out.push(format!("data.upid '{answered}' is not the UPID asked for '{asked}'"));
    }
    let status = data.get("status").and_then(Value::as_str);
    let exit = data.get("exitstatus");
    match (status, exit) {
        (Some("running"), Some(_)) => out.push("data.exitstatus present while the task is running".to_string()),
        (Some("stopped"), None) => out.push("data.exitstatus missing for a stopped task".to_string()),
        _ => {}
    }
}

fn check_error(ex: &Exchange, out: &mut Vec<String>) {
    let body = &ex.body;
    if body.is_null() || (ex.status == 501 && body.is_string()) {
        return;
    }
    let Some(map) = body.as_object() else {
        out.push(format!("error body is not a JSON object (got {})", brief(body)));
        return;
    };
    match map.get("data") {
        Some(Value::Null) => {}
        Some(other) => out.push(format!("error body: 'data' is {} instead of null", brief(other))),
        None => out.push("error body has no 'data': null".to_string()),
    }
    match map.get("message") {
        Some(Value::String(m)) if m.ends_with('\n') => {}
        Some(Value::String(m)) => out.push(format!("error body: message {m:?} does not end in a newline")),
        Some(other) => out.push(format!("error body: message is {} instead of a string", brief(other))),
        None => out.push("error body has no 'message' (pve-http-server >= 5.2.0 sends one)".to_string()),
    }
    if ex.status == 400 {
        match map.get("errors") {
            Some(Value::Object(errors)) => {
                for (k, v) in errors {
                    if !v.is_string() {
                        out.push(format!("error body: errors.{k} is {} instead of a string", brief(v)));
                    }
                }
            }
            Some(other) => out.push(format!("error body: errors is {} instead of an object", brief(other))),
            None => out.push("400 body has no 'errors' object".to_string()),
        }
    }
}

/// Checks `value` against `shape`; JSON true/false are left to `json_booleans`.
fn check_shape(path: &str, value: &Value, shape: &Shape, out: &mut Vec<String>) {
    if value.is_boolean() {
        return;
    }
    if value.is_null() && shape.kind != Kind::Null {
        if !shape.optional {
            out.push(format!("{path} is null, expected {:?}", shape.kind));
        }
        return;
    }
    match shape.kind {
        Kind::String => {
            let Some(text) = value.as_str() else {
                out.push(format!("{path} is {}, expected a string", brief(value)));
                return;
            };
            if shape.digits && !is_digits(text) {
                out.push(format!("{path} is {text:?}, expected a string of digits"));
            }
            if let Some(allowed) = &shape.allowed
                && !allowed.iter().any(|a| a == text)
            {
                out.push(format!("{path} is {text:?}, not one of {allowed:?}"));
            }
            if let Some(pattern) = &shape.pattern
                && matches_pattern(pattern, text) == Some(false)
            {
                out.push(format!("{path} is {text:?}, which does not match {pattern}"));
            }
        }
        Kind::Integer => {
            if !(value.is_i64() || value.is_u64()) {
                let hint = if value.as_str().is_some_and(is_digits) {
                    " (an integer sent as a string)"
                } else {
                    ""
                };
                out.push(format!("{path} is {}, expected a JSON integer{hint}", brief(value)));
            }
        }
        Kind::Number => {
            if !value.is_number() {
                out.push(format!("{path} is {}, expected a JSON number", brief(value)));
            }
        }
        Kind::Boolean => {
            if !matches!(value.as_u64(), Some(0 | 1)) {
                out.push(format!("{path} is {}, expected 0 or 1", brief(value)));
            }
        }
        Kind::Null => {
            if !value.is_null() {
                out.push(format!("{path} is {}, expected null", brief(value)));
            }
        }
        Kind::Array => {
            let Some(items) = value.as_array() else {
                out.push(format!("{path} is {}, expected an array", brief(value)));
                return;
            };
            if let Some(item_shape) = &shape.items {
                for (i, item) in items.iter().enumerate() {
                    check_shape(&format!("{path}[{i}]"), item, item_shape, out);
                }
            }
        }
        Kind::Object => {
            let Some(map) = value.as_object() else {
                out.push(format!("{path} is {}, expected an object", brief(value)));
                return;
            };
            for (name, sub) in &shape.properties {
                match map.get(name) {
                    Some(v) => check_shape(&format!("{path}.{name}"), v, sub, out),
                    None if !sub.optional => out.push(format!("{path} lacks required property '{name}'")),
                    None => {}
                }
            }
            if shape.config_keys {
                for (name, v) in map {
                    if !shape.properties.contains_key(name)
                        && let Some(sub) = config_property(name)
                    {
                        check_shape(&format!("{path}.{name}"), v, &sub, out);
                    }
                }
            }
        }
    }
}

/// A short rendering of a JSON value for messages.
fn brief(value: &Value) -> String {
    let text = value.to_string();
    let kind = match value {
        Value::Null => "null",
        Value::Bool(_) => "a JSON boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    };
    if text.chars().count() > 60 {
        format!("{kind} {}…", text.chars().take(57).collect::<String>())
    } else {
        format!("{kind} {text}")
    }
}
