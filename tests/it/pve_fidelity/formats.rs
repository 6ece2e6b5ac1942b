//! Hand-written equivalents of the PVE formats and patterns the fixture names (no regex engine),
//! and the UPID parser. Formats not listed in `CHECKED_FORMATS` are accepted unchecked.

/// Formats with a validator here.
pub const CHECKED_FORMATS: &[&str] = &[
    "dns-name",
    "pve-configid",
    "pve-configid-list",
    "pve-node",
    "pve-storage-content",
    "pve-storage-content-list",
    "pve-storage-id",
    "pve-tag-list",
    "pve-vmid",
    "urlencoded",
];

/// Patterns (as the schema spells them) with a validator here; PVE anchors them at both ends.
pub const CHECKED_PATTERNS: &[&str] = &[
    "\\+?\\d+(\\.\\d+)?[KMGT]?",
    "https?://.*",
    "(/dev/.+|socket)",
    "/dev/parport\\d+|/dev/usb/lp\\d+",
    "[0-9a-fA-F]{8,64}",
    "/var/tmp/pveupload-[0-9a-f]+",
];

const STORAGE_CONTENT: &[&str] = &["images", "rootdir", "vztmpl", "iso", "backup", "snippets", "import"];

/// `Err(PVE-style message)` when `value` does not have format `name`.
pub fn check_format(name: &str, value: &str) -> Result<(), String> {
    let ok = match name {
        "pve-vmid" => is_vmid(value),
        "pve-node" => is_label(value),
        "dns-name" => !value.is_empty() && value.split('.').all(is_label),
        "pve-storage-id" => is_storage_id(value),
        "pve-configid" => is_configid(value),
        "pve-configid-list" => list(value).all(is_configid),
        "pve-tag-list" => list(value).all(is_tag),
        "urlencoded" => value
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "-%_.!~*'()".contains(c)),
        "pve-storage-content" => STORAGE_CONTENT.contains(&value),
        "pve-storage-content-list" => list(value).all(|c| STORAGE_CONTENT.contains(&c)),
        _ => true,
    };
    if ok {
        return Ok(());
    }
    Err(match name {
        "pve-vmid" => "invalid format - value does not look like a valid VM ID".to_string(),
        "dns-name" => "invalid format - value does not look like a valid DNS name".to_string(),
        "urlencoded" => format!("invalid format - invalid urlencoded string: {value}"),
        _ => format!("invalid format - value does not match format '{name}'"),
    })
}

/// Whether `value` matches the anchored `pattern`, or `None` when the pattern has no validator.
pub fn matches_pattern(pattern: &str, value: &str) -> Option<bool> {
    Some(match pattern {
        "\\+?\\d+(\\.\\d+)?[KMGT]?" => is_disk_size(value),
        "https?://.*" => value.starts_with("http://") || value.starts_with("https://"),
        "(/dev/.+|socket)" => value == "socket" || value.strip_prefix("/dev/").is_some_and(|r| !r.is_empty()),
        "/dev/parport\\d+|/dev/usb/lp\\d+" => ["/dev/parport", "/dev/usb/lp"]
            .iter()
            .any(|p| value.strip_prefix(p).is_some_and(is_digits)),
        "[0-9a-fA-F]{8,64}" => (8..=64).contains(&value.len()) && value.chars().all(|c| c.is_ascii_hexdigit()),
        "/var/tmp/pveupload-[0-9a-f]+" => value
            .strip_prefix("/var/tmp/pveupload-")
            .is_some_and(|h| !h.is_empty() && h.chars().all(|c| matches!(c, '0'..='9' | 'a'..='f'))),
        _ => return None,
    })
}

pub fn is_digits(value: &str) -> bool {
    !value.is_empty() && value.bytes().all(|b| b.is_ascii_digit())
}

/// PVE's integer text: an optional sign, then digits.
pub fn is_integer_text(value: &str) -> bool {
    is_digits(value.strip_prefix(['+', '-']).unwrap_or(value))
}

/// PVE's number text: an optional sign, digits with an optional fraction, an optional exponent.
pub fn is_number_text(value: &str) -> bool {
    let unsigned = value.strip_prefix(['+', '-']).unwrap_or(value);
    let (mantissa, exponent) = match unsigned.find(['e', 'E']) {
        Some(at) => (&unsigned[..at], Some(&unsigned[at + 1..])),
        None => (unsigned, None),
    };
    let (whole, fraction) = mantissa.split_once('.').unwrap_or((mantissa, ""));
    let mantissa_ok =
        (is_digits(whole) && (fraction.is_empty() || is_digits(fraction))) || (whole.is_empty() && is_digits(fraction));
    mantissa_ok && exponent.is_none_or(is_integer_text)
}

