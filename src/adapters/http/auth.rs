//! How the API learns who is calling: the session cookie or an `Authorization: Bearer` API
//! token, resolved once per request by the [`SignedIn`] and [`AdminOnly`] extractors (which also
//! declare the two security schemes in the spec). Also the client's address and scheme (believed
//! from trusted proxies only); the session cookie is in `cookies`, the CSRF guard in `csrf`.

use std::sync::Arc;

use poem::http::{Method, StatusCode, header};
use poem::{FromRequest, Request, RequestBody, Result};
use poem_openapi::registry::{MetaSecurityScheme, Registry};
use poem_openapi::{ApiExtractor, ApiExtractorType, ExtractParamOptions};

pub use super::cookies::{CookiePolicy, SESSION_COOKIE, SessionCookies, cookie, session_cookie};
use super::envelope::ErrorBody;
use crate::app::access_code::AccessGate;
use crate::app::accounts::{AccountService, AuthOutcome, AuthRejection, Caller, ClientInfo, Credential};

const SESSION_SCHEME: &str = "session";
const TOKEN_SCHEME: &str = "token";

/// The bearer token of `Authorization`, if any.
pub(super) fn bearer(req: &Request) -> Option<String> {
    let value = req.headers().get(header::AUTHORIZATION)?.to_str().ok()?;
    let (scheme, token) = value.trim().split_once(' ')?;
    scheme.eq_ignore_ascii_case("bearer").then(|| token.trim().to_string())
}

/// The credentials a request presents: a bearer token wins over the cookie.
pub fn credential(req: &Request) -> Option<Credential> {
    bearer(req)
        .map(Credential::Bearer)
        .or_else(|| session_cookie(req).map(Credential::Session))
}

/// The reverse proxies whose `X-Forwarded-For` header is believed.
#[derive(Debug, Clone, Default)]
pub struct TrustedProxies(pub Vec<ipnet::IpNet>);

impl TrustedProxies {
    fn trusts(&self, ip: &std::net::IpAddr) -> bool {
        self.0.iter().any(|net| net.contains(ip))
    }

    /// The client's address: the TCP peer, or — when the peer is a trusted proxy — the
    /// right-most `X-Forwarded-For` entry that is not itself a trusted proxy.
    pub fn client(&self, peer: Option<std::net::IpAddr>, forwarded: &[&str]) -> Option<std::net::IpAddr> {
        let peer = peer?;
        if !self.trusts(&peer) {
            return Some(peer);
        }
        let hops: Vec<std::net::IpAddr> = forwarded
            .iter()
            .flat_map(|v| v.split(','))
            .filter_map(|hop| hop.trim().parse().ok())
            .collect();
        hops.iter().rev().find(|ip| !self.trusts(ip)).copied().or(Some(peer))
    }
}

/// Whether the browser used https: only a trusted proxy's `X-Forwarded-Proto` can say so (Nimbus
/// itself serves plain http). With several values the right-most counts, the one the proxy
/// next to Nimbus wrote.
pub fn request_is_https(req: &Request) -> bool {
    let peer = req.remote_addr().as_socket_addr().map(|a| a.ip());
    let proxies = req.data::<TrustedProxies>().cloned().unwrap_or_default();
    if !peer.is_some_and(|ip| proxies.trusts(&ip)) {
        return false;
    }
    req.headers()
        .get_all("x-forwarded-proto")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .next_back()
        .is_some_and(|proto| proto.trim().eq_ignore_ascii_case("https"))
}

/// Where the request came from (the TCP peer, or the client behind a trusted proxy) and its
/// user agent.
pub fn client_info(req: &Request) -> ClientInfo {
    let peer = req.remote_addr().as_socket_addr().map(|a| a.ip());
    let forwarded: Vec<&str> = req
        .headers()
        .get_all("x-forwarded-for")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .collect();
    let proxies = req.data::<TrustedProxies>().cloned().unwrap_or_default();
    let ip = proxies.client(peer, &forwarded).map(|ip| ip.to_string());
    let user_agent = req
        .headers()
        .get(header::USER_AGENT)
        .and_then(|v| v.to_str().ok())
        .map(|ua| ua.chars().take(200).collect());
    ClientInfo { ip, user_agent }
}

