//! The contract suite run against the production HTTP adapter talking, over loopback HTTPS, to
//! the simulator's REST face: the same cluster, profile, seed and manual clock as `sim_face`, but
//! every call crosses the wire in both directions, and faults and the LAN go through `/_sim/`.
//! Run twice: with PVE 8.4's error bodies and with the older ones that carry the text only in
//! the reason phrase.

use std::net::{IpAddr, SocketAddr};
use std::sync::Arc;

use async_trait::async_trait;
use chrono::{DateTime, Duration, Utc};
use nimbus::adapters::clock::ManualClock;
use nimbus::adapters::proxmox::http::{HttpProxmox, HttpProxmoxOptions, TlsTrust};
use nimbus::adapters::proxmox::rest::{ApiToken, ErrorFormat, Recorder, RestFace, RestFaceOptions};
use nimbus::adapters::proxmox::sim::{Fault, FaultId, FaultScope, Profile, Scenario, SimCluster};
use nimbus::ports::proxmox::{Proxmox, ProxmoxAccess};
use serde_json::{Value, json};

use super::{Harness, HarnessKind, contracts};

const SEED: u64 = 0x5EED_2026;

fn start_instant() -> DateTime<Utc> {
    DateTime::parse_from_rfc3339("2026-01-01T00:00:00Z")
        .expect("fixed instant")
        .with_timezone(&Utc)
}

/// A REST face on a free loopback port, and the HTTP adapter pointed at it.
pub struct HttpHarness {
    pub face: RestFace,
    pub proxmox: HttpProxmox,
    clock: Arc<ManualClock>,
    control: reqwest::Client,
}

impl HttpHarness {
    pub async fn new(kind: HarnessKind, format: ErrorFormat) -> Self {
        let scenario = kind.scenario();
        Self::with(scenario, Profile::Bench, format, None).await
    }

    pub async fn with(scenario: Scenario, profile: Profile, format: ErrorFormat, recorder: Option<Recorder>) -> Self {
        let clock = Arc::new(ManualClock::new(start_instant()));
        let cluster = SimCluster::new(scenario, profile, SEED, clock.clone());
        let listen = SocketAddr::from(([127, 0, 0, 1], 0));
        let mut options = RestFaceOptions::new(listen, ApiToken::random());
        options.error_format = format;
        options.recorder = recorder;
        let face = RestFace::start(cluster, options).await.expect("REST face starts");
        let fingerprint = TlsTrust::parse_fingerprint(face.fingerprint()).expect("fingerprint");
        let mut client = HttpProxmoxOptions::new(
            face.base_url(),
            face.token().token_id.clone(),
            face.token().secret.clone(),
        );
        client.tls = TlsTrust::Fingerprint(fingerprint);
        let proxmox = HttpProxmox::new(client).expect("HTTP adapter");
        let control = reqwest::Client::builder()
            .danger_accept_invalid_certs(true)
            .build()
            .expect("control client");
        Self {
            face,
            proxmox,
            clock,
            control,
        }
    }

    fn sim_url(&self, path: &str) -> String {
        format!("{}_sim{path}", self.face.base_url())
    }
}

#[async_trait]
impl Harness for HttpHarness {
    fn proxmox(&self) -> &dyn Proxmox {
        &self.proxmox
    }

    fn access(&self) -> &dyn ProxmoxAccess {
        &self.proxmox
    }

    async fn as_token(&self, full_id: &str, secret: &str) -> (Arc<dyn Proxmox>, Arc<dyn ProxmoxAccess>) {
        let fingerprint = TlsTrust::parse_fingerprint(self.face.fingerprint()).expect("fingerprint");
        let mut options = HttpProxmoxOptions::new(self.face.base_url(), full_id, secret);
        options.tls = TlsTrust::Fingerprint(fingerprint);
        let face = Arc::new(HttpProxmox::new(options).expect("HTTP adapter"));
        (face.clone(), face)
    }

    async fn advance(&self, by: Duration) {
        self.clock.advance(by);
    }

    async fn inject(&self, fault: Fault, scope: FaultScope) -> FaultId {
        let response = self
            .control
            .post(self.sim_url("/faults"))
            .json(&json!({ "fault": fault, "scope": scope }))
            .send()
            .await
            .expect("POST /_sim/faults");
        assert_eq!(response.status().as_u16(), 201, "inject {fault:?}");
        let body: Value = response.json().await.expect("fault id");
        FaultId(body["id"].as_u64().expect("numeric id"))
    }

    async fn clear(&self, id: FaultId) {
        let response = self
            .control
            .delete(self.sim_url(&format!("/faults/{}", id.0)))
            .send()
            .await
            .expect("DELETE /_sim/faults/{id}");
        assert!(response.status().is_success(), "clear {id:?}");
    }

    async fn lan_answers(&self, ip: IpAddr, port: u16) -> bool {
        let response = self
            .control
            .get(self.sim_url(&format!("/lan?ip={ip}&port={port}")))
            .send()
            .await
            .expect("GET /_sim/lan");
        let body: Value = response.json().await.expect("LAN answer");
        body["answers"].as_bool().expect("boolean answer")
    }
}

macro_rules! http_tests {
    ($($module:ident :: $name:ident : $kind:ident),* $(,)?) => {
        mod modern {
            use super::*;
            $(
                #[tokio::test]
                async fn $name() {
                    let h = HttpHarness::new(HarnessKind::$kind, ErrorFormat::Modern).await;
                    super::super::$module::$name(&h).await;
                    h.face.stop().await;
                }
            )*
        }
        mod legacy_errors {
            use super::*;
            $(
                #[tokio::test]
                async fn $name() {
                    let h = HttpHarness::new(HarnessKind::$kind, ErrorFormat::Legacy).await;
                    super::super::$module::$name(&h).await;
                    h.face.stop().await;
                }
            )*
        }
    };
}

contracts!(http_tests);
