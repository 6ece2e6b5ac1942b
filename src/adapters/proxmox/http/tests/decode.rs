//! Lenient decoding of every response shape: numbers as strings, 0/1 and "0"/"1" booleans,
//! missing and null optional fields.

use serde_json::json;

use crate::adapters::proxmox::http::decode::{Obj, as_bool, as_u64};
use crate::adapters::proxmox::http::shapes;
use crate::domain::vmid::VmId;
use crate::ports::proxmox::*;

fn vmid(n: u32) -> VmId {
    VmId::new(n).expect("vmid")
}

#[test]
fn primitives_accept_numbers_strings_and_booleans_in_every_spelling() {
    for (v, want) in [
        (json!(2048), Some(2048)),
        (json!("2048"), Some(2048)),
        (json!(" 66624765952 "), Some(66_624_765_952)),
        (json!(3.9), Some(3)),
        (json!("3600.000"), Some(3600)),
        (json!(-1), None),
        (json!("abc"), None),
        (json!(null), None),
    ] {
        assert_eq!(as_u64(&v), want, "{v}");
    }
    for (v, want) in [
        (json!(1), Some(true)),
        (json!(0), Some(false)),
        (json!("1"), Some(true)),
        (json!("0"), Some(false)),
        (json!(true), Some(true)),
        (json!(false), Some(false)),
        (json!("yes"), None),
    ] {
        assert_eq!(as_bool(&v), want, "{v}");
    }
}

#[test]
fn version_reads_version_release_and_repoid() {
    let v = shapes::version(&json!({"version": "8.4.1", "release": "8.4", "repoid": "2a5fa54a", "console": "xtermjs"}));
    assert_eq!(
        v.expect("version"),
        PveVersion {
            version: "8.4.1".into(),
            release: "8.4".into(),
            repoid: "2a5fa54a".into()
        }
    );
    assert!(matches!(shapes::version(&json!({})), Err(ProxmoxError::Unavailable(_))));
}

#[test]
fn nodes_read_online_rows_with_figures_and_offline_rows_without() {
    let data = json!([
        {"node": "pve", "status": "online", "cpu": 0.0061, "maxcpu": 16, "mem": "2666278912", "maxmem": 16718958592u64,
         "disk": 11240390656u64, "maxdisk": 23215472640u64, "uptime": 20391, "ssl_fingerprint": "5F:40", "type": "node"},
        {"node": "pve2", "status": "offline", "cpu": null, "id": "node/pve2"},
        {"node": "pve3", "status": "weird"}
    ]);
    let nodes = shapes::nodes(&data).expect("nodes");
    assert_eq!(nodes[0].name.as_str(), "pve");
    assert_eq!(nodes[0].state, NodeState::Online);
    assert_eq!((nodes[0].maxcpu, nodes[0].mem), (Some(16), Some(2_666_278_912)));
    assert_eq!(nodes[0].maxmem, Some(16_718_958_592));
    assert_eq!(nodes[0].uptime, Some(20391));
    assert_eq!(nodes[1].state, NodeState::Offline);
    assert_eq!((nodes[1].cpu, nodes[1].maxmem, nodes[1].uptime), (None, None, None));
    assert_eq!(nodes[2].state, NodeState::Unknown);
    assert!(
        shapes::nodes(&json!([{"status": "online"}])).is_err(),
        "a row needs its node name"
    );
}

#[test]
fn node_status_reads_string_load_averages_and_nested_cpu_and_memory() {
    let data = json!({
        "uptime": "3600", "cpu": 0.25, "loadavg": ["0.12", "0.10", 0.05], "kversion": "Linux 6.8.12-4-pve",
        "cpuinfo": {"model": "AMD EPYC", "cpus": "16", "mhz": "3600.000", "sockets": 1},
        "memory": {"total": 68719476736u64, "used": "17179869184", "free": 1},
        "pveversion": "pve-manager/8.4.1/2a5fa54a"
    });
    let s = shapes::node_status(&data).expect("status");
    assert_eq!(s.loadavg, [0.12, 0.10, 0.05]);
    assert_eq!((s.uptime, s.cpus, s.cpu_model.as_str()), (3600, 16, "AMD EPYC"));
    assert_eq!((s.memory_total, s.memory_used), (68_719_476_736, 17_179_869_184));
    assert_eq!(s.pve_version, "pve-manager/8.4.1/2a5fa54a");
    assert_eq!(s.kernel, "Linux 6.8.12-4-pve");
    let bare = shapes::node_status(&json!({})).expect("missing fields read as zero");
    assert_eq!((bare.cpus, bare.memory_total, bare.loadavg), (0, 0, [0.0; 3]));
}