fn is_vmid(value: &str) -> bool {
    (3..=9).contains(&value.len()) && !value.starts_with('0') && is_digits(value)
}

/// `[a-zA-Z0-9]([a-zA-Z0-9-]*[a-zA-Z0-9])?`
fn is_label(value: &str) -> bool {
    !value.is_empty()
        && !value.starts_with('-')
        && !value.ends_with('-')
        && value.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
}

/// `[a-z][a-z0-9\-_.]*[a-z0-9]`, case-insensitive.
fn is_storage_id(value: &str) -> bool {
    let mut chars = value.chars();
    value.len() >= 2
        && chars.next().is_some_and(|c| c.is_ascii_alphabetic())
        && chars.next_back().is_some_and(|c| c.is_ascii_alphanumeric())
        && chars.all(|c| c.is_ascii_alphanumeric() || "-_.".contains(c))
}

/// `[a-z][a-z0-9_-]+`, case-insensitive.
fn is_configid(value: &str) -> bool {
    let mut chars = value.chars();
    value.len() >= 2
        && chars.next().is_some_and(|c| c.is_ascii_alphabetic())
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
}

/// `[a-z0-9_][a-z0-9_\-+.]*`, case-insensitive.
fn is_tag(value: &str) -> bool {
    let mut chars = value.chars();
    chars.next().is_some_and(|c| c.is_ascii_alphanumeric() || c == '_')
        && chars.all(|c| c.is_ascii_alphanumeric() || "_-+.".contains(c))
}

fn is_disk_size(value: &str) -> bool {
    let v = value.strip_prefix('+').unwrap_or(value);
    let v = v.strip_suffix(['K', 'M', 'G', 'T']).unwrap_or(v);
    let (whole, fraction) = match v.split_once('.') {
        Some((w, f)) => (w, Some(f)),
        None => (v, None),
    };
    is_digits(whole) && fraction.is_none_or(is_digits)
}

/// Items of a PVE list: separated by commas, semicolons or whitespace; empty items skipped.
fn list(value: &str) -> impl Iterator<Item = &str> {
    value
        .split(|c: char| c == ',' || c == ';' || c.is_whitespace())
        .filter(|s| !s.is_empty())
}

/// The fields of a UPID: `UPID:node:pid:pstart:starttime:type:id:user:`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Upid {
    pub node: String,
    pub pid: u64,
    pub pstart: u64,
    pub starttime: u64,
    pub kind: String,
    pub id: String,
    pub user: String,
}

pub fn parse_upid(text: &str) -> Result<Upid, String> {
    let fields: Vec<&str> = text.split(':').collect();
    if fields.len() != 9 || fields[0] != "UPID" || !fields[8].is_empty() {
        return Err(format!(
            "'{text}' is not UPID:node:pid:pstart:starttime:type:id:user: (9 fields, trailing colon)"
        ));
    }
    let hex = |field: &str, name: &str, lengths: &[usize]| {
        if lengths.contains(&field.len()) && field.chars().all(|c| c.is_ascii_hexdigit()) {
            Ok(u64::from_str_radix(field, 16).unwrap_or_default())
        } else {
            Err(format!("UPID {name} '{field}' is not {lengths:?} hex digits"))
        }
    };
    let upid = Upid {
        node: fields[1].to_string(),
        pid: hex(fields[2], "pid", &[8])?,
        pstart: hex(fields[3], "pstart", &[8, 9])?,
        starttime: hex(fields[4], "starttime", &[8])?,
        kind: fields[5].to_string(),
        id: fields[6].to_string(),
        user: fields[7].to_string(),
    };
    if !is_label(&upid.node) {
        return Err(format!("UPID node '{}' is not a node name", upid.node));
    }
    if upid.kind.is_empty() || upid.kind.contains(|c: char| c.is_whitespace() || c == '/') {
        return Err(format!("UPID type '{}' is malformed", upid.kind));
    }
    if upid.id.contains(|c: char| c.is_whitespace() || c == '/') {
        return Err(format!("UPID id '{}' is malformed", upid.id));
    }
    if !upid.user.contains('@') {
        return Err(format!("UPID user '{}' is not user@realm", upid.user));
    }
    Ok(upid)
}
