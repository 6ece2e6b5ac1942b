//! One call on the wire: `Authorization: Bearer <key>`, a JSON body when there is one, the
//! deadline of the options, and the answer's envelope opened. Nothing is retried here: the
//! callers' use cases decide, and a retried create could make a second machine.

use reqwest::Method;
use serde_json::Value;

use super::HttpGopher;
use super::classify::classify;
use super::wire::Envelope;
use crate::ports::tunnel_gateway::{GatewayError, GatewayResult};

/// Longest part of a non-JSON body kept in an error.
const BODY_EXCERPT: usize = 300;

impl HttpGopher {
    /// `method /api/v1/{segments…}?{query}` with `body`; the envelope's `data` (`Null` for 204).
    pub(super) async fn call(
        &self,
        method: Method,
        segments: &[&str],
        query: &[(&str, String)],
        body: Option<Value>,
    ) -> GatewayResult<Value> {
        let mut url = self.options.base_url.clone();
        url.path_segments_mut()
            .map_err(|()| GatewayError::Invalid("GOPHER_API_URL cannot carry a path".into()))?
            .pop_if_empty()
            .extend(["api", "v1"])
            .extend(segments);
        if !query.is_empty() {
            url.query_pairs_mut().extend_pairs(query);
        }
        let shown = format!("{method} {}", url.path());
        let mut request = self
            .client
            .request(method, url)
            .bearer_auth(&self.options.api_key)
            .header(reqwest::header::ACCEPT, "application/json");
        if let Some(body) = body {
            request = request.json(&body);
        }
        let response = request.send().await.map_err(|e| self.transport_error(&e))?;
        let status = response.status().as_u16();
        let bytes = response.bytes().await.map_err(|e| self.transport_error(&e))?;
        let envelope = serde_json::from_slice::<Envelope>(&bytes).ok();
        if !(200..300).contains(&status) {
            let message = envelope
                .and_then(|e| e.error)
                .filter(|m| !m.trim().is_empty())
                .unwrap_or_else(|| excerpt(&bytes));
            return Err(classify(status, message));
        }
        if status == 204 || bytes.is_empty() {
            return Ok(Value::Null);
        }
        let Some(envelope) = envelope else {
            return Err(GatewayError::Failed(format!(
                "{shown} answered {status} with something that is not Gopher's JSON envelope: {}",
                excerpt(&bytes)
            )));
        };
        if !envelope.success {
            let words = envelope.error.unwrap_or_else(|| "no reason given".into());
            return Err(GatewayError::Failed(format!("{shown}: {words}")));
        }
        Ok(envelope.data.unwrap_or(Value::Null))
    }

    fn transport_error(&self, error: &reqwest::Error) -> GatewayError {
        let url = self.options.base_url.as_str().trim_end_matches('/');
        if error.is_timeout() {
            GatewayError::Unavailable(format!(
                "no answer from {url} within {} s; check that Gopher is running and reachable",
                self.options.timeout.as_secs_f32()
            ))
        } else if error.is_connect() {
            GatewayError::Unavailable(format!(
                "cannot connect to {url}; check GOPHER_API_URL and that Gopher is running"
            ))
        } else {
            GatewayError::Unavailable(format!("the connection to {url} failed: {error}"))
        }
    }
}

fn excerpt(bytes: &[u8]) -> String {
    let text = String::from_utf8_lossy(bytes);
    let text = text.trim();
    match text.char_indices().nth(BODY_EXCERPT) {
        Some((cut, _)) => format!("{}…", &text[..cut]),
        None if text.is_empty() => "(empty body)".into(),
        None => text.to_owned(),
    }
}
