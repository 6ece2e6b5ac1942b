//! The PVE 8.4 endpoint facts from `tests/fixtures/pve/8.4/endpoints.json`, loaded once: endpoint
//! templates with their parameters and reply shapes (the wire overrides already applied), plus the
//! `Exchange` a recorded request/response pair is checked as.

use std::collections::BTreeMap;
use std::sync::OnceLock;

use serde::Deserialize;
use serde_json::Value;

pub use super::request::check_request;
pub use super::response::check_response;

const FIXTURE: &str = include_str!("../../fixtures/pve/8.4/endpoints.json");

/// One recorded call to a PVE-compatible face.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Exchange {
    pub method: String,
    /// Concrete path after `/api2/json`, e.g. `/nodes/pve1/qemu/100/config` (may be percent-encoded).
    pub path: String,
    /// Decoded query pairs followed by decoded body pairs, in order; a repeated key appears several times.
    pub params: Vec<(String, String)>,
    /// How many of `params` came from the query string (they come first); the rest came from the body.
    pub query_len: usize,
    /// Whether the request body was `application/json`.
    pub json_body: bool,
    pub status: u16,
    /// The response JSON, or `Null` if the body was empty.
    pub body: Value,
}

impl Exchange {
    /// A request with no parameters yet; the reply defaults to `200 {"data": null}`.
    pub fn new(method: &str, path: &str) -> Self {
        Self {
            method: method.to_string(),
            path: path.to_string(),
            status: 200,
            body: serde_json::json!({ "data": null }),
            ..Self::default()
        }
    }

    /// Appends a query-string pair (before any body pair).
    pub fn query(mut self, key: &str, value: &str) -> Self {
        self.params.insert(self.query_len, (key.to_string(), value.to_string()));
        self.query_len += 1;
        self
    }

    /// Appends a body pair.
    pub fn form(mut self, key: &str, value: &str) -> Self {
        self.params.push((key.to_string(), value.to_string()));
        self
    }

    pub fn reply(mut self, status: u16, body: Value) -> Self {
        self.status = status;
        self.body = body;
        self
    }

    /// The parameters that travelled in the request body.
    pub fn body_params(&self) -> &[(String, String)] {
        &self.params[self.query_len.min(self.params.len())..]
    }
}

/// JSON Schema type names as PVE uses them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Kind {
    String,
    Integer,
    Boolean,
    Number,
    Array,
    Object,
    Null,
}

/// A request parameter.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Param {
    #[serde(rename = "type")]
    pub kind: Kind,
    pub optional: bool,
    /// A `{placeholder}` of the path template.
    #[serde(default)]
    pub path: bool,
    #[serde(default, rename = "enum")]
    pub allowed: Option<Vec<String>>,
    #[serde(default)]
    pub format: Option<String>,
    #[serde(default)]
    pub minimum: Option<i64>,
    #[serde(default)]
    pub maximum: Option<i64>,
    #[serde(default)]
    pub pattern: Option<String>,
    #[serde(default)]
    pub max_length: Option<usize>,
    /// Another parameter that must be present with this one.
    #[serde(default)]
    pub requires: Option<String>,
    #[serde(default)]
    pub default: Option<Value>,
    /// Item type of an array parameter.
    #[serde(default)]
    pub items: Option<Kind>,
    #[serde(default)]
    pub note: Option<String>,
}

impl Param {
    fn loose(kind: Kind) -> Self {
        Self {
            kind,
            optional: true,
            path: false,
            allowed: None,
            format: None,
            minimum: None,
            maximum: None,
            pattern: None,
            max_length: None,
            requires: None,
            default: None,
            items: None,
            note: None,
        }
    }
}

/// An indexed config key family: `<prefix>0` ..= `<prefix><max>`.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Family {
    pub prefix: String,
    pub max: u32,
    #[serde(rename = "type")]
    pub kind: Kind,
    #[serde(default)]
    pub format: Option<String>,
    #[serde(default)]
    pub pattern: Option<String>,
}

/// The shape of a reply value.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Shape {
    #[serde(rename = "type")]
    pub kind: Kind,
    #[serde(default)]
    pub optional: bool,
    #[serde(default, rename = "enum")]
    pub allowed: Option<Vec<String>>,
    #[serde(default)]
    pub pattern: Option<String>,
    #[serde(default)]
    pub properties: BTreeMap<String, Shape>,
    #[serde(default)]
    pub items: Option<Box<Shape>>,
    /// A string that must hold decimal digits (an integer PVE sends as a string).
    #[serde(default)]
    pub digits: bool,
    /// The object may also carry every VM config key.
    #[serde(default)]
    pub config_keys: bool,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Endpoint {
    pub method: String,
    /// Template relative to `/api2/json`, e.g. `/nodes/{node}/qemu/{vmid}/config`.
    pub path: String,
    pub params: BTreeMap<String, Param>,
    /// The endpoint also takes every VM config key.
    #[serde(default)]
    pub config_params: bool,
    /// `data` as the 8.4 schema declares it.
    pub returns: Shape,
    /// Task types a returned UPID may carry.
    #[serde(default)]
    pub upid_types: Vec<String>,
    #[serde(default)]
    pub note: Option<String>,
    /// `data` as it travels: `returns` with the wire overrides applied.
    #[serde(skip_deserializing, default = "null_shape")]
    pub wire: Shape,
    /// Envelope members besides `data` (the task log's `total`).
    #[serde(skip_deserializing)]
    pub envelope: BTreeMap<String, Shape>,
}

fn null_shape() -> Shape {
    Shape {
        kind: Kind::Null,
        optional: false,
        allowed: None,
        pattern: None,
        properties: BTreeMap::new(),
        items: None,
        digits: false,
        config_keys: false,
    }
}

