//! The HTTP layer as pveproxy has it: parameters from the query string and a form or JSON body
//! (query wins, `&` and `;` split pairs, `+` is a space, a repeated key is an array), and answers in
//! the `{"data": …}` envelope with the error text in the reason phrase and, from PVE 8.4 on, in
//! the body's `message`.

use http_body_util::Full;
use hyper::body::Bytes;
use hyper::{Response, StatusCode};
use serde_json::{Map, Value, json};

/// The largest request body accepted (pve-http-server ≥ 5.2.1).
pub const MAX_BODY: usize = 512 * 1024;

/// How error answers look: PVE ≥ 8.4 puts the text in the body too, older versions only in the
/// reason phrase.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum ErrorFormat {
    #[default]
    Modern,
    Legacy,
}

/// Request parameters in arrival order; a repeated key appears once per value.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Params(pub Vec<(String, String)>);

impl Params {
    pub fn get(&self, key: &str) -> Option<&str> {
        self.0.iter().find(|(k, _)| k == key).map(|(_, v)| v.as_str())
    }

    pub fn all(&self, key: &str) -> Vec<&str> {
        self.0
            .iter()
            .filter(|(k, _)| k == key)
            .map(|(_, v)| v.as_str())
            .collect()
    }

    pub fn count(&self, key: &str) -> usize {
        self.0.iter().filter(|(k, _)| k == key).count()
    }

    pub fn keys(&self) -> Vec<&str> {
        let mut keys: Vec<&str> = Vec::new();
        for (k, _) in &self.0 {
            if !keys.contains(&k.as_str()) {
                keys.push(k);
            }
        }
        keys
    }

    /// Adds `other`'s keys that are not already present (the query string wins over the body).
    pub fn merge_missing(&mut self, other: Params) {
        let present: Vec<String> = self.keys().into_iter().map(str::to_owned).collect();
        self.0
            .extend(other.0.into_iter().filter(|(k, _)| !present.iter().any(|p| p == k)));
    }
}

/// Decodes `application/x-www-form-urlencoded` text the way pveproxy does.
pub fn decode_form(text: &str) -> Params {
    let mut out = Vec::new();
    for pair in text.split(['&', ';']) {
        if pair.is_empty() {
            continue;
        }
        let mut parts = pair.splitn(3, '=');
        let key = percent_decode(parts.next().unwrap_or_default());
        let value = percent_decode(parts.next().unwrap_or_default());
        out.push((key, value));
    }
    Params(out)
}

/// `%XX` and `+` decoding; invalid escapes stay as they are.
pub fn percent_decode(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'+' => out.push(b' '),
            b'%' if i + 2 < bytes.len() => match (hex_digit(bytes[i + 1]), hex_digit(bytes[i + 2])) {
                (Some(h), Some(l)) => {
                    out.push(h * 16 + l);
                    i += 2;
                }
                _ => out.push(b'%'),
            },
            b => out.push(b),
        }
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

fn hex_digit(b: u8) -> Option<u8> {
    (b as char).to_digit(16).map(|d| d as u8)
}

/// Decodes a JSON object body: numbers and strings as text, JSON booleans as `1`/`0`, arrays as
/// repeated keys. Anything else is refused with a reason.
pub fn decode_json(body: &[u8]) -> Result<Params, String> {
    let value: Value = serde_json::from_slice(body).map_err(|e| format!("JSON decode failed: {e}"))?;
    let Value::Object(map) = value else {
        return Err("JSON body is not an object".into());
    };
    let mut out = Vec::new();
    for (k, v) in map {
        let mut push = |v: &Value| -> Result<(), String> {
            let text = match v {
                Value::String(s) => s.clone(),
                Value::Number(n) => n.to_string(),
                Value::Bool(b) => if *b { "1" } else { "0" }.to_owned(),
                Value::Null => return Ok(()),
                _ => return Err(format!("unsupported JSON value for '{k}'")),
            };
            out.push((k.clone(), text));
            Ok(())
        };
        match &v {
            Value::Array(items) => {
                for item in items {
                    push(item)?;
                }
            }
            other => push(other)?,
        }
    }
    Ok(Params(out))
}

/// An answer on its way out: status, reason phrase and optional JSON body.
#[derive(Debug, Clone, PartialEq)]
pub struct Answer {
    pub status: u16,
    pub reason: Option<String>,
    pub body: Option<Value>,
    /// Plain-text body (501 answers).
    pub text: Option<String>,
}

impl Answer {
    pub fn data(data: Value) -> Self {
        Self {
            status: 200,
            reason: None,
            body: Some(json!({ "data": data })),
            text: None,
        }
    }

    /// `{"data": [...], "total": N}` (task logs).
    pub fn data_with_total(data: Value, total: u64) -> Self {
        Self {
            status: 200,
            reason: None,
            body: Some(json!({ "data": data, "total": total })),
            text: None,
        }
    }

    /// A handler's `die`: 500 with the text in the reason phrase (and body, modern format).
    pub fn die(status: u16, message: &str, format: ErrorFormat) -> Self {
        let message = with_newline(message);
        let body = match format {
            ErrorFormat::Modern => json!({ "data": null, "message": message }),
            ErrorFormat::Legacy => json!({ "data": null }),
        };
        Self {
            status,
            reason: Some(first_line(&message)),
            body: Some(body),
            text: None,
        }
    }

    /// 400 "Parameter verification failed." with one message per parameter.
    pub fn invalid(errors: &[(String, String)], format: ErrorFormat) -> Self {
        let mut map = Map::new();
        for (k, v) in errors {
            map.insert(k.clone(), Value::String(with_newline(v)));
        }
        let mut body = json!({ "data": null, "errors": map });
        if format == ErrorFormat::Modern {
            body["message"] = Value::String("Parameter verification failed.\n".into());
        }
        Self {
            status: 400,
            reason: Some("Parameter verification failed.".into()),
            body: Some(body),
            text: None,
        }
    }

