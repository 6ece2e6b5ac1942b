//! TLS trust modes against a real handshake with a self-signed certificate on 127.0.0.1, the
//! token header, fingerprint parsing and reading, and redirects (never followed).

use serde_json::json;

use super::server::{Answer, TestServer};
use crate::adapters::proxmox::http::{
    FingerprintError, HttpProxmox, HttpProxmoxOptions, ProxmoxAddress, TlsTrust, fetch_fingerprint,
};
use crate::ports::proxmox::{Proxmox, ProxmoxError, PveVersion};

async fn version_server() -> TestServer {
    TestServer::start(|_| Answer::data(json!({"version": "8.4.1", "release": "8.4", "repoid": "x"}))).await
}

fn expected_version() -> PveVersion {
    PveVersion {
        version: "8.4.1".into(),
        release: "8.4".into(),
        repoid: "x".into(),
    }
}

#[tokio::test]
async fn accept_any_trusts_a_self_signed_certificate_and_sends_the_token() {
    let server = version_server().await;
    let pve = HttpProxmox::new(server.options(TlsTrust::AcceptAny)).expect("client");
    assert_eq!(pve.version().await.expect("version"), expected_version());
    let seen = server.requests();
    assert_eq!(seen.len(), 1);
    assert_eq!(seen[0].method, "GET");
    assert_eq!(seen[0].target, "/api2/json/version");
    assert_eq!(
        seen[0].header("authorization").as_deref(),
        Some("PVEAPIToken=root@pam!nimbus=secret")
    );
}

#[tokio::test]
async fn the_pinned_fingerprint_of_the_server_certificate_is_accepted() {
    let server = version_server().await;
    let text = TlsTrust::fingerprint_text(&server.fingerprint());
    let pin = TlsTrust::parse_fingerprint(&text).expect("fingerprint");
    let pve = HttpProxmox::new(server.options(TlsTrust::Fingerprint(pin))).expect("client");
    assert_eq!(pve.version().await.expect("version"), expected_version());
}

#[tokio::test]
async fn a_wrong_fingerprint_fails_the_handshake_as_unavailable() {
    let server = version_server().await;
    let mut pin = server.fingerprint();
    pin[0] ^= 0xFF;
    let pve = HttpProxmox::new(server.options(TlsTrust::Fingerprint(pin))).expect("client");
    match pve.version().await {
        Err(ProxmoxError::Unavailable(text)) => assert!(text.contains("fingerprint"), "{text}"),
        other => panic!("expected Unavailable, got {other:?}"),
    }
    assert!(server.requests().is_empty(), "no request may pass a refused handshake");
}

#[tokio::test]
async fn a_ca_pem_holding_the_server_certificate_is_trusted_for_its_address() {
    let server = version_server().await;
    let pve = HttpProxmox::new(server.options(TlsTrust::CaPem(server.cert_pem.clone()))).expect("client");
    assert_eq!(pve.version().await.expect("version"), expected_version());
}

#[tokio::test]
async fn a_ca_pem_of_another_certificate_fails_as_unavailable() {
    let server = version_server().await;
    let other = rcgen::generate_simple_self_signed(vec!["127.0.0.1".into()]).expect("cert");
    let pve = HttpProxmox::new(server.options(TlsTrust::CaPem(other.cert.pem()))).expect("client");
    let e = pve.version().await.expect_err("an untrusted certificate");
    assert!(matches!(e, ProxmoxError::Unavailable(_)), "{e:?}");
    assert!(server.requests().is_empty());
}

#[test]
fn a_ca_pem_without_a_certificate_is_refused_when_the_client_is_built() {
    let url: url::Url = "https://127.0.0.1:8006".parse().expect("url");
    for pem in [
        "",
        "not a certificate",
        "-----BEGIN CERTIFICATE-----\n!!!\n-----END CERTIFICATE-----\n",
    ] {
        let mut options = HttpProxmoxOptions::new(url.clone(), "root@pam!nimbus", "secret");
        options.tls = TlsTrust::CaPem(pem.into());
        match HttpProxmox::new(options) {
            Err(ProxmoxError::Unavailable(text)) => assert!(text.contains("CA"), "{text}"),
            other => panic!("{pem:?} gave {other:?}"),
        }
    }
}

#[test]
fn a_base_url_that_is_not_http_or_a_token_that_breaks_the_header_is_refused() {
    let ftp = HttpProxmoxOptions::new("ftp://127.0.0.1".parse().expect("url"), "a@pam!t", "s");
    assert!(matches!(HttpProxmox::new(ftp), Err(ProxmoxError::Unavailable(_))));
    let bad_token = HttpProxmoxOptions::new("https://127.0.0.1:8006".parse().expect("url"), "a@pam!t", "s\nx");
    assert!(matches!(HttpProxmox::new(bad_token), Err(ProxmoxError::Unavailable(_))));
}

#[test]
fn options_debug_output_never_shows_the_secret() {
    let options = HttpProxmoxOptions::new("https://127.0.0.1:8006".parse().expect("url"), "a@pam!t", "s3cr3t");
    let text = format!("{options:?}");
    assert!(!text.contains("s3cr3t"), "{text}");
    assert!(text.contains("a@pam!t"), "{text}");
}

