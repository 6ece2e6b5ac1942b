//! The cross-process guest network of `nimbus sim-proxmox --gopher URL`: a guest's Gopher
//! bootstrap fetches `BOOTSTRAP_URL?name=NAME&user=USER` from a `nimbus sim-gopher` over HTTP,
//! which registers and connects the machine, and "runs" the script it gets: what it prints is
//! the script's `echo` lines with `$GOPHER_MACHINE_NAME`, `$GOPHER_SSH_USER` and `$SSH_USER`
//! put in (the simulated gateway's script echoes Gopher's `… Tunnel port: PORT` line so).
//!
//! Nothing leaves the machine: only a bootstrap URL with the same origin (scheme, host, port)
//! as the gateway's URL, on a loopback host (127.0.0.0/8 or `localhost`), is fetched; any other
//! fails as curl does when it cannot connect (exit 7), without a connection attempt.

use std::time::Duration;

use async_trait::async_trait;

use super::bootstrap_script::words;
use super::guest_network::{GuestFailure, GuestNetwork};

/// curl's `--max-time 60` in the bootstrap command.
const MAX_TIME: Duration = Duration::from_secs(60);

/// Guests reaching one Gopher gateway over HTTP on loopback.
#[derive(Debug, Clone)]
pub struct HttpGuestNetwork {
    gateway: url::Url,
    client: reqwest::Client,
}

/// Whether `url`'s host is on this machine's loopback: 127.0.0.0/8 or `localhost`.
fn loopback(url: &url::Url) -> bool {
    match url.host() {
        Some(url::Host::Domain(name)) => name.eq_ignore_ascii_case("localhost"),
        Some(url::Host::Ipv4(ip)) => ip.is_loopback(),
        _ => false,
    }
}

impl HttpGuestNetwork {
    /// Guests whose bootstrap URLs are fetched from the gateway at `gateway`.
    ///
    /// # Errors
    /// `gateway` is not an `http`/`https` URL on 127.0.0.0/8 or `localhost` (the guests may
    /// reach nothing else), or the HTTP client cannot be built.
    pub fn new(gateway: &url::Url) -> Result<Self, String> {
        if !matches!(gateway.scheme(), "http" | "https") || !loopback(gateway) {
            return Err(format!(
                "{gateway} is not an http(s) URL on 127.0.0.0/8 or localhost; give the URL `nimbus sim-gopher` \
                 printed (listening: …)"
            ));
        }
        let client = reqwest::Client::builder()
            .no_proxy()
            .timeout(MAX_TIME)
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .map_err(|e| format!("cannot build the guests' HTTP client: {e}"))?;
        Ok(Self {
            gateway: gateway.clone(),
            client,
        })
    }

    /// Whether a guest may fetch `url`: the gateway's origin, on loopback.
    fn reachable(&self, url: &url::Url) -> bool {
        url.origin() == self.gateway.origin() && loopback(url)
    }
}

#[async_trait]
impl GuestNetwork for HttpGuestNetwork {
    async fn run_gopher_bootstrap(&self, url: &str, name: &str, user: &str) -> Result<String, GuestFailure> {
        let parsed = url::Url::parse(url).map_err(|_| GuestFailure::malformed())?;
        if !self.reachable(&parsed) {
            return Err(GuestFailure::cannot_connect(url));
        }
        let mut fetch = parsed;
        fetch
            .query_pairs_mut()
            .append_pair("name", name)
            .append_pair("user", user);
        let response = self.client.get(fetch).send().await.map_err(|e| {
            if e.is_timeout() {
                GuestFailure::timed_out()
            } else if e.is_connect() {
                GuestFailure::cannot_connect(url)
            } else {
                GuestFailure::empty_reply()
            }
        })?;
        let status = response.status();
        if !status.is_success() {
            return Err(GuestFailure::http_error(status.as_u16()));
        }
        let script = response.text().await.map_err(|_| GuestFailure::receive_failed())?;
        Ok(echoed(&script, name, user))
    }
}

/// What `script` prints when run as machine `name` with SSH user `user`: its `echo` lines,
/// quotes undone and the machine's variables put in.
fn echoed(script: &str, name: &str, user: &str) -> String {
    let mut out = String::new();
    for line in script.lines() {
        let Some(w) = words(line) else { continue };
        if w.first().is_none_or(|w| w.value != "echo") {
            continue;
        }
        let text: Vec<&str> = w[1..].iter().map(|w| w.value.as_str()).collect();
        let text = text
            .join(" ")
            .replace("${GOPHER_MACHINE_NAME}", name)
            .replace("$GOPHER_MACHINE_NAME", name)
            .replace("${GOPHER_SSH_USER}", user)
            .replace("$GOPHER_SSH_USER", user)
            .replace("${SSH_USER}", user)
            .replace("$SSH_USER", user);
        out.push_str(&text);
        out.push('\n');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn network(gateway: &str) -> HttpGuestNetwork {
        HttpGuestNetwork::new(&gateway.parse().unwrap()).unwrap()
    }

    #[test]
    fn the_gateway_must_be_on_loopback() {
        for bad in [
            "http://10.0.0.1:8080",
            "http://gopher.example",
            "ftp://127.0.0.1",
            "http://[::2]:1",
        ] {
            let err = HttpGuestNetwork::new(&bad.parse().unwrap()).unwrap_err();
            assert!(err.contains("127.0.0.0/8"), "{bad}: {err}");
        }
        network("http://127.0.0.1:9");
        network("http://localhost:9");
    }

    #[tokio::test]
    async fn a_url_off_the_gateway_s_origin_fails_like_curl_without_connecting() {
        let net = network("http://127.0.0.1:9");
        for url in [
            "http://127.0.0.1:10/bootstrap/t",
            "https://127.0.0.1:9/bootstrap/t",
            "http://127.0.0.2:9/bootstrap/t",
            "http://gopher.example:9/bootstrap/t",
        ] {
            let err = net.run_gopher_bootstrap(url, "web", "u").await.unwrap_err();
            assert_eq!(err.exit_code, 7, "{url}");
            assert!(
                err.stderr.starts_with("curl: (7) Failed to connect to "),
                "{url}: {}",
                err.stderr
            );
        }
        let err = net.run_gopher_bootstrap("not a url", "web", "u").await.unwrap_err();
        assert_eq!(err.exit_code, 3);
    }

    #[test]
    fn the_script_s_echo_lines_are_printed_with_the_machine_s_variables() {
        let script = "#!/bin/sh\nset -eu\nSSH_USER=\"${GOPHER_SSH_USER:-$(id -un)}\"\n\
                      echo \"Machine '$GOPHER_MACHINE_NAME' registered as '$SSH_USER'. Tunnel port: 22001\"\n";
        assert_eq!(
            echoed(script, "web-1", "ubuntu"),
            "Machine 'web-1' registered as 'ubuntu'. Tunnel port: 22001\n"
        );
    }
}