#[test]
fn cluster_resources_tell_rows_apart_by_type_and_skip_unknown_ones() {
    let data = json!([
        {"id": "qemu/100", "type": "qemu", "vmid": "100", "node": "pve1", "status": "running", "name": "web",
         "template": 0, "maxcpu": "2", "cpu": "0.5", "maxmem": 2147483648u64, "mem": 1, "maxdisk": 3, "uptime": 9,
         "tags": "a;b", "lock": "backup"},
        {"id": "qemu/101", "type": "qemu", "vmid": 101, "node": "pve1", "status": "unknown", "template": "1"},
        {"id": "lxc/102", "type": "lxc", "vmid": 102, "node": "pve2", "status": "stopped", "name": ""},
        {"id": "node/pve1", "type": "node", "node": "pve1", "status": "online", "maxcpu": 8},
        {"id": "storage/pve1/local-lvm", "type": "storage", "storage": "local-lvm", "node": "pve1",
         "plugintype": "lvmthin", "shared": 0, "content": "images,rootdir", "maxdisk": "100", "disk": 40, "status": "available"},
        {"id": "storage/pve2/ceph", "type": "storage", "storage": "ceph", "node": "pve2", "shared": "1", "status": "unknown"},
        {"id": "sdn/pve1/localnetwork", "type": "sdn", "node": "pve1"},
        {"id": "pool/x", "type": "pool"}
    ]);
    let rows = shapes::cluster_resources(&data).expect("resources");
    assert_eq!(rows.len(), 6);
    let ClusterResource::Guest(web) = &rows[0] else {
        panic!("{:?}", rows[0])
    };
    assert_eq!(
        (web.vmid, web.kind, web.status),
        (vmid(100), GuestKind::Qemu, PowerStatus::Running)
    );
    assert_eq!((web.name.as_deref(), web.template, web.maxcpu), (Some("web"), false, 2));
    assert_eq!((web.cpu, web.maxmem), (0.5, 2_147_483_648));
    assert_eq!(web.tags, vec!["a".to_owned(), "b".to_owned()]);
    assert_eq!(web.lock.as_deref(), Some("backup"));
    let ClusterResource::Guest(fresh) = &rows[1] else {
        panic!("{:?}", rows[1])
    };
    assert_eq!(
        (fresh.status, fresh.name.as_deref(), fresh.template),
        (PowerStatus::Unknown, None, true)
    );
    assert!(fresh.tags.is_empty() && fresh.lock.is_none());
    let ClusterResource::Guest(ct) = &rows[2] else {
        panic!("{:?}", rows[2])
    };
    assert_eq!((ct.kind, ct.name.as_deref()), (GuestKind::Lxc, None));
    let ClusterResource::Node(n) = &rows[3] else {
        panic!("{:?}", rows[3])
    };
    assert_eq!(
        (n.name.as_str(), n.state, n.maxcpu),
        ("pve1", NodeState::Online, Some(8))
    );
    let ClusterResource::Storage(s) = &rows[4] else {
        panic!("{:?}", rows[4])
    };
    assert_eq!(
        (s.storage.as_str(), s.node.as_str(), s.plugin.as_str()),
        ("local-lvm", "pve1", "lvmthin")
    );
    assert_eq!((s.shared, s.total, s.used, s.available), (false, 100, 40, true));
    assert_eq!(s.content, vec!["images".to_owned(), "rootdir".to_owned()]);
    let ClusterResource::Storage(ceph) = &rows[5] else {
        panic!("{:?}", rows[5])
    };
    assert_eq!((ceph.shared, ceph.available, ceph.total), (true, false, 0));
}

#[test]
fn next_vmid_reads_a_string_or_a_number() {
    assert_eq!(shapes::vmid(&json!("105")).expect("string"), vmid(105));
    assert_eq!(shapes::vmid(&json!(106)).expect("number"), vmid(106));
    for bad in [json!("99"), json!(null), json!("abc")] {
        assert!(matches!(shapes::vmid(&bad), Err(ProxmoxError::Unavailable(_))), "{bad}");
    }
}

#[test]
fn vm_lists_read_template_only_when_present_and_default_the_name() {
    let data = json!([
        {"vmid": 9000, "status": "stopped", "name": "ubuntu", "cpus": 2, "maxmem": "4328521728", "maxdisk": 34359738368u64,
         "mem": 0, "cpu": 0, "uptime": 0, "template": 1, "serial": 1},
        {"vmid": "101", "status": "running", "cpus": "4", "lock": "clone", "tags": "nimbus;web"}
    ]);
    let vms = shapes::vm_statuses(&data).expect("vms");
    assert_eq!(
        (vms[0].vmid, vms[0].template, vms[0].maxmem),
        (vmid(9000), true, 4_328_521_728)
    );
    assert_eq!((vms[0].status, vms[0].agent), (PowerStatus::Stopped, false));
    assert_eq!(
        (vms[1].name.as_str(), vms[1].template, vms[1].cpus),
        ("VM 101", false, 4)
    );
    assert_eq!(
        (vms[1].status, vms[1].lock.as_deref()),
        (PowerStatus::Running, Some("clone"))
    );
    assert_eq!(vms[1].tags, vec!["nimbus".to_owned(), "web".to_owned()]);
}

