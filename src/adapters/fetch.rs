//! `HttpFetch`: the `TextFetch` port on reqwest — a bounded GET (time and size) of a small text
//! document such as a checksum list.

use std::time::Duration;

use async_trait::async_trait;

use crate::ports::fetch::{FetchError, TextFetch};

/// Checksum lists are a few KiB; anything this large is not one.
const MAX_BYTES: usize = 4 * 1024 * 1024;

pub struct HttpFetch {
    client: reqwest::Client,
}

impl HttpFetch {
    pub fn new(timeout: Duration) -> anyhow::Result<Self> {
        Ok(Self {
            client: reqwest::Client::builder()
                .timeout(timeout)
                .redirect(reqwest::redirect::Policy::limited(5))
                .build()?,
        })
    }
}

#[async_trait]
impl TextFetch for HttpFetch {
    async fn fetch_text(&self, url: &str) -> Result<String, FetchError> {
        let unreachable = |e: reqwest::Error| FetchError::Unreachable {
            url: url.to_owned(),
            reason: e.to_string(),
        };
        let mut response = self.client.get(url).send().await.map_err(unreachable)?;
        if !response.status().is_success() {
            return Err(FetchError::Status {
                url: url.to_owned(),
                status: response.status().as_u16(),
            });
        }
        let mut body = Vec::new();
        while let Some(chunk) = response.chunk().await.map_err(unreachable)? {
            body.extend_from_slice(&chunk);
            if body.len() > MAX_BYTES {
                return Err(FetchError::Invalid {
                    url: url.to_owned(),
                    reason: format!("more than {} MiB", MAX_BYTES / 1024 / 1024),
                });
            }
        }
        String::from_utf8(body).map_err(|_| FetchError::Invalid {
            url: url.to_owned(),
            reason: "not UTF-8 text".into(),
        })
    }
}
