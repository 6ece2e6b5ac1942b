//! Whole calls against the test server on 127.0.0.1: where parameters go, which methods and
//! paths each endpoint uses, error answers with custom reason phrases, read retries, timeouts
//! and waiting for tasks.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use serde_json::json;

use super::server::{Answer, TestServer};
use crate::adapters::proxmox::http::{HttpProxmox, TlsTrust};
use crate::domain::cluster::NodeName;
use crate::domain::upid::Upid;
use crate::domain::vmid::VmId;
use crate::ports::proxmox::*;

const UPID: &str = "UPID:pve2:0000001F:100000000:65000000:qmclone:9000:nimbus@pve!api:";

fn pve(name: &str) -> NodeName {
    NodeName::parse(name).expect("node")
}

fn vmid(n: u32) -> VmId {
    VmId::new(n).expect("vmid")
}

async fn upid_server() -> TestServer {
    TestServer::start(|_| Answer::data(json!(UPID))).await
}

#[tokio::test]
async fn reads_send_parameters_in_the_query_and_no_body() {
    let server = TestServer::start(|_| Answer::data(json!([]))).await;
    let p = server.client();
    p.cluster_resources(Some(ResourceKind::Vm)).await.expect("resources");
    p.storage_content(&pve("pve1"), "local", Some("iso".into()))
        .await
        .expect("content");
    let seen = server.requests();
    assert_eq!(seen[0].target, "/api2/json/cluster/resources?type=vm");
    assert_eq!(
        seen[1].target,
        "/api2/json/nodes/pve1/storage/local/content?content=iso"
    );
    for r in &seen {
        assert_eq!((r.method.as_str(), r.body.as_str()), ("GET", ""));
        assert_eq!(r.header("content-type"), None);
    }
}

#[tokio::test]
async fn writes_send_a_form_body_with_a_content_length_never_chunked() {
    let server = TestServer::start(|_| Answer::data(json!({"pid": 77}))).await;
    let p = server.client();
    let command = vec!["sh".to_owned(), "-c".to_owned(), "echo a b".to_owned()];
    let pid = p
        .agent_exec(&pve("pve1"), vmid(100), &command, Some("x=1".into()))
        .await
        .expect("exec");
    assert_eq!(pid, 77);
    let r = &server.requests()[0];
    assert_eq!(
        (r.method.as_str(), r.target.as_str()),
        ("POST", "/api2/json/nodes/pve1/qemu/100/agent/exec")
    );
    assert_eq!(r.body, "command=sh&command=-c&command=echo+a+b&input-data=x%3D1");
    assert_eq!(
        r.header("content-type").as_deref(),
        Some("application/x-www-form-urlencoded")
    );
    assert_eq!(r.header("content-length"), Some(r.body.len().to_string()));
    assert_eq!(r.header("transfer-encoding"), None);
}

#[tokio::test]
async fn a_write_without_parameters_still_sends_a_length() {
    let server = upid_server().await;
    let upid = server
        .client()
        .power(&pve("pve1"), vmid(100), PowerOp::Start)
        .await
        .expect("start");
    assert_eq!(upid.as_str(), UPID);
    let r = &server.requests()[0];
    assert_eq!(r.target, "/api2/json/nodes/pve1/qemu/100/status/start");
    assert_eq!(
        (r.body.as_str(), r.header("content-length").as_deref()),
        ("", Some("0"))
    );
    assert_eq!(r.header("transfer-encoding"), None);
}

