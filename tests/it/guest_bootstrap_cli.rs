//! Gopher's bootstrap across processes: `nimbus sim-proxmox --gopher URL` guests fetch the
//! bootstrap script from a separate `nimbus sim-gopher`, so a machine created over Gopher's API
//! connects only when Nimbus's command really runs in a VM, through the Proxmox API's agent.

use std::process::{Child, Command};
use std::time::{Duration, Instant};

use nimbus::adapters::gopher::http::{HttpGopher, HttpGopherOptions};
use nimbus::adapters::proxmox::http::{HttpProxmox, HttpProxmoxOptions, TlsTrust};
use nimbus::app::guest_setup::bootstrap_command::gopher_bootstrap;
use nimbus::domain::cluster::NodeName;
use nimbus::domain::vmid::VmId;
use nimbus::ports::proxmox::{CloneRequest, ExecStatus, PowerOp, Proxmox, TaskState};
use nimbus::ports::tunnel_gateway::{MachineStatus, TunnelGateway};

use super::processes::{SimProcess, banner_value, spawn_with_banner};

/// A running `nimbus sim-gopher`: the process, its URL and its API key.
fn sim_gopher(dir: &std::path::Path) -> (Child, String, String) {
    let (child, banner) = spawn_with_banner(dir, &["sim-gopher", "--listen", "127.0.0.1:0"], "key: ");
    let (url, key) = (banner_value(&banner, "listening: "), banner_value(&banner, "key: "));
    (child, url, key)
}

/// Polls `check` until it gives a value, for at most 20 s.
async fn within<T, F: std::future::Future<Output = Option<T>>>(what: &str, mut check: impl FnMut() -> F) -> T {
    let deadline = Instant::now() + Duration::from_secs(20);
    loop {
        if let Some(value) = check().await {
            return value;
        }
        assert!(Instant::now() < deadline, "{what} within 20 s");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

/// Clones template 9000 on pve1 and starts it; its VMID once its agent answers.
async fn running_vm(px: &HttpProxmox, node: &NodeName) -> VmId {
    let newid = px.next_vmid(None).await.unwrap();
    let clone = CloneRequest {
        node: node.clone(),
        vmid: VmId::new(9000).unwrap(),
        newid,
        name: Some("web-1".into()),
        description: None,
        full: Some(false),
        target: None,
        storage: None,
    };
    let upid = px.clone_vm(&clone).await.unwrap();
    within("the clone ends", || async {
        (px.task_status(&upid).await.unwrap().state != TaskState::Running).then_some(())
    })
    .await;
    let start = px.power(node, newid, PowerOp::Start).await.unwrap();
    within("the start ends", || async {
        (px.task_status(&start).await.unwrap().state != TaskState::Running).then_some(())
    })
    .await;
    within("the clone's agent answers", || async {
        px.agent_interfaces(node, newid).await.ok()
    })
    .await;
    newid
}

async fn run(px: &HttpProxmox, node: &NodeName, vmid: VmId, command: &[String]) -> ExecStatus {
    let pid = px.agent_exec(node, vmid, command, None).await.unwrap();
    within("the command exits", || async {
        let status = px.agent_exec_status(node, vmid, pid).await.unwrap();
        status.exited.then_some(status)
    })
    .await
}

#[test]
fn a_machine_connects_when_its_bootstrap_runs_in_a_vm_of_sim_proxmox_with_gopher() {
    let dir = tempfile::tempdir().unwrap();
    let (mut gopher_child, gopher_url, key) = sim_gopher(dir.path());
    let sim = SimProcess::spawn(
        dir.path(),
        &["--profile", "instant", "--nodes", "1", "--gopher", &gopher_url],
    );
    let (id, secret) = sim.token.split_once('=').unwrap();
    let mut options = HttpProxmoxOptions::new(sim.url.parse().unwrap(), id, secret);
    options.tls = TlsTrust::Fingerprint(TlsTrust::parse_fingerprint(&sim.fingerprint).unwrap());
    let px = HttpProxmox::new(options).unwrap();
    let gateway = HttpGopher::new(HttpGopherOptions::new(gopher_url.parse().unwrap(), key)).unwrap();
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    runtime.block_on(async {
        let node = NodeName::parse("pve1").unwrap();
        let vmid = running_vm(&px, &node).await;
        let created = gateway.create_machine(false).await.unwrap();
        let other = gateway.create_machine(false).await.unwrap();
        let url = created.bootstrap_url.expose();

        // A URL off the gateway's origin is never fetched: curl cannot connect.
        let elsewhere = url.replace("127.0.0.1", "localhost");
        let refused = run(&px, &node, vmid, &gopher_bootstrap(&elsewhere, "web-1", "ubuntu")).await;
        assert_eq!(refused.exit_code, Some(7), "{refused:?}");
        assert_eq!(
            gateway.machine(&created.machine.id).await.unwrap().status,
            MachineStatus::Pending
        );

        let done = run(&px, &node, vmid, &gopher_bootstrap(url, "web-1", "ubuntu")).await;
        assert_eq!(done.exit_code, Some(0), "{done:?}");
        let out = done.out.unwrap_or_default();
        let port = out
            .lines()
            .find_map(|l| l.strip_prefix("Machine 'web-1' registered as 'ubuntu'. Tunnel port: "))
            .unwrap_or_else(|| panic!("no registered line in {out:?}"));
        assert!(port.parse::<u16>().is_ok(), "{port}");
        assert_eq!(
            gateway.machine(&created.machine.id).await.unwrap().status,
            MachineStatus::Connected
        );
        assert_eq!(
            gateway.machine(&other.machine.id).await.unwrap().status,
            MachineStatus::Pending
        );
    });
    sim.stop();
    let _ = gopher_child.kill();
    let _ = gopher_child.wait();
}

#[test]
fn sim_proxmox_refuses_a_gopher_url_off_loopback() {
    let dir = tempfile::tempdir().unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_nimbus"))
        .current_dir(dir.path())
        .args([
            "sim-proxmox",
            "--listen",
            "127.0.0.1:0",
            "--gopher",
            "http://10.1.2.3:8080",
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2), "{out:?}");
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("--gopher") && err.contains("127.0.0.0/8"), "{err}");
}