#[derive(Debug, Deserialize)]
pub struct Config {
    pub keys: BTreeMap<String, Param>,
    pub families: Vec<Family>,
    pub other_keys: BTreeMap<String, Kind>,
}

#[derive(Debug, Deserialize)]
struct Override {
    method: String,
    path: String,
    note: String,
    #[serde(default)]
    data: Option<Shape>,
    #[serde(default)]
    properties: BTreeMap<String, Shape>,
    #[serde(default)]
    envelope: BTreeMap<String, Shape>,
}

#[derive(Debug, Deserialize)]
struct WireOverrides {
    responses: Vec<Override>,
}

#[derive(Debug, Deserialize)]
pub struct Fixture {
    pub pve_version: String,
    pub api_base: String,
    pub source: String,
    pub formats: BTreeMap<String, Value>,
    pub config: Config,
    pub endpoints: Vec<Endpoint>,
    wire_overrides: WireOverrides,
}

/// The parsed fixture (panics on a malformed fixture: that is a test failure).
pub fn fixture() -> &'static Fixture {
    static FIXTURE_CELL: OnceLock<Fixture> = OnceLock::new();
    FIXTURE_CELL.get_or_init(|| {
        let mut fixture: Fixture = serde_json::from_str(FIXTURE).expect("tests/fixtures/pve/8.4/endpoints.json parses");
        for endpoint in &mut fixture.endpoints {
            endpoint.wire = endpoint.returns.clone();
        }
        for o in &fixture.wire_overrides.responses {
            let endpoint = fixture
                .endpoints
                .iter_mut()
                .find(|e| e.method == o.method && e.path == o.path)
                .unwrap_or_else(|| panic!("wire override for unknown endpoint {} {}", o.method, o.path));
            if let Some(data) = &o.data {
                endpoint.wire = data.clone();
            }
            let target = if endpoint.wire.kind == Kind::Array && endpoint.wire.items.is_some() {
                endpoint.wire.items.as_deref_mut().expect("checked above")
            } else {
                &mut endpoint.wire
            };
            merge_properties(target, &o.properties);
            endpoint.envelope.extend(o.envelope.clone());
        }
        fixture
    })
}

fn merge_properties(target: &mut Shape, extra: &BTreeMap<String, Shape>) {
    for (name, shape) in extra {
        match target.properties.get_mut(name) {
            Some(existing) if existing.kind == Kind::Object && shape.kind == Kind::Object => {
                merge_properties(existing, &shape.properties)
            }
            _ => {
                target.properties.insert(name.clone(), shape.clone());
            }
        }
    }
}

pub fn endpoints() -> &'static [Endpoint] {
    &fixture().endpoints
}

/// The endpoint whose template matches `method` and the concrete `path` (a trailing `/` and a
/// query string are ignored).
pub fn endpoint_for(method: &str, path: &str) -> Option<&'static Endpoint> {
    endpoints()
        .iter()
        .find(|e| e.method.eq_ignore_ascii_case(method) && path_values(&e.path, path).is_some())
}

/// The `{placeholder}` values of `concrete` under `template`, percent-decoded, or `None` when the
/// path does not match.
pub fn path_values(template: &str, concrete: &str) -> Option<Vec<(String, String)>> {
    let concrete = concrete.split('?').next().unwrap_or_default();
    let concrete = concrete.strip_suffix('/').filter(|p| !p.is_empty()).unwrap_or(concrete);
    let want: Vec<&str> = template.split('/').collect();
    let have: Vec<&str> = concrete.split('/').collect();
    if want.len() != have.len() {
        return None;
    }
    let mut values = Vec::new();
    for (w, h) in want.iter().zip(&have) {
        if let Some(name) = w.strip_prefix('{').and_then(|w| w.strip_suffix('}')) {
            if h.is_empty() {
                return None;
            }
            values.push((name.to_string(), percent_decode(h)));
        } else if w != h {
            return None;
        }
    }
    Some(values)
}

fn percent_decode(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let hex = |b: u8| (b as char).to_digit(16);
        if bytes[i] == b'%'
            && i + 2 < bytes.len()
            && let (Some(h), Some(l)) = (hex(bytes[i + 1]), hex(bytes[i + 2]))
        {
            out.push((h * 16 + l) as u8);
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

impl Endpoint {
    /// The request parameter `name` accepts, including the VM config keys where they apply.
    pub fn param(&self, name: &str) -> Option<Param> {
        if let Some(p) = self.params.get(name) {
            return Some(p.clone());
        }
        if self.config_params {
            return config_key(name);
        }
        None
    }
}

/// A VM config key (named, indexed, or one of the other keys) as an optional parameter.
pub fn config_key(name: &str) -> Option<Param> {
    let config = &fixture().config;
    if let Some(p) = config.keys.get(name) {
        return Some(p.clone());
    }
    if let Some(kind) = config.other_keys.get(name) {
        return Some(Param::loose(*kind));
    }
    config.families.iter().find_map(|f| {
        let index = name.strip_prefix(f.prefix.as_str())?;
        let canonical = !index.is_empty() && (index == "0" || !index.starts_with('0'));
        let n: u32 = index
            .parse()
            .ok()
            .filter(|_| canonical && index.bytes().all(|b| b.is_ascii_digit()))?;
        (n <= f.max).then(|| Param {
            format: f.format.clone(),
            pattern: f.pattern.clone(),
            ..Param::loose(f.kind)
        })
    })
}

/// A VM config key as an optional reply property.
pub fn config_property(name: &str) -> Option<Shape> {
    config_key(name).map(|p| Shape {
        kind: p.kind,
        optional: true,
        allowed: p.allowed,
        ..null_shape()
    })
}