#[tokio::test]
async fn each_endpoint_uses_its_method_path_and_parameters() {
    let server = upid_server().await;
    let p = server.client();
    let (n, id) = (pve("pve1"), vmid(100));
    let change = ConfigChange {
        set: vec![(
            "sshkeys".into(),
            crate::adapters::proxmox::http::encode_sshkeys(&["ssh-ed25519 AAAA x@y"]),
        )],
        delete: vec!["ide2".into()],
        digest: None,
    };
    p.update_config(&n, id, &change).await.expect("POST config");
    let clone = CloneRequest {
        node: n.clone(),
        vmid: vmid(9000),
        newid: vmid(123),
        name: Some("web-1".into()),
        description: None,
        full: Some(false),
        target: Some(pve("pve2")),
        storage: None,
    };
    p.clone_vm(&clone).await.expect("clone");
    p.resize_disk(&n, id, "scsi0", DiskSize::Grow(1024))
        .await
        .expect("resize");
    let shutdown = PowerOp::Shutdown {
        timeout_secs: 60,
        force_stop: true,
    };
    p.power(&n, id, shutdown).await.expect("shutdown");
    p.delete_vm(&n, id).await.expect("delete");
    p.convert_to_template(&n, id).await.expect("template");
    p.create_vm(
        &n,
        id,
        &[("scsi0".into(), "local-lvm:0,import-from=local:import/n.qcow2".into())],
    )
    .await
    .expect("create");
    let download = DownloadRequest {
        url: "https://example.invalid/n.qcow2".into(),
        content: "import".into(),
        filename: "n.qcow2".into(),
        checksum: Some(Checksum {
            algorithm: ChecksumAlgorithm::Sha256,
            value: "ab12".into(),
        }),
    };
    p.download_url(&n, "local", &download).await.expect("download");
    p.delete_volume(&n, "local", "local:iso/seed.iso")
        .await
        .expect("delete volume");
    let seen: Vec<(String, String, String)> = server
        .requests()
        .into_iter()
        .map(|r| (r.method, r.target, r.body))
        .collect();
    let vm = "/api2/json/nodes/pve1/qemu/100";
    let want = [
        (
            "POST",
            format!("{vm}/config"),
            "sshkeys=ssh-ed25519%2520AAAA%2520x%2540y&delete=ide2",
        ),
        (
            "POST",
            "/api2/json/nodes/pve1/qemu/9000/clone".into(),
            "newid=123&name=web-1&full=0&target=pve2",
        ),
        ("PUT", format!("{vm}/resize"), "disk=scsi0&size=%2B1024"),
        ("POST", format!("{vm}/status/shutdown"), "timeout=60&forceStop=1"),
        ("DELETE", format!("{vm}?purge=1&destroy-unreferenced-disks=1"), ""),
        ("POST", format!("{vm}/template"), ""),
        (
            "POST",
            "/api2/json/nodes/pve1/qemu".into(),
            "vmid=100&scsi0=local-lvm%3A0%2Cimport-from%3Dlocal%3Aimport%2Fn.qcow2",
        ),
        (
            "POST",
            "/api2/json/nodes/pve1/storage/local/download-url".into(),
            "url=https%3A%2F%2Fexample.invalid%2Fn.qcow2&content=import&filename=n.qcow2&checksum=ab12&checksum-algorithm=sha256",
        ),
        (
            "DELETE",
            "/api2/json/nodes/pve1/storage/local/content/local:iso%2Fseed.iso".into(),
            "",
        ),
    ];
    assert_eq!(seen.len(), want.len());
    for (got, (method, target, body)) in seen.iter().zip(want) {
        assert_eq!(
            (got.0.as_str(), got.1.as_str(), got.2.as_str()),
            (method, target.as_str(), body)
        );
    }
}

