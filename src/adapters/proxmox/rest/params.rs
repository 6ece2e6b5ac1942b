//! Parameter checks as PVE's JSON-schema layer does them, with its wording: a missing required
//! parameter, an unknown one, `true` where a boolean must be `0`/`1`, a non-integer, a value
//! outside an enumeration or a range. The tables follow the PVE 8.4 API schema for the endpoints
//! the simulator serves; VM configuration keys themselves are checked by the model.

use super::wire::Params;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Bool,
    Int {
        min: Option<i64>,
        max: Option<i64>,
    },
    /// `pve-vmid`: an integer 100..=999999999 written as digits.
    VmId,
    /// `pve-node`.
    Node,
    Str,
    /// A string of at most this many characters.
    MaxLen(usize),
    Enum(&'static [&'static str]),
    /// A repeated key.
    Array,
    /// `dns-name`.
    DnsName,
    /// resize's `size`: `\+?\d+(\.\d+)?[KMGT]?`.
    DiskSize,
    /// download-url's `url`: `https?://.*`.
    HttpUrl,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Param {
    pub name: &'static str,
    pub kind: Kind,
    pub optional: bool,
}

const fn opt(name: &'static str, kind: Kind) -> Param {
    Param {
        name,
        kind,
        optional: true,
    }
}

const fn req(name: &'static str, kind: Kind) -> Param {
    Param {
        name,
        kind,
        optional: false,
    }
}

const INT: Kind = Kind::Int { min: None, max: None };
const NON_NEGATIVE: Kind = Kind::Int {
    min: Some(0),
    max: None,
};

/// The endpoints' own parameters (path parameters are checked by the router).
pub mod spec {
    use super::*;

