//! The session cookie: its name (`__Host-nimbus_session` under an https `APP_URL`, otherwise
//! `nimbus_session`), how it is written for one request (`Secure` by `APP_URL`, or without it by a
//! trusted proxy's `X-Forwarded-Proto`), and reading cookies off a request.

use poem::http::header;
use poem::{FromRequest, Request, RequestBody, Result};

use super::auth::request_is_https;

/// The session cookie, when the portal's public URL is not https.
pub const SESSION_COOKIE: &str = "nimbus_session";
/// The session cookie when the public URL (`APP_URL`) is https. Browsers keep a `__Host-` cookie
/// only when it is Secure, for `Path=/` and without `Domain`, so no other host can plant one.
pub const HOST_SESSION_COOKIE: &str = "__Host-nimbus_session";

/// How cookies are written, as configured.
#[derive(Debug, Clone, Copy)]
pub struct CookiePolicy {
    /// Whether the portal's public URL (`APP_URL`) is https; `None` when it is unset, so each
    /// request's scheme (https only when a trusted proxy says so) decides `Secure`.
    pub public_https: Option<bool>,
    /// `Max-Age` in seconds: the session's absolute lifetime.
    pub max_age_secs: u64,
}

impl CookiePolicy {
    /// The session cookie's name: `__Host-nimbus_session` under an https `APP_URL`.
    pub fn session_name(&self) -> &'static str {
        if self.public_https == Some(true) {
            HOST_SESSION_COOKIE
        } else {
            SESSION_COOKIE
        }
    }
}

/// The cookie policy as it applies to one request: `Secure` when `APP_URL` is https or, without
/// `APP_URL`, when a trusted proxy received the request over https.
#[derive(Debug, Clone, Copy)]
pub struct SessionCookies {
    name: &'static str,
    secure: bool,
    max_age_secs: u64,
}

impl SessionCookies {
    /// Whether cookies set in this answer carry `Secure`.
    pub fn secure(&self) -> bool {
        self.secure
    }

    fn secure_attr(&self) -> &'static str {
        if self.secure { "; Secure" } else { "" }
    }

    pub fn set(&self, secret: &str) -> String {
        format!(
            "{}={secret}; Path=/; HttpOnly; SameSite=Lax; Max-Age={}{}",
            self.name,
            self.max_age_secs,
            self.secure_attr()
        )
    }

    pub fn clear(&self) -> String {
        format!(
            "{}=; Path=/; HttpOnly; SameSite=Lax; Max-Age=0{}",
            self.name,
            self.secure_attr()
        )
    }
}

impl<'a> FromRequest<'a> for SessionCookies {
    async fn from_request(req: &'a Request, _body: &mut RequestBody) -> Result<Self> {
        let policy = req.data::<CookiePolicy>().copied().unwrap_or(CookiePolicy {
            public_https: None,
            max_age_secs: 0,
        });
        Ok(Self {
            name: policy.session_name(),
            secure: policy.public_https.unwrap_or_else(|| request_is_https(req)),
            max_age_secs: policy.max_age_secs,
        })
    }
}

/// The value of the session cookie, if the request carries one (under the configured name only).
pub fn session_cookie(req: &Request) -> Option<String> {
    let name = req
        .data::<CookiePolicy>()
        .map_or(SESSION_COOKIE, CookiePolicy::session_name);
    cookie(req, name)
}

/// The value of the cookie `wanted`, if the request carries it.
pub fn cookie(req: &Request, wanted: &str) -> Option<String> {
    req.headers()
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(name, value)| *name == wanted && !value.is_empty())
        .map(|(_, value)| value.to_string())
}