#[tokio::test]
async fn task_calls_go_to_the_node_of_the_upid_with_the_upid_encoded() {
    let server = TestServer::start(|r| {
        if r.target.contains("/log") {
            Answer::status(200, None, r#"{"data":[{"n":3,"t":"TASK OK"}],"total":3}"#)
        } else {
            Answer::data(json!({"upid": UPID, "status": "stopped", "exitstatus": "OK"}))
        }
    })
    .await;
    let p = server.client();
    let upid = Upid::parse(UPID).expect("upid");
    let status = p.task_status(&upid).await.expect("status");
    assert_eq!(status.state, TaskState::Stopped(ExitStatus::Ok));
    let log = p.task_log(&upid, 2, 0).await.expect("log");
    assert_eq!((log.total, log.lines.len()), (3, 1));
    let seen = server.requests();
    let task = "/api2/json/nodes/pve2/tasks/UPID:pve2:0000001F:100000000:65000000:qmclone:9000:nimbus%40pve%21api:";
    assert_eq!(seen[0].target, format!("{task}/status"));
    assert_eq!(seen[1].target, format!("{task}/log?start=2&limit=0"));
}

#[tokio::test]
async fn error_answers_are_classified_from_reason_phrase_and_body() {
    let server = TestServer::start(|r| {
        if r.target.contains("/nodes/pve2/") {
            Answer::status(595, Some("No route to host"), "")
        } else if r.target.contains("/config") {
            Answer::status(500, Some("VM is locked (clone)"), r#"{"data":null}"#)
        } else if r.target.contains("/agent/") {
            let body = json!({"data": null, "message": "QEMU guest agent is not running\n"}).to_string();
            Answer::status(500, Some("QEMU guest agent is not running"), &body)
        } else {
            Answer::status(401, Some("Authentication failed!"), "")
        }
    })
    .await;
    let p = server.client();
    let e = p.vm_status(&pve("pve2"), vmid(100)).await.expect_err("offline");
    let want = ProxmoxError::NodeOffline {
        node: pve("pve2"),
        status: 595,
        reason: "No route to host".into(),
    };
    assert_eq!(e, want);
    let e = p.vm_config(&pve("pve1"), vmid(100)).await.expect_err("locked");
    assert_eq!(e, ProxmoxError::Locked { lock: "clone".into() });
    let e = p.agent_interfaces(&pve("pve1"), vmid(100)).await.expect_err("agent");
    assert_eq!(
        e,
        ProxmoxError::AgentUnavailable("QEMU guest agent is not running".into())
    );
    assert_eq!(p.version().await.expect_err("token"), ProxmoxError::Unauthorized);
}

/// A server that fails the first `failures` requests with `status`, then answers `[]`.
async fn flaky(failures: usize, status: u16) -> (TestServer, Arc<AtomicUsize>) {
    let count = Arc::new(AtomicUsize::new(0));
    let seen = count.clone();
    let server = TestServer::start(move |_| {
        if seen.fetch_add(1, Ordering::SeqCst) < failures {
            Answer::status(status, None, "")
        } else {
            Answer::data(json!([]))
        }
    })
    .await;
    (server, count)
}

#[tokio::test]
async fn reads_are_retried_after_gateway_errors_up_to_the_limit() {
    let (server, count) = flaky(2, 503).await;
    assert_eq!(server.client().nodes().await.expect("third try"), vec![]);
    assert_eq!(count.load(Ordering::SeqCst), 3);
    let (server, count) = flaky(3, 502).await;
    let e = server.client().nodes().await.expect_err("retries exhausted");
    assert_eq!(e, ProxmoxError::Unavailable("Bad Gateway".into()));
    assert_eq!(count.load(Ordering::SeqCst), 3);
}

#[tokio::test]
async fn writes_and_proxmox_answers_are_never_retried() {
    let (server, count) = flaky(1, 503).await;
    let e = server
        .client()
        .convert_to_template(&pve("pve1"), vmid(100))
        .await
        .expect_err("POST");
    assert!(matches!(e, ProxmoxError::Unavailable(_)), "{e:?}");
    assert_eq!(count.load(Ordering::SeqCst), 1);
    let (server, count) = flaky(1, 500).await;
    let e = server.client().nodes().await.expect_err("a 500 is final");
    assert!(matches!(e, ProxmoxError::Refused(_)), "{e:?}");
    assert_eq!(count.load(Ordering::SeqCst), 1);
    let (server, count) = flaky(1, 503).await;
    let mut options = server.options(TlsTrust::AcceptAny);
    options.read_retries = 0;
    let p = HttpProxmox::new(options).expect("client");
    assert!(p.nodes().await.is_err());
    assert_eq!(count.load(Ordering::SeqCst), 1);
}

#[tokio::test]
async fn a_refused_connection_is_unavailable() {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    let url: url::Url = format!("https://{}", listener.local_addr().expect("addr"))
        .parse()
        .expect("url");
    drop(listener);
    let p = HttpProxmox::new(crate::adapters::proxmox::http::HttpProxmoxOptions::new(
        url, "a@pam!t", "s",
    ))
    .expect("client");
    let e = p.version().await.expect_err("nobody listens");
    assert!(matches!(e, ProxmoxError::Unavailable(_)), "{e:?}");
}

#[tokio::test]
async fn a_call_that_gets_no_answer_times_out_as_unavailable() {
    let server = TestServer::start(|_| Answer::hang()).await;
    let mut options = server.options(TlsTrust::AcceptAny);
    options.call_timeout = Duration::from_millis(300);
    let p = HttpProxmox::new(options).expect("client");
    match p.version().await {
        Err(ProxmoxError::Unavailable(text)) => assert!(text.contains("timed out"), "{text}"),
        other => panic!("{other:?}"),
    }
    assert_eq!(server.requests().len(), 1, "the deadline covers retries too");
}

#[tokio::test]
async fn wait_task_polls_until_the_task_stops() {
    let polls = Arc::new(AtomicUsize::new(0));
    let seen = polls.clone();
    let server = TestServer::start(move |_| match seen.fetch_add(1, Ordering::SeqCst) {
        0 => Answer::status(
            400,
            Some("Parameter verification failed."),
            r#"{"data":null,"errors":{"upid":"no such task\n"}}"#,
        ),
        1 | 2 => Answer::data(json!({"status": "running"})),
        _ => Answer::data(json!({"status": "stopped", "exitstatus": "WARNINGS: 2"})),
    })
    .await;
    let upid = Upid::parse(UPID).expect("upid");
    let exit = server.client().wait_task(&upid, Duration::from_secs(10)).await;
    assert_eq!(exit.expect("stopped"), ExitStatus::Warnings(2));
    assert_eq!(polls.load(Ordering::SeqCst), 4);
}

#[tokio::test]
async fn wait_task_gives_up_when_the_timeout_passes() {
    let server = TestServer::start(|_| Answer::data(json!({"status": "running"}))).await;
    let upid = Upid::parse(UPID).expect("upid");
    match server.client().wait_task(&upid, Duration::from_millis(200)).await {
        Err(ProxmoxError::Unavailable(text)) => assert!(text.contains("still running"), "{text}"),
        other => panic!("{other:?}"),
    }
    assert!(server.requests().len() >= 2);
}

#[test]
fn poll_delays_grow_by_half_from_100_ms_to_a_2_s_cap() {
    let ms: Vec<u128> = crate::adapters::proxmox::http::poll_delays()
        .take(12)
        .map(|d| d.as_micros())
        .collect();
    assert_eq!(
        ms,
        vec![
            100_000, 150_000, 225_000, 337_500, 506_250, 759_375, 1_139_062, 1_708_593, 2_000_000, 2_000_000,
            2_000_000, 2_000_000
        ]
    );
}