#[test]
fn vm_status_reads_the_agent_flag_and_fills_in_the_asked_vmid() {
    let with_agent = json!({"vmid": 100, "status": "running", "name": "a", "agent": 1, "qmpstatus": "running", "ha": {"managed": 0}});
    assert!(shapes::vm_status_of(&with_agent, vmid(100)).expect("status").agent);
    let as_string = json!({"status": "stopped", "name": "b", "agent": "1"});
    let s = shapes::vm_status_of(&as_string, vmid(123)).expect("status");
    assert_eq!((s.vmid, s.agent, s.status), (vmid(123), true, PowerStatus::Stopped));
    let without = json!({"vmid": 100, "status": "paused"});
    let s = shapes::vm_status_of(&without, vmid(100)).expect("status");
    assert_eq!((s.agent, s.status), (false, PowerStatus::Paused));
}

#[test]
fn vm_config_keeps_every_key_as_text_and_the_digest_apart() {
    let data = json!({"cores": 2, "memory": "2048", "template": 1, "net0": "virtio=BC:24:11:11:75:0E,bridge=vmbr0",
                      "sshkeys": "ssh-ed25519%20AAAA", "balloon": 0.5, "onboot": true, "skip": null,
                      "digest": "6f5b1c0d"});
    let c = shapes::vm_config(&data).expect("config");
    assert_eq!(c.digest, "6f5b1c0d");
    assert_eq!(c.get("cores"), Some("2"));
    assert_eq!(c.get("memory"), Some("2048"));
    assert_eq!(c.get("template"), Some("1"));
    assert_eq!(c.get("sshkeys"), Some("ssh-ed25519%20AAAA"));
    assert_eq!(c.get("balloon"), Some("0.5"));
    assert_eq!(c.get("onboot"), Some("1"));
    assert_eq!((c.get("digest"), c.get("skip")), (None, None));
    assert_eq!(c.entries.len(), 7);
}

#[test]
fn upids_are_parsed_and_a_malformed_one_is_named_in_the_error() {
    let raw = "UPID:pve2:00061CB3:010BA69C:64EFECB0:qmclone:9000:nimbus@pve!api:";
    let upid = shapes::task_upid(&json!(raw)).expect("upid");
    assert_eq!((upid.node().as_str(), upid.kind()), ("pve2", "qmclone"));
    let bad = "UPID:pve-node1:12345:65000000:qmstart:root@pam:";
    match shapes::task_upid(&json!(bad)) {
        Err(ProxmoxError::Unavailable(text)) => assert!(text.contains(bad), "{text}"),
        other => panic!("{other:?}"),
    }
    assert!(matches!(
        shapes::task_upid(&json!(null)),
        Err(ProxmoxError::Unavailable(_))
    ));
}

#[test]
fn agent_interfaces_read_addresses_with_prefixes_as_numbers_or_strings() {
    let data = json!({"result": [
        {"name": "lo", "hardware-address": "00:00:00:00:00:00", "ip-addresses": [
            {"ip-address": "127.0.0.1", "ip-address-type": "ipv4", "prefix": 8},
            {"ip-address": "::1", "ip-address-type": "ipv6", "prefix": "128"}]},
        {"name": "ens18", "hardware-address": "bc:24:11:11:75:0e", "statistics": {"rx-bytes": 1}, "ip-addresses": [
            {"ip-address": "192.168.200.139", "ip-address-type": "ipv4"},
            {"ip-address": "not-an-ip", "prefix": 24}]},
        {"name": "eth1"}
    ]});
    let ifaces = shapes::agent_interfaces(&data).expect("interfaces");
    assert_eq!(ifaces.len(), 3);
    assert_eq!(
        ifaces[0].addresses,
        vec![("127.0.0.1".parse().unwrap(), 8), ("::1".parse().unwrap(), 128)]
    );
    assert_eq!(ifaces[1].mac.as_deref(), Some("bc:24:11:11:75:0e"));
    assert_eq!(ifaces[1].addresses, vec![("192.168.200.139".parse().unwrap(), 32)]);
    assert_eq!((ifaces[2].mac.clone(), ifaces[2].addresses.len()), (None, 0));
}

