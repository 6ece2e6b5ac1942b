//! Lenient readers for Proxmox's JSON: integers come as numbers or strings (`"105"`, `"2048"`),
//! booleans as `0`/`1`, `"0"`/`"1"` or `true`/`false`, and optional fields may be missing or
//! `null`. A field that is present but unreadable counts as missing; only the fields an answer
//! cannot do without (ids, names) make it an error.

use serde_json::{Map, Value};

use crate::domain::cluster::NodeName;
use crate::domain::upid::Upid;
use crate::domain::vmid::VmId;
use crate::ports::proxmox::{ProxmoxError, ProxmoxResult};

/// A non-negative integer, from a number (a float is truncated) or a decimal string.
pub(super) fn as_u64(v: &Value) -> Option<u64> {
    match v {
        Value::Number(n) => n.as_u64().or_else(|| n.as_f64().and_then(float_to_u64)),
        Value::String(s) => {
            let s = s.trim();
            s.parse::<u64>()
                .ok()
                .or_else(|| s.parse::<f64>().ok().and_then(float_to_u64))
        }
        _ => None,
    }
}

fn float_to_u64(f: f64) -> Option<u64> {
    (f.is_finite() && f >= 0.0).then_some(f as u64)
}

pub(super) fn as_i64(v: &Value) -> Option<i64> {
    match v {
        Value::Number(n) => n.as_i64(),
        Value::String(s) => s.trim().parse().ok(),
        _ => None,
    }
}

pub(super) fn as_f64(v: &Value) -> Option<f64> {
    match v {
        Value::Number(n) => n.as_f64(),
        Value::String(s) => s.trim().parse().ok(),
        _ => None,
    }
}

pub(super) fn as_bool(v: &Value) -> Option<bool> {
    match v {
        Value::Bool(b) => Some(*b),
        Value::Number(n) => n.as_f64().map(|f| f != 0.0),
        Value::String(s) => match s.trim() {
            "1" | "true" => Some(true),
            "0" | "false" | "" => Some(false),
            _ => None,
        },
        _ => None,
    }
}

/// A value as Proxmox would write it in a config file: strings as they are, numbers in decimal,
/// booleans as `1`/`0`.
pub(super) fn as_text(v: &Value) -> Option<String> {
    match v {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        Value::Bool(b) => Some(if *b { "1" } else { "0" }.to_owned()),
        _ => None,
    }
}

pub(super) fn malformed(what: &str, detail: impl std::fmt::Display) -> ProxmoxError {
    ProxmoxError::Unavailable(format!("unexpected answer from Proxmox ({what}): {detail}"))
}

/// Parses a UPID Proxmox handed out; a malformed one is an error that names the value.
pub(super) fn upid(v: &Value, what: &str) -> ProxmoxResult<Upid> {
    let text = as_text(v).ok_or_else(|| malformed(what, format!("expected a task id (UPID), got {v}")))?;
    Upid::parse(&text).map_err(|e| malformed(what, format!("{e}: {text:?}")))
}

/// A JSON object read field by field; `what` names it in errors.
#[derive(Clone, Copy)]
pub(super) struct Obj<'a> {
    map: &'a Map<String, Value>,
    what: &'a str,
}

impl<'a> Obj<'a> {
    pub fn new(v: &'a Value, what: &'a str) -> ProxmoxResult<Self> {
        match v {
            Value::Object(map) => Ok(Self { map, what }),
            other => Err(malformed(what, format!("expected an object, got {other}"))),
        }
    }

    /// The field, with `null` read as missing.
    pub fn get(&self, key: &str) -> Option<&'a Value> {
        self.map.get(key).filter(|v| !v.is_null())
    }

    pub fn child(&self, key: &str) -> Option<Obj<'a>> {
        match self.get(key) {
            Some(Value::Object(map)) => Some(Obj { map, what: self.what }),
            _ => None,
        }
    }

    pub fn opt_u64(&self, key: &str) -> Option<u64> {
        self.get(key).and_then(as_u64)
    }

    /// A count or size; missing means zero.
    pub fn u64(&self, key: &str) -> u64 {
        self.opt_u64(key).unwrap_or(0)
    }

    pub fn opt_u32(&self, key: &str) -> Option<u32> {
        self.opt_u64(key).map(|n| u32::try_from(n).unwrap_or(u32::MAX))
    }

    pub fn u32(&self, key: &str) -> u32 {
        self.opt_u32(key).unwrap_or(0)
    }

    pub fn opt_i64(&self, key: &str) -> Option<i64> {
        self.get(key).and_then(as_i64)
    }

    pub fn opt_f64(&self, key: &str) -> Option<f64> {
        self.get(key).and_then(as_f64)
    }

    pub fn f64(&self, key: &str) -> f64 {
        self.opt_f64(key).unwrap_or(0.0)
    }

    /// A boolean; missing means false.
    pub fn flag(&self, key: &str) -> bool {
        self.get(key).and_then(as_bool).unwrap_or(false)
    }

    pub fn opt_str(&self, key: &str) -> Option<String> {
        self.get(key).and_then(as_text)
    }

    /// A text field that may be missing (read as empty).
    pub fn str(&self, key: &str) -> String {
        self.opt_str(key).unwrap_or_default()
    }

    /// A text field the answer cannot do without.
    pub fn req_str(&self, key: &str) -> ProxmoxResult<String> {
        self.opt_str(key)
            .ok_or_else(|| malformed(self.what, format!("field {key:?} is missing")))
    }

    pub fn req_vmid(&self, key: &str) -> ProxmoxResult<VmId> {
        let raw = self.get(key).and_then(as_u64);
        raw.and_then(|n| VmId::try_from(i64::try_from(n).ok()?).ok())
            .ok_or_else(|| malformed(self.what, format!("field {key:?} is not a VM id: {:?}", self.get(key))))
    }

    pub fn req_node(&self, key: &str) -> ProxmoxResult<NodeName> {
        let text = self.req_str(key)?;
        NodeName::parse(&text).map_err(|_| malformed(self.what, format!("field {key:?} is not a node name: {text:?}")))
    }

    /// A list field: `"a,b"` or `"a;b"` split on `sep`, empty parts dropped.
    pub fn list(&self, key: &str, sep: char) -> Vec<String> {
        self.str(key)
            .split(sep)
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(str::to_owned)
            .collect()
    }

    /// An optional text field where an empty string means "not set" (`lock`, a guest's `name`).
    pub fn non_empty(&self, key: &str) -> Option<String> {
        self.opt_str(key).filter(|s| !s.is_empty())
    }
}

/// The elements of a JSON array, each as an object.
pub(super) fn rows<'a>(v: &'a Value, what: &'a str) -> ProxmoxResult<Vec<Obj<'a>>> {
    match v {
        Value::Array(items) => items.iter().map(|item| Obj::new(item, what)).collect(),
        other => Err(malformed(what, format!("expected a list, got {other}"))),
    }
}
