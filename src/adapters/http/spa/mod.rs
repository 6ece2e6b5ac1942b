//! Serves the React portal embedded in the binary: exact files with their MIME type and caching
//! headers, `index.html` for client-side routes, and a plain explanation when the portal was not
//! built into this binary.

use poem::http::header::{self, HeaderValue};
use poem::http::{Method, StatusCode};
use poem::{Endpoint, Request, Response, Result};
use rust_embed::RustEmbed;

use std::borrow::Cow;

#[derive(RustEmbed)]
#[folder = "frontend/dist/"]
#[allow_missing = true]
struct Assets;

/// One file of the portal.
pub struct Asset {
    pub data: Cow<'static, [u8]>,
    pub mime: String,
    pub sha256: [u8; 32],
}

/// Where the portal's files come from: the binary in production, a map in tests.
pub trait AssetSource: Send + Sync + 'static {
    fn get(&self, path: &str) -> Option<Asset>;
}

/// The files built into the binary (read from `frontend/dist` on disk in debug builds).
pub struct Embedded;

impl AssetSource for Embedded {
    fn get(&self, path: &str) -> Option<Asset> {
        Assets::get(path).map(|f| Asset {
            mime: f.metadata.mimetype().to_string(),
            sha256: f.metadata.sha256_hash(),
            data: f.data,
        })
    }
}

/// The single-page app endpoint.
pub struct Spa<S: AssetSource = Embedded> {
    pub source: S,
}

const NOT_BUILT: &str = "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>Nimbus: portal not built</title>\
<style>body{font-family:system-ui,sans-serif;max-width:40rem;margin:4rem auto;padding:0 1rem;color:#14121C;background:#FCFBFA}\
code{background:#eee;padding:.1rem .3rem;border-radius:4px}</style></head><body>\
<h1>The web portal is not built into this binary</h1>\
<p>Nimbus is running and its API answers under <a href=\"/api/health\"><code>/api</code></a> \
(explorer at <a href=\"/api/docs\"><code>/api/docs</code></a>), but this build has no portal pages.</p>\
<p>Build everything with <code>make build</code>, or build the portal with \
<code>npm --prefix frontend ci &amp;&amp; npm --prefix frontend run build</code> and then rebuild \
the binary with <code>cargo build</code>.</p></body></html>";

/// Whether a path names a file (has an extension in its last segment) rather than a page.
fn looks_like_file(path: &str) -> bool {
    path.rsplit('/').next().is_some_and(|last| last.contains('.'))
}

fn serve(path: &str, file: Asset, req: &Request) -> Response {
    let etag = format!("\"{}\"", hex(&file.sha256[..16]));
    let cache = if path.starts_with("assets/") {
        // Vite puts a content hash in every asset name, so they never change.
        "public, max-age=31536000, immutable"
    } else {
        "no-cache"
    };
    let mut builder = Response::builder()
        .header(header::CACHE_CONTROL, cache)
        .header(header::ETAG, etag.clone());
    let fresh = req
        .headers()
        .get(header::IF_NONE_MATCH)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.split(',').any(|t| t.trim() == etag));
    if fresh {
        return builder.status(StatusCode::NOT_MODIFIED).finish();
    }
    let mime = if file.mime.starts_with("text/") && !file.mime.contains("charset") {
        format!("{}; charset=utf-8", file.mime)
    } else {
        file.mime
    };
    builder = builder.content_type(mime);
    if req.method() == Method::HEAD {
        return builder.header(header::CONTENT_LENGTH, file.data.len()).finish();
    }
    builder.body(file.data.into_owned())
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

impl<S: AssetSource> Endpoint for Spa<S> {
    type Output = Response;

    async fn call(&self, req: Request) -> Result<Response> {
        if req.method() != Method::GET && req.method() != Method::HEAD {
            return Ok(Response::builder()
                .status(StatusCode::METHOD_NOT_ALLOWED)
                .header(header::ALLOW, HeaderValue::from_static("GET, HEAD"))
                .finish());
        }
        let path = req.uri().path().trim_start_matches('/').to_string();
        if !path.is_empty()
            && let Some(file) = self.source.get(&path)
        {
            return Ok(serve(&path, file, &req));
        }
        if looks_like_file(&path) {
            return Ok(Response::builder()
                .status(StatusCode::NOT_FOUND)
                .content_type("text/plain; charset=utf-8")
                .body(format!("Not found: /{path}")));
        }
        match self.source.get("index.html") {
            Some(index) => Ok(serve("index.html", index, &req)),
            None => Ok(Response::builder()
                .status(StatusCode::SERVICE_UNAVAILABLE)
                .header(header::CACHE_CONTROL, "no-cache")
                .header(
                    header::CONTENT_SECURITY_POLICY,
                    "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'",
                )
                .content_type("text/html; charset=utf-8")
                .body(NOT_BUILT)),
        }
    }
}

#[cfg(test)]
mod tests;