#[test]
fn agent_exec_reads_the_pid_and_exec_status_its_outcome() {
    assert_eq!(shapes::exec_pid(&json!({"pid": "1234"})).expect("pid"), 1234);
    assert!(shapes::exec_pid(&json!({})).is_err());
    let running = shapes::exec_status(&json!({"exited": 0})).expect("running");
    assert_eq!(
        running,
        ExecStatus {
            exited: false,
            exit_code: None,
            out: None,
            err: None
        }
    );
    let done = shapes::exec_status(&json!({"exited": "1", "exitcode": "2", "out-data": "hi\n", "err-data": null}));
    let want = ExecStatus {
        exited: true,
        exit_code: Some(2),
        out: Some("hi\n".into()),
        err: None,
    };
    assert_eq!(done.expect("done"), want);
}

#[test]
fn storages_read_flags_and_sizes_and_status_falls_back_to_the_asked_name() {
    let data = json!([{"storage": "local", "type": "dir", "content": "vztmpl,iso,import,backup", "shared": 0,
                       "active": "1", "enabled": 1, "total": "23215472640", "used": 11240329216u64,
                       "avail": 11975143424u64, "used_fraction": 0.48}]);
    let s = &shapes::storages(&data).expect("storages")[0];
    assert_eq!(
        (s.storage.as_str(), s.plugin.as_str(), s.shared, s.active),
        ("local", "dir", false, true)
    );
    assert_eq!(
        (s.total, s.used, s.avail),
        (23_215_472_640, 11_240_329_216, 11_975_143_424)
    );
    assert_eq!(s.content.len(), 4);
    let one = json!({"type": "lvmthin", "content": "images,rootdir", "active": 1, "shared": "0", "total": 10});
    let s = shapes::storage_status(Obj::new(&one, "t").expect("obj"), Some("local-lvm")).expect("status");
    assert_eq!((s.storage.as_str(), s.total, s.avail), ("local-lvm", 10, 0));
    assert!(
        shapes::storages(&json!([{"type": "dir"}])).is_err(),
        "a listed storage needs its name"
    );
}

#[test]
fn storage_content_reads_sizes_and_an_optional_vmid() {
    let data = json!([
        {"volid": "local:iso/noble.img", "format": "raw", "size": "629145600", "content": "iso", "ctime": 1},
        {"volid": "local-lvm:vm-100-disk-0", "format": "raw", "size": 34359738368u64, "content": "images", "vmid": "100"},
        {"volid": "local:import/x.qcow2", "format": "qcow2", "size": 1, "content": "import", "vmid": 0}
    ]);
    let items = shapes::storage_items(&data).expect("items");
    assert_eq!((items[0].size, items[0].vmid), (629_145_600, None));
    assert_eq!((items[1].size, items[1].vmid), (34_359_738_368, Some(vmid(100))));
    assert_eq!(items[2].vmid, None);
}

#[test]
fn task_status_reads_running_and_stopped_with_their_exit_status() {
    let raw = "UPID:pve1:0000001F:100000000:65000000:qmclone:9000:root@pam:";
    let asked = crate::domain::upid::Upid::parse(raw).expect("upid");
    let state = |data: serde_json::Value| shapes::task_status(&data, &asked).expect("status").state;
    assert_eq!(
        state(json!({"upid": raw, "status": "running", "pid": "31"})),
        TaskState::Running
    );
    assert_eq!(
        state(json!({"status": "stopped", "exitstatus": "OK"})),
        TaskState::Stopped(ExitStatus::Ok)
    );
    assert_eq!(
        state(json!({"status": "stopped", "exitstatus": "WARNINGS: 2"})),
        TaskState::Stopped(ExitStatus::Warnings(2))
    );
    assert_eq!(
        state(json!({"status": "stopped", "exitstatus": "clone failed: no space"})),
        TaskState::Stopped(ExitStatus::Error("clone failed: no space".into()))
    );
    assert_eq!(
        state(json!({"status": "stopped"})),
        TaskState::Stopped(ExitStatus::Error("unexpected status".into()))
    );
    assert!(shapes::task_status(&json!({"upid": "UPID:bad", "status": "running"}), &asked).is_err());
    assert!(shapes::task_status(&json!({}), &asked).is_err());
}

#[test]
fn task_logs_read_numbered_lines_and_the_total() {
    let data = json!([{"n": 1, "t": "create full clone"}, {"n": "2", "t": "TASK OK"}]);
    let log = shapes::task_log(&data, Some(40)).expect("log");
    assert_eq!(log.total, 40);
    assert_eq!(
        log.lines,
        vec![(1, "create full clone".to_owned()), (2, "TASK OK".to_owned())]
    );
    assert_eq!(shapes::task_log(&data, None).expect("log").total, 2);
}
