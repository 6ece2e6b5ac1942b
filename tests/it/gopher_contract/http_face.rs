//! The contract suite against the production HTTP adapter talking, over loopback, to the
//! simulator's HTTP face: every call crosses the wire, lists are read in pages of
//! [`PAGE_SIZE`], faults go through `/_sim/faults`, and the guest's bootstrap is a real fetch of
//! the bootstrap URL.

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use nimbus::adapters::clock::ManualClock;
use nimbus::adapters::gopher::http::{HttpGopher, HttpGopherOptions};
use nimbus::adapters::gopher::sim::{FaultId, GopherFault, GopherHttpFace, SimGopher};
use nimbus::ports::tunnel_gateway::{CreatedMachine, GatewayError, TunnelGateway};

use super::{DOMAIN, Harness, KEY, contracts, expect_err};

/// Small, so a few machines span several pages.
const PAGE_SIZE: u32 = 7;

pub struct HttpHarness {
    face: GopherHttpFace,
    gateway: HttpGopher,
    control: reqwest::Client,
}

impl HttpHarness {
    pub async fn new() -> Self {
        let start: DateTime<Utc> = DateTime::from_timestamp(1_800_000_000, 0).expect("instant");
        let sim = SimGopher::new(KEY, DOMAIN, Arc::new(ManualClock::new(start)));
        let face = GopherHttpFace::start(sim, SocketAddr::from(([127, 0, 0, 1], 0)))
            .await
            .expect("HTTP face starts");
        let gateway = Self::client(&face, KEY, Duration::from_secs(10));
        Self {
            face,
            gateway,
            control: reqwest::Client::new(),
        }
    }

    fn client(face: &GopherHttpFace, key: &str, timeout: Duration) -> HttpGopher {
        let mut options = HttpGopherOptions::new(face.base_url(), key);
        options.page_size = PAGE_SIZE;
        options.timeout = timeout;
        HttpGopher::new(options).expect("HTTP adapter")
    }

    fn control_url(&self, path: &str) -> String {
        format!("http://{}{path}", self.face.addr())
    }
}

#[async_trait]
impl Harness for HttpHarness {
    fn gateway(&self) -> &dyn TunnelGateway {
        &self.gateway
    }

    fn with_key(&self, key: &str) -> Box<dyn TunnelGateway> {
        Box::new(Self::client(&self.face, key, Duration::from_secs(10)))
    }

    async fn inject(&self, fault: GopherFault) -> FaultId {
        let answer: serde_json::Value = self
            .control
            .post(self.control_url("/_sim/faults"))
            .json(&fault)
            .send()
            .await
            .expect("control answers")
            .json()
            .await
            .expect("fault id");
        FaultId(answer["id"].as_u64().expect("numeric id"))
    }

    async fn clear(&self, id: FaultId) {
        let status = self
            .control
            .delete(self.control_url(&format!("/_sim/faults/{}", id.0)))
            .send()
            .await
            .expect("control answers")
            .status();
        assert!(status.is_success(), "clear answered {status}");
    }

    async fn run_bootstrap(&self, created: &CreatedMachine, name: &str) {
        let mut url = url::Url::parse(created.bootstrap_url.expose()).expect("bootstrap URL");
        assert_eq!(
            url.host_str(),
            Some("127.0.0.1"),
            "the bootstrap URL points at the face"
        );
        url.query_pairs_mut().append_pair("name", name);
        let response = self.control.get(url).send().await.expect("bootstrap answers");
        assert!(
            response.status().is_success(),
            "bootstrap answered {}",
            response.status()
        );
        let script = response.text().await.expect("script");
        assert!(script.starts_with("#!/bin/sh"), "{script}");
        assert!(script.contains("GOPHER_MACHINE_NAME"), "{script}");
        assert!(script.contains("GOPHER_SSH_USER"), "{script}");
    }
}

macro_rules! http_tests {
    ($($module:ident :: $name:ident),* $(,)?) => {
        $(
            #[tokio::test]
            async fn $name() {
                let h = HttpHarness::new().await;
                super::$module::$name(&h).await;
            }
        )*
    };
}

contracts!(http_tests);

#[tokio::test]
async fn a_gateway_slower_than_the_deadline_is_unavailable_naming_the_deadline() {
    let h = HttpHarness::new().await;
    let id = h.inject(GopherFault::Slow { delay_ms: 5_000 }).await;
    let impatient = HttpHarness::client(&h.face, KEY, Duration::from_millis(200));
    let e = expect_err(impatient.machines().await, "slow list");
    assert!(
        matches!(&e, GatewayError::Unavailable(m) if m.contains("within 0.2 s")),
        "{e:?}"
    );
    h.clear(id).await;
    assert!(impatient.machines().await.expect("fast again").is_empty());
}

#[tokio::test]
async fn an_unknown_bootstrap_token_is_not_found_and_connects_nothing() {
    let h = HttpHarness::new().await;
    let created = h.gateway.create_machine(false).await.expect("create");
    let response = h
        .control
        .get(h.control_url("/bootstrap/not-a-token"))
        .send()
        .await
        .expect("answers");
    assert_eq!(response.status(), 404);
    let machine = h.gateway.machine(&created.machine.id).await.expect("get");
    assert_eq!(machine.status.as_wire(), "pending");
}

#[tokio::test]
async fn a_url_without_a_host_or_an_empty_key_is_refused_naming_the_setting() {
    let e = HttpGopher::new(HttpGopherOptions::new(
        url::Url::parse("ftp://gopher.test").expect("url"),
        KEY,
    ))
    .expect_err("ftp");
    assert!(
        matches!(&e, GatewayError::Invalid(m) if m.contains("GOPHER_API_URL")),
        "{e:?}"
    );
    let e = HttpGopher::new(HttpGopherOptions::new(
        url::Url::parse("http://127.0.0.1:1").expect("url"),
        " ",
    ))
    .expect_err("empty key");
    assert!(
        matches!(&e, GatewayError::Invalid(m) if m.contains("GOPHER_API_KEY")),
        "{e:?}"
    );
}

#[tokio::test]
async fn a_gateway_that_is_not_listening_is_unavailable_naming_the_url() {
    let h = HttpHarness::new().await;
    let url = h.face.base_url();
    h.face.stop().await;
    let gateway = HttpGopher::new(HttpGopherOptions::new(url.clone(), KEY)).expect("adapter");
    let e = expect_err(gateway.machines().await, "nobody listening");
    let shown = url.as_str().trim_end_matches('/');
    assert!(
        matches!(&e, GatewayError::Unavailable(m) if m.contains(shown) && m.contains("GOPHER_API_URL")),
        "{e:?}"
    );
}
