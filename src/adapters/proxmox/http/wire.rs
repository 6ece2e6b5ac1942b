//! What goes on the wire to Proxmox: request parameters (form encoding with 0/1 booleans and
//! repeated keys), percent-encoded path segments, the `sshkeys` value format, and the `{"data": …}`
//! envelope of an answer.

use serde_json::Value;

use crate::ports::proxmox::{ConfigChange, DiskSize, PowerOp, ProxmoxError, ProxmoxResult};

/// Request parameters in order. GET and DELETE put them in the query string, POST and PUT in an
/// `application/x-www-form-urlencoded` body; both use the same encoding.
#[derive(Clone, Default, PartialEq, Eq)]
pub(super) struct Params(Vec<(String, String)>);

/// A sign-in's `password` never shows.
impl std::fmt::Debug for Params {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let mut list = f.debug_list();
        for (k, v) in &self.0 {
            if k == "password" {
                list.entry(&(k, crate::domain::redact::Redacted(v)));
            } else {
                list.entry(&(k, v));
            }
        }
        list.finish()
    }
}

impl Params {
    pub fn new() -> Self {
        Self::default()
    }

    pub fn add(mut self, key: &str, value: impl ToString) -> Self {
        self.0.push((key.to_owned(), value.to_string()));
        self
    }

    /// Proxmox accepts only `0`/`1` for a boolean in a form (`true` is a type error).
    pub fn flag(self, key: &str, on: bool) -> Self {
        self.add(key, if on { "1" } else { "0" })
    }

    pub fn maybe(self, key: &str, value: Option<impl ToString>) -> Self {
        match value {
            Some(v) => self.add(key, v),
            None => self,
        }
    }

    /// An array parameter: one `key=value` per element, which Proxmox reads back as a list.
    pub fn repeated(mut self, key: &str, values: &[String]) -> Self {
        self.0.extend(values.iter().map(|v| (key.to_owned(), v.clone())));
        self
    }

    pub fn pairs(mut self, pairs: &[(String, String)]) -> Self {
        self.0.extend(pairs.iter().cloned());
        self
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// `multipart/form-data`: each parameter as a text part, then `file`. Every part has a known
    /// length, so the whole body has one.
    pub fn multipart(&self, file: &super::transport::FilePart) -> reqwest::multipart::Form {
        let mut form = reqwest::multipart::Form::new();
        for (k, v) in &self.0 {
            form = form.text(k.clone(), v.clone());
        }
        let part = reqwest::multipart::Part::bytes(file.bytes.clone())
            .file_name(file.file_name.clone())
            .mime_str("application/octet-stream")
            .expect("a valid MIME type");
        form.part(file.field, part)
    }

    /// `application/x-www-form-urlencoded`: a space becomes `+`, `%` becomes `%25`, so a value
    /// that is itself percent-encoded (`sshkeys`) arrives double-encoded, as Proxmox wants.
    pub fn encode(&self) -> String {
        let mut form = url::form_urlencoded::Serializer::new(String::new());
        for (k, v) in &self.0 {
            form.append_pair(k, v);
        }
        form.finish()
    }
}

/// The parameters of `POST|PUT …/config`: the keys to set, `delete` as a comma list, `digest`.
/// Values go out as given: an `sshkeys` value must already be in Proxmox's `urlencoded` format
/// (see [`encode_sshkeys`]).
pub(super) fn config_params(change: &ConfigChange) -> Params {
    let delete = (!change.delete.is_empty()).then(|| change.delete.join(","));
    Params::new()
        .pairs(&change.set)
        .maybe("delete", delete)
        .maybe("digest", change.digest.as_deref())
}

/// `size` of `PUT …/resize`: a bare number is bytes, a leading `+` grows by that much.
pub(super) fn size_param(size: DiskSize) -> String {
    match size {
        DiskSize::Absolute(bytes) => bytes.to_string(),
        DiskSize::Grow(bytes) => format!("+{bytes}"),
    }
}

/// Extra parameters of `POST …/status/{op}`.
pub(super) fn power_params(op: PowerOp) -> Params {
    match op {
        PowerOp::Shutdown {
            timeout_secs,
            force_stop,
        } => Params::new().add("timeout", timeout_secs).flag("forceStop", force_stop),
        PowerOp::Start | PowerOp::Stop | PowerOp::Reboot => Params::new(),
    }
}

pub use crate::domain::cloud_init::encode_sshkeys;

/// One path segment (node, storage, UPID) with everything but `[A-Za-z0-9-_.~:]` percent-encoded,
/// so the `!` and `@` of a token UPID cannot be misread.
pub(super) fn segment(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for b in text.bytes() {
        if b.is_ascii_alphanumeric() || b"-_.~:".contains(&b) {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// A successful answer: the envelope's `data`, and `total` where Proxmox pages (task log).
#[derive(Debug, Clone, PartialEq)]
pub(super) struct Reply {
    pub data: Value,
    pub total: Option<u64>,
}

/// Reads the `{"data": …}` envelope of a 2xx answer.
pub(super) fn envelope(body: &[u8]) -> ProxmoxResult<Reply> {
    let value: Value = serde_json::from_slice(body).map_err(|e| {
        ProxmoxError::Unavailable(format!(
            "unexpected answer from Proxmox (not JSON: {e}): {}",
            preview(body)
        ))
    })?;
    let Value::Object(mut map) = value else {
        return Err(ProxmoxError::Unavailable(format!(
            "unexpected answer from Proxmox (no envelope): {}",
            preview(body)
        )));
    };
    let total = map.get("total").and_then(super::decode::as_u64);
    let data = map.remove("data").ok_or_else(|| {
        ProxmoxError::Unavailable(format!(
            "unexpected answer from Proxmox (no \"data\"): {}",
            preview(body)
        ))
    })?;
    Ok(Reply { data, total })
}

/// The start of a body, for error messages.
pub(super) fn preview(body: &[u8]) -> String {
    const MAX: usize = 200;
    let text = String::from_utf8_lossy(body);
    match text.char_indices().nth(MAX) {
        Some((cut, _)) => format!("{}…", &text[..cut]),
        None => text.into_owned(),
    }
}