fn refuse(status: StatusCode, body: ErrorBody) -> poem::Error {
    poem::Error::from_response(body.into_response(status))
}

fn service(req: &Request) -> Result<&Arc<AccountService>> {
    req.data::<Arc<AccountService>>()
        .ok_or_else(|| refuse(StatusCode::INTERNAL_SERVER_ERROR, ErrorBody::internal()))
}

fn rejection(r: &AuthRejection) -> (StatusCode, &'static str) {
    match r {
        AuthRejection::SessionEnded => (StatusCode::UNAUTHORIZED, "session_expired"),
        AuthRejection::TokenInvalid => (StatusCode::UNAUTHORIZED, "token_invalid"),
        AuthRejection::TokenExpired(_) => (StatusCode::UNAUTHORIZED, "token_expired"),
        AuthRejection::AccountDisabled => (StatusCode::FORBIDDEN, "account_disabled"),
    }
}

/// Resolves the caller or refuses the request with the reason.
async fn resolve(req: &Request) -> Result<Caller> {
    let accounts = service(req)?;
    let outcome = accounts.authenticate(credential(req).as_ref()).await.map_err(|e| {
        tracing::error!(error = %e, "authentication failed");
        refuse(StatusCode::INTERNAL_SERVER_ERROR, ErrorBody::internal())
    })?;
    let caller = match outcome {
        AuthOutcome::Caller(caller) => Caller {
            ip: client_info(req).ip,
            ..*caller
        },
        AuthOutcome::Anonymous => {
            return Err(refuse(
                StatusCode::UNAUTHORIZED,
                ErrorBody::new(
                    "not_signed_in",
                    "Sign in first. Scripts can send an API token as 'Authorization: Bearer <token>'.",
                ),
            ));
        }
        AuthOutcome::Rejected(reason) => {
            let (status, code) = rejection(&reason);
            return Err(refuse(status, ErrorBody::new(code, reason.to_string())));
        }
    };
    let reads = [Method::GET, Method::HEAD, Method::OPTIONS];
    if caller.read_only() && !reads.contains(req.method()) {
        return Err(refuse(
            StatusCode::FORBIDDEN,
            ErrorBody::new(
                "read_only_token",
                "This API token is read-only: it can read but not change anything. Use a read-write token.",
            ),
        ));
    }
    Ok(caller)
}

fn register_schemes(registry: &mut Registry) {
    registry.create_security_scheme(
        SESSION_SCHEME,
        MetaSecurityScheme {
            ty: "apiKey",
            description: Some(
                "The browser session cookie set by sign-in (named `__Host-nimbus_session` when the portal's public \
                 URL is https).",
            ),
            name: Some(SESSION_COOKIE),
            key_in: Some("cookie"),
            scheme: None,
            bearer_format: None,
            flows: None,
            openid_connect_url: None,
        },
    );
    registry.create_security_scheme(
        TOKEN_SCHEME,
        MetaSecurityScheme {
            ty: "http",
            description: Some("A personal API token (Account → API tokens), sent as 'Authorization: Bearer nimbus_…'."),
            name: None,
            key_in: None,
            scheme: Some("bearer"),
            bearer_format: Some("nimbus_…"),
            flows: None,
            openid_connect_url: None,
        },
    );
}