#[test]
fn fingerprints_parse_as_proxmox_shows_them_in_any_case_or_as_plain_hex() {
    let bytes: [u8; 32] = std::array::from_fn(|i| (i as u8).wrapping_mul(37).wrapping_add(5));
    let colon = TlsTrust::fingerprint_text(&bytes);
    assert_eq!(colon.len(), 95);
    assert_eq!(TlsTrust::parse_fingerprint(&colon), Ok(bytes));
    assert_eq!(TlsTrust::parse_fingerprint(&colon.to_lowercase()), Ok(bytes));
    let plain = colon.replace(':', "");
    assert_eq!(TlsTrust::parse_fingerprint(&plain), Ok(bytes));
    assert_eq!(
        TlsTrust::parse_fingerprint(&format!("  {}\n", plain.to_lowercase())),
        Ok(bytes)
    );
    let real = "5F:40:C9:3B:00:11:22:33:44:55:66:77:88:99:AA:BB:CC:DD:EE:FF:01:23:45:67:89:AB:CD:EF:10:32:54:1A";
    let parsed = TlsTrust::parse_fingerprint(real).expect("real fingerprint");
    assert_eq!((parsed[0], parsed[1], parsed[31]), (0x5F, 0x40, 0x1A));
}

#[test]
fn malformed_fingerprints_are_refused() {
    let good = "AA:".repeat(31) + "AA";
    for bad in [
        "".to_owned(),
        "AA".to_owned(),
        good.replacen("AA", "ZZ", 1),
        good.replacen("AA", "A", 1),
        format!("{good}:AA"),
        good[3..].to_owned(),
        "a".repeat(63),
        "a".repeat(66),
        "g".repeat(64),
        good.replace(':', "-"),
    ] {
        assert!(TlsTrust::parse_fingerprint(&bad).is_err(), "{bad:?}");
    }
    assert!(TlsTrust::parse_fingerprint(&good).is_ok());
}

#[tokio::test]
async fn a_redirect_is_never_followed_so_the_token_goes_nowhere_else() {
    let elsewhere = version_server().await;
    let target = format!("{}api2/json/version", elsewhere.url());
    let redirecting = TestServer::start(move |_| {
        let mut answer = Answer::status(302, None, "");
        answer.location = Some(target.clone());
        answer
    })
    .await;
    let pve = HttpProxmox::new(redirecting.options(TlsTrust::AcceptAny)).expect("client");
    let outcome = pve.version().await;
    assert!(outcome.is_err(), "a redirect is not an answer: {outcome:?}");
    assert_eq!(redirecting.requests().len(), 1);
    assert!(elsewhere.requests().is_empty(), "the client followed the redirect");
}

#[tokio::test]
async fn the_fingerprint_read_from_a_server_is_that_of_its_certificate() {
    let server = version_server().await;
    let address = ProxmoxAddress::parse(&server.addr.to_string()).expect("address");
    let seen = fetch_fingerprint(&address, std::time::Duration::from_secs(10))
        .await
        .expect("fingerprint");
    assert_eq!(seen, server.fingerprint());
    assert!(server.requests().is_empty(), "reading the certificate sends no request");
}

#[tokio::test]
async fn reading_a_fingerprint_where_nothing_listens_says_it_cannot_connect() {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    let address = ProxmoxAddress::parse(&listener.local_addr().expect("addr").to_string()).expect("address");
    drop(listener);
    let e = fetch_fingerprint(&address, std::time::Duration::from_secs(10))
        .await
        .expect_err("nobody listens");
    assert!(matches!(e, FingerprintError::Connect { .. }), "{e:?}");
}

#[test]
fn proxmox_addresses_default_to_port_8006_and_accept_urls_and_ipv6() {
    let parsed = |text: &str| {
        let a = ProxmoxAddress::parse(text).unwrap_or_else(|e| panic!("{text}: {e}"));
        (a.host, a.port)
    };
    assert_eq!(parsed("pve1.lan"), ("pve1.lan".into(), 8006));
    assert_eq!(parsed("192.168.1.10:8443"), ("192.168.1.10".into(), 8443));
    assert_eq!(parsed("https://pve1.lan:8006/"), ("pve1.lan".into(), 8006));
    assert_eq!(parsed("[fd00::1]:8007"), ("fd00::1".into(), 8007));
    assert_eq!(parsed("fd00::1"), ("fd00::1".into(), 8006));
    assert_eq!(
        ProxmoxAddress::parse("[fd00::1]").expect("ipv6").to_string(),
        "[fd00::1]:8006"
    );
    for bad in [
        "",
        "pve1:0",
        "pve1:99999",
        "pve1:x",
        "http://pve1",
        "pve 1",
        "[fd00::1",
        "a..b",
    ] {
        assert!(
            matches!(ProxmoxAddress::parse(bad), Err(FingerprintError::BadAddress(_))),
            "{bad:?}"
        );
    }
}
