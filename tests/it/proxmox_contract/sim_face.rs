//! The contract suite run against the in-process simulator (`SimCluster`, `Bench` profile, fixed
//! seed, `ManualClock`), plus a replay test: the same seed and script give the same event log.

use std::net::IpAddr;
use std::sync::Arc;

use async_trait::async_trait;
use chrono::{DateTime, Duration, Utc};
use nimbus::adapters::clock::ManualClock;
use nimbus::adapters::proxmox::sim::{
    Caller, Fault, FaultId, FaultScope, Op, Profile, Scenario, SimCluster, SimProxmox,
};
use nimbus::ports::proxmox::{DiskSize, Proxmox, ProxmoxAccess};

use super::{Harness, HarnessKind, PowerOp, clone_request, contracts, id, ip, pve1, set, wait_agent, wait_task};

const SEED: u64 = 0x5EED_2026;

fn start_instant() -> DateTime<Utc> {
    DateTime::parse_from_rfc3339("2026-01-01T00:00:00Z")
        .expect("fixed instant")
        .with_timezone(&Utc)
}

/// A fresh simulated cluster driven by a manual clock.
pub struct SimHarness {
    cluster: SimCluster,
    proxmox: SimProxmox,
    clock: Arc<ManualClock>,
}

impl SimHarness {
    pub fn new(kind: HarnessKind) -> Self {
        let scenario = kind.scenario();
        Self::with(scenario, Profile::Bench, SEED)
    }

    pub fn with(scenario: Scenario, profile: Profile, seed: u64) -> Self {
        let clock = Arc::new(ManualClock::new(start_instant()));
        let cluster = SimCluster::new(scenario, profile, seed, clock.clone());
        let proxmox = cluster.proxmox();
        Self {
            cluster,
            proxmox,
            clock,
        }
    }
}

#[async_trait]
impl Harness for SimHarness {
    fn proxmox(&self) -> &dyn Proxmox {
        &self.proxmox
    }

    fn access(&self) -> &dyn ProxmoxAccess {
        &self.proxmox
    }

    async fn as_token(&self, full_id: &str, secret: &str) -> (Arc<dyn Proxmox>, Arc<dyn ProxmoxAccess>) {
        let face = Arc::new(self.cluster.proxmox_as(Caller::Token {
            id: full_id.to_owned(),
            secret: secret.to_owned(),
        }));
        (face.clone(), face)
    }

    async fn advance(&self, by: Duration) {
        self.clock.advance(by);
    }

    async fn inject(&self, fault: Fault, scope: FaultScope) -> FaultId {
        self.cluster.inject(fault, scope)
    }

    async fn clear(&self, id: FaultId) {
        self.cluster.clear(id);
    }

    async fn lan_answers(&self, ip: IpAddr, port: u16) -> bool {
        self.cluster.lan_answers(ip, port)
    }
}

macro_rules! sim_tests {
    ($($module:ident :: $name:ident : $kind:ident),* $(,)?) => {
        $(
            #[tokio::test]
            async fn $name() {
                let h = SimHarness::new(HarnessKind::$kind);
                super::$module::$name(&h).await;
            }
        )*
    };
}

contracts!(sim_tests);

/// A provisioning-shaped script with a few faults; returns what each step answered.
async fn scripted_run(h: &SimHarness) -> Vec<String> {
    let p = h.proxmox();
    let mut out = Vec::new();
    h.inject(Fault::NextIdCollision, FaultScope::Once).await;
    let taken = p.next_vmid(None).await;
    out.push(format!("nextid {taken:?}"));
    let vmid = p.next_vmid(None).await.expect("nextid");
    out.push(format!("nextid {vmid}"));
    let clone = p.clone_vm(&clone_request("pve1", 9000, vmid.get(), "replay-1")).await;
    out.push(format!("clone {clone:?}"));
    if let Ok(upid) = &clone {
        out.push(format!("clone ended {:?}", wait_task(h, upid).await));
    }
    let change = set(&[("ipconfig0", "ip=127.77.0.50/24,gw=127.77.0.1"), ("cores", "2")]);
    let config = p.update_config(&pve1(), vmid, &change).await;
    if let Ok(upid) = &config {
        out.push(format!("config ended {:?}", wait_task(h, upid).await));
    }
    let fault = Fault::TaskError {
        op: Op::Resize,
        message: "resize failed: replay".into(),
    };
    h.inject(fault, FaultScope::Once).await;
    for size in [DiskSize::Grow(1 << 30), DiskSize::Absolute(20 << 30)] {
        if let Ok(upid) = p.resize_disk(&pve1(), vmid, "scsi0", size).await {
            out.push(format!("resize ended {:?}", wait_task(h, &upid).await));
        }
    }
    if let Ok(upid) = p.power(&pve1(), vmid, PowerOp::Start).await {
        out.push(format!("start ended {:?}", wait_task(h, &upid).await));
    }
    out.push(format!("agent {:?}", wait_agent(h, vmid, 300).await));
    out.push(format!("lan {}", h.lan_answers(ip("127.77.0.50"), 22).await));
    let full = {
        let mut r = clone_request("pve2", 9004, vmid.get() + 1, "replay-2");
        r.full = Some(true);
        r
    };
    if let Ok(upid) = p.clone_vm(&full).await {
        out.push(format!("full clone ended {:?}", wait_task(h, &upid).await));
    }
    let shutdown = PowerOp::Shutdown {
        timeout_secs: 60,
        force_stop: true,
    };
    if let Ok(upid) = p.power(&pve1(), vmid, shutdown).await {
        out.push(format!("shutdown ended {:?}", wait_task(h, &upid).await));
    }
    if let Ok(upid) = p.delete_vm(&pve1(), vmid).await {
        out.push(format!("delete ended {:?}", wait_task(h, &upid).await));
    }
    out.push(format!("status {:?}", p.vm_status(&pve1(), id(vmid.get())).await));
    out.push(format!("resources {:?}", p.cluster_resources(None).await));
    out
}

#[tokio::test]
async fn the_same_seed_and_script_replay_to_the_same_event_log() {
    for profile in [Profile::Bench, Profile::Realistic] {
        let first = SimHarness::with(Scenario::default_cluster(3), profile_copy(&profile), 7);
        let second = SimHarness::with(Scenario::default_cluster(3), profile_copy(&profile), 7);
        let answers_first = scripted_run(&first).await;
        let answers_second = scripted_run(&second).await;
        let log_first = first.cluster.event_log();
        let log_second = second.cluster.event_log();
        assert!(log_first.len() > 10, "the script leaves a trace: {log_first:#?}");
        assert_eq!(log_first, log_second, "event logs differ for the same seed");
        assert_eq!(answers_first, answers_second, "answers differ for the same seed");
    }
}

/// `Profile` is a plain enum; rebuild it so the test does not depend on it deriving `Clone`.
fn profile_copy(profile: &Profile) -> Profile {
    match profile {
        Profile::Instant => Profile::Instant,
        Profile::Bench => Profile::Bench,
        Profile::Realistic => Profile::Realistic,
        Profile::Demo => Profile::Demo,
    }
}