macro_rules! caller_extractor {
    ($(#[$doc:meta])* $name:ident, $check:expr) => {
        $(#[$doc])*
        pub struct $name(pub Caller);

        impl<'a> ApiExtractor<'a> for $name {
            const TYPES: &'static [ApiExtractorType] = &[ApiExtractorType::SecurityScheme];
            type ParamType = ();
            type ParamRawType = ();

            fn register(registry: &mut Registry) {
                register_schemes(registry);
            }

            fn security_schemes() -> Vec<&'static str> {
                vec![SESSION_SCHEME, TOKEN_SCHEME]
            }

            async fn from_request(
                req: &'a Request,
                _body: &mut RequestBody,
                _opts: ExtractParamOptions<Self::ParamType>,
            ) -> Result<Self> {
                let caller = resolve(req).await?;
                let check: fn(&Request, &Caller) -> Result<()> = $check;
                check(req, &caller)?;
                Ok(Self(caller))
            }
        }
    };
}

/// Refuses members who have not entered the current access code (when the gate is on).
fn gate(req: &Request, caller: &Caller) -> Result<()> {
    match req.data::<Arc<AccessGate>>() {
        Some(gate) if gate.blocks(caller) => Err(refuse(
            StatusCode::FORBIDDEN,
            ErrorBody::new(
                "access_code_required",
                "Enter the access code your admins shared before going on (it changes from time to time).",
            ),
        )),
        _ => Ok(()),
    }
}

caller_extractor!(
    /// Any signed-in caller (session or token) who has passed the access-code gate.
    SignedIn,
    gate
);

caller_extractor!(
    /// A signed-in caller with full credentials: a session or a read-write token (not a
    /// read-only token, even for a read), past the access-code gate. For reads that hand out
    /// secrets, such as private keys.
    FullCredential,
    |req, caller| {
        if caller.read_only() {
            return Err(refuse(
                StatusCode::FORBIDDEN,
                ErrorBody::new(
                    "read_only_token",
                    "A read-only API token cannot download private keys. Sign in, or use a read-write token.",
                ),
            ));
        }
        gate(req, caller)
    }
);

caller_extractor!(
    /// Any signed-in caller, whether or not they passed the access-code gate (their own account
    /// basics and the gate itself).
    SignedInUngated,
    |_, _| Ok(())
);

caller_extractor!(
    /// A signed-in admin; members get 403 `admin_required`.
    AdminOnly,
    |_, caller| {
        if caller.is_admin() {
            Ok(())
        } else {
            Err(refuse(
                StatusCode::FORBIDDEN,
                ErrorBody::new("admin_required", "Only admins of this Nimbus can do this."),
            ))
        }
    }
);

/// The caller when there is a valid one, otherwise nothing (for public routes that show more
/// to admins). Not a security scheme: it never refuses.
pub struct MaybeCaller(pub Option<Caller>);

impl<'a> FromRequest<'a> for MaybeCaller {
    async fn from_request(req: &'a Request, _body: &mut RequestBody) -> Result<Self> {
        Ok(Self(resolve(req).await.ok()))
    }
}

#[cfg(test)]
mod tests {
    use std::net::IpAddr;

    use super::TrustedProxies;

    fn ip(text: &str) -> IpAddr {
        text.parse().unwrap()
    }

    #[test]
    fn forwarded_for_is_believed_only_from_a_trusted_proxy() {
        let proxies = TrustedProxies(vec!["127.0.0.1/32".parse().unwrap(), "10.9.0.0/16".parse().unwrap()]);
        let client = |peer: &str, xff: &[&str]| proxies.client(Some(ip(peer)), xff).unwrap().to_string();
        assert_eq!(
            client("127.0.0.5", &["198.51.100.7"]),
            "127.0.0.5",
            "an untrusted peer is the client"
        );
        assert_eq!(client("127.0.0.1", &["198.51.100.7"]), "198.51.100.7");
        assert_eq!(
            client("127.0.0.1", &["203.0.113.1, 198.51.100.7, 10.9.1.1"]),
            "198.51.100.7",
            "the right-most hop that is not a proxy: earlier hops could be forged by the client"
        );
        assert_eq!(client("127.0.0.1", &["garbage"]), "127.0.0.1");
        assert_eq!(client("127.0.0.1", &[]), "127.0.0.1");
        assert_eq!(
            TrustedProxies::default()
                .client(Some(ip("127.0.0.1")), &["198.51.100.7"])
                .unwrap()
                .to_string(),
            "127.0.0.1"
        );
    }
}