    pub const NONE: &[Param] = &[];
    pub const PERMISSIONS: &[Param] = &[opt("userid", Kind::Str), opt("path", Kind::MaxLen(64))];
    pub const USER_CREATE: &[Param] = &[
        req("userid", Kind::MaxLen(64)),
        opt("comment", Kind::MaxLen(2048)),
        opt("enable", Kind::Bool),
        opt("expire", NON_NEGATIVE),
        opt("firstname", Kind::Str),
        opt("lastname", Kind::Str),
        opt("email", Kind::MaxLen(254)),
        opt("keys", Kind::Str),
        opt("password", Kind::MaxLen(64)),
        opt("groups", Kind::Str),
    ];
    pub const ROLE_CREATE: &[Param] = &[req("roleid", Kind::Str), opt("privs", Kind::Str)];
    pub const ROLE_UPDATE: &[Param] = &[opt("privs", Kind::Str), opt("append", Kind::Bool)];
    pub const ACL_UPDATE: &[Param] = &[
        req("path", Kind::Str),
        req("roles", Kind::Str),
        opt("users", Kind::Str),
        opt("groups", Kind::Str),
        opt("tokens", Kind::Str),
        opt("propagate", Kind::Bool),
        opt("delete", Kind::Bool),
    ];
    pub const TOKEN_CREATE: &[Param] = &[
        opt("comment", Kind::Str),
        opt("expire", NON_NEGATIVE),
        opt("privsep", Kind::Bool),
    ];
    pub const TICKET: &[Param] = &[
        req("username", Kind::MaxLen(64)),
        req("password", Kind::Str),
        opt("realm", Kind::Str),
        opt("otp", Kind::Str),
        opt("path", Kind::MaxLen(64)),
        opt("privs", Kind::MaxLen(64)),
        opt("new-format", Kind::Bool),
        opt("tfa-challenge", Kind::Str),
    ];
    pub const RESOURCES: &[Param] = &[opt("type", Kind::Enum(&["vm", "storage", "node", "sdn"]))];
    pub const NEXTID: &[Param] = &[opt("vmid", Kind::VmId)];
    pub const QEMU_LIST: &[Param] = &[opt("full", Kind::Bool)];
    pub const CONFIG_GET: &[Param] = &[opt("current", Kind::Bool), opt("snapshot", Kind::Str)];
    /// Plus every VM configuration key.
    pub const CONFIG_PUT: &[Param] = &[
        opt("delete", Kind::Str),
        opt("digest", Kind::MaxLen(64)),
        opt("skiplock", Kind::Bool),
        opt("revert", Kind::Str),
        opt("force", Kind::Bool),
    ];
    /// Plus every VM configuration key.
    pub const CONFIG_POST: &[Param] = &[
        opt("delete", Kind::Str),
        opt("digest", Kind::MaxLen(64)),
        opt("skiplock", Kind::Bool),
        opt("revert", Kind::Str),
        opt("force", Kind::Bool),
        opt(
            "background_delay",
            Kind::Int {
                min: Some(1),
                max: Some(30),
            },
        ),
    ];
    /// Plus every VM configuration key.
    pub const CREATE: &[Param] = &[
        req("vmid", Kind::VmId),
        opt("start", Kind::Bool),
        opt("pool", Kind::Str),
        opt("storage", Kind::Str),
        opt("unique", Kind::Bool),
        opt("force", Kind::Bool),
        opt("archive", Kind::Str),
        opt("bwlimit", NON_NEGATIVE),
        opt("live-restore", Kind::Bool),
    ];
    pub const CLONE: &[Param] = &[
        req("newid", Kind::VmId),
        opt("name", Kind::DnsName),
        opt("description", Kind::Str),
        opt("pool", Kind::Str),
        opt("snapname", Kind::MaxLen(40)),
        opt("storage", Kind::Str),
        opt("format", Kind::Enum(&["raw", "qcow2", "vmdk"])),
        opt("full", Kind::Bool),
        opt("target", Kind::Node),
        opt("bwlimit", NON_NEGATIVE),
    ];
    pub const RESIZE: &[Param] = &[
        req("disk", Kind::Str),
        req("size", Kind::DiskSize),
        opt("digest", Kind::MaxLen(64)),
        opt("skiplock", Kind::Bool),
    ];
    pub const START: &[Param] = &[
        opt("timeout", NON_NEGATIVE),
        opt("skiplock", Kind::Bool),
        opt("machine", Kind::Str),
        opt("stateuri", Kind::MaxLen(128)),
        opt("migratedfrom", Kind::Node),
        opt("migration_type", Kind::Enum(&["secure", "insecure"])),
        opt("migration_network", Kind::Str),
        opt("targetstorage", Kind::Str),
        opt("force-cpu", Kind::Str),
    ];
    pub const STOP: &[Param] = &[
        opt("timeout", NON_NEGATIVE),
        opt("skiplock", Kind::Bool),
        opt("keepActive", Kind::Bool),
        opt("migratedfrom", Kind::Node),
        opt("overrule-shutdown", Kind::Bool),
    ];
    pub const SHUTDOWN: &[Param] = &[
        opt("timeout", NON_NEGATIVE),
        opt("forceStop", Kind::Bool),
        opt("skiplock", Kind::Bool),
        opt("keepActive", Kind::Bool),
    ];
    pub const REBOOT: &[Param] = &[opt("timeout", NON_NEGATIVE)];
    pub const DESTROY: &[Param] = &[
        opt("purge", Kind::Bool),
        opt("destroy-unreferenced-disks", Kind::Bool),
        opt("skiplock", Kind::Bool),
    ];
    pub const TEMPLATE: &[Param] = &[opt("disk", Kind::Str)];
    pub const AGENT_EXEC: &[Param] = &[opt("command", Kind::Array), opt("input-data", Kind::MaxLen(65536))];
    pub const AGENT_EXEC_STATUS: &[Param] = &[req("pid", INT)];
    pub const AGENT_FILE_WRITE: &[Param] = &[
        req("file", Kind::Str),
        req("content", Kind::MaxLen(61440)),
        opt("encode", Kind::Bool),
    ];
    pub const STORAGES: &[Param] = &[
        opt("content", Kind::Str),
        opt("enabled", Kind::Bool),
        opt("format", Kind::Bool),
        opt("storage", Kind::Str),
        opt("target", Kind::Node),
    ];
    pub const STORAGE_CONTENT: &[Param] = &[opt("content", Kind::Str), opt("vmid", Kind::VmId)];
    pub const DOWNLOAD_URL: &[Param] = &[
        req("url", Kind::HttpUrl),
        req("content", Kind::Enum(&["iso", "vztmpl", "import"])),
        req("filename", Kind::MaxLen(255)),
        opt("checksum", Kind::Str),
        opt(
            "checksum-algorithm",
            Kind::Enum(&["md5", "sha1", "sha224", "sha256", "sha384", "sha512"]),
        ),
        opt("compression", Kind::Str),
        opt("verify-certificates", Kind::Bool),
    ];
    /// `filename` is the file part's name, set by the multipart reader.
    pub const UPLOAD: &[Param] = &[
        req("content", Kind::Enum(&["iso", "vztmpl", "import"])),
        req("filename", Kind::MaxLen(255)),
        opt("checksum", Kind::Str),
        opt(
            "checksum-algorithm",
            Kind::Enum(&["md5", "sha1", "sha224", "sha256", "sha384", "sha512"]),
        ),
        opt("tmpfilename", Kind::Str),
    ];
    pub const VOLUME_DELETE: &[Param] = &[opt(
        "delay",
        Kind::Int {
            min: Some(1),
            max: Some(30),
        },
    )];
    pub const TASK_LOG: &[Param] = &[
        opt("start", NON_NEGATIVE),
        opt("limit", NON_NEGATIVE),
        opt("download", Kind::Bool),
    ];
}