    /// An answer without a body: 401, and the proxy errors 595/596.
    pub fn empty(status: u16, reason: &str) -> Self {
        Self {
            status,
            reason: Some(reason.to_owned()),
            body: None,
            text: None,
        }
    }

    /// 501 with a plain-text body, as pveproxy sends for unknown paths and unsupported requests.
    pub fn not_implemented(message: &str) -> Self {
        Self {
            status: 501,
            reason: Some(message.to_owned()),
            body: None,
            text: Some(message.to_owned()),
        }
    }

    /// A JSON answer outside the PVE envelope (the `/_sim/` control endpoints).
    pub fn plain_json(status: u16, body: Value) -> Self {
        Self {
            status,
            reason: None,
            body: Some(body),
            text: None,
        }
    }

    pub fn into_response(self) -> Response<Full<Bytes>> {
        let (content_type, bytes) = match (&self.body, &self.text) {
            (Some(v), _) => (
                "application/json;charset=UTF-8",
                Bytes::from(serde_json::to_vec(v).unwrap_or_default()),
            ),
            (None, Some(t)) => ("text/plain;charset=UTF-8", Bytes::from(t.clone())),
            (None, None) => ("application/json;charset=UTF-8", Bytes::new()),
        };
        let mut response = Response::new(Full::new(bytes));
        *response.status_mut() = StatusCode::from_u16(self.status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
        let headers = response.headers_mut();
        headers.insert("content-type", content_type.parse().expect("static header"));
        headers.insert("server", "pve-api-daemon/3.0".parse().expect("static header"));
        headers.insert("cache-control", "max-age=0".parse().expect("static header"));
        headers.insert("pragma", "no-cache".parse().expect("static header"));
        if let Some(reason) = self.reason
            && let Ok(phrase) = hyper::ext::ReasonPhrase::try_from(sanitize_reason(&reason).into_bytes())
        {
            response.extensions_mut().insert(phrase);
        }
        response
    }
}

fn with_newline(text: &str) -> String {
    if text.ends_with('\n') {
        text.to_owned()
    } else {
        format!("{text}\n")
    }
}

fn first_line(text: &str) -> String {
    text.lines().next().unwrap_or_default().to_owned()
}

/// A reason phrase may only hold visible ASCII, spaces and tabs.
fn sanitize_reason(text: &str) -> String {
    text.chars()
        .map(|c| if c == '\t' || (' '..='~').contains(&c) { c } else { '?' })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn forms_split_on_ampersand_and_semicolon_and_decode_plus_and_escapes() {
        let p = decode_form("a=1;b=x+y&c=%2Bz&sshkeys=ssh-ed25519%2520AAAA&command=ls&command=-l");
        assert_eq!(p.get("a"), Some("1"));
        assert_eq!(p.get("b"), Some("x y"));
        assert_eq!(p.get("c"), Some("+z"));
        assert_eq!(p.get("sshkeys"), Some("ssh-ed25519%20AAAA"));
        assert_eq!(p.all("command"), vec!["ls", "-l"]);
    }

    #[test]
    fn only_the_first_equals_sign_separates_key_and_value() {
        // pveproxy keeps the first two parts of split(/=/): a literal '=' must be escaped.
        assert_eq!(decode_form("k=a=b").get("k"), Some("a"));
        assert_eq!(decode_form("k=a%3Db").get("k"), Some("a=b"));
    }

    #[test]
    fn broken_escapes_stay_literal() {
        assert_eq!(percent_decode("100%"), "100%");
        assert_eq!(percent_decode("%zz1"), "%zz1");
        assert_eq!(percent_decode("%41%"), "A%");
    }

    #[test]
    fn json_bodies_turn_booleans_into_zero_and_one_and_arrays_into_repeats() {
        let p = decode_json(br#"{"full":true,"newid":123,"name":"x","command":["ls","-l"],"gone":null}"#).unwrap();
        assert_eq!(p.get("full"), Some("1"));
        assert_eq!(p.get("newid"), Some("123"));
        assert_eq!(p.all("command"), vec!["ls", "-l"]);
        assert_eq!(p.get("gone"), None);
        assert!(decode_json(b"[1]").is_err());
        assert!(decode_json(b"{").is_err());
    }

    #[test]
    fn the_query_string_wins_over_the_body() {
        let mut query = decode_form("a=1");
        query.merge_missing(decode_form("a=2&b=3"));
        assert_eq!(query.0, vec![("a".into(), "1".into()), ("b".into(), "3".into())]);
    }

    #[test]
    fn errors_carry_their_text_in_the_reason_and_in_the_modern_body_only() {
        let modern = Answer::die(500, "VM 100 is running - destroy failed", ErrorFormat::Modern);
        assert_eq!(modern.reason.as_deref(), Some("VM 100 is running - destroy failed"));
        assert_eq!(
            modern.body,
            Some(json!({"data": null, "message": "VM 100 is running - destroy failed\n"}))
        );
        let legacy = Answer::die(500, "x", ErrorFormat::Legacy);
        assert_eq!(legacy.body, Some(json!({"data": null})));
        let invalid = Answer::invalid(&[("newid".into(), "property is missing".into())], ErrorFormat::Modern);
        assert_eq!(
            invalid.body.as_ref().unwrap()["errors"]["newid"],
            "property is missing\n"
        );
        assert_eq!(
            invalid.body.as_ref().unwrap()["message"],
            "Parameter verification failed.\n"
        );
    }
}
