//! `check_request`: what real PVE 8.4 would refuse (or never see) in a recorded request, judged
//! against the fixture: unknown endpoint or parameter, missing required parameter, type, format,
//! range, enum, length and `requires` violations, repeated non-array keys, bodies on GET/DELETE.

use std::collections::BTreeMap;

use super::formats::{check_format, is_integer_text, is_number_text, matches_pattern};
use super::schema::{Exchange, Kind, Param, config_key, endpoint_for, path_values};

/// Every way `ex`'s request departs from the PVE 8.4 contract; empty when it conforms.
pub fn check_request(ex: &Exchange) -> Vec<String> {
    let at = format!("{} {}", ex.method, ex.path);
    let Some(endpoint) = endpoint_for(&ex.method, &ex.path) else {
        return vec![format!(
            "{at}: unknown endpoint (PVE answers 501 'Method ... not implemented')"
        )];
    };
    let mut out = Vec::new();
    let bodyless = ex.method.eq_ignore_ascii_case("GET") || ex.method.eq_ignore_ascii_case("DELETE");
    if bodyless && (!ex.body_params().is_empty() || ex.json_body) {
        let keys: Vec<&str> = ex.body_params().iter().map(|(k, _)| k.as_str()).collect();
        out.push(format!(
            "{at}: request body on {} (PVE answers 501 'Unexpected content'); body keys {keys:?}",
            ex.method
        ));
    }

    let mut given: BTreeMap<&str, Vec<&str>> = BTreeMap::new();
    for (k, v) in &ex.params {
        given.entry(k.as_str()).or_default().push(v.as_str());
    }

    let placeholders = path_values(&endpoint.path, &ex.path).unwrap_or_default();
    for (name, value) in &placeholders {
        match endpoint.params.get(name) {
            Some(param) => out.extend(
                check_value(name, param, value, false)
                    .into_iter()
                    .map(|m| format!("{at}: {m}")),
            ),
            None => out.push(format!(
                "{at}: path placeholder '{name}' is not a parameter in the fixture"
            )),
        }
        if let Some(values) = given.get(name.as_str())
            && values.iter().any(|v| *v != value.as_str())
        {
            out.push(format!(
                "{at}: param '{name}': duplicate parameter (already defined in URI) with conflicting values!"
            ));
        }
    }

    for (name, values) in &given {
        if placeholders.iter().any(|(p, _)| p.as_str() == *name) {
            continue;
        }
        let Some(param) = endpoint.param(name) else {
            out.push(format!(
                "{at}: unknown param '{name}': property is not defined in schema and the schema does not allow additional properties"
            ));
            continue;
        };
        if values.len() > 1 && param.kind != Kind::Array {
            out.push(format!(
                "{at}: param '{name}' given {} times but is not an array (PVE: type check ('{}') failed - got ARRAY)",
                values.len(),
                kind_name(param.kind)
            ));
        }
        for value in values {
            out.extend(
                check_value(name, &param, value, ex.json_body)
                    .into_iter()
                    .map(|m| format!("{at}: {m}")),
            );
        }
        if let Some(other) = &param.requires
            && !given.contains_key(other.as_str())
        {
            out.push(format!("{at}: param '{name}' requires '{other}', which is missing"));
        }
        if endpoint.config_params && (*name == "delete" || *name == "revert") {
            for value in values {
                for key in value.split([',', ';', ' ']).filter(|k| !k.is_empty()) {
                    if config_key(key).is_none() {
                        out.push(format!("{at}: param '{name}': '{key}' is not a VM config key"));
                    }
                }
            }
        }
    }

    for (name, param) in &endpoint.params {
        if !param.optional && !param.path && !given.contains_key(name.as_str()) {
            out.push(format!(
                "{at}: missing required param '{name}': property is missing and it is not optional"
            ));
        }
    }
    out
}

fn kind_name(kind: Kind) -> &'static str {
    match kind {
        Kind::String => "string",
        Kind::Integer => "integer",
        Kind::Boolean => "boolean",
        Kind::Number => "number",
        Kind::Array => "array",
        Kind::Object => "object",
        Kind::Null => "null",
    }
}

/// The messages for one value of `param` (PVE's wording where it has one).
fn check_value(name: &str, param: &Param, value: &str, json_body: bool) -> Vec<String> {
    let mut out = Vec::new();
    let mut fail = |msg: String| out.push(format!("param '{name}': {msg}"));
    let kind = match (param.kind, param.items) {
        (Kind::Array, Some(item)) => item,
        (Kind::Array, None) => Kind::String,
        (kind, _) => kind,
    };
    match kind {
        Kind::Boolean => {
            let json_literal = json_body && (value == "true" || value == "false");
            if value != "0" && value != "1" && !json_literal {
                fail(format!(
                    "type check ('boolean') failed - got '{value}' (PVE takes only 0 or 1)"
                ));
            }
        }
        Kind::Integer => {
            if !is_integer_text(value) {
                fail(format!("type check ('integer') failed - got '{value}'"));
                return out;
            }
            if let Some(format) = &param.format
                && let Err(msg) = check_format(format, value)
            {
                fail(msg);
                return out;
            }
            let n: i128 = value.parse().unwrap_or(i128::MAX);
            if let Some(min) = param.minimum
                && n < i128::from(min)
            {
                fail(format!("value must have a minimum value of {min}"));
            }
            if let Some(max) = param.maximum
                && n > i128::from(max)
            {
                fail(format!("value must have a maximum value of {max}"));
            }
        }
        Kind::Number => {
            if !is_number_text(value) {
                fail(format!("type check ('number') failed - got '{value}'"));
                return out;
            }
            let n: f64 = value.parse().unwrap_or(f64::NAN);
            if param.minimum.is_some_and(|min| n < min as f64) || param.maximum.is_some_and(|max| n > max as f64) {
                fail(format!(
                    "value {value} is out of range {:?}..{:?}",
                    param.minimum, param.maximum
                ));
            }
        }
        Kind::String | Kind::Array | Kind::Object | Kind::Null => {
            if let Some(allowed) = &param.allowed
                && !allowed.iter().any(|a| a == value)
            {
                fail(format!(
                    "value '{value}' does not have a value in the enumeration '{}'",
                    allowed.join(", ")
                ));
            }
            if let Some(format) = &param.format
                && let Err(msg) = check_format(format, value)
            {
                fail(msg);
            }
            if let Some(pattern) = &param.pattern
                && matches_pattern(pattern, value) == Some(false)
            {
                fail(format!("value does not match the regex pattern ({pattern})"));
            }
            if let Some(max) = param.max_length
                && value.chars().count() > max
            {
                fail(format!("value may only be {max} characters long"));
            }
        }
    }
    out
}