/// Whether a name looks like a VM configuration key (`name`, `net0`, `ipconfig0`, …). The model
/// decides whether it knows the key.
fn config_key_shape(key: &str) -> bool {
    key.bytes().next().is_some_and(|b| b.is_ascii_lowercase())
        && key
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-' || b == b'_')
}

/// Checks `params` against `spec`; `config_keys` lets VM configuration keys through. Returns the
/// messages per parameter, PVE's wording.
pub fn check(params: &Params, spec: &[Param], config_keys: bool) -> Result<(), Vec<(String, String)>> {
    let mut errors: Vec<(String, String)> = Vec::new();
    for p in spec {
        if !p.optional && params.get(p.name).is_none() {
            errors.push((p.name.into(), "property is missing and it is not optional".into()));
        }
    }
    for key in params.keys() {
        let Some(p) = spec.iter().find(|p| p.name == key) else {
            if !(config_keys && config_key_shape(key)) {
                errors.push((
                    key.into(),
                    "property is not defined in schema and the schema does not allow additional properties".into(),
                ));
            }
            continue;
        };
        if p.kind != Kind::Array && params.count(key) > 1 {
            errors.push((key.into(), "type check ('string') failed - got ARRAY".into()));
            continue;
        }
        for value in params.all(key) {
            if let Err(message) = check_value(p.kind, value) {
                errors.push((key.into(), message));
                break;
            }
        }
    }
    if errors.is_empty() { Ok(()) } else { Err(errors) }
}

/// One value against its kind.
pub fn check_value(kind: Kind, value: &str) -> Result<(), String> {
    let digits = |v: &str| !v.is_empty() && v.bytes().all(|b| b.is_ascii_digit());
    match kind {
        Kind::Bool => match value {
            "0" | "1" => Ok(()),
            _ => Err(format!("type check ('boolean') failed - got '{value}'")),
        },
        Kind::Int { min, max } => {
            let unsigned = value.strip_prefix('-').unwrap_or(value);
            if !digits(unsigned) {
                return Err(format!("type check ('integer') failed - got '{value}'"));
            }
            let n: i64 = value
                .parse()
                .map_err(|_| format!("type check ('integer') failed - got '{value}'"))?;
            if let Some(m) = min
                && n < m
            {
                return Err(format!("value must have a minimum value of {m}"));
            }
            if let Some(m) = max
                && n > m
            {
                return Err(format!("value must have a maximum value of {m}"));
            }
            Ok(())
        }
        Kind::VmId => {
            let shaped = value.len() >= 3 && value.len() <= 9 && digits(value) && !value.starts_with('0');
            if shaped {
                Ok(())
            } else {
                Err("invalid format - value does not look like a valid VM ID".into())
            }
        }
        Kind::Node => {
            if crate::domain::cluster::NodeName::parse(value).is_ok() {
                Ok(())
            } else {
                Err("invalid format - value does not look like a valid node name".into())
            }
        }
        Kind::Str | Kind::Array => Ok(()),
        Kind::MaxLen(n) => {
            if value.chars().count() <= n {
                Ok(())
            } else {
                Err(format!("value may only be {n} characters long"))
            }
        }
        Kind::Enum(values) => {
            if values.contains(&value) {
                Ok(())
            } else {
                Err(format!(
                    "value '{value}' does not have a value in the enumeration '{}'",
                    values.join(", ")
                ))
            }
        }
        Kind::DnsName => {
            let ok = !value.is_empty()
                && value.split('.').all(|label| {
                    !label.is_empty()
                        && !label.starts_with('-')
                        && !label.ends_with('-')
                        && label.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-')
                });
            if ok {
                Ok(())
            } else {
                Err("invalid format - value does not look like a valid DNS name".into())
            }
        }
        Kind::DiskSize => {
            let body = value.strip_prefix('+').unwrap_or(value);
            let body = body.strip_suffix(['K', 'M', 'G', 'T']).unwrap_or(body);
            let mut parts = body.splitn(2, '.');
            let whole = parts.next().unwrap_or_default();
            let ok = digits(whole) && parts.next().is_none_or(digits);
            if ok {
                Ok(())
            } else {
                Err("value does not match the regex pattern".into())
            }
        }
        Kind::HttpUrl => {
            if value.starts_with("http://") || value.starts_with("https://") {
                Ok(())
            } else {
                Err("value does not match the regex pattern".into())
            }
        }
    }
}

#[cfg(test)]
#[path = "params_tests.rs"]
mod tests;
